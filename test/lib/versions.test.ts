/**
 * lib/versions.ts and the chart pins of the add-ons and the monitoring stack:
 * every pin is exact, says where it comes from, and belongs to the Kubernetes
 * minor the platform runs. Pure: no stack is planned.
 */
import { AWS_LOAD_BALANCER_CONTROLLER_CHART } from "../../components/compute/addons/aws-load-balancer-controller";
import { CLUSTER_AUTOSCALER_CHART, CLUSTER_AUTOSCALER_IMAGE_TAGS, clusterAutoscalerImageTag } from "../../components/compute/addons/cluster-autoscaler";
import { METRICS_SERVER_CHART } from "../../components/compute/addons/metrics-server";
import { NVIDIA_DEVICE_PLUGIN_CHART } from "../../components/compute/addons/nvidia-device-plugin";
import { DCGM_EXPORTER_CHART, KUBE_PROMETHEUS_STACK_CHART } from "../../components/monitoring/charts";
import {
  EKS_ADDONS,
  EKS_ADDON_PINS,
  EksAddonPin,
  KUBERNETES_VERSION,
  SUPPORTED_KUBERNETES_VERSIONS,
  eksAddonVersion,
} from "../../lib/versions";

/** "vX.Y.Z-eksbuild.N", the only form EKS accepts for a managed add-on version. */
const EKSBUILD = /^v(\d+)\.(\d+)\.(\d+)-eksbuild\.(\d+)$/;
/** An exact chart version: X.Y.Z, no range, no "v". */
const EXACT_SEMVER = /^\d+\.\d+\.\d+$/;

/** What is wrong with one add-on pin, or [] (the rules the tests below apply to every pin). */
function pinProblems(name: string, pin: EksAddonPin): string[] {
  const problems: string[] = [];
  if (!(SUPPORTED_KUBERNETES_VERSIONS as readonly string[]).includes(pin.kubernetesVersion)) problems.push(`${name}: pinned for ${pin.kubernetesVersion}, not a supported minor`);
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
  it("cover exactly the add-ons the cluster installs", () => {
    expect(Object.keys(EKS_ADDON_PINS).sort()).toEqual([...EKS_ADDONS].sort());
  });

  it("are exact eksbuild versions for the platform's Kubernetes minor, each naming its source and the date it was read", () => {
    const problems = Object.entries(EKS_ADDON_PINS).flatMap(([name, pin]) => pinProblems(name, pin));
    expect(problems).toEqual([]);
    for (const pin of Object.values(EKS_ADDON_PINS)) expect(pin.kubernetesVersion).toBe(KUBERNETES_VERSION);
  });

  it("the rules reject a malformed, undocumented or foreign-minor pin", () => {
    const good: EksAddonPin = { version: "v1.35.3-eksbuild.13", kubernetesVersion: "1.35", source: "table row 1.35 = v1.35.3-eksbuild.13", checked: "2026-11-23" };
    expect(pinProblems("kube-proxy", good)).toEqual([]);
    expect(pinProblems("x", { ...good, version: "v1.35.3" })).toEqual(["x: v1.35.3 is not vX.Y.Z-eksbuild.N"]);
    expect(pinProblems("x", { ...good, source: "the EKS user guide" })).toEqual([
      "x: the source does not name Kubernetes 1.35",
      "x: the source does not name v1.35.3-eksbuild.13",
    ]);
    expect(pinProblems("x", { ...good, version: "1.35.3-eksbuild.13", source: "1.35 1.35.3-eksbuild.13" })).toEqual(["x: 1.35.3-eksbuild.13 is not vX.Y.Z-eksbuild.N"]);
    expect(pinProblems("x", { ...good, kubernetesVersion: "1.34" })).toContain("x: pinned for 1.34, not a supported minor");
    expect(pinProblems("x", { ...good, version: undefined, source: "" })).toEqual(["x: unpinned without saying why"]);
    expect(pinProblems("x", { ...good, version: undefined, source: "unpinned: no source lists 1.35" })).toEqual([]);
  });

  it("kube-proxy carries the cluster's Kubernetes minor (it is built per minor)", () => {
    const version = EKS_ADDON_PINS["kube-proxy"].version;
    if (version === undefined) return; // unpinned: EKS picks the build for the cluster's minor
    const [, major, minor] = EKSBUILD.exec(version)!;
    expect(`${major}.${minor}`).toBe(KUBERNETES_VERSION);
  });

  it("a pin is used for its own minor only: another minor fails loudly, naming the file to update", () => {
    for (const name of EKS_ADDONS) expect(eksAddonVersion(name, KUBERNETES_VERSION)).toBe(EKS_ADDON_PINS[name].version);
    expect(() => eksAddonVersion("kube-proxy", "1.36")).toThrow(/pinned to v1\.35\.\d+-eksbuild\.\d+ for Kubernetes 1\.35, not 1\.36.*lib\/versions\.ts/);
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
    expect(Object.keys(CLUSTER_AUTOSCALER_IMAGE_TAGS)).toContain(KUBERNETES_VERSION);
  });
});

describe("Helm chart pins", () => {
  const charts = {
    "cluster-autoscaler": CLUSTER_AUTOSCALER_CHART,
    "aws-load-balancer-controller": AWS_LOAD_BALANCER_CONTROLLER_CHART,
    "metrics-server": METRICS_SERVER_CHART,
    "nvidia-device-plugin": NVIDIA_DEVICE_PLUGIN_CHART,
    "kube-prometheus-stack": KUBE_PROMETHEUS_STACK_CHART,
    "dcgm-exporter": DCGM_EXPORTER_CHART,
  };

  it("are exact versions from https repositories, under the chart's own name", () => {
    for (const [name, pin] of Object.entries(charts)) {
      expect({ name, version: pin.version, exact: EXACT_SEMVER.test(pin.version) }).toEqual({ name, version: pin.version, exact: true });
      expect(pin.chart).toBe(name);
      expect(pin.repo).toMatch(/^https:\/\//);
    }
  });
});
