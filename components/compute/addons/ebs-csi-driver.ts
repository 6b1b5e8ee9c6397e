/**
 * The Amazon EBS CSI driver (EKS managed add-on `aws-ebs-csi-driver`) and the
 * cluster's default StorageClass: persistent volumes on encrypted gp3. The
 * controller creates, attaches and deletes volumes through an IRSA role with
 * the AWS managed AmazonEBSCSIDriverPolicy.
 */
import type * as aws from "@pulumi/aws";
import * as kubernetes from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { EBS_CSI_POLICY_ARN, gp3StorageClass } from "../../../lib/eks";
import type { ClusterHandle } from "../cluster-handle";
import { IrsaRole } from "../irsa";
import { eksAddon } from "./eks-addon";

/** The service account of the EBS CSI controller (the add-on's default). */
export const EBS_CSI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "ebs-csi-controller-sa" } as const;

export interface EbsCsiDriverArgs {
  /** The cluster's name and OIDC provider. Required. */
  cluster: Pick<ClusterHandle, "clusterName" | "oidcProviderArn" | "oidcIssuerUrl">;
  /** Kubernetes minor of the cluster. Required. */
  kubernetesVersion: string;
  /** Resources the add-on waits for (a node: its controller is a Deployment). Default none. */
  dependsOn?: pulumi.Resource[];
  /** Tags for the role and the add-on. Default none. */
  tags?: Record<string, string>;
}

/** The aws-ebs-csi-driver add-on with its IRSA role (`<clusterComponent>-ebs-csi-role`). */
export function ebsCsiDriver(clusterComponent: string, args: EbsCsiDriverArgs, opts: { parent: pulumi.Resource }): { addon: aws.eks.Addon; role: IrsaRole } {
  const role = new IrsaRole(`${clusterComponent}-ebs-csi`, {
    oidcProviderArn: args.cluster.oidcProviderArn,
    oidcIssuerUrl: args.cluster.oidcIssuerUrl,
    namespace: EBS_CSI_SERVICE_ACCOUNT.namespace,
    serviceAccount: EBS_CSI_SERVICE_ACCOUNT.name,
    managedPolicyArns: [EBS_CSI_POLICY_ARN],
    tags: args.tags,
  }, { parent: opts.parent });
  const addon = eksAddon(clusterComponent, "aws-ebs-csi-driver", {
    clusterName: args.cluster.clusterName,
    kubernetesVersion: args.kubernetesVersion,
    serviceAccountRoleArn: role.roleArn,
    tags: args.tags,
  }, { parent: opts.parent, dependsOn: args.dependsOn ?? [] });
  return { addon, role };
}

/** The default gp3 StorageClass (lib/eks.ts gp3StorageClass), created in the cluster once it is ready. */
export function defaultStorageClass(clusterComponent: string, cluster: ClusterHandle, opts: { parent: pulumi.Resource }): kubernetes.storage.v1.StorageClass {
  return new kubernetes.storage.v1.StorageClass(`${clusterComponent}-gp3`, gp3StorageClass(), {
    parent: opts.parent,
    provider: cluster.provider,
    dependsOn: cluster.ready,
  });
}
