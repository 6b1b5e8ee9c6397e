/**
 * The tags a GPU node group's Auto Scaling group carries besides EKS's own:
 * those the cluster's add-ons read from it (the Cluster Autoscaler's
 * node-template tags, with which it scales a group up from zero). Each
 * add-on declares its own (components/compute/addons/, `nodeGroupTags`);
 * every GPU node group carries them whether or not the add-on is enabled.
 */
import type { GpuNodeGroupSettings } from "./node-pool.args";
import type { AsgTag } from "./addons/addon";
import { CLUSTER_ADDONS } from "./addons/registry";

/** The ASG tags of a GPU pool's node groups, in registry order. */
export function gpuNodeGroupAsgTags(pool: Pick<GpuNodeGroupSettings, "name" | "instanceTypes">): AsgTag[] {
  return CLUSTER_ADDONS.flatMap((addon) => addon.nodeGroupTags?.(pool) ?? []);
}
