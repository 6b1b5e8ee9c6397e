import * as aws from "../../lib/aws";
import * as pulumi from "@pulumi/pulumi";
import { GPU_TAINT, gpuNodeLabels } from "./labels";
import { gpuNodeGroupAsgTags } from "./node-tags";
import { splitPoolAcrossZones } from "./zones";
import { gpuNodeGroupName } from "./names";
import { NODE_AMI_TYPES } from "../../lib/versions";
import { validateArgs } from "../../lib/validate";
import { GpuNodePoolArgsSchema, gpuNodePoolProblems } from "./gpu-cluster.schema";
import { managedNodeGroup } from "./node-group";
import type { GpuNodePoolArgs } from "./gpu-node-pool.args";

export type { GpuNodePoolArgs };

export const GPU_NODE_POOL_TYPE = "mlplatform:compute:GpuNodePool";

/**
 * A GPU pool that costs nothing while idle: one EKS managed node group per
 * AZ (zonal EBS volumes pin a pod to one AZ, and the autoscaler picks the AZ
 * by picking the group), each with an IMDSv2-only launch template, the NVIDIA
 * AMI, the GPU taint, the pool's labels (incl. the autoscaler's accelerator
 * label) and the scale-from-zero ASG tags. The pool's sizes are split so the
 * per-AZ groups SUM to them (components/compute/zones.ts splitPoolAcrossZones); every group
 * carries `ml-platform/node-group: <pool>`, which is how policies and the
 * cost model add a pool back up.
 */
export class GpuNodePool extends pulumi.ComponentResource {
  /** The per-AZ node groups, in zone order. */
  public readonly nodeGroups: aws.eks.NodeGroup[];
  /** EKS node group names, one per AZ the pool uses. */
  public readonly nodeGroupNames: pulumi.Output<string>[];
  /** Indexes (into the network's zones) of the AZs the pool uses. */
  public readonly zoneIndexes: number[];

  constructor(name: string, args: GpuNodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before anything is declared: a bad argument (a CPU type in a GPU pool, a cap below the minimum) throws ComponentArgsError naming it.
    const s = validateArgs(GPU_NODE_POOL_TYPE, name, GpuNodePoolArgsSchema, args, gpuNodePoolProblems);
    super(GPU_NODE_POOL_TYPE, name, {}, opts);
    const { pool, tags } = s;
    const zonal = splitPoolAcrossZones(pool, s.subnetIds.length);
    const labels = gpuNodeLabels(pool);
    const asgTags = gpuNodeGroupAsgTags(pool);

    this.nodeGroups = [];
    this.zoneIndexes = [];
    for (const z of zonal) {
      const groupName = gpuNodeGroupName(s.clusterComponent, pool.name, z.zoneIndex);
      const { nodeGroup } = managedNodeGroup(
        groupName,
        {
          clusterName: s.clusterName,
          kubernetesVersion: s.kubernetesVersion,
          nodeRoleArn: s.nodeRoleArn,
          // One AZ per group: the autoscaler's template node then carries the right zone label.
          subnetIds: [s.subnetIds[z.zoneIndex]!],
          instanceTypes: pool.instanceTypes,
          capacityType: pool.capacityType,
          // NVIDIA driver, container toolkit and runtime preinstalled.
          amiType: NODE_AMI_TYPES.nvidiaGpu,
          diskSizeGb: pool.diskSizeGb,
          // Series B pools start at 0 (no GPU instance bills until a GPU pod asks); at MVP the pool runs what its models request.
          scaling: { minSize: z.minSize, desiredSize: z.desiredSize, maxSize: z.maxSize },
          labels,
          // The taint keeps CPU pods off expensive GPU nodes (they would also block scale-down to zero).
          taints: [GPU_TAINT],
          tags,
          dependsOn: s.dependsOn,
          sizedOutside: s.sizedOutside,
        },
        this,
      );

      // Scale-from-zero hints on the group's Auto Scaling group (never EKS's own discovery tags).
      // Reading an ASG's name from its node group's outputs is not creating resources in apply.
      const asgName = nodeGroup.resources.apply((r) => r[0]!.autoscalingGroups[0]!.name!);
      for (const { slug, key, value } of asgTags) {
        new aws.autoscaling.Tag(
          `${groupName}-asg-${slug}`,
          {
            autoscalingGroupName: asgName,
            // Not propagated: these describe the group to the autoscaler, instances need none of them.
            tag: { key, value, propagateAtLaunch: false },
          },
          { parent: this },
        );
      }
      this.nodeGroups.push(nodeGroup);
      this.zoneIndexes.push(z.zoneIndex);
    }
    this.nodeGroupNames = this.nodeGroups.map((g) => g.nodeGroupName);
    this.registerOutputs({ nodeGroupNames: this.nodeGroupNames });
  }
}
