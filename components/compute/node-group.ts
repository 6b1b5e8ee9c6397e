/**
 * One EKS managed node group with its launch template: what the system pool
 * and every per-AZ node group of a GPU pool share. The launch template
 * (components/compute/launch-template.ts nodeLaunchTemplate) requires IMDSv2 with hop limit 1, sizes the
 * encrypted gp3 root volume and tags instances and volumes with the cost tags.
 */
import * as aws from "../../lib/aws";
import * as pulumi from "@pulumi/pulumi";
import type { GpuNodeGroupSettings } from "./node-pool.args";

/** ON_DEMAND or SPOT. */
export type CapacityType = GpuNodeGroupSettings["capacityType"];
import { EksTaint } from "./labels";
import { nodeLaunchTemplate } from "./launch-template";
import { launchTemplateName } from "./names";

export interface ManagedNodeGroupArgs {
  /** Name of the EKS cluster. Required. */
  clusterName: pulumi.Input<string>;
  /** Kubernetes version the nodes run: the control plane's, so an upgrade in code upgrades nodes too. Required. */
  kubernetesVersion: pulumi.Input<string>;
  /** IAM role of the nodes. Required. */
  nodeRoleArn: pulumi.Input<string>;
  /** Subnets the group launches into: one for a per-AZ group, all private subnets for the system pool. Required. */
  subnetIds: pulumi.Input<string>[];
  /** EC2 instance types. Required. */
  instanceTypes: string[];
  /** ON_DEMAND or SPOT. Required. */
  capacityType: CapacityType;
  /** EKS AMI type (lib/versions.ts NODE_AMI_TYPES). Required. */
  amiType: string;
  /** Root volume size in GB (gp3, in the launch template). Required. */
  diskSizeGb: number;
  /** Group sizes. Required. */
  scaling: { minSize: number; desiredSize: number; maxSize: number };
  /** Kubernetes labels of every node. Required. */
  labels: Record<string, string>;
  /** Taints of every node, EKS spelling. Default none. */
  taints?: EksTaint[];
  /** Tags for the node group, the launch template, and (through it) the instances, volumes and ENIs. Default none. */
  tags?: Record<string, string>;
  /** What the nodes need before they boot (node role policies, the CNI). Default none. */
  dependsOn?: pulumi.Resource[];
  /**
   * Something else sizes the group after creation (the Cluster Autoscaler, or a
   * human): `pulumi up` then leaves desiredSize alone. When false, the program
   * owns it: every `pulumi up` sets it to the stated size. Default true.
   */
  sizedOutside?: boolean;
}

/**
 * Declares `<name>` as an aws.eks.NodeGroup plus an aws.ec2.LaunchTemplate of
 * the same logical name (its explicit name, so the node group, the cost
 * model and the policies can find it before deployment), both children of
 * `parent`.
 *
 * Where the Cluster Autoscaler sizes the group (`sizedOutside`), the desired
 * size is ignored after creation: the next `pulumi up` must not reset a pool
 * that scaled up for a running job; min and max stay managed here. Where
 * nothing does (MVP), the program owns desiredSize too: with it ignored, a
 * `pulumi up` that raises minSize (a GPU model added) would send the old
 * desired size with the new minimum, and EKS refuses desired < min
 * (UpdateNodegroupConfig: InvalidParameterException).
 */
export function managedNodeGroup(
  name: string,
  args: ManagedNodeGroupArgs,
  parent: pulumi.Resource,
): { nodeGroup: aws.eks.NodeGroup; launchTemplate: aws.ec2.LaunchTemplate } {
  const tags = args.tags ?? {};
  const spec = nodeLaunchTemplate({ diskSizeGb: args.diskSizeGb, tags });
  const launchTemplate = new aws.ec2.LaunchTemplate(
    name,
    {
      name: launchTemplateName(name),
      description: `Nodes of EKS node group ${name}: IMDSv2 only (hop limit 1), encrypted gp3 root volume`,
      metadataOptions: spec.metadataOptions,
      blockDeviceMappings: spec.blockDeviceMappings,
      tagSpecifications: spec.tagSpecifications,
      // New versions become the default, and the node group rolls to the latest one.
      updateDefaultVersion: true,
      tags,
    },
    { parent },
  );
  const nodeGroup = new aws.eks.NodeGroup(
    name,
    {
      clusterName: args.clusterName,
      version: args.kubernetesVersion,
      nodeRoleArn: args.nodeRoleArn,
      subnetIds: args.subnetIds,
      instanceTypes: args.instanceTypes,
      capacityType: args.capacityType,
      amiType: args.amiType,
      // No diskSize: EKS refuses it together with a launch template; the root volume is in the template.
      launchTemplate: { name: launchTemplate.name, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
      scalingConfig: { ...args.scaling },
      updateConfig: { maxUnavailable: 1 },
      labels: args.labels,
      taints: args.taints,
      tags,
    },
    { parent, dependsOn: args.dependsOn ?? [], ignoreChanges: (args.sizedOutside ?? true) ? ["scalingConfig.desiredSize"] : [] },
  );
  return { nodeGroup, launchTemplate };
}
