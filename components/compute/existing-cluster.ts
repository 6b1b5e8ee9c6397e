/**
 * A ClusterHandle for a cluster this program does not own, the contract the
 * in-cluster components (ModelServing, ExperimentTracking, Monitoring) take:
 * from EKS by the cluster's name, or from the outputs of a platform stack
 * built on this package (read through a StackReference).
 */
import * as aws from "../../lib/aws";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle } from "./cluster-handle";
import { kubeconfig as eksKubeconfig } from "./kubeconfig";

/**
 * An existing EKS cluster, read by name (`aws.eks.getCluster`), with its IAM
 * OIDC provider (`aws.iam.getOpenIdConnectProvider`, which must exist for
 * IRSA: `eksctl utils associate-iam-oidc-provider` creates it) and a
 * Kubernetes provider named `<name>-k8s` that authenticates with `aws eks get-token`.
 */
export function existingEksCluster(name: string, clusterName: string, region: string, opts?: pulumi.CustomResourceOptions): ClusterHandle {
  const cluster = aws.eks.getClusterOutput({ name: clusterName }, opts);
  const issuerUrl = cluster.identities.apply((ids) => ids[0]!.oidcs[0]!.issuer);
  const oidcProvider = aws.iam.getOpenIdConnectProviderOutput({ url: issuerUrl }, opts);
  const kubeconfig = pulumi
    .all([cluster.endpoint, cluster.certificateAuthorities])
    .apply(([endpoint, cas]) => JSON.stringify(eksKubeconfig(clusterName, endpoint, cas[0]!.data, region)));
  return {
    provider: new kubernetes.Provider(`${name}-k8s`, { kubeconfig }, opts),
    clusterName,
    oidcProviderArn: oidcProvider.arn,
    oidcIssuerUrl: issuerUrl,
    // The cluster already runs: nothing to wait for.
    ready: [],
    vpcId: cluster.vpcConfig.vpcId,
    region,
  };
}

/**
 * The cluster of a platform stack built on this package, from its outputs
 * (`clusterName`, `oidcProviderArn`, `oidcIssuerUrl`, `kubeconfig`, `vpcId`,
 * as this repository's program exports them), with a Kubernetes provider
 * named `<name>-k8s`. A missing output fails the preview naming it.
 */
export function clusterFromStack(name: string, stack: pulumi.StackReference, region: string, opts?: pulumi.CustomResourceOptions): ClusterHandle {
  const out = (key: string) => stack.requireOutput(key) as pulumi.Output<string>;
  return {
    provider: new kubernetes.Provider(`${name}-k8s`, { kubeconfig: out("kubeconfig") }, opts),
    clusterName: out("clusterName"),
    oidcProviderArn: out("oidcProviderArn"),
    oidcIssuerUrl: out("oidcIssuerUrl"),
    ready: [],
    vpcId: out("vpcId"),
    region,
  };
}
