/**
 * How a program that does not own its EKS cluster gets a ClusterHandle, the
 * contract the in-cluster components take (our GpuCluster is one).
 */
import * as eks from "@pulumi/aws/eks";
import * as iam from "@pulumi/aws/iam";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterHandle, eksKubeconfig } from "ml-platform";

/** A ClusterHandle for an existing EKS cluster, by name. */
export function existingEksCluster(name: string, clusterName: string, region: string): ClusterHandle {
  const cluster = eks.getClusterOutput({ name: clusterName });
  const issuerUrl = cluster.identities.apply((ids) => ids[0]!.oidcs[0]!.issuer);
  // IRSA needs the cluster's IAM OIDC provider; `eksctl utils associate-iam-oidc-provider` creates it if missing.
  const oidcProvider = iam.getOpenIdConnectProviderOutput({ url: issuerUrl });
  const kubeconfig = pulumi
    .all([cluster.endpoint, cluster.certificateAuthorities])
    .apply(([endpoint, cas]) => JSON.stringify(eksKubeconfig(clusterName, endpoint, cas[0]!.data, region)));
  const provider = new kubernetes.Provider(`${name}-k8s`, { kubeconfig });
  return {
    provider,
    clusterName,
    oidcProviderArn: oidcProvider.arn,
    oidcIssuerUrl: issuerUrl,
    // The cluster already runs: nothing to wait for.
    ready: [],
    vpcId: cluster.vpcConfig.vpcId,
    region,
  };
}
