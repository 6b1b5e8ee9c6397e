/**
 * Shared pieces of the policies: resource type tokens, config with defaults,
 * and the message format every violation uses (what / why / fix).
 */
import type { PolicyConfigSchema, PolicyProviderResource, PolicyResource } from "@pulumi/policy";
import { KNOWN_STAGES, Limits, LimitedPolicy, STAGE_LIMITS, StageConfig, limitsFor, statedStage } from "../stages";

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

function schemaOf(value: Json, description: string | undefined): PolicyConfigJSONSchema {
  if (Array.isArray(value)) return { type: "array", items: { type: "string" }, description };
  if (typeof value === "object") return { type: "object", additionalProperties: { type: "string" }, description };
  if (typeof value === "number") return { type: "number", minimum: 0, description };
  return { type: typeof value as "boolean" | "string", description };
}

/**
 * The JSON schema of a policy's config, built from its defaults so the two can
 * never disagree. The CLI fills missing config from these defaults; `withDefaults`
 * does the same in code, for callers that pass no config at all.
 */
export function configSchema(defaults: Record<string, Json>, descriptions: Record<string, string>): PolicyConfigSchema {
  const properties: Record<string, PolicyConfigJSONSchema> = {};
  for (const [key, value] of Object.entries(defaults)) properties[key] = { ...schemaOf(value, descriptions[key]), default: value };
  return { properties };
}

export function withDefaults<C extends object>(defaults: C, getConfig: () => Partial<C>): C {
  return { ...defaults, ...getConfig() };
}

/** The `stage` config key: the stage of resources that state none (policies/stages.ts). */
export const STAGE_SCHEMA: PolicyConfigJSONSchema = {
  type: "string",
  enum: KNOWN_STAGES,
  description:
    "Stage whose limits apply to resources that state none (no `stage` tag, no provider defaultTags, no ml-platform/stage label). Default: none; the stage-stated policy reports it",
};

/**
 * The config schema of a stage-limited policy: the types of its limits and
 * no defaults, so that what the CLI sends is only what the config file names
 * (policies/stages.ts explains why), plus an optional `region` override for
 * the policies that price.
 */
export function limitSchema<P extends LimitedPolicy>(
  policy: P,
  descriptions: { [K in keyof Limits[P]]: string },
  opts: { region?: boolean } = {},
): PolicyConfigSchema {
  const properties: Record<string, PolicyConfigJSONSchema> = {};
  const example = STAGE_LIMITS.mvp[policy] as Record<string, Json>;
  for (const [key, value] of Object.entries(example))
    properties[key] = schemaOf(value, `${(descriptions as Record<string, string>)[key]}. Default: the stage's built-in limit (policies/stages.ts)`);
  properties.stage = STAGE_SCHEMA;
  if (opts.region)
    properties.region = {
      type: "string",
      description: "Region whose prices apply when neither the resource nor its provider names one. Default: none (the resource is then unpriced)",
    };
  return { properties };
}

/** The limits a resource policy applies: its stage's (from its tag or label), with the config file on top. */
export function resourceLimits<P extends LimitedPolicy>(
  policy: P,
  args: { type: string; props: Record<string, unknown>; provider?: PolicyProviderResource; getConfig: <T extends object>() => T },
) {
  return limitsFor(policy, [statedStage(args.type, args.props, args.provider)], args.getConfig<Partial<Limits[P]> & StageConfig>());
}

/**
 * The limits a stack policy applies to these resources: the strictest stage
 * they state, else the strictest the rest of the stack states (`stack`), else
 * the config's stage; with the config file on top.
 */
export function stackLimits<P extends LimitedPolicy>(
  policy: P,
  resources: PolicyResource[],
  getConfig: <T extends object>() => T,
  stack: PolicyResource[] = [],
) {
  const statedBy = (rs: PolicyResource[]) => rs.map((r) => statedStage(r.type, r.props, r.provider)).filter((s) => s !== undefined);
  const own = statedBy(resources);
  const stated = own.some((s) => s !== "unknown") ? own : [...own, ...statedBy(stack)];
  return limitsFor(policy, stated, getConfig<Partial<Limits[P]> & StageConfig>());
}

/**
 * The AWS region a resource is deployed to: its own `region`, else its
 * provider's, else the policy config's `region`; undefined when none says
 * (the cost model then reports it unpriced rather than guessing a region).
 */
export function regionOf(props: Record<string, unknown>, provider: PolicyProviderResource | undefined, fallback: string): string;
export function regionOf(props: Record<string, unknown>, provider: PolicyProviderResource | undefined, configured?: unknown): string | undefined;
export function regionOf(props: Record<string, unknown>, provider: PolicyProviderResource | undefined, configured?: unknown): string | undefined {
  const own = props.region;
  if (typeof own === "string" && own) return own;
  const fromProvider = provider?.props?.region;
  if (typeof fromProvider === "string" && fromProvider) return fromProvider;
  return typeof configured === "string" && configured ? configured : undefined;
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
