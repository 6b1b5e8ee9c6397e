/**
 * lib/versions.ts and the pins of the add-ons (components/compute/addons/):
 * every pin is exact, says where it comes from, and belongs to the Kubernetes
 * minor the platform runs. Pure: no stack is planned.
 */
import { CLUSTER_AUTOSCALER_IMAGE_TAGS, clusterAutoscalerImageTag } from "../../components/compute/addons/cluster-autoscaler";
import { eksAddonVersion } from "../../components/compute/addons/eks-addon";
import { chartOf } from "../../components/compute/addons/addon";
import { ADDONS, CLUSTER_ADDONS } from "../../components/compute/addons/registry";
import {
  EKS_KUBERNETES_RELEASES,
  EksAddonPin,
  KUBERNETES_VERSION,
  REFUSED_KUBERNETES_VERSIONS,
  SUPPORTED_KUBERNETES_VERSIONS,
  chartArchiveName,
  helmChartName,
} from "../../lib/versions";
import { EKS_STANDARD_SUPPORT_ENDS, pastStandardSupport } from "../../policies/rules/hardening";

/** The EKS managed add-ons' pins, by add-on name: one per supported minor. */
const EKS_ADDON_PINS: Record<string, readonly EksAddonPin[]> = Object.fromEntries(ADDONS.flatMap((a) => ("eks" in a.pin ? [[a.id, a.pin.eks]] : [])));
const SUPPORTED: readonly string[] = SUPPORTED_KUBERNETES_VERSIONS;

/** "vX.Y.Z-eksbuild.N", the only form EKS accepts for a managed add-on version. */
const EKSBUILD = /^v(\d+)\.(\d+)\.(\d+)-eksbuild\.(\d+)$/;
/** An exact chart version: X.Y.Z, no range, no "v". */
const EXACT_SEMVER = /^\d+\.\d+\.\d+$/;

/** What is wrong with one add-on pin, or [] (the rules the tests below apply to every pin). */
function pinProblems(name: string, pin: EksAddonPin): string[] {
  const problems: string[] = [];
  if (!SUPPORTED.includes(pin.kubernetesVersion)) problems.push(`${name}: pinned for ${pin.kubernetesVersion}, not a supported minor`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(pin.checked)) problems.push(`${name}: checked "${pin.checked}" is not a date`);
  if (pin.version === undefined) {
    // Unpinned is allowed, but only with the search that was made written down.
    if (!/unpinned/i.test(pin.source)) problems.push(`${name}: unpinned without saying why`);
    return problems;
  }
  if (!EKSBUILD.test(pin.version)) problems.push(`${name}: ${pin.version} is not vX.Y.Z-eksbuild.N`);
  if (!pin.source.includes(pin.kubernetesVersion)) problems.push(`${name}: the source does not name Kubernetes ${pin.kubernetesVersion}`);
  if (!pin.source.includes(pin.version)) problems.push(`${name}: the source does not name ${pin.version}`);
  return problems;
}

describe("EKS managed add-on pins", () => {
  it("are the cluster's own: vpc-cni, kube-proxy, coredns, aws-ebs-csi-driver", () => {
    expect(Object.keys(EKS_ADDON_PINS).sort()).toEqual(["aws-ebs-csi-driver", "coredns", "kube-proxy", "vpc-cni"]);
    for (const name of Object.keys(EKS_ADDON_PINS)) expect(CLUSTER_ADDONS.map((a) => a.id)).toContain(name);
  });

  it("are exactly one exact eksbuild version per supported Kubernetes minor, each naming its source and the date it was read", () => {
    const problems = Object.entries(EKS_ADDON_PINS).flatMap(([name, pins]) => pins.flatMap((pin) => pinProblems(name, pin)));
    expect(problems).toEqual([]);
    for (const pins of Object.values(EKS_ADDON_PINS)) expect(pins.map((p) => p.kubernetesVersion)).toEqual(SUPPORTED);
  });

  it("the rules reject a malformed, undocumented or foreign-minor pin", () => {
    const good: EksAddonPin = {
      version: "v1.35.3-eksbuild.13",
      kubernetesVersion: "1.35",
      source: "table row 1.35 = v1.35.3-eksbuild.13",
      checked: "2026-11-23",
    };
    expect(pinProblems("kube-proxy", good)).toEqual([]);
    expect(pinProblems("x", { ...good, version: "v1.35.3" })).toEqual(["x: v1.35.3 is not vX.Y.Z-eksbuild.N"]);
    expect(pinProblems("x", { ...good, source: "the EKS user guide" })).toEqual([
      "x: the source does not name Kubernetes 1.35",
      "x: the source does not name v1.35.3-eksbuild.13",
    ]);
    expect(pinProblems("x", { ...good, version: "1.35.3-eksbuild.13", source: "1.35 1.35.3-eksbuild.13" })).toEqual([
      "x: 1.35.3-eksbuild.13 is not vX.Y.Z-eksbuild.N",
    ]);
    expect(pinProblems("x", { ...good, kubernetesVersion: "1.34" })).toContain("x: pinned for 1.34, not a supported minor");
    expect(pinProblems("x", { ...good, version: undefined, source: "" })).toEqual(["x: unpinned without saying why"]);
    expect(pinProblems("x", { ...good, version: undefined, source: "unpinned: no source lists 1.35" })).toEqual([]);
  });

  it("kube-proxy carries the cluster's Kubernetes minor in every pin (it is built per minor)", () => {
    for (const pin of EKS_ADDON_PINS["kube-proxy"]!) {
      if (pin.version === undefined) continue; // unpinned: EKS picks the build for the cluster's minor
      const [, major, minor] = EKSBUILD.exec(pin.version)!;
      expect(`${major}.${minor}`).toBe(pin.kubernetesVersion);
    }
  });

  it("a cluster gets the pin of its own minor; a minor with no pin fails loudly, naming the pinned minors and where to add one", () => {
    for (const [name, pins] of Object.entries(EKS_ADDON_PINS))
      for (const minor of SUPPORTED_KUBERNETES_VERSIONS)
        expect(eksAddonVersion(name, pins, minor)).toBe(pins.find((p) => p.kubernetesVersion === minor)!.version);
    expect(eksAddonVersion("kube-proxy", EKS_ADDON_PINS["kube-proxy"]!, "1.36")).toMatch(/^v1\.36\./);
    expect(() => eksAddonVersion("kube-proxy", EKS_ADDON_PINS["kube-proxy"]!, "1.37")).toThrow(
      /kube-proxy add-on is pinned for Kubernetes 1\.35, 1\.36, not 1\.37.*components\/compute\/addons\//,
    );
  });
});

describe("supported Kubernetes minors", () => {
  it("are the default and the next minor, oldest first; the default is one of them", () => {
    expect(SUPPORTED).toEqual(["1.35", "1.36"]);
    expect(SUPPORTED).toContain(KUBERNETES_VERSION);
  });

  it("are each in EKS standard support on the day they were checked, with their calendar dates and source", () => {
    for (const minor of SUPPORTED_KUBERNETES_VERSIONS) {
      const r = EKS_KUBERNETES_RELEASES[minor];
      expect(r.eksRelease < "2026-12-07" && r.endOfStandardSupport > "2026-12-07").toBe(true);
      expect(r.source).toContain(minor);
    }
  });

  it("the policy pack's support-date table knows every supported minor, with the same end date, and judges by it", () => {
    for (const minor of SUPPORTED_KUBERNETES_VERSIONS) {
      const ends = EKS_KUBERNETES_RELEASES[minor].endOfStandardSupport;
      expect({ minor, ends: EKS_STANDARD_SUPPORT_ENDS[minor] }).toEqual({ minor, ends });
      expect(pastStandardSupport(minor, "2026-12-07")).toBe(false);
      // EKS bills extended support from the start (UTC) of the end date itself.
      const dayBefore = new Date(Date.parse(ends) - 86_400_000).toISOString().slice(0, 10);
      expect(pastStandardSupport(minor, dayBefore)).toBe(false);
      expect(pastStandardSupport(minor, ends)).toEqual({ ended: ends });
    }
    expect(pastStandardSupport("1.36", "2027-08-02")).toEqual({ ended: "2027-08-02" });
  });

  it("a minor EKS offers but the platform cannot pin yet is refused with its reason, and is not supported", () => {
    for (const minor of Object.keys(REFUSED_KUBERNETES_VERSIONS)) expect(SUPPORTED).not.toContain(minor);
    expect(REFUSED_KUBERNETES_VERSIONS["1.37"]).toMatch(/node-autoscaling image.*no 1\.37 release/);
    expect(() => clusterAutoscalerImageTag("1.37")).toThrow(/No Cluster Autoscaler image is pinned for Kubernetes 1\.37/);
  });
});

describe("every add-on", () => {
  it("has a pin for every supported Kubernetes minor, and refuses one it has none for", () => {
    for (const addon of ADDONS) {
      for (const minor of SUPPORTED_KUBERNETES_VERSIONS) expect(() => addon.requireKubernetesVersion?.(minor)).not.toThrow();
    }
    // The check sees a missing pin: the EKS add-ons and the autoscaler's image are pinned per minor.
    const refusing = ADDONS.filter((a) => {
      try {
        a.requireKubernetesVersion?.("1.20");
        return false;
      } catch {
        return true;
      }
    });
    expect(refusing.map((a) => a.id).sort()).toEqual(["aws-ebs-csi-driver", "cluster-autoscaler", "coredns", "kube-proxy", "vpc-cni"]);
  });

  it("is listed once, under its own name, with a one-line purpose", () => {
    expect(new Set(ADDONS.map((a) => a.id)).size).toBe(ADDONS.length);
    for (const a of ADDONS) expect({ id: a.id, purpose: a.purpose }).toEqual({ id: a.id, purpose: expect.stringMatching(/^[^\n]{10,120}$/) });
  });
});

describe("Cluster Autoscaler image", () => {
  it("has an exact vX.Y.Z tag whose minor is the Kubernetes minor, for every supported minor", () => {
    for (const minor of SUPPORTED_KUBERNETES_VERSIONS) {
      const tag = clusterAutoscalerImageTag(minor);
      const m = /^v(\d+)\.(\d+)\.(\d+)$/.exec(tag);
      expect(m).not.toBeNull();
      expect(`${m![1]}.${m![2]}`).toBe(minor);
    }
    expect(Object.keys(CLUSTER_AUTOSCALER_IMAGE_TAGS)).toEqual(SUPPORTED);
    expect(clusterAutoscalerImageTag("1.36")).toBe("v1.36.1");
  });
});

describe("Helm chart pins", () => {
  const charts = Object.fromEntries(ADDONS.flatMap((a) => (chartOf(a) ? [[a.id, chartOf(a)!]] : [])));

  it("are the seven Helm add-ons'", () => {
    expect(Object.keys(charts).sort()).toEqual([
      "argo-rollouts",
      "aws-load-balancer-controller",
      "cluster-autoscaler",
      "dcgm-exporter",
      "kube-prometheus-stack",
      "metrics-server",
      "nvidia-device-plugin",
    ]);
  });

  it("are exact versions from https repositories, under the chart's own name", () => {
    for (const [name, pin] of Object.entries(charts)) {
      expect({ name, version: pin.version, exact: EXACT_SEMVER.test(pin.version) }).toEqual({ name, version: pin.version, exact: true });
      expect(pin.chart).toBe(name);
      expect(pin.repo).toMatch(/^https:\/\//);
    }
  });
});

describe("a Helm release's chart", () => {
  it("is named by the chart itself or by its archive's path, which every pin's archive name round-trips", () => {
    expect(helmChartName("charts/kube-prometheus-stack-88.5.3.tgz")).toBe("kube-prometheus-stack");
    expect(helmChartName("/srv/checkout/charts/metrics-server-3.13.1.tgz")).toBe("metrics-server");
    expect(helmChartName("dcgm-exporter")).toBe("dcgm-exporter");
    expect(helmChartName(undefined)).toBe("");
    for (const pin of ADDONS.flatMap((a) => chartOf(a) ?? [])) expect(helmChartName(`charts/${chartArchiveName(pin)}`)).toBe(pin.chart);
  });
});
