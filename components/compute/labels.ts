/**
 * Node labels, taints and tolerations: what marks a node as the system pool's
 * or a GPU pool's, and what a pod needs to land there.
 */
import type { GpuNodeGroupSettings } from "./node-pool.args";
import { INSTANCE_SHAPES, gpusPerInstance } from "../../lib/instance-types";

// ------------------------------------------------------- node labels, taints

/** Node label telling the pools apart: "system" or "gpu". Workloads select on it. */
export const POOL_LABEL = "ml-platform/pool";
/** Node label naming the GPU pool a node belongs to: the same on all of the pool's per-AZ node groups, so a pool is summed by it. */
export const NODE_GROUP_LABEL = "ml-platform/node-group";
/**
 * Label the NVIDIA device plugin chart's default node affinity requires. The
 * AL2023 NVIDIA AMI sets it on 1.35 too; setting it on the node group makes it
 * true from the node's first second and visible to the autoscaler at zero.
 */
export const GPU_PRESENT_LABEL = "nvidia.com/gpu.present";

/**
 * The GPU label of the Cluster Autoscaler's AWS provider (>= 1.15):
 * `k8s.amazonaws.com/accelerator=<gpu type>`. A node carrying it is known to
 * have GPUs before the device plugin advertises them; without it, a new GPU
 * node counts as Ready with 0 GPUs, the pending pod still does not fit, and
 * the autoscaler starts another (billed) node. Sources (checked 2026-11-23):
 * kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/README.md
 * ("Special note on GPU instances") and aws_cloud_provider.go (GPULabel).
 */
export const ACCELERATOR_LABEL = "k8s.amazonaws.com/accelerator";

/**
 * Accelerator label values by NVIDIA GPU model (INSTANCE_SHAPES gpuModel),
 * spelled as the autoscaler's AWS provider lists its GPU types
 * (aws_cloud_provider.go availableGPUTypes: nvidia-tesla-k80/p100/v100/t4/a100,
 * nvidia-a10g, nvidia-l4, nvidia-l40s; checked 2026-11-23). H100 is not in that
 * list; it gets the same naming pattern.
 */
export const ACCELERATOR_LABEL_VALUES: Record<string, string> = {
  T4: "nvidia-tesla-t4",
  V100: "nvidia-tesla-v100",
  A100: "nvidia-tesla-a100",
  A10G: "nvidia-a10g",
  L4: "nvidia-l4",
  L40S: "nvidia-l40s",
  H100: "nvidia-h100",
};

/**
 * The accelerator label value of a pool. A node group's labels apply to all
 * its nodes, so a pool that mixes GPU models (g5 A10G with g6 L4, for Spot
 * diversity) cannot name one model: its value joins the models' values with
 * "_" (e.g. "nvidia-a10g_nvidia-l4"), a valid label value that says "one of
 * these". The autoscaler only needs the label to exist (to wait for the
 * device plugin); the value feeds its GPU-type metrics and `--gpu-total`
 * limits, which this platform does not use. Select GPU pools by
 * `ml-platform/node-group`, never by this label. Unknown types give "nvidia".
 */
export function acceleratorLabelValue(instanceTypes: string[]): string {
  const values = [
    ...new Set(
      instanceTypes.map((t) => {
        const model = INSTANCE_SHAPES[t]?.gpuModel;
        return (model && ACCELERATOR_LABEL_VALUES[model]) || "nvidia";
      }),
    ),
  ].sort();
  return values.join("_").slice(0, 63);
}

/** The extended resource GPUs are requested as, and the taint key that keeps other pods off GPU nodes. */
export const GPU_RESOURCE = "nvidia.com/gpu";

/** Taint in the EKS API's spelling (node group `taints`). */
export interface EksTaint {
  key: string;
  value: string;
  effect: "NO_SCHEDULE" | "NO_EXECUTE" | "PREFER_NO_SCHEDULE";
}

/**
 * GPU nodes are tainted so that only pods which tolerate the taint (GPU jobs,
 * the device plugin, DaemonSets that tolerate everything) run there. Without
 * it, a CPU pod could land on a $1/hour GPU node and keep it from scaling back
 * to zero.
 */
export const GPU_TAINT: EksTaint = { key: GPU_RESOURCE, value: "true", effect: "NO_SCHEDULE" };

/** The Kubernetes spelling of an EKS taint effect ("NO_SCHEDULE" -> "NoSchedule"). */
export function kubernetesTaintEffect(effect: EksTaint["effect"]): "NoSchedule" | "NoExecute" | "PreferNoSchedule" {
  const map = { NO_SCHEDULE: "NoSchedule", NO_EXECUTE: "NoExecute", PREFER_NO_SCHEDULE: "PreferNoSchedule" } as const;
  return map[effect];
}

export function systemNodeLabels(): Record<string, string> {
  return { [POOL_LABEL]: "system" };
}

/**
 * Labels of every node in a GPU pool (all its per-AZ node groups): the pool
 * kind, the pool's name (what workloads select on, and what policies and the
 * cost model sum a pool by), the device plugin's affinity label and the
 * autoscaler's accelerator label.
 */
export function gpuNodeLabels(group: Pick<GpuNodeGroupSettings, "name" | "instanceTypes">): Record<string, string> {
  return {
    [POOL_LABEL]: "gpu",
    [NODE_GROUP_LABEL]: group.name,
    [GPU_PRESENT_LABEL]: "true",
    [ACCELERATOR_LABEL]: acceleratorLabelValue(group.instanceTypes),
  };
}

/**
 * GPUs per node of a group: known only when every instance type is in the
 * catalogue with the same count. Mixed counts would make any single number
 * wrong for some nodes, so the autoscaler is left to read the instance type.
 */
export function gpusPerNode(instanceTypes: string[]): number | undefined {
  const counts = new Set(instanceTypes.map(gpusPerInstance));
  if (counts.size !== 1) return undefined;
  const [count] = [...counts];
  return count === undefined || count === 0 ? undefined : count;
}

// ------------------------------------------------- Kubernetes objects, values

/** A pod toleration (Kubernetes spelling). */
export interface Toleration {
  key: string;
  operator: "Exists" | "Equal";
  value?: string;
  effect?: "NoSchedule" | "NoExecute" | "PreferNoSchedule";
}

/** The toleration every GPU workload needs to run on the GPU pool. */
export const GPU_TOLERATION: Toleration = { key: GPU_TAINT.key, operator: "Exists", effect: kubernetesTaintEffect(GPU_TAINT.effect) };
