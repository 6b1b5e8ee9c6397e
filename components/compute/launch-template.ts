/** The node launch template: root volume and instance tags, as plain data. */

// ------------------------------------------------------- node launch template

/**
 * The root volume's device name on the EKS-optimized AL2023 AMIs (standard
 * and NVIDIA), which the launch template's block device mapping must match to
 * resize the root volume rather than add a second one.
 */
export const AL2023_ROOT_DEVICE = "/dev/xvda";

/** Launch template contents for a managed node group, in the Pulumi AWS provider's spelling. */
export interface NodeLaunchTemplateSpec {
  metadataOptions: { httpEndpoint: "enabled"; httpTokens: "required"; httpPutResponseHopLimit: number; instanceMetadataTags: "disabled" };
  blockDeviceMappings: { deviceName: string; ebs: { volumeSize: number; volumeType: "gp3"; encrypted: "true"; deleteOnTermination: "true" } }[];
  tagSpecifications: { resourceType: "instance" | "volume" | "network-interface"; tags: Record<string, string> }[];
}

/**
 * What every node group's launch template sets, and nothing more: EKS still
 * chooses the AMI, writes the bootstrap user data and attaches the cluster
 * security group (a launch template with security groups or an AMI would
 * take those over).
 *
 * - IMDSv2 only, hop limit 1: a pod (one network hop behind the node) cannot
 *   get an IMDS token, so it cannot read the node role's credentials; node
 *   agents on the host network still can. Without a launch template, EKS's
 *   default one allows hop limit 2 (EKS user guide, "Customize managed nodes
 *   with launch templates", and EKS security best practices, "Restrict access
 *   to the instance profile assigned to the worker node"; checked 2026-11-23).
 *   Pods that need AWS use IRSA; the AWS Load Balancer Controller must then
 *   be given `region` and `vpcId` explicitly.
 * - The root volume: encrypted gp3 of `diskSizeGb`. With a launch template,
 *   a managed node group refuses `diskSize`; the size goes here.
 * - Cost tags on the instances, their volumes and network interfaces: EKS
 *   does not copy node group tags to the instances it launches.
 */
export function nodeLaunchTemplate(args: { diskSizeGb: number; tags: Record<string, string> }): NodeLaunchTemplateSpec {
  return {
    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
    blockDeviceMappings: [
      { deviceName: AL2023_ROOT_DEVICE, ebs: { volumeSize: args.diskSizeGb, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
    ],
    tagSpecifications: (["instance", "volume", "network-interface"] as const).map((resourceType) => ({ resourceType, tags: { ...args.tags } })),
  };
}
