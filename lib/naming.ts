/**
 * The naming scheme of every AWS resource the program declares, and the AWS
 * name-length limits those names must respect, as pure functions. Components
 * build their children's names with these functions, so the limit check below
 * computes exactly the names a deployment would send to AWS.
 *
 * The scheme: the program names each component `mlp-<environment>-<piece>`
 * (namePrefix + piece) and every child `<component>-<role>`. Where no explicit
 * physical name is set, Pulumi auto-names the resource: the logical name, a
 * "-" and 7 random hex characters (pulumi-terraform-bridge AutoName,
 * `resource.NewUniqueHex(name+"-", 7, …)`; checked 2026-11-23), so the AWS name
 * is 8 characters longer than the logical name.
 */

/** Characters Pulumi's auto-naming appends to a logical name: "-" + 7 random hex characters. */
export const AUTONAME_SUFFIX_LENGTH = 8;

/**
 * AWS name limits (characters) of the resources whose names grow with the
 * stack's environment and the user's pool/bucket names. Sources (checked 2026-11-23):
 * S3 bucket naming rules (3-63); EKS CreateNodegroup `nodegroupName` (1-63);
 * IAM quotas, role name (64); RDS DB instance identifier (1-63); EKS
 * CreateCluster `name` (1-100); EC2 launch template name (3-128); ECR
 * CreateRepository `repositoryName` (2-256).
 */
export const NAME_LIMITS = {
  s3Bucket: 63,
  eksNodeGroup: 63,
  iamRole: 64,
  rdsInstance: 63,
  eksCluster: 100,
  launchTemplate: 128,
  ecrRepository: 256,
} as const;
export type NamedKind = keyof typeof NAME_LIMITS;

/** Short project prefix of every name. */
export const NAME_PROJECT = "mlp";

/** "mlp-<environment>": the prefix of every component's name. */
export function namePrefix(environment: string): string {
  return `${NAME_PROJECT}-${environment}`;
}

/** The pieces index.ts declares, and the component name suffix each gets. */
export const COMPONENT_PIECES = {
  network: "network",
  artifacts: "artifacts",
  registry: "registry",
  database: "metadata",
  cluster: "cluster",
  monitoring: "monitoring",
  serving: "serving",
  tracking: "tracking",
  alerts: "alerts",
  healthChecks: "health-checks",
  backup: "backup",
  predictionMonitoring: "prediction-monitoring",
} as const;

/** A component's name: "mlp-prod-cluster". */
export function componentName(environment: string, piece: keyof typeof COMPONENT_PIECES): string {
  return `${namePrefix(environment)}-${COMPONENT_PIECES[piece]}`;
}

/** A child's logical name: "<component>-<role>". */
export function childName(component: string, role: string): string {
  return `${component}-${role}`;
}

// ------------------------------------------------- names components build

/** S3 bucket (auto-named): "<artifacts component>-<bucket>". */
export function bucketName(artifactsComponent: string, bucket: string): string {
  return childName(artifactsComponent, bucket);
}

/** The system pool's node group (auto-named). */
export function systemNodeGroupName(clusterComponent: string): string {
  return childName(clusterComponent, "system");
}

/** The GpuNodePool component of a pool: "<cluster>-gpu-<pool>". */
export function gpuPoolName(clusterComponent: string, pool: string): string {
  return childName(clusterComponent, `gpu-${pool}`);
}

/**
 * A GPU pool's node group in one AZ (auto-named): "<cluster>-gpu-<pool>-<zone index>".
 * The index is the AZ's position in the network's stable zone order, so it
 * never changes when more AZs are added.
 */
export function gpuNodeGroupName(clusterComponent: string, pool: string, zoneIndex: number): string {
  return `${gpuPoolName(clusterComponent, pool)}-${zoneIndex}`;
}

/**
 * The launch template of a node group: an explicit name, equal to the node
 * group's logical name, so the node group (and the cost model and policies)
 * can refer to it by a name known before deployment.
 */
export function launchTemplateName(nodeGroupLogicalName: string): string {
  return nodeGroupLogicalName;
}

/** The IAM role an IrsaRole component named `irsaName` creates (auto-named): "<irsaName>-role". */
export function irsaRoleName(irsaName: string): string {
  return childName(irsaName, "role");
}

/** The RDS instance (auto-named identifier): "<metadata component>-postgres". */
export function databaseInstanceName(metadataComponent: string): string {
  return childName(metadataComponent, "postgres");
}

/** An ECR repository (explicit name): "<registry component>/<repository>". */
export function ecrRepositoryName(registryComponent: string, repository: string): string {
  return `${registryComponent}/${repository}`;
}

/** The IrsaRole component of a served model: "<serving component>-<model>" (its role: irsaRoleName of that). */
export function modelRoleComponentName(servingComponent: string, model: string): string {
  return childName(servingComponent, model);
}

/** The EKS cluster's name: fixed (not auto-named) so its log group name is known in advance. */
export function eksClusterName(clusterComponent: string): string {
  return clusterComponent;
}

// -------------------------------------------------------- limit computation

/** What decides the physical names of one stack. */
export interface NamingInput {
  environment: string;
  /** Logical bucket names of the artifact store (omit when it is off). */
  buckets?: string[];
  /** Whether the metadata database is deployed. */
  database?: boolean;
  /** Whether VPC flow logs (and their IAM role) are deployed. */
  flowLogs?: boolean;
  /** Whether in-cluster monitoring (and its Alertmanager IRSA role) is deployed. */
  monitoring?: boolean;
  /** Repository names of the container registry (omit when it is off). */
  repositories?: string[];
  /** Model serving, when deployed: its models' names and whether the AWS Load Balancer Controller (and its role) is installed. */
  serving?: { models: string[]; loadBalancerController: boolean };
  /** Whether experiment tracking (and its artifact-access IRSA role) is deployed. */
  tracking?: boolean;
  /** External health checks, when deployed: whether the in-VPC canary (its role and artifact bucket) is. */
  healthChecks?: { canary: boolean };
  /** Whether AWS Backup (and its service role) is deployed. */
  backup?: boolean;
  /** Whether the prediction-monitoring job (and its IRSA role) is deployed. */
  predictionMonitoring?: boolean;
  /** The cluster, when deployed: its GPU pools and how many AZs each spans, and whether the autoscaler runs. */
  cluster?: {
    gpuPools: { name: string; zoneCount: number }[];
    autoscaler: boolean;
  };
}

/** One physical AWS name the stack would create, with its limit. */
export interface PhysicalName {
  kind: NamedKind;
  /** Logical (Pulumi) name of the resource. */
  logicalName: string;
  /** The name AWS sees; auto-named resources show the suffix as "-xxxxxxx". */
  physicalName: string;
  length: number;
  limit: number;
  /** The config keys (under `ml-platform:`) whose values make up the name. */
  drivenBy: string[];
}

const SUFFIX_PLACEHOLDER = "-xxxxxxx";

function named(kind: NamedKind, logicalName: string, autoNamed: boolean, drivenBy: string[], explicitName?: string): PhysicalName {
  const physicalName = explicitName ?? (autoNamed ? `${logicalName}${SUFFIX_PLACEHOLDER}` : logicalName);
  return { kind, logicalName, physicalName, length: physicalName.length, limit: NAME_LIMITS[kind], drivenBy };
}

/**
 * Every length-limited physical name the stack would create, computed from
 * the same functions the components use. Pure: config validation calls it
 * before any resource is declared.
 */
export function physicalNames(input: NamingInput): PhysicalName[] {
  const env = "environment";
  const names: PhysicalName[] = [];
  const artifacts = componentName(input.environment, "artifacts");
  (input.buckets ?? []).forEach((b, i) => names.push(named("s3Bucket", bucketName(artifacts, b), true, [env, `artifacts.buckets[${i}]`])));
  if (input.database) names.push(named("rdsInstance", databaseInstanceName(componentName(input.environment, "database")), true, [env]));
  if (input.flowLogs) names.push(named("iamRole", childName(componentName(input.environment, "network"), "flow-logs"), true, [env]));
  if (input.cluster) {
    const cluster = componentName(input.environment, "cluster");
    names.push(named("eksCluster", eksClusterName(cluster), false, [env]));
    for (const role of ["control-plane", "node"]) names.push(named("iamRole", childName(cluster, role), true, [env]));
    const irsa = ["vpc-cni", "ebs-csi", ...(input.cluster.autoscaler ? ["autoscaler"] : [])];
    for (const r of irsa) names.push(named("iamRole", irsaRoleName(childName(cluster, r)), true, [env]));
    const system = systemNodeGroupName(cluster);
    names.push(named("eksNodeGroup", system, true, [env]), named("launchTemplate", launchTemplateName(system), false, [env]));
    input.cluster.gpuPools.forEach((pool, p) => {
      for (let z = 0; z < pool.zoneCount; z++) {
        const ng = gpuNodeGroupName(cluster, pool.name, z);
        const keys = [env, `cluster.gpuNodeGroups[${p}].name`];
        names.push(named("eksNodeGroup", ng, true, keys), named("launchTemplate", launchTemplateName(ng), false, keys));
      }
    });
  }
  if (input.monitoring) names.push(named("iamRole", irsaRoleName(childName(componentName(input.environment, "monitoring"), "alertmanager")), true, [env]));
  const registry = componentName(input.environment, "registry");
  (input.repositories ?? []).forEach((r, i) => names.push(named("ecrRepository", childName(registry, r), false, [env, `registry.repositories[${i}]`], ecrRepositoryName(registry, r))));
  if (input.serving) {
    const serving = componentName(input.environment, "serving");
    input.serving.models.forEach((m, i) => names.push(named("iamRole", irsaRoleName(modelRoleComponentName(serving, m)), true, [env, `serving.models[${i}].name`])));
    if (input.serving.loadBalancerController) names.push(named("iamRole", irsaRoleName(childName(serving, "lbc")), true, [env]));
  }
  if (input.tracking) names.push(named("iamRole", irsaRoleName(childName(componentName(input.environment, "tracking"), "artifacts")), true, [env]));
  if (input.healthChecks?.canary) {
    const checks = componentName(input.environment, "healthChecks");
    names.push(named("iamRole", childName(checks, "canary"), true, [env]), named("s3Bucket", childName(checks, "artifacts"), true, [env]));
  }
  if (input.backup) names.push(named("iamRole", childName(componentName(input.environment, "backup"), "role"), true, [env]));
  if (input.predictionMonitoring) names.push(named("iamRole", irsaRoleName(childName(componentName(input.environment, "predictionMonitoring"), "irsa")), true, [env]));
  return names;
}

/** The names that exceed their AWS limit (empty when all fit). */
export function namesOverLimit(input: NamingInput): PhysicalName[] {
  return physicalNames(input).filter((n) => n.length > n.limit);
}

/** A one-line explanation of a name over its limit, for config errors. */
export function describeNameOverLimit(n: PhysicalName): string {
  const what: Record<NamedKind, string> = {
    s3Bucket: "S3 bucket names",
    eksNodeGroup: "EKS node group names",
    iamRole: "IAM role names",
    rdsInstance: "RDS instance identifiers",
    eksCluster: "EKS cluster names",
    launchTemplate: "launch template names",
    ecrRepository: "ECR repository names",
  };
  return `makes the name "${n.physicalName}" ${n.length} characters long; ${what[n.kind]} are at most ${n.limit}` +
    (n.physicalName.endsWith(SUFFIX_PLACEHOLDER) ? ` (including Pulumi's ${AUTONAME_SUFFIX_LENGTH}-character random suffix)` : "");
}
