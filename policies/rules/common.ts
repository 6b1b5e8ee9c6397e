/**
 * Shared pieces of the policies: resource type tokens, config with defaults,
 * and the message format every violation uses (what / why / fix).
 */
import type { PolicyConfigSchema, PolicyProviderResource } from "@pulumi/policy";

type PolicyConfigJSONSchema = PolicyConfigSchema["properties"][string];

export const T = {
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  eksCluster: "aws:eks/cluster:Cluster",
  ec2Instance: "aws:ec2/instance:Instance",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  rds: "aws:rds/instance:Instance",
  bucket: "aws:s3/bucket:Bucket",
  bucketAcl: "aws:s3/bucketAcl:BucketAcl",
  bucketAclV2: "aws:s3/bucketAclV2:BucketAclV2",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  ecrRepository: "aws:ecr/repository:Repository",
  ecrLifecycle: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  iamPolicy: "aws:iam/policy:Policy",
  iamRolePolicy: "aws:iam/rolePolicy:RolePolicy",
  iamUserPolicy: "aws:iam/userPolicy:UserPolicy",
  iamGroupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  iamRole: "aws:iam/role:Role",
  iamRolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  iamUserPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  iamGroupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  k8sService: "kubernetes:core/v1:Service",
} as const;

/** Every message says what is wrong, why it matters (with a dollar figure where there is one) and how to fix it. */
export function explain(what: string, why: string, fix: string): string {
  return `${what}\nWhy it matters: ${why}\nFix: ${fix}`;
}

export const money = (n: number) => `$${n.toLocaleString("en-US", { maximumFractionDigits: 0 })}`;

type Json = number | boolean | string | string[] | Record<string, string>;

/**
 * The JSON schema of a policy's config, built from its defaults so the two can
 * never disagree. The CLI fills missing config from these defaults; `withDefaults`
 * does the same in code, for callers that pass no config at all.
 */
export function configSchema(defaults: Record<string, Json>, descriptions: Record<string, string>): PolicyConfigSchema {
  const properties: Record<string, PolicyConfigJSONSchema> = {};
  for (const [key, value] of Object.entries(defaults)) {
    const description = descriptions[key];
    if (Array.isArray(value)) properties[key] = { type: "array", items: { type: "string" }, default: value, description };
    else if (typeof value === "object") properties[key] = { type: "object", additionalProperties: { type: "string" }, default: value, description };
    else if (typeof value === "number") properties[key] = { type: "number", minimum: 0, default: value, description };
    else properties[key] = { type: typeof value as "boolean" | "string", default: value, description };
  }
  return { properties };
}

export function withDefaults<C extends object>(defaults: C, getConfig: () => Partial<C>): C {
  return { ...defaults, ...getConfig() };
}

/** The AWS region a resource is deployed to: its own `region`, else its provider's, else the fallback. */
export function regionOf(props: Record<string, unknown>, provider: PolicyProviderResource | undefined, fallback: string): string {
  const own = props.region;
  if (typeof own === "string" && own) return own;
  const fromProvider = provider?.props?.region;
  return typeof fromProvider === "string" && fromProvider ? fromProvider : fallback;
}

export function tagsOf(props: Record<string, unknown>): Record<string, string> {
  const tags = props.tags;
  return tags && typeof tags === "object" ? (tags as Record<string, string>) : {};
}

/**
 * Whether production-only rules apply: the resource's `environment` tag is in
 * the list, the list has "*", or the tag is missing (unknown means strict).
 */
export function isProduction(props: Record<string, unknown>, productionEnvironments: string[]): boolean {
  if (productionEnvironments.includes("*")) return true;
  const env = tagsOf(props).environment;
  return env === undefined || productionEnvironments.includes(env);
}

export const asArray = <V>(v: V | V[] | undefined | null): V[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/** The statements of an IAM or bucket policy given as JSON text or an object; [] when it cannot be read. */
export function policyStatements(policy: unknown): Record<string, unknown>[] {
  let doc: { Statement?: unknown } | undefined;
  try {
    doc = typeof policy === "string" ? JSON.parse(policy) : (policy as { Statement?: unknown } | undefined);
  } catch {
    return [];
  }
  return asArray(doc?.Statement as Record<string, unknown> | Record<string, unknown>[] | undefined);
}
