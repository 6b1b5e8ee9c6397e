/**
 * Inputs the AWS provider cannot change in place (ForceNew in the provider's
 * schema): a change to one makes `pulumi up` replace the resource, deleting
 * the old one (after creating the new one, unless deleteBeforeReplace). The
 * diff says "replaced", not "changed", for these. Source: the Terraform AWS
 * provider's resource schemas that @pulumi/aws 7.x bridges
 * (internal/service/<service>/*.go, ForceNew: true), checked 2026-12-08.
 */
export const CREATE_ONLY_INPUTS: Record<string, string[]> = {
  "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix", "objectLockEnabled"],
  "aws:rds/instance:Instance": [
    "identifier",
    "identifierPrefix",
    "engine",
    "dbName",
    "username",
    "storageEncrypted",
    "kmsKeyId",
    "availabilityZone",
    "characterSetName",
  ],
  "aws:kms/key:Key": ["keyUsage", "customerMasterKeySpec", "multiRegion"],
  "aws:secretsmanager/secret:Secret": ["name", "namePrefix"],
  "aws:ec2/vpc:Vpc": ["cidrBlock"],
  "aws:ec2/subnet:Subnet": ["cidrBlock", "availabilityZone", "availabilityZoneId", "vpcId"],
  "aws:eks/cluster:Cluster": ["name", "roleArn", "encryptionConfig", "accessConfig.bootstrapClusterCreatorAdminPermissions"],
  // EKS UpdateNodegroupConfig changes sizes, labels, taints and the update config only: a managed
  // node group's instance types, subnets, capacity type, AMI type, disk and role are fixed at creation.
  "aws:eks/nodeGroup:NodeGroup": [
    "clusterName",
    "nodeGroupName",
    "nodeGroupNamePrefix",
    "instanceTypes",
    "subnetIds",
    "capacityType",
    "amiType",
    "diskSize",
    "nodeRoleArn",
    "remoteAccess",
  ],
  "aws:eks/accessEntry:AccessEntry": ["clusterName", "principalArn", "type"],
  "aws:iam/role:Role": ["name", "namePrefix", "path"],
};

/** The create-only inputs among changed input paths of a resource of `type` ("instanceTypes[0]" counts as "instanceTypes"). */
export function replacingChanges(type: string, paths: string[]): string[] {
  const createOnly = CREATE_ONLY_INPUTS[type] ?? [];
  return paths.filter((p) => createOnly.some((k) => p === k || p.startsWith(`${k}.`) || p.startsWith(`${k}[`)));
}
