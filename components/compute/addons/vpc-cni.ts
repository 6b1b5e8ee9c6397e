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
import { VPC_CNI_POLICY_ARN } from "../../../lib/eks";
import type { ClusterHandle } from "../cluster-handle";
import { IrsaRole } from "../irsa";
import { eksAddon } from "./eks-addon";

/** The service account the VPC CNI's DaemonSet (aws-node) runs as. */
export const VPC_CNI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "aws-node" } as const;

export interface VpcCniArgs {
  /** The cluster's name and OIDC provider (the parts of a ClusterHandle that exist before its nodes). Required. */
  cluster: Pick<ClusterHandle, "clusterName" | "oidcProviderArn" | "oidcIssuerUrl">;
  /** Kubernetes minor of the cluster. Required. */
  kubernetesVersion: string;
  /** Tags for the role and the add-on. Default none. */
  tags?: Record<string, string>;
}

/**
 * The vpc-cni add-on with its IRSA role (`<clusterComponent>-vpc-cni-role`).
 * Nodes must depend on the returned add-on: without the CNI no node becomes Ready.
 */
export function vpcCni(clusterComponent: string, args: VpcCniArgs, opts: { parent: pulumi.Resource }): { addon: aws.eks.Addon; role: IrsaRole } {
  const role = new IrsaRole(`${clusterComponent}-vpc-cni`, {
    oidcProviderArn: args.cluster.oidcProviderArn,
    oidcIssuerUrl: args.cluster.oidcIssuerUrl,
    namespace: VPC_CNI_SERVICE_ACCOUNT.namespace,
    serviceAccount: VPC_CNI_SERVICE_ACCOUNT.name,
    managedPolicyArns: [VPC_CNI_POLICY_ARN],
    tags: args.tags,
  }, { parent: opts.parent });
  const addon = eksAddon(clusterComponent, "vpc-cni", {
    clusterName: args.cluster.clusterName,
    kubernetesVersion: args.kubernetesVersion,
    serviceAccountRoleArn: role.roleArn,
    tags: args.tags,
  }, { parent: opts.parent });
  return { addon, role };
}
