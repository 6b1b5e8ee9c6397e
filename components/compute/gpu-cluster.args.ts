// Generated from components/compute/gpu-cluster.schema.ts by `npm run generate`: edit the schema, not this file.
import type { GpuNodeGroupInput, NodeGroupInput } from "./node-pool.args";
import type * as pulumi from "@pulumi/pulumi";

/** The arguments of a GpuCluster. */
export interface GpuClusterArgs {
  /**
   * Kubernetes minor of the control plane and nodes: 1.35 or 1.36. Changing it on a running cluster
   * is an in-place EKS upgrade, one minor at a time. Default "1.35".
   */
  kubernetesVersion?: string | undefined;
  /**
   * CIDRs allowed to reach the public API endpoint; empty: the endpoint is private only. Default
   * none.
   */
  publicAccessCidrs?: string[] | undefined;
  /**
   * Extra CIDRs (VPN, peered networks) admitted on 443 to the private endpoint; the VPC's own block
   * always is. Default none.
   */
  privateAccessCidrs?: string[] | undefined;
  /** Security groups (CI runner, bastion) admitted on 443 to the private endpoint. Default none. */
  privateAccessSecurityGroupIds?: string[] | undefined;
  /** Days CloudWatch keeps the control-plane logs (a CloudWatch retention period). Default 30. */
  logRetentionDays?: number | undefined;
  /**
   * The IAM role `pulumi up` runs as (from a laptop and from CI alike): cluster-admin through its
   * own access entry, the only way in for `pulumi up`. The cluster is created without EKS's
   * implicit admin entry for its creator, so nobody is admin just for creating it and no entry
   * collides with this one.
   */
  deployerRoleArn: pulumi.Input<string>;
  /** IAM roles given cluster-admin through EKS access entries. Default none. */
  adminRoleArns?: string[] | undefined;
  /** IAM roles given read-only (view) access through EKS access entries. Default none. */
  readOnlyRoleArns?: string[] | undefined;
  /** The CPU system pool (over all AZs). Default: every field's default. */
  systemNodeGroup?: NodeGroupInput | undefined;
  /**
   * GPU pools: tainted, labelled, one node group per AZ whose sizes sum to the pool's. Default
   * none.
   */
  gpuNodeGroups?: GpuNodeGroupInput[] | undefined;
  /** Install the Cluster Autoscaler (scales GPU pools to and from zero). Default false. */
  autoscaler?: boolean | undefined;
  /** VPC the private subnets belong to. */
  vpcId: pulumi.Input<string>;
  /** The VPC's IPv4 block, admitted to the private endpoint on 443. */
  vpcCidrBlock: pulumi.Input<string>;
  /** Private subnets, one per AZ, in the network's stable zone order. */
  privateSubnetIds: pulumi.Input<string>[];
  /** Subnets of the control plane. Default: the first two private subnets. */
  controlPlaneSubnetIds?: pulumi.Input<string>[] | undefined;
  /**
   * What nodes wait for besides the cluster's own prerequisites: the private subnets' routes to a
   * NAT gateway (Network.egressReady). Default none.
   */
  nodeDependsOn?: pulumi.Resource[] | undefined;
  /** AWS region of the cluster. */
  region: pulumi.Input<string>;
  /**
   * GB of control-plane logs expected a month, for cost planning: the log group carries it as the
   * `ml-platform/planned-ingest-gb-month` tag. Unset: ingestion is listed as usage-based, not
   * priced.
   */
  expectedLogGbPerMonth?: number | undefined;
  /**
   * Tags for every resource the component creates (cost allocation: owner, costCenter,
   * environment). Default none.
   */
  tags?: Record<string, string> | undefined;
  /**
   * The company's stage (poc, mvp or seriesb), written as the `stage` tag on every AWS resource the
   * component tags, so the policy pack applies that stage's limits. Default: none (a `stage` in
   * tags, or the AWS provider's defaultTags, still counts).
   */
  stage?: "poc" | "mvp" | "seriesb" | undefined;
}
