/**
 * Platform-wide version pins (Kubernetes, PostgreSQL, AMI families, EKS
 * managed add-ons), each with where the fact comes from and when it was last
 * checked. Helm chart pins live with the add-on that installs them
 * (components/compute/addons/<addon>.ts). Review this file and the add-on
 * files before every Kubernetes minor upgrade (see KUBERNETES_VERSION).
 */

/**
 * The Kubernetes minor every stage pins. EKS standard support for 1.35 ends
 * on 2027-03-27: after that date a cluster on `upgradePolicy.supportType:
 * "STANDARD"` is upgraded to the next minor by AWS itself, and the code's pin
 * no longer matches the cluster, so plan the upgrade before it. Source:
 * Amazon EKS Kubernetes release calendar
 * (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html),
 * checked 2026-11-23.
 */
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

/** Where a pinned EKS managed add-on version comes from, and for which Kubernetes minor it was checked. */
export interface EksAddonPin {
  /**
   * Exact add-on version, "vX.Y.Z-eksbuild.N". `undefined` means unpinned: the
   * version EKS marks as default for the cluster's minor, looked up at deploy
   * time (components/compute/addons/eks-addon.ts), which moves when AWS moves
   * the default. Never write a version no source shows for `kubernetesVersion`.
   */
  version: string | undefined;
  /** The Kubernetes minor the source lists this version for. A pin holds for that minor only. */
  kubernetesVersion: string;
  /** Where the version was read (or, when unpinned, what was searched and why it stays unpinned). */
  source: string;
  /** When the source was last read (YYYY-MM-DD). */
  checked: string;
}

/**
 * EKS managed add-on pins for KUBERNETES_VERSION (1.35). Each is a version a
 * public source lists as available for Kubernetes 1.35, all checked 2026-11-23.
 * The EKS user guide tables list the *latest* version of the EKS add-on type
 * per minor (not EKS's default), so a pin can be newer than what a fresh
 * cluster gets by default; that is intended (a fixed, known version).
 *
 * To refresh (or to pin for a new minor), with AWS access:
 *   aws eks describe-addon-versions --kubernetes-version <minor> --addon-name <name> \
 *     --query 'addons[].addonVersions[].addonVersion'
 * and update version, kubernetesVersion, source and checked together.
 */
export const EKS_ADDON_PINS: Record<EksAddonName, EksAddonPin> = {
  "vpc-cni": {
    version: "v1.21.1-eksbuild.7",
    kubernetesVersion: "1.35",
    source:
      'Amazon EKS user guide, "Amazon VPC CNI versions" table (managing-vpc-cni), row Kubernetes 1.35 = v1.21.1-eksbuild.7 ' +
      "(read in the zh_cn edition at docs.amazonaws.cn: the copies of the English edition read did not yet have a 1.35 row). " +
      "Cross-check: cookpad/terraform-aws-eks versions.tf (commit f696246, 2026-03-05), the output of " +
      "`aws eks describe-addon-versions --kubernetes-version 1.35`, lists v1.21.1-eksbuild.3, the same upstream v1.21.1.",
    checked: "2026-11-23",
  },
  "kube-proxy": {
    version: "v1.35.3-eksbuild.13",
    kubernetesVersion: "1.35",
    source:
      'Amazon EKS user guide, "kube-proxy versions" table (managing-kube-proxy), row Kubernetes 1.35 = v1.35.3-eksbuild.13 ' +
      "(read in the ja_jp edition at docs.aws.amazon.com, the newest stored edition; its table already lists 1.36). " +
      "kube-proxy is built per Kubernetes minor: its version must carry the cluster's minor.",
    checked: "2026-11-23",
  },
  coredns: {
    version: "v1.14.3-eksbuild.3",
    kubernetesVersion: "1.35",
    source:
      'Amazon EKS user guide, "CoreDNS versions" table (managing-coredns), row Kubernetes 1.35 = v1.14.3-eksbuild.3 ' +
      "(read in the ja_jp edition at docs.aws.amazon.com, the same edition as kube-proxy; its table already lists 1.36).",
    checked: "2026-11-23",
  },
  "aws-ebs-csi-driver": {
    version: "v1.56.0-eksbuild.1",
    kubernetesVersion: "1.35",
    source:
      "The EKS user guide has no per-minor table for this add-on. cookpad/terraform-aws-eks versions.tf (commit f696246, " +
      "2026-03-05, \"k8s version 1.35\") is generated by its hack/versions script from " +
      "`aws eks describe-addon-versions --kubernetes-version 1.35 --addon-name aws-ebs-csi-driver` and records v1.56.0-eksbuild.1.",
    checked: "2026-11-23",
  },
};

/**
 * The pinned version of `addon` for a cluster on `kubernetesVersion`, or
 * `undefined` when the add-on is unpinned (EKS's default applies). Throws when
 * the pin was checked for another Kubernetes minor: a version listed for one
 * minor is not known to exist (kube-proxy) or to be supported on another.
 */
export function eksAddonVersion(addon: EksAddonName, kubernetesVersion: string): string | undefined {
  const pin = EKS_ADDON_PINS[addon];
  if (pin.version === undefined) return undefined;
  if (pin.kubernetesVersion !== kubernetesVersion) {
    throw new Error(
      `The ${addon} add-on is pinned to ${pin.version} for Kubernetes ${pin.kubernetesVersion}, not ${kubernetesVersion}. ` +
        `Look the version up for ${kubernetesVersion} and update EKS_ADDON_PINS in lib/versions.ts.`,
    );
  }
  return pin.version;
}
