/**
 * The Amazon VPC CNI (EKS managed add-on `vpc-cni`): gives every pod a VPC
 * address. It needs EC2 network-interface permissions (AmazonEKS_CNI_Policy).
 * Those go on an IRSA role of its own for the `kube-system/aws-node` service
 * account, not on the node role that every pod could otherwise reach through
 * the instance metadata service (EKS user guide, "Configure Amazon VPC CNI
 * plugin to use IRSA": the add-on runs as service account aws-node, and AWS
 * recommends a separate role; checked 2026-11-23).
 */
import type { EksAddonPin } from "../../../lib/versions";
import { VPC_CNI_POLICY_ARN } from "../iam";
import type { ClusterAddon } from "./addon";
import { DESCRIBED_FOR_1_36, eksManagedAddon } from "./eks-addon";

/** The service account the VPC CNI's DaemonSet (aws-node) runs as. */
export const VPC_CNI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "aws-node" } as const;

/** The add-on version per Kubernetes minor (how to refresh them: eks-addon.ts). */
export const VPC_CNI_PINS: readonly EksAddonPin[] = [
  {
    version: "v1.21.1-eksbuild.7",
    kubernetesVersion: "1.35",
    source:
      'Amazon EKS user guide, "Amazon VPC CNI versions" table (managing-vpc-cni), row Kubernetes 1.35 = v1.21.1-eksbuild.7 ' +
      "(read in the zh_cn edition at docs.amazonaws.cn: the copies of the English edition read did not yet have a 1.35 row). " +
      "Cross-check: cookpad/terraform-aws-eks versions.tf (commit f696246, 2026-03-05), the output of " +
      "`aws eks describe-addon-versions --kubernetes-version 1.35`, lists v1.21.1-eksbuild.3, the same upstream v1.21.1.",
    checked: "2026-11-23",
  },
  {
    version: "v1.22.4-eksbuild.3",
    kubernetesVersion: "1.36",
    source: "No copy of the EKS user guide's table read had a 1.36 row. " + DESCRIBED_FOR_1_36 + ": vpc-cni v1.22.4-eksbuild.3, the default for 1.36.",
    checked: "2026-12-07",
  },
];

/**
 * The vpc-cni add-on with its IRSA role (`<cluster component>-vpc-cni-role`),
 * before any node: without the CNI no node becomes Ready. Its DaemonSet,
 * aws-node, requests 25m CPU and no memory (aws/amazon-vpc-cni-k8s chart
 * 1.23.1 values, checked 2026-11-23).
 */
export const vpcCni: ClusterAddon = eksManagedAddon({
  name: "vpc-cni",
  pins: VPC_CNI_PINS,
  purpose: "pod networking: gives every pod a VPC address",
  phase: "before-nodes",
  footprint: [{ name: "aws-node", replicas: 1, cpuMillis: 25, memoryMiB: 0, perNode: true, source: "VPC CNI chart 1.23.1" }],
  role: { name: "vpc-cni", serviceAccount: VPC_CNI_SERVICE_ACCOUNT, policyArn: VPC_CNI_POLICY_ARN },
});
