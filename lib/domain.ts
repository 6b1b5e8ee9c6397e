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

/** A node group as a caller may give it: every field has a default (GpuCluster's system pool). */
export interface NodeGroupInput {
  /** CPU instance types. Default ["t3.large"]. */
  instanceTypes?: string[];
  /** ON_DEMAND (default) or SPOT. */
  capacityType?: CapacityType;
  /** Nodes that always run, at least 1. Default 2. */
  minSize?: number;
  /** Nodes at creation. Default 2. */
  desiredSize?: number;
  /** Most nodes. Default 3. */
  maxSize?: number;
  /** Root volume (gp3, GB). Default 50. */
  diskSizeGb?: number;
}

/** A GPU pool as a caller may give it: `{ name, instanceTypes }` is enough. */
export interface GpuNodeGroupInput {
  /** Short name, used in resource names and the node label `ml-platform/node-group`. */
  name: string;
  /** NVIDIA x86_64 instance types. */
  instanceTypes: string[];
  /** ON_DEMAND (default) or SPOT. */
  capacityType?: CapacityType;
  /** Nodes that always run, summed over the pool's AZs. Default 0. */
  minSize?: number;
  /** Nodes at creation. Default minSize. */
  desiredSize?: number;
  /** The pool's cap, summed over its per-AZ node groups. Default minSize, at least 1. */
  maxSize?: number;
  /** Root volume (gp3, GB). Default 100. */
  diskSizeGb?: number;
}
