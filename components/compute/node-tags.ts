/**
 * The tags node groups carry for the Cluster Autoscaler: auto-discovery, and
 * the labels and taints a group's nodes will have, so that it can scale a
 * group up from zero.
 */
import type { GpuNodeGroupSettings } from "./node-pool.args";
import { GPU_RESOURCE, GPU_TAINT, gpuNodeLabels, gpusPerNode, kubernetesTaintEffect } from "./labels";

// ----------------------------------------------- Cluster Autoscaler ASG tags

export const AUTOSCALER_TAG_PREFIX = "k8s.io/cluster-autoscaler";

/**
 * Auto Scaling group tags that let the Cluster Autoscaler scale a GPU node
 * group up from zero nodes. With no node to look at, the autoscaler builds a
 * "template node" from these tags to decide whether a pending pod would fit:
 * the labels its nodeSelector needs (including the accelerator label), the
 * taint it tolerates, and the GPUs it requests. EKS does not copy node group
 * labels and taints to the ASG; the autoscaler's eks:DescribeNodegroup
 * fallback only runs for a group that never had a node (autoscaler AWS
 * README, checked 2026-11-23), so the tags are what makes scale-from-zero
 * reliable.
 *
 * The auto-discovery tags `k8s.io/cluster-autoscaler/enabled` and
 * `k8s.io/cluster-autoscaler/<cluster>=owned` are NOT here: EKS puts them on
 * every managed node group's ASG itself (EKS user guide, "Managed node
 * groups": "Amazon EKS tags managed node group resources so that they are
 * configured to use the Kubernetes Cluster Autoscaler"; checked 2026-11-23).
 * Managing them as Tag resources as well would mean that deleting such a
 * resource (a pool renamed, the autoscaler turned off) strips the tag EKS set
 * from a live group, and the autoscaler stops seeing it. See EKS_MANAGED_ASG_TAGS.
 */
export function nodeTemplateTags(group: Pick<GpuNodeGroupSettings, "name" | "instanceTypes">): Record<string, string> {
  const template = `${AUTOSCALER_TAG_PREFIX}/node-template`;
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(gpuNodeLabels(group))) tags[`${template}/label/${key}`] = value;
  // Taint tags use Kubernetes' effect spelling: "true:NoSchedule", not NO_SCHEDULE.
  tags[`${template}/taint/${GPU_TAINT.key}`] = `${GPU_TAINT.value}:${kubernetesTaintEffect(GPU_TAINT.effect)}`;
  const gpus = gpusPerNode(group.instanceTypes);
  if (gpus !== undefined) tags[`${template}/resources/${GPU_RESOURCE}`] = String(gpus);
  return tags;
}

/**
 * The ASG tags EKS itself sets on a managed node group's Auto Scaling group
 * for autoscaler discovery. The program must never manage these keys; the
 * autoscaler's IAM policy (addons/cluster-autoscaler.ts) relies on the
 * `owned` one.
 */
export function eksManagedAsgTags(clusterName: string): Record<string, string> {
  return { [`${AUTOSCALER_TAG_PREFIX}/enabled`]: "true", [`${AUTOSCALER_TAG_PREFIX}/${clusterName}`]: "owned" };
}

/** Short resource-name suffix for a node-template tag key ("label-ml-platform-pool", "taint-nvidia-com-gpu"). */
export function autoscalerTagSlug(key: string): string {
  const rest = key.replace(`${AUTOSCALER_TAG_PREFIX}/`, "").replace(/^node-template\//, "");
  return rest.replace(/[^A-Za-z0-9]+/g, "-");
}