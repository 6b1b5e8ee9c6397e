/**
 * What the component occupies, from its settings, with no Pulumi provider
 * loaded: the length-limited AWS names it creates, which the stack's config
 * checks against AWS's limits before anything is declared, and (for those
 * that run pods there) what it puts on the system pool.
 */
import { PhysicalName, autoNamedRole, physicalName } from "../../lib/naming";
import { addonGpuNodeWorkloads, addonWorkloads } from "./addons/addon";
import { CLUSTER_ADDONS, ClusterAddonArgs } from "./addons/registry";
import type { SystemWorkload } from "./capacity";
import { clusterAddonRoleNames } from "./gpu-cluster.schema";
import { controlPlaneRoleName, eksClusterName, gpuNodeGroupName, launchTemplateName, nodeRoleName, systemNodeGroupName } from "./names";
import type { GpuNodeGroupSettings } from "./node-pool.args";
import { splitPoolAcrossZones } from "./zones";

/**
 * What the cluster itself runs on its system pool before any platform
 * service, from its settings: the pods of its add-ons, DaemonSets first.
 * (The NVIDIA device plugin selects GPU nodes only.)
 */
export function gpuClusterSystemWorkloads(settings: Required<ClusterAddonArgs>): SystemWorkload[] {
  const workloads = addonWorkloads<Required<ClusterAddonArgs>>(CLUSTER_ADDONS, settings);
  return [...workloads.filter((w) => w.perNode), ...workloads.filter((w) => !w.perNode)];
}

/** The DaemonSets the cluster's add-ons run on every GPU node (the CNI, kube-proxy, the EBS CSI node, the NVIDIA device plugin). */
export function gpuClusterGpuNodeWorkloads(settings: Required<ClusterAddonArgs>): SystemWorkload[] {
  return addonGpuNodeWorkloads<Required<ClusterAddonArgs>>(CLUSTER_ADDONS, settings);
}

/**
 * Whether an add-on the settings enable adds GPU nodes when pods wait: then a
 * GPU pool has up to its maxSize nodes during a `pulumi up`, otherwise its
 * minSize (what runs when nothing adds nodes).
 */
export function gpuPoolsGrowOnDemand(settings: Required<ClusterAddonArgs>): boolean {
  return CLUSTER_ADDONS.some((addon) => addon.addsGpuNodes === true && addon.enabled(settings));
}

/**
 * The length-limited names the cluster creates, from the functions its
 * constructor uses: the EKS cluster, its two roles and its add-ons' roles,
 * the system node group and each GPU pool's node group per AZ, each node
 * group with its launch template. `zoneCount`: the AZs of its private subnets.
 */
export function gpuClusterPhysicalNames(
  name: string,
  settings: { gpuNodeGroups: GpuNodeGroupSettings[] } & Required<ClusterAddonArgs>,
  zoneCount: number,
): PhysicalName[] {
  const roles = [controlPlaneRoleName(name), nodeRoleName(name), ...clusterAddonRoleNames(name, settings)];
  const names = [physicalName("eksCluster", eksClusterName(name), false, ["(name)"]), ...roles.map(autoNamedRole)];
  const nodeGroup = (group: string, drivenBy: string[]) => {
    names.push(physicalName("eksNodeGroup", group, true, drivenBy), physicalName("launchTemplate", launchTemplateName(group), false, drivenBy));
  };
  nodeGroup(systemNodeGroupName(name), ["(name)"]);
  settings.gpuNodeGroups.forEach((pool, p) => {
    for (const z of splitPoolAcrossZones(pool, zoneCount)) nodeGroup(gpuNodeGroupName(name, pool.name, z.zoneIndex), ["(name)", `gpuNodeGroups[${p}].name`]);
  });
  return names;
}
