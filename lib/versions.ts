/**
 * Platform-wide version pins (Kubernetes, PostgreSQL, AMI families), each
 * with where the fact comes from and when it was last checked, and the shape
 * of an add-on's pin. Every add-on's pin (Helm chart or EKS managed add-on)
 * lives with the add-on, in components/compute/addons/<addon>.ts. Review this
 * file and the add-on files before every Kubernetes minor upgrade (see
 * KUBERNETES_VERSION).
 */

/**
 * The Kubernetes minor a stack runs unless it sets `cluster.kubernetesVersion`:
 * the default of every stage. It stays on 1.35 although 1.36 is supported:
 * a new default is an in-place control-plane upgrade of every existing
 * cluster at its next `pulumi up` after a package update, which a stack
 * should choose (one minor at a time, see the upgrade runbook in
 * docs/guides/operations.md), not receive. EKS standard support for 1.35
 * ends on 2027-03-27 (EKS_KUBERNETES_RELEASES below): after that date a
 * cluster on `upgradePolicy.supportType: "STANDARD"` is upgraded to the next
 * minor by AWS itself, so move stacks to 1.36 before it.
 */
export const KUBERNETES_VERSION = "1.35";

/**
 * Kubernetes minors a stack may run: those for which every add-on's
 * version-bound pins exist (EKS add-on builds, image tags: each add-on's
 * `requireKubernetesVersion`; a test checks every add-on covers this list),
 * oldest first. Add a minor here only together with its pins.
 */
export const SUPPORTED_KUBERNETES_VERSIONS = ["1.35", "1.36"] as const;

/** A Kubernetes minor the platform supports. */
export type KubernetesMinor = (typeof SUPPORTED_KUBERNETES_VERSIONS)[number];

/**
 * Minors EKS offers that a stack may not choose yet, each with why: what a
 * stack setting one is told. Source for 1.37 on EKS: AWS What's New "Amazon
 * EKS and Amazon EKS Distro now support Kubernetes version 1.37"
 * (aws.amazon.com/about-aws/whats-new/2026/10/amazon-eks-distro-kubernetes-version-1-37,
 * 2026-10-02). No Cluster Autoscaler 1.37 release could be found: the
 * newest tags of kubernetes/autoscaler are cluster-autoscaler-1.36.1 and
 * -1.35.2 (2026-07-22; branch cluster-autoscaler-release-1.37 exists,
 * untagged), and its image must match the cluster's minor. Checked 2026-12-07.
 */
export const REFUSED_KUBERNETES_VERSIONS: Record<string, string> = {
  // The node autoscaler's image (components/compute/addons/) is the build without a 1.37 release.
  "1.37": "EKS offers it since 2026-10-02, but the node-autoscaling image, built per Kubernetes minor, has no 1.37 release to pin yet",
};

/** An EKS Kubernetes minor's dates (YYYY-MM-DD, UTC) on the EKS release calendar. */
export interface EksKubernetesRelease {
  /** The day Amazon EKS released it. */
  eksRelease: string;
  /**
   * The end of standard support: from this day on (UTC) EKS bills the cluster
   * for extended support, or upgrades it when its support type is STANDARD.
   */
  endOfStandardSupport: string;
  /** Where the dates were read. */
  source: string;
}

/**
 * The EKS release calendar of the supported minors ("Understand the
 * Kubernetes version lifecycle on EKS", docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar;
 * standard support lasts 14 months from the EKS release). The policy pack's
 * support-date table (policies/rules/hardening.ts) holds the same end dates:
 * a test checks they agree.
 */
export const EKS_KUBERNETES_RELEASES: Record<KubernetesMinor, EksKubernetesRelease> = {
  "1.35": {
    eksRelease: "2026-01-27",
    endOfStandardSupport: "2027-03-27",
    source:
      "EKS release calendar row 1.35 (EKS release January 27, 2026, end of standard support March 27, 2027, as a public copy of the calendar " +
      "recorded it on 2026-06-04; endoflife.date/amazon-eks gives the same end date and January 28 for the release), checked 2026-12-07",
  },
  "1.36": {
    eksRelease: "2026-06-02",
    endOfStandardSupport: "2027-08-02",
    source:
      'EKS release calendar row 1.36 ("April 22, 2026 | June 2, 2026 | August 2, 2027 | August 2, 2028", quoted from the calendar ' +
      'in public notes verified 2026-09-29), and AWS What\'s New "Amazon EKS and Amazon EKS Distro now supports Kubernetes version 1.36" ' +
      "(aws.amazon.com/about-aws/whats-new/2026/06/amazon-eks-distro-kubernetes-version-1-36, 2026-06-02); checked 2026-12-07",
  },
};

/** RDS PostgreSQL major version; RDS applies minor versions in the maintenance window. */
export const POSTGRES_MAJOR_VERSION = "17";

/**
 * The last day of RDS standard support of each PostgreSQL major: after it,
 * RDS moves the instance to Extended Support, billed per vCPU-hour on top of
 * the instance, or upgrades it. Source: "Release calendars for Amazon RDS for
 * PostgreSQL" (RDS for PostgreSQL release notes), checked 2026-12-07.
 */
export const POSTGRES_STANDARD_SUPPORT_ENDS: Record<string, string> = {
  "13": "2026-02-28",
  "14": "2027-02-28",
  "15": "2028-02-29",
  "16": "2029-02-28",
  "17": "2030-02-28",
  "18": "2031-02-28",
};

/**
 * EKS-optimized AMI families for managed node groups. Amazon Linux 2 EKS AMIs
 * stopped being published on 2025-11-26, so only AL2023 is used (source: EKS
 * AMI deprecation FAQ in the EKS user guide, checked 2026-11-23). Both types
 * exist for every supported minor: awslabs/amazon-eks-ami release v20260903
 * lists amazon-eks-node-al2023-x86_64-standard-1.36 and -nvidia-1.36
 * (v20261023 the 1.37 ones), checked 2026-12-07. The launch template sets no
 * AMI, so EKS picks the node group's minor's image of the type. The NVIDIA
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

/** The file name of a chart version's archive, as `helm package` and `helm pull` name it (charts/ vendors them). */
export function chartArchiveName(pin: Pick<ChartPin, "chart" | "version">): string {
  return `${pin.chart}-${pin.version}.tgz`;
}

/**
 * The chart a Helm release's `chart` input names: the chart itself, or the
 * path of a chart archive (`charts/kube-prometheus-stack-88.5.3.tgz` names
 * kube-prometheus-stack). What the policy pack, the cost model and the docs
 * identify a release by.
 */
export function helmChartName(chart: unknown): string {
  const s = typeof chart === "string" ? chart : "";
  return /(?:^|[/\\])([^/\\]+?)-\d+\.\d+\.\d+[^/\\]*\.tgz$/.exec(s)?.[1] ?? s;
}

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
