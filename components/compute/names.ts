/**
 * The names the compute components give their length-limited children (lib/naming.ts
 * has the scheme and the limits). The constructors and the name checks use
 * the same functions, so a check computes the names AWS will see.
 */
import { childName } from "../../lib/naming";

/** The EKS cluster's name: fixed (not auto-named) so its log group name is known in advance. */
export function eksClusterName(clusterComponent: string): string {
  return clusterComponent;
}

/** The control plane's IAM role (auto-named). */
export function controlPlaneRoleName(clusterComponent: string): string {
  return childName(clusterComponent, "control-plane");
}

/** The nodes' IAM role (auto-named). */
export function nodeRoleName(clusterComponent: string): string {
  return childName(clusterComponent, "node");
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
