/**
 * The add-on contract (components/compute/addons/addon.ts): what each add-on
 * says about itself in the registry (pin, IAM roles, footprint, when it is
 * enabled) is what the plans declare, and the components that own add-ons
 * count their footprints from it.
 */
import { chartOf } from "../../components/compute/addons/addon";
import { ADDONS, CLUSTER_ADDONS, MONITORING_ADDONS, SERVING_ADDONS } from "../../components/compute/addons/registry";
import { gpuClusterSystemWorkloads } from "../../components/compute/gpu-cluster.footprint";
import { monitoringSystemWorkloads } from "../../components/monitoring/monitoring.footprint";
import { servingSystemWorkloads } from "../../components/serving/model-serving.footprint";
import type { ServingSettings } from "../../components/serving/settings";
import { withModelDefaults } from "../../components/serving/model-defaults";
import { STAGE_PRESETS } from "../../config/presets";
import { KUBERNETES_VERSION, chartArchiveName, helmChartName } from "../../lib/versions";
import { eksAddonVersion } from "../../components/compute/addons/eks-addon";
import type { PlanRun } from "../../plan/engine";
import { FIXTURE_STACKS, ofType, plan } from "../support/plan";

const HELM = "kubernetes:helm.sh/v3:Release";

describe("the registry", () => {
  let runs: PlanRun[];
  beforeAll(async () => {
    // Series B prod installs every add-on but the load balancer controller, which the exposed fixture adds, and
    // Argo Rollouts, which the canary fixture adds.
    runs = [await plan("seriesb-prod"), await plan("serving-exposed", FIXTURE_STACKS), await plan("canary-seriesb", FIXTURE_STACKS)];
  });

  it("lists every add-on the plans install, each at its pin, and nothing they do not install", () => {
    const installed = new Set(
      runs.flatMap((run) => [
        ...ofType(run, HELM).map((r) => `${String(r.inputs.chart)} ${String(r.inputs.version)} ${JSON.stringify(r.inputs.repositoryOpts ?? null)}`),
        ...ofType(run, "aws:eks/addon:Addon").map((r) => `${String(r.inputs.addonName)} ${String(r.inputs.addonVersion)}`),
      ]),
    );
    const pinned = ADDONS.map((a) => {
      const chart = chartOf(a);
      // Installed from the vendored archive (charts/), not from the chart repository.
      if (chart) return `charts/${chartArchiveName(chart)} ${chart.version} null`;
      // These plans run the default minor.
      return `${a.id} ${"eks" in a.pin ? eksAddonVersion(a.id, a.pin.eks, KUBERNETES_VERSION) : ""}`;
    });
    expect([...installed].sort()).toEqual([...pinned].sort());
  });

  it("each add-on's IAM role names are roles the plans declare, under the component that installs it", () => {
    const roles = new Set(runs.flatMap((run) => ofType(run, "aws:iam/role:Role").map((r) => r.name)));
    const owners: [string, readonly { iamRoleNames(owner: string): string[] }[]][] = [
      ["cluster", CLUSTER_ADDONS],
      ["serving", SERVING_ADDONS],
      ["monitoring", MONITORING_ADDONS],
    ];
    const expected = owners.flatMap(([piece, addons]) =>
      addons.flatMap((a) => [...a.iamRoleNames(`mlp-prod-${piece}`), ...a.iamRoleNames(`mlp-demo-${piece}`)]),
    );
    const declared = expected.filter((n) => roles.has(n));
    // Five add-ons have a role; each plan declares those it installs.
    expect(declared.sort()).toEqual([
      "mlp-demo-cluster-ebs-csi-role",
      "mlp-demo-cluster-vpc-cni-role",
      "mlp-demo-serving-lbc-role",
      "mlp-prod-cluster-autoscaler-role",
      "mlp-prod-cluster-ebs-csi-role",
      "mlp-prod-cluster-vpc-cni-role",
      "mlp-prod-monitoring-alertmanager-role",
    ]);
  });

  it("the Helm add-ons that set their own requests count exactly those in their footprint", () => {
    const values = (chart: string) =>
      runs.flatMap((run) => ofType(run, HELM)).find((r) => helmChartName(r.inputs.chart) === chart)!.inputs.values as Record<string, unknown>;
    const lbc = values("aws-load-balancer-controller") as { replicaCount: number; resources: { requests: { cpu: string; memory: string } } };
    const ms = values("metrics-server") as { replicas: number; resources: { requests: { cpu: string; memory: string } } };
    const footprint = (id: string) => ADDONS.find((a) => a.id === id)!.footprint[0]!;
    for (const [id, replicas, requests] of [
      ["aws-load-balancer-controller", lbc.replicaCount, lbc.resources.requests],
      ["metrics-server", ms.replicas, ms.resources.requests],
    ] as const) {
      const f = footprint(id);
      expect({ id, replicas, cpu: requests.cpu, memory: requests.memory }).toEqual({
        id,
        replicas: f.replicas,
        cpu: `${f.cpuMillis}m`,
        memory: `${f.memoryMiB}Mi`,
      });
    }
  });
});

describe("footprints on the system pool, by owner", () => {
  it("the cluster: DaemonSets first, the autoscaler only when it is installed", () => {
    const names = (autoscaler: boolean) => gpuClusterSystemWorkloads({ ...STAGE_PRESETS.seriesb.cluster.settings, autoscaler }).map((w) => w.name);
    expect(names(true)).toEqual(["aws-node", "kube-proxy", "ebs-csi-node", "coredns", "ebs-csi-controller", "cluster-autoscaler"]);
    expect(names(false)).toEqual(["aws-node", "kube-proxy", "ebs-csi-node", "coredns", "ebs-csi-controller"]);
  });

  it("serving: the load balancer controller when a model is exposed, metrics-server when one autoscales", () => {
    const settings = STAGE_PRESETS.seriesb.serving.settings;
    const model = (exposure: "cluster" | "internal") => withModelDefaults({ name: "m", gpus: 1, maxReplicas: 2, exposure: { type: exposure } });
    const names = (s: ServingSettings) => servingSystemWorkloads(s).map((w) => w.name);
    expect(names({ ...settings, models: [] })).toEqual([]);
    expect(names({ ...settings, models: [model("cluster")] })).toEqual(["metrics-server"]);
    expect(names({ ...settings, models: [model("internal")] })).toEqual(["aws-load-balancer-controller", "metrics-server"]);
    expect(names({ ...settings, autoscaling: false, models: [model("internal")] })).toEqual(["aws-load-balancer-controller"]);
  });

  it("monitoring: kube-prometheus-stack's pods; the DCGM exporter, on GPU nodes, adds none", () => {
    const gpu = monitoringSystemWorkloads({ pools: [{ name: "inference", kind: "gpu", maxNodes: 2 }] });
    expect(gpu.map((w) => w.name)).toEqual(["prometheus", "alertmanager", "grafana", "prometheus-operator", "kube-state-metrics", "node-exporter"]);
    expect(monitoringSystemWorkloads({ pools: [] })).toEqual(gpu);
  });
});
