/**
 * The Cluster Autoscaler (AWS provider): starts GPU nodes from zero when GPU
 * pods are pending and removes idle ones. Everything about it is here: the
 * `autoscaler` setting, its chart pin, image pins, Helm values, IAM policy,
 * node group tags, footprint on the system pool and install.
 *
 * How it finds node groups: auto-discovery by the ASG tags
 * `k8s.io/cluster-autoscaler/enabled` and `k8s.io/cluster-autoscaler/<cluster>`,
 * which EKS sets on every managed node group's ASG (the program never manages
 * them, see eksManagedAsgTags). How it scales a pool from zero: the
 * node-template tags below, which GpuNodePool writes on every GPU node group.
 * How it keeps per-AZ groups of a pool even: --balance-similar-node-groups (groups differing only in AZ and in the
 * eks.amazonaws.com/nodegroup label count as similar: autoscaler
 * processors/nodegroupset/aws_nodegroups.go, checked 2026-11-23).
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { GpuNodeGroupSettings } from "../node-pool.args";
import { childName } from "../../../lib/naming";
import { irsaRoleName } from "../names";
import { schemaMatches } from "../../../lib/validate";
import type { ChartPin } from "../../../lib/versions";
import type { PolicyDocument } from "../../data/bucket-policy";
import { GPU_RESOURCE, GPU_TAINT, gpuNodeLabels, gpusPerNode, kubernetesTaintEffect, systemNodeLabels } from "../labels";
import { serviceAccountRole } from "./addon";
import type { ClusterAddon } from "./addon";

/**
 * Chart 9.59.0 was published 2026-07-21 (appVersion 1.35.0, so its default
 * image is v1.35.0; the image is set explicitly below). It is the newest
 * chart in the repository index (source: https://kubernetes.github.io/autoscaler/index.yaml,
 * gh-pages of kubernetes/autoscaler, and the tag cluster-autoscaler-chart-9.59.0;
 * checked 2026-11-23).
 */
export const CLUSTER_AUTOSCALER_CHART: ChartPin = {
  repo: "https://kubernetes.github.io/autoscaler",
  chart: "cluster-autoscaler",
  version: "9.59.0",
};

/**
 * Image tag per Kubernetes minor. The autoscaler's minor must match the
 * cluster's (its scheduler simulation is compiled against that Kubernetes
 * version), so the tag is set explicitly rather than left to the chart
 * default, and upgrading Kubernetes means adding a row here (and the minor to
 * SUPPORTED_KUBERNETES_VERSIONS in lib/versions.ts). Use the newest patch of
 * the minor, from the annotated release tags of kubernetes/autoscaler:
 * - 1.35 -> v1.35.2, tag cluster-autoscaler-1.35.2 ("Cluster Autoscaler
 *   release 1.35.2", 2026-07-22; version.go says 1.35.2; after 1.35.0 of
 *   2026-02-06 and 1.35.1 of 2026-06-24; 1.35.2 moves its Kubernetes
 *   libraries to 1.35.6), checked 2026-11-23;
 * - 1.36 -> v1.36.1, tag cluster-autoscaler-1.36.1 ("Cluster Autoscaler
 *   release 1.36.1", 2026-07-22; version.go says 1.36.1; go.mod
 *   k8s.io/kubernetes v1.36.2; after 1.36.0 of 2026-07-01; its release notes
 *   list registry.k8s.io/autoscaling/cluster-autoscaler:v1.36.1), checked
 *   2026-12-07.
 * No 1.37 release exists to pin: the repository has a
 * cluster-autoscaler-release-1.37 branch but no 1.37 tag (checked 2026-12-07),
 * so 1.37 stays refused (REFUSED_KUBERNETES_VERSIONS in lib/versions.ts).
 * The chart (9.59.0) sets the image as `<image.repository>:<image.tag>`
 * (templates/deployment.yaml), so the tag alone picks the build.
 */
export const CLUSTER_AUTOSCALER_IMAGE_TAGS: Record<string, string> = {
  "1.35": "v1.35.2",
  "1.36": "v1.36.1",
};

/** The image tag for a Kubernetes minor; throws when none is pinned. */
export function clusterAutoscalerImageTag(kubernetesVersion: string): string {
  const tag = CLUSTER_AUTOSCALER_IMAGE_TAGS[kubernetesVersion];
  if (!tag) {
    const known = Object.keys(CLUSTER_AUTOSCALER_IMAGE_TAGS).join(", ");
    throw new Error(
      `No Cluster Autoscaler image is pinned for Kubernetes ${kubernetesVersion} (pinned: ${known}). ` +
        `Add the matching v${kubernetesVersion}.x release to CLUSTER_AUTOSCALER_IMAGE_TAGS in components/compute/addons/cluster-autoscaler.ts.`,
    );
  }
  return tag;
}

/**
 * Requests we set on the autoscaler, and its replica count (the chart's
 * default, 1: it elects a leader, so a second replica only waits). The chart
 * requests nothing (`resources: {}`), which would make it a BestEffort pod,
 * the first evicted when its node runs short of memory, and invisible to the
 * system pool's capacity check; 100m / 300Mi is the suggestion commented in
 * its values.yaml (chart 9.59.0, checked 2026-12-07). The values and the
 * add-on's footprint both read them.
 */
export const CLUSTER_AUTOSCALER_RESOURCES = { replicas: 1, cpuMillis: 100, memoryMiB: 300 } as const;

/** The service account the autoscaler runs as (its IRSA role trusts exactly this one). */
export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = { namespace: "kube-system", name: "cluster-autoscaler" } as const;

export interface ClusterAutoscalerValues<T> {
  cloudProvider: "aws";
  awsRegion: T;
  autoDiscovery: { clusterName: T };
  image: { tag: string };
  rbac: { serviceAccount: { create: true; name: string; annotations: Record<string, T> } };
  extraArgs: Record<string, string | boolean>;
  replicaCount: number;
  resources: { requests: { cpu: string; memory: string }; limits: { memory: string } };
  nodeSelector: Record<string, string>;
  priorityClassName: string;
}

/**
 * Helm values. `clusterName` and `roleArn` may be Pulumi outputs (T), so no
 * apply is needed to build them.
 */
export function clusterAutoscalerValues<T = string>(args: { clusterName: T; region: T; roleArn: T; imageTag: string }): ClusterAutoscalerValues<T> {
  const r = CLUSTER_AUTOSCALER_RESOURCES;
  return {
    cloudProvider: "aws",
    awsRegion: args.region,
    autoDiscovery: { clusterName: args.clusterName },
    image: { tag: args.imageTag },
    rbac: {
      serviceAccount: {
        create: true,
        name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.name,
        annotations: { "eks.amazonaws.com/role-arn": args.roleArn },
      },
    },
    extraArgs: {
      // A GPU pool is one node group per AZ: keep them the same size when scaling up.
      "balance-similar-node-groups": true,
      // Nodes running only kube-system DaemonSets may still be removed: otherwise an idle GPU node stays forever.
      "skip-nodes-with-system-pods": false,
      // A GPU node idle for 10 minutes is removed (the GPU pool returns to 0).
      "scale-down-unneeded-time": "10m",
      "scale-down-delay-after-add": "10m",
      // Pick the node group that leaves the fewest idle CPUs/GPUs: the cheapest fit.
      expander: "least-waste",
    },
    replicaCount: r.replicas,
    resources: { requests: { cpu: `${r.cpuMillis}m`, memory: `${r.memoryMiB}Mi` }, limits: { memory: `${r.memoryMiB * 2}Mi` } },
    // The autoscaler must not run on (and keep alive) a node it may remove.
    nodeSelector: systemNodeLabels(),
    priorityClassName: "system-cluster-critical",
  };
}

/**
 * IAM permissions, after the autoscaler's AWS README: reads are account-wide
 * (they cannot be scoped), writes only on Auto Scaling groups carrying the
 * `k8s.io/cluster-autoscaler/<cluster>=owned` tag, which EKS sets on every
 * managed node group's ASG of this cluster (so no Tag resource of ours is
 * needed for the condition to hold).
 */
export function clusterAutoscalerPolicy(clusterName: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Discover",
        Effect: "Allow",
        Action: [
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:DescribeAutoScalingInstances",
          "autoscaling:DescribeLaunchConfigurations",
          "autoscaling:DescribeScalingActivities",
          "autoscaling:DescribeTags",
          "ec2:DescribeImages",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplateVersions",
          "ec2:GetInstanceTypesFromInstanceRequirements",
          "eks:DescribeNodegroup",
        ],
        Resource: "*",
      },
      {
        Sid: "ScaleOwnGroupsOnly",
        Effect: "Allow",
        Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
        Resource: "*",
        Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" } },
      },
    ],
  };
}

// ------------------------------------------------------------ ASG tags

export const AUTOSCALER_TAG_PREFIX = "k8s.io/cluster-autoscaler";

/**
 * Auto Scaling group tags that let the autoscaler scale a GPU node group up
 * from zero nodes. With no node to look at, it builds a "template node" from
 * these tags to decide whether a pending pod would fit: the labels its
 * nodeSelector needs (including the accelerator label), the taint it
 * tolerates, and the GPUs it requests. EKS does not copy node group labels
 * and taints to the ASG; the autoscaler's eks:DescribeNodegroup fallback only
 * runs for a group that never had a node (autoscaler AWS README, checked
 * 2026-11-23), so the tags are what makes scale-from-zero reliable. Every GPU
 * node group carries them, with the autoscaler or without: turning it on
 * changes no node group.
 *
 * The auto-discovery tags `k8s.io/cluster-autoscaler/enabled` and
 * `k8s.io/cluster-autoscaler/<cluster>=owned` are NOT here: EKS puts them on
 * every managed node group's ASG itself (EKS user guide, "Managed node
 * groups": "Amazon EKS tags managed node group resources so that they are
 * configured to use the Kubernetes Cluster Autoscaler"; checked 2026-11-23).
 * Managing them as Tag resources as well would mean that deleting such a
 * resource (a pool renamed, the autoscaler turned off) strips the tag EKS set
 * from a live group, and the autoscaler stops seeing it. See eksManagedAsgTags.
 */
export function nodeTemplateTags(group: Pick<GpuNodeGroupSettings, "name" | "instanceTypes">): Record<string, string> {
  const template = `${AUTOSCALER_TAG_PREFIX}/node-template`;
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(gpuNodeLabels(group))) tags[`${template}/label/${key}`] = value;
  // Taint tags use Kubernetes' effect spelling: "true:NoSchedule", not NO_SCHEDULE.
  tags[`${template}/taint/${GPU_TAINT.key}`] = `${GPU_TAINT.value}:${kubernetesTaintEffect(GPU_TAINT.effect)}`;
  const gpus = gpusPerNode(group.instanceTypes);
  if (gpus !== undefined) tags[`${template}/resources/${GPU_RESOURCE}`] = String(gpus);
  return tags;
}

/**
 * The ASG tags EKS itself sets on a managed node group's Auto Scaling group
 * for autoscaler discovery. The program must never manage these keys; the
 * autoscaler's IAM policy (clusterAutoscalerPolicy) relies on the `owned` one.
 */
export function eksManagedAsgTags(clusterName: string): Record<string, string> {
  return { [`${AUTOSCALER_TAG_PREFIX}/enabled`]: "true", [`${AUTOSCALER_TAG_PREFIX}/${clusterName}`]: "owned" };
}

/** Short resource-name suffix for a node-template tag key ("label-ml-platform-pool", "taint-nvidia-com-gpu"). */
export function nodeTemplateTagSlug(key: string): string {
  const rest = key.replace(`${AUTOSCALER_TAG_PREFIX}/`, "").replace(/^node-template\//, "");
  return rest.replace(/[^A-Za-z0-9]+/g, "-");
}

// ------------------------------------------------------------ the add-on

/** What the autoscaler adds to GpuClusterArgs. */
export interface ClusterAutoscalerArgs {
  /**
   * Install the Cluster Autoscaler, which starts GPU nodes when GPU pods are
   * pending and removes idle ones. Without it, scale node groups by hand.
   * Default false.
   */
  autoscaler?: boolean;
}

/** The setting, as the cluster's schema (and so the `cluster.autoscaler` stack key) declares it. */
const SETTINGS = {
  autoscaler: z.boolean().describe("Install the Cluster Autoscaler (scales GPU pools to and from zero).").default(false),
};
// tsc proves the interface and the setting's schema accept the same values.
schemaMatches<ClusterAutoscalerArgs, z.input<z.ZodObject<typeof SETTINGS>>>(true);

/** Its IRSA role: `<cluster component>-autoscaler`, whose IAM role is `<cluster component>-autoscaler-role`. */
const ROLE = "autoscaler";

/**
 * The Cluster Autoscaler as a cluster add-on, installed when `autoscaler` is
 * set: its IRSA role, then its Helm release `<cluster component>-cluster-autoscaler`
 * in kube-system. `requireKubernetesVersion` throws (GpuCluster calls it
 * before declaring anything) when no image is pinned for the Kubernetes minor.
 */
export const clusterAutoscaler: ClusterAddon<ClusterAutoscalerArgs> = {
  id: CLUSTER_AUTOSCALER_CHART.chart,
  pin: { helm: CLUSTER_AUTOSCALER_CHART },
  purpose: "Adds nodes when pods wait for room and removes idle ones: GPU pools scale from zero and back",
  phase: "in-cluster",
  settings: SETTINGS,
  addsGpuNodes: true,
  footprint: [{ name: "cluster-autoscaler", ...CLUSTER_AUTOSCALER_RESOURCES, source: "our values (the chart requests nothing)" }],
  enabled: (settings) => settings.autoscaler,
  iamRoleNames: (owner) => [irsaRoleName(childName(owner, ROLE))],
  requireKubernetesVersion: (kubernetesVersion) => {
    clusterAutoscalerImageTag(kubernetesVersion);
  },
  nodeGroupTags: (pool) => Object.entries(nodeTemplateTags(pool)).map(([key, value]) => ({ slug: nodeTemplateTagSlug(key), key, value })),
  install: (target) => {
    const { declare, owner, parent, cluster, inputs, dependsOn } = target;
    const imageTag = clusterAutoscalerImageTag(inputs.kubernetesVersion);
    const clusterName = declare.output(cluster.clusterName);
    // May only resize Auto Scaling groups owned by this cluster.
    const role = serviceAccountRole(target, childName(owner, ROLE), CLUSTER_AUTOSCALER_SERVICE_ACCOUNT, {
      inlinePolicy: clusterName.apply((name) => JSON.stringify(clusterAutoscalerPolicy(name))),
    });
    const release = declare.helmRelease(
      `${owner}-cluster-autoscaler`,
      CLUSTER_AUTOSCALER_CHART,
      {
        namespace: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.namespace,
        values: { ...clusterAutoscalerValues<pulumi.Input<string>>({ clusterName, region: inputs.region, roleArn: role.roleArn, imageTag }) },
      },
      { parent, provider: cluster.provider, dependsOn },
    );
    return { resources: [release], roles: [role] };
  },
};
