/**
 * Platform-wide version pins (Kubernetes, PostgreSQL, AMI families), each
 * with where the fact comes from and when it was last checked, and the shape
 * of an add-on's pin. Every add-on's pin (Helm chart or EKS managed add-on)
 * lives with the add-on, in components/compute/addons/<addon>.ts. Review this
 * file and the add-on files before every Kubernetes minor upgrade (see
 * KUBERNETES_VERSION).
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
 * Kubernetes minors a stack may run: those for which every add-on's
 * version-bound pins exist (EKS add-on builds, image tags: each add-on's
 * `requireKubernetesVersion`; a test checks every add-on covers this list).
 * Add a minor here only together with its pins.
 */
export const SUPPORTED_KUBERNETES_VERSIONS = [KUBERNETES_VERSION] as const;

/** RDS PostgreSQL major version; RDS applies minor versions in the maintenance window. */
export const POSTGRES_MAJOR_VERSION = "17";

/**
 * The last day of RDS standard support of each PostgreSQL major: after it,
 * RDS moves the instance to Extended Support, billed per vCPU-hour on top of
 * the instance, or upgrades it. Source: "Release calendars for Amazon RDS for
 * PostgreSQL" (RDS for PostgreSQL release notes), checked 2026-12-08.
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
