/**
 * The Amazon VPC CNI (EKS managed add-on `vpc-cni`): gives every pod a VPC
 * address. It needs EC2 network-interface permissions (AmazonEKS_CNI_Policy).
 * Those go on an IRSA role of its own for the `kube-system/aws-node` service
 * account, not on the node role that every pod could otherwise reach through
 * the instance metadata service (EKS user guide, "Configure Amazon VPC CNI
 * plugin to use IRSA": the add-on runs as service account aws-node, and AWS
 * recommends a separate role; checked 2026-11-23).
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { VPC_CNI_POLICY_ARN } from "../iam";
import type { IrsaRole } from "../irsa";
import { EksAddonWithRoleArgs, eksAddonWithRole } from "./eks-addon";

/** The service account the VPC CNI's DaemonSet (aws-node) runs as. */
export const VPC_CNI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "aws-node" } as const;

/** The cluster, its Kubernetes minor and tags (nothing to wait for: nodes wait for the CNI). */
export type VpcCniArgs = Omit<EksAddonWithRoleArgs, "dependsOn">;

/**
 * The vpc-cni add-on with its IRSA role (`<clusterComponent>-vpc-cni-role`).
 * Nodes must depend on the returned add-on: without the CNI no node becomes Ready.
 */
export function vpcCni(clusterComponent: string, args: VpcCniArgs, opts: { parent: pulumi.Resource }): { addon: aws.eks.Addon; role: IrsaRole } {
  return eksAddonWithRole(clusterComponent, { name: "vpc-cni", role: "vpc-cni", serviceAccount: VPC_CNI_SERVICE_ACCOUNT, policyArn: VPC_CNI_POLICY_ARN }, args, opts);
}
