/**
 * Every version the cluster pins, in one place, each with where the fact comes
 * from and when it was last checked. Bump them here and nowhere else; a test
 * fails if a pin goes missing. Review this file before every Kubernetes minor
 * upgrade (see KUBERNETES_STANDARD_SUPPORT_ENDS).
 */
import { KUBERNETES_VERSION } from "../config/presets";

/**
 * The Kubernetes minor every stage runs (defined beside the presets, re-exported
 * here so all pins can be read together).
 */
export { KUBERNETES_VERSION };

/**
 * End of EKS standard support for KUBERNETES_VERSION (1.35). After this date a
 * cluster on `upgradePolicy.supportType: "STANDARD"` is upgraded to the next
 * minor by AWS itself, and the code's pin no longer matches the cluster: plan
 * the upgrade before it. Source: Amazon EKS Kubernetes release calendar
 * (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html), checked 2026-11-23.
 */
export const KUBERNETES_STANDARD_SUPPORT_ENDS = "2027-03-27";

/**
 * EKS-optimized AMI families for managed node groups. Amazon Linux 2 EKS AMIs
 * stopped being published on 2025-11-26, so only AL2023 is used (source: EKS
 * AMI deprecation FAQ in the EKS user guide, checked 2026-11-23). The NVIDIA
 * variant ships the driver, the container toolkit and containerd's NVIDIA
 * runtime, so no GPU operator is needed for the device plugin to work.
 */
export const NODE_AMI_TYPES = {
  cpu: "AL2023_x86_64_STANDARD",
  nvidiaGpu: "AL2023_x86_64_NVIDIA",
} as const;

/** A Helm chart pin: repository, chart name and exact chart version. */
export interface ChartPin {
  repo: string;
  chart: string;
  version: string;
}

/**
 * NVIDIA device plugin: advertises `nvidia.com/gpu` on GPU nodes so pods can
 * request GPUs. Chart 0.20.0 was published 2026-08-20 (source: the chart
 * repository index, https://nvidia.github.io/k8s-device-plugin/index.yaml,
 * checked 2026-11-23).
 */
export const NVIDIA_DEVICE_PLUGIN_CHART: ChartPin = {
  repo: "https://nvidia.github.io/k8s-device-plugin",
  chart: "nvidia-device-plugin",
  version: "0.20.0",
};

/**
 * Cluster Autoscaler. Chart 9.59.0 was published 2026-07-21 and defaults to
 * image v1.35.0 (source: https://kubernetes.github.io/autoscaler/index.yaml,
 * checked 2026-11-23).
 */
export const CLUSTER_AUTOSCALER_CHART: ChartPin = {
  repo: "https://kubernetes.github.io/autoscaler",
  chart: "cluster-autoscaler",
  version: "9.59.0",
};

/**
 * Cluster Autoscaler image tag per Kubernetes minor. The autoscaler's minor
 * must match the cluster's (its scheduler simulation is compiled against that
 * Kubernetes version), so the tag is set explicitly rather than left to the
 * chart default, and upgrading Kubernetes means adding a row here. Source:
 * the autoscaler releases page and the chart's appVersion, checked 2026-11-23.
 */
export const CLUSTER_AUTOSCALER_IMAGE_TAGS: Record<string, string> = {
  "1.35": "v1.35.0",
};

/** The Cluster Autoscaler image tag for a Kubernetes minor; throws when none is pinned. */
export function clusterAutoscalerImageTag(kubernetesVersion: string): string {
  const tag = CLUSTER_AUTOSCALER_IMAGE_TAGS[kubernetesVersion];
  if (!tag) {
    const known = Object.keys(CLUSTER_AUTOSCALER_IMAGE_TAGS).join(", ");
    throw new Error(
      `No Cluster Autoscaler image is pinned for Kubernetes ${kubernetesVersion} (pinned: ${known}). ` +
        `Add the matching v${kubernetesVersion}.x release to CLUSTER_AUTOSCALER_IMAGE_TAGS in lib/versions.ts.`,
    );
  }
  return tag;
}

/** The EKS managed add-ons the cluster installs. */
export const EKS_ADDONS = ["vpc-cni", "kube-proxy", "coredns", "aws-ebs-csi-driver"] as const;
export type EksAddonName = (typeof EKS_ADDONS)[number];

/**
 * EKS managed add-on versions ("v1.20.4-eksbuild.1" style). `undefined` means
 * "the version EKS marks as default for the cluster's Kubernetes minor",
 * looked up at deploy time with `aws.eks.getAddonVersion({ mostRecent: false })`.
 *
 * None is pinned yet: the exact eksbuild versions for 1.35 could not be
 * checked (no AWS access when this was written, 2026-11-23). The default
 * version is tested by AWS for that minor, but AWS may move the default, and
 * the next `pulumi up` then updates the add-on. To pin, run
 *   aws eks describe-addon-versions --kubernetes-version 1.35 --addon-name <name> \
 *     --query 'addons[].addonVersions[?compatibilities[?defaultVersion]].addonVersion'
 * and write the answer (with the date) here.
 */
export const EKS_ADDON_VERSIONS: Record<EksAddonName, string | undefined> = {
  "vpc-cni": undefined,
  "kube-proxy": undefined,
  coredns: undefined,
  "aws-ebs-csi-driver": undefined,
};
