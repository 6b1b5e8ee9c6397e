/**
 * The naming kernel: the scheme every AWS resource name follows, the AWS
 * name-length limits, and Pulumi's auto-name suffix. Each component builds
 * its children's names with these and exports the length-limited names it
 * creates (`<component>PhysicalNames`), from the same functions its
 * constructor uses, so config/naming-input.ts checks exactly the names a
 * deployment would send to AWS.
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
  // AWS Backup: vault, plan and selection names are 1-50 characters (AWS Backup API reference:
  // CreateBackupVault BackupVaultName, BackupPlanName, BackupSelection SelectionName; checked 2026-12-07).
  backupVault: 50,
  backupPlan: 50,
  backupSelection: 50,
} as const;
export type NamedKind = keyof typeof NAME_LIMITS;

/** Short project prefix of every name. */
export const NAME_PROJECT = "mlp";

/** "mlp-<environment>": the prefix of every component's name. */
export function namePrefix(environment: string): string {
  return `${NAME_PROJECT}-${environment}`;
}

/** A child's logical name: "<component>-<role>". */
export function childName(component: string, role: string): string {
  return `${component}-${role}`;
}

// -------------------------------------------------------- physical names

/** One physical AWS name the stack would create, with its limit. */
export interface PhysicalName {
  kind: NamedKind;
  /** Logical (Pulumi) name of the resource. */
  logicalName: string;
  /** The name AWS sees; auto-named resources show the suffix as "-xxxxxxx". */
  physicalName: string;
  length: number;
  limit: number;
  /**
   * What makes up the name: "(name)" for the component's name, or the path of
   * a setting ("gpuNodeGroups[0].name") in the settings the component was
   * asked about. (config/naming-input.ts turns them into stack keys.)
   */
  drivenBy: string[];
}

const SUFFIX_PLACEHOLDER = "-xxxxxxx";

/**
 * A length-limited name a component creates: `logicalName` as AWS sees it
 * (plus Pulumi's suffix when `autoNamed`; `explicitName` when the component
 * sets the physical name itself).
 */
export function physicalName(kind: NamedKind, logicalName: string, autoNamed: boolean, drivenBy: string[], explicitName?: string): PhysicalName {
  const name = explicitName ?? (autoNamed ? `${logicalName}${SUFFIX_PLACEHOLDER}` : logicalName);
  return { kind, logicalName, physicalName: name, length: name.length, limit: NAME_LIMITS[kind], drivenBy };
}

/** An IAM role Pulumi auto-names, whose name only the component's name makes up. */
export function autoNamedRole(logicalName: string): PhysicalName {
  return physicalName("iamRole", logicalName, true, ["(name)"]);
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
    backupVault: "AWS Backup vault names",
    backupPlan: "AWS Backup plan names",
    backupSelection: "AWS Backup selection names",
  };
  return (
    `makes the name "${n.physicalName}" ${n.length} characters long; ${what[n.kind]} are at most ${n.limit}` +
    (n.physicalName.endsWith(SUFFIX_PLACEHOLDER) ? ` (including Pulumi's ${AUTONAME_SUFFIX_LENGTH}-character random suffix)` : "")
  );
}
