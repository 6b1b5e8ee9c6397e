/**
 * Domain types that components take as arguments. They live here, not in
 * config/, so that components/ and lib/ never import config/ (the presets and
 * the schema build on these types, not the other way round).
 */

/** NAT egress of the private subnets: none, one shared gateway, or one per AZ. */
export type NatMode = "none" | "single" | "perAz";

/** S3 default encryption: S3-owned keys, or a customer managed KMS key. */
export type BucketEncryption = "sse-s3" | "sse-kms";

/** EC2 purchase option of a managed node group. */
export type CapacityType = "ON_DEMAND" | "SPOT";

/** EBS volume types RDS offers for PostgreSQL storage that the platform allows. */
export type DatabaseStorageType = "gp3" | "io1" | "io2";

/** Size and shape of a managed node group (or, for a GPU pool, of the whole pool). */
export interface NodeGroupSettings {
  /** EC2 instance types; the first is the one the cost model's expected figure uses. */
  instanceTypes: string[];
  capacityType: CapacityType;
  minSize: number;
  desiredSize: number;
  /** For a GPU pool: the cap of the whole pool, summed over its per-AZ node groups. */
  maxSize: number;
  /** Root volume size (gp3, GB), set in the node group's launch template. */
  diskSizeGb: number;
}

/** A GPU pool: one EKS node group per AZ, all carrying the pool's name as a label. */
export interface GpuNodeGroupSettings extends NodeGroupSettings {
  /** Short name, used in resource names and the node label `ml-platform/node-group`. */
  name: string;
}
