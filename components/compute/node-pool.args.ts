// Generated from components/compute/node-pool.schema.ts by `npm run generate`: edit the schema, not this file.

/** The CPU system pool (over all AZs). */
export interface NodeGroupInput {
  /** CPU instance types of the system pool. Default ["t3.large"]. */
  instanceTypes?: string[] | undefined;
  /** ON_DEMAND or SPOT. Default "ON_DEMAND". */
  capacityType?: "ON_DEMAND" | "SPOT" | undefined;
  /** Nodes that always run. Default 2. */
  minSize?: number | undefined;
  /** Nodes at creation. Default 2. */
  desiredSize?: number | undefined;
  /** Most nodes the pool may grow to. Default 3. */
  maxSize?: number | undefined;
  /** Root volume (gp3, GB) of each node. Default 50. */
  diskSizeGb?: number | undefined;
}

/** The CPU system pool (over all AZs). Parsed: every default applied. */
export interface NodeGroupSettings {
  /** CPU instance types of the system pool. */
  instanceTypes: string[];
  /** ON_DEMAND or SPOT. */
  capacityType: "ON_DEMAND" | "SPOT";
  /** Nodes that always run. */
  minSize: number;
  /** Nodes at creation. */
  desiredSize: number;
  /** Most nodes the pool may grow to. */
  maxSize: number;
  /** Root volume (gp3, GB) of each node. */
  diskSizeGb: number;
}

/** A GPU pool as a caller gives it: `{ name, instanceTypes }` is enough. */
export interface GpuNodeGroupInput {
  /**
   * Short name: node groups are named `<cluster>-gpu-<name>-<zone index>`, and nodes carry the
   * label `ml-platform/node-group: <name>`.
   */
  name: string;
  /** NVIDIA x86_64 instance types; the first is what the cost model's expected figure uses. */
  instanceTypes: string[];
  /** ON_DEMAND or SPOT (about 55 % cheaper, may be reclaimed). Default "ON_DEMAND". */
  capacityType?: "ON_DEMAND" | "SPOT" | undefined;
  /** Nodes that always run, summed over the pool's AZs; 0 costs nothing while idle. Default 0. */
  minSize?: number | undefined;
  /**
   * Nodes at creation; later `pulumi up`s leave it to the add-on that adds nodes where one runs
   * (Series B), and keep it where none does (MVP). Default: minSize.
   */
  desiredSize?: number | undefined;
  /** The pool's cap, summed over its per-AZ node groups. Default: minSize, at least 1. */
  maxSize?: number | undefined;
  /** Root volume (gp3, GB) of each node: CUDA images are large. Default 100. */
  diskSizeGb?: number | undefined;
}

/**
 * A GPU pool with every default applied: one EKS node group per AZ, all carrying the pool's name as
 * a label.
 */
export interface GpuNodeGroupSettings {
  /**
   * Short name: node groups are named `<cluster>-gpu-<name>-<zone index>`, and nodes carry the
   * label `ml-platform/node-group: <name>`.
   */
  name: string;
  /** NVIDIA x86_64 instance types; the first is what the cost model's expected figure uses. */
  instanceTypes: string[];
  /** ON_DEMAND or SPOT (about 55 % cheaper, may be reclaimed). */
  capacityType: "ON_DEMAND" | "SPOT";
  /** Nodes that always run, summed over the pool's AZs; 0 costs nothing while idle. */
  minSize: number;
  /**
   * Nodes at creation; later `pulumi up`s leave it to the add-on that adds nodes where one runs
   * (Series B), and keep it where none does (MVP). Default: minSize.
   */
  desiredSize: number;
  /** The pool's cap, summed over its per-AZ node groups. Default: minSize, at least 1. */
  maxSize: number;
  /** Root volume (gp3, GB) of each node: CUDA images are large. */
  diskSizeGb: number;
}
