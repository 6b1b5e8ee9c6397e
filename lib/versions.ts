/**
 * Platform-wide version pins (Kubernetes, PostgreSQL, AMI families, EKS
 * managed add-ons), each with where the fact comes from and when it was last
 * checked. Helm chart pins live with the add-on that installs them
 * (components/compute/addons/<addon>.ts). Review this file and the add-on
 * files before every Kubernetes minor upgrade (see KUBERNETES_STANDARD_SUPPORT_ENDS).
 */

/** The Kubernetes minor every stage pins: in EKS standard support until KUBERNETES_STANDARD_SUPPORT_ENDS. */
export const KUBERNETES_VERSION = "1.35";

/**
 * Kubernetes minors a stack may run: those for which every version-bound pin
 * exists (the Cluster Autoscaler image in components/compute/addons/cluster-autoscaler.ts
 * above all; a test checks the table covers this list). Add a minor here only
 * together with its pins.
 */
export const SUPPORTED_KUBERNETES_VERSIONS = [KUBERNETES_VERSION] as const;

/** RDS PostgreSQL major version; RDS applies minor versions in the maintenance window. */
export const POSTGRES_MAJOR_VERSION = "17";

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

// Helm chart pins live with their add-on, in components/compute/addons/<addon>.ts
// (chart, version, values and IAM in one file); they use ChartPin above.

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
