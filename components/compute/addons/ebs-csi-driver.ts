/**
 * The Amazon EBS CSI driver (EKS managed add-on `aws-ebs-csi-driver`) and the
 * cluster's default StorageClass: persistent volumes on encrypted gp3. The
 * controller creates, attaches and deletes volumes through an IRSA role with
 * the AWS managed AmazonEBSCSIDriverPolicy.
 */
import type * as aws from "@pulumi/aws";
import * as kubernetes from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { EBS_CSI_POLICY_ARN } from "../iam";
import { gp3StorageClass } from "../storage-class";
import type { ClusterHandle } from "../cluster-handle";
import type { IrsaRole } from "../irsa";
import { EksAddonWithRoleArgs, eksAddonWithRole } from "./eks-addon";

/** The service account of the EBS CSI controller (the add-on's default). */
export const EBS_CSI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "ebs-csi-controller-sa" } as const;

/** The cluster, its Kubernetes minor, tags, and what it waits for (a node: its controller is a Deployment). */
export type EbsCsiDriverArgs = EksAddonWithRoleArgs;

/** The aws-ebs-csi-driver add-on with its IRSA role (`<clusterComponent>-ebs-csi-role`). */
export function ebsCsiDriver(clusterComponent: string, args: EbsCsiDriverArgs, opts: { parent: pulumi.Resource }): { addon: aws.eks.Addon; role: IrsaRole } {
  return eksAddonWithRole(clusterComponent, { name: "aws-ebs-csi-driver", role: "ebs-csi", serviceAccount: EBS_CSI_SERVICE_ACCOUNT, policyArn: EBS_CSI_POLICY_ARN }, args, opts);
}

/** The default gp3 StorageClass (components/compute/storage-class.ts gp3StorageClass), created in the cluster once it is ready. */
export function defaultStorageClass(clusterComponent: string, cluster: ClusterHandle, opts: { parent: pulumi.Resource }): kubernetes.storage.v1.StorageClass {
  return new kubernetes.storage.v1.StorageClass(`${clusterComponent}-gp3`, gp3StorageClass(), {
    parent: opts.parent,
    provider: cluster.provider,
    dependsOn: cluster.ready,
  });
}
