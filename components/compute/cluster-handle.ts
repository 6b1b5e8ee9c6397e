import type * as kubernetes from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/**
 * What a component that deploys into a Kubernetes cluster needs from it. Our
 * `GpuCluster` satisfies it; so does an existing EKS cluster that a platform
 * team describes by hand (see examples/), which is why serving, tracking and
 * monitoring take this interface rather than the GpuCluster class.
 */
export interface ClusterHandle {
  /** Kubernetes provider for the cluster: every in-cluster object is created with it. */
  readonly provider: kubernetes.Provider;
  /** EKS cluster name (used in IAM policies, add-on values and alarms). */
  readonly clusterName: pulumi.Input<string>;
  /** ARN of the cluster's IAM OIDC provider: IRSA roles trust it. */
  readonly oidcProviderArn: pulumi.Input<string>;
  /** The cluster's OIDC issuer URL, with or without "https://". */
  readonly oidcIssuerUrl: pulumi.Input<string>;
  /**
   * Resources that must exist before anything is deployed into the cluster
   * (system nodes, CNI, DNS, storage). Empty for a cluster that already runs.
   */
  readonly ready: pulumi.Resource[];
  /**
   * Per GPU pool (by its name), what a GPU pod there waits for before
   * `pulumi up` awaits it: the pool's node groups and the NVIDIA device
   * plugin that advertises their GPUs. Absent or missing a pool: nothing to wait for.
   */
  readonly gpuPoolReady?: Record<string, pulumi.Resource[]>;
  /**
   * The cluster's VPC and AWS region, for in-cluster controllers that would
   * otherwise read them from the instance metadata service, which pods cannot
   * reach on nodes with IMDS hop limit 1 (the AWS Load Balancer Controller's
   * `vpcId` and `region` values). Optional: a hand-described cluster may omit them.
   */
  readonly vpcId?: pulumi.Input<string>;
  readonly region?: pulumi.Input<string>;
}
