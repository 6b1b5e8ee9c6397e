// Generated from components/compute/gpu-cluster.schema.ts by `npm run generate`: edit the schema, not this file.
import type { GpuNodeGroupInput } from "./node-pool.args";
import type * as pulumi from "@pulumi/pulumi";

/** The arguments of a GpuNodePool. */
export interface GpuNodePoolArgs {
  /** Name of the EKS cluster. */
  clusterName: pulumi.Input<string>;
  /**
   * The cluster component's name: node groups are named `<clusterComponent>-gpu-<pool>-<zone
   * index>`.
   */
  clusterComponent: string;
  /** Kubernetes version the nodes run (the control plane's). */
  kubernetesVersion: pulumi.Input<string>;
  /** IAM role of the nodes. */
  nodeRoleArn: pulumi.Input<string>;
  /** Private subnets, one per AZ, in zone order. */
  subnetIds: pulumi.Input<string>[];
  /** The pool: name, instance types, capacity type, disk, and sizes for the whole pool. */
  pool: GpuNodeGroupInput;
  /** What nodes need before they boot. Default none. */
  dependsOn?: pulumi.Resource[] | undefined;
  /**
   * Something outside the program (an add-on that adds nodes, or a human) sizes the pool after
   * creation, so `pulumi up` leaves each group's desiredSize alone; false: the program keeps it at
   * the pool's stated size. Default true.
   */
  sizedOutside?: boolean | undefined;
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
