import { NODE_GROUP_LABEL, POOL_LABEL } from "../compute/labels";
import { GRAFANA_DASHBOARD_LABEL, GRAFANA_PROMETHEUS_DATASOURCE_UID, MONITORING_NAMESPACE } from "./charts";
import { COLOUR_LABEL, DEFAULT_SERVING_METRICS, KSM_GPU_RESOURCE, MLFLOW_DEPLOYMENT, MODEL_LABEL, SERIES_LABELS, ServingMetrics, ksmLabel } from "./contract";
import { NodePoolCap, RECORDED } from "./rules";

export interface Target {
  expr: string;
  legendFormat: string;
  refId: string;
}

export interface Panel {
  id: number;
  type: "timeseries" | "stat";
  title: string;
  description?: string;
  datasource: { type: "prometheus"; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  fieldConfig: { defaults: { unit: string; min?: number; max?: number; decimals?: number }; overrides: unknown[] };
  options?: Record<string, unknown>;
  targets: Target[];
}

export interface Dashboard {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  editable: boolean;
  schemaVersion: number;
  time: { from: string; to: string };
  refresh: string;
  timezone: string;
  panels: Panel[];
  templating: { list: unknown[] };
}

const DATASOURCE = { type: "prometheus" as const, uid: GRAFANA_PROMETHEUS_DATASOURCE_UID };
const POOL = ksmLabel(POOL_LABEL);
const NODE_GROUP = ksmLabel(NODE_GROUP_LABEL);
const POD_MODEL = ksmLabel(MODEL_LABEL);
const POD_COLOUR = ksmLabel(COLOUR_LABEL);

/** Lays panels out on Grafana's 24-column grid, `perRow` to a row. */
class Layout {
  private n = 0;
  constructor(
    private readonly perRow: number,
    private readonly height: number,
  ) {}
  panel(p: Omit<Panel, "id" | "gridPos" | "datasource">): Panel {
    const w = 24 / this.perRow;
    const i = this.n++;
    return { id: i + 1, datasource: DATASOURCE, gridPos: { x: (i % this.perRow) * w, y: Math.floor(i / this.perRow) * this.height, w, h: this.height }, ...p };
  }
}

const refIds = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
function targets(...queries: [expr: string, legend: string][]): Target[] {
  return queries.map(([expr, legendFormat], i) => ({ expr, legendFormat, refId: refIds[i]! }));
}

const unit = (u: string, extra: Partial<Panel["fieldConfig"]["defaults"]> = {}): Panel["fieldConfig"] => ({ defaults: { unit: u, ...extra }, overrides: [] });

function dashboard(uid: string, title: string, description: string, panels: Panel[]): Dashboard {
  return {
    uid,
    title,
    description,
    tags: ["ml-platform"],
    // Edits in the UI are lost on the next `pulumi up`: change the code instead.
    editable: false,
    schemaVersion: 39,
    time: { from: "now-6h", to: "now" },
    refresh: "1m",
    timezone: "utc",
    panels,
    templating: { list: [] },
  };
}

/** Serving health: traffic, errors, latency and ready pods per model and colour. */
export function servingDashboard(metrics: ServingMetrics = DEFAULT_SERVING_METRICS): Dashboard {
  const { component, model, colour } = SERIES_LABELS;
  const sel = `{${component}="serving"}`;
  const by = `${model}, ${colour}`;
  const legend = `{{${model}}} ({{${colour}}})`;
  const l = new Layout(2, 8);
  return dashboard(
    "mlp-serving",
    "ML platform / Serving health by colour",
    "Per model and blue/green colour: traffic, 5xx share, p95 latency, ready pods. A switch moves traffic from one colour to the other; both colours run at full size until the idle one is scaled down.",
    [
      l.panel({
        type: "timeseries",
        title: "Requests per second",
        fieldConfig: unit("reqps"),
        targets: targets([`sum by (${by}) (rate(${metrics.requestsTotal}${sel}[5m]))`, legend]),
      }),
      l.panel({
        type: "timeseries",
        title: "Share of requests answered 5xx",
        description: "ServingHighErrorRate pages above the configured share.",
        fieldConfig: unit("percentunit", { min: 0 }),
        targets: targets([
          `sum by (${by}) (rate(${metrics.requestsTotal}{${component}="serving", ${metrics.statusLabel}=~"5.."}[5m])) / sum by (${by}) (rate(${metrics.requestsTotal}${sel}[5m]))`,
          legend,
        ]),
      }),
      l.panel({
        type: "timeseries",
        title: "Latency p95 / p50",
        fieldConfig: unit("s", { min: 0 }),
        targets: targets(
          [`histogram_quantile(0.95, sum by (${by}, le) (rate(${metrics.durationHistogram}_bucket${sel}[5m])))`, `p95 ${legend}`],
          [`histogram_quantile(0.50, sum by (${by}, le) (rate(${metrics.durationHistogram}_bucket${sel}[5m])))`, `p50 ${legend}`],
        ),
      }),
      l.panel({
        type: "timeseries",
        title: "Ready serving pods",
        description: "Pods labelled with a model, ready or not; the idle colour should drop to 0 after a confirmed switch.",
        fieldConfig: unit("short", { min: 0, decimals: 0 }),
        targets: targets(
          [
            `sum by (${POD_MODEL}, ${POD_COLOUR}) (kube_pod_labels{${POD_MODEL}!=""} * on (namespace, pod) group_left () kube_pod_status_ready{condition="true"})`,
            `ready {{${POD_MODEL}}} ({{${POD_COLOUR}}})`,
          ],
          [`sum by (${by}) (1 - up${sel})`, `not answering {{${model}}} ({{${colour}}})`],
        ),
      }),
      l.panel({
        type: "timeseries",
        title: "Container restarts (30 min)",
        fieldConfig: unit("short", { min: 0 }),
        targets: targets([
          `sum by (${POD_MODEL}, ${POD_COLOUR}) (increase(kube_pod_container_status_restarts_total[30m]) * on (namespace, pod) group_left (${POD_MODEL}, ${POD_COLOUR}) kube_pod_labels{${POD_MODEL}!=""})`,
          `{{${POD_MODEL}}} ({{${POD_COLOUR}}})`,
        ]),
      }),
      l.panel({
        type: "timeseries",
        title: "MLflow",
        fieldConfig: unit("short", { min: 0, decimals: 0 }),
        targets: targets(
          [`sum(kube_deployment_status_replicas_available{deployment="${MLFLOW_DEPLOYMENT}"})`, "available pods"],
          [`sum(up{${component}="mlflow"})`, "answering /metrics"],
        ),
      }),
    ],
  );
}

/** GPU utilisation, what the running GPU nodes cost, and what of that is paid while idle. */
export function gpuDashboard(): Dashboard {
  const l = new Layout(3, 7);
  const gpuNodes = `count(kube_node_labels{${POOL}="gpu"})`;
  return dashboard(
    "mlp-gpu",
    "ML platform / GPU utilisation and cost",
    "GPU nodes are billed by the hour whether or not their GPUs work. Prices are the cost model's (on-demand, Spot at its planning factor), written into recording rules at deploy time.",
    [
      l.panel({
        type: "stat",
        title: "GPU spend now ($/hour)",
        fieldConfig: unit("currencyUSD", { decimals: 2 }),
        targets: targets([`sum(${RECORDED.gpuNodeCost}) or vector(0)`, "$/hour"]),
      }),
      l.panel({
        type: "stat",
        title: "Paid while idle now ($/hour)",
        description: "GPU nodes whose GPUs were at 0 % for the last 5 minutes.",
        fieldConfig: unit("currencyUSD", { decimals: 2 }),
        targets: targets([`sum(${RECORDED.gpuNodeIdleCost}) or vector(0)`, "$/hour idle"]),
      }),
      l.panel({
        type: "stat",
        title: "GPU nodes running",
        fieldConfig: unit("short", { decimals: 0 }),
        targets: targets([`${gpuNodes} or vector(0)`, "nodes"]),
      }),
      l.panel({
        type: "stat",
        title: "GPU node-hours, last 24 h",
        fieldConfig: unit("h", { decimals: 1 }),
        targets: targets([`avg_over_time((${gpuNodes} or vector(0))[24h:5m]) * 24`, "node-hours"]),
      }),
      l.panel({
        type: "stat",
        title: "GPU spend, last 24 h",
        fieldConfig: unit("currencyUSD", { decimals: 0 }),
        targets: targets([`avg_over_time((sum(${RECORDED.gpuNodeCost}) or vector(0))[24h:5m]) * 24`, "$"]),
      }),
      l.panel({
        type: "stat",
        title: "Paid while idle, last 7 days",
        fieldConfig: unit("currencyUSD", { decimals: 0 }),
        targets: targets([`avg_over_time((sum(${RECORDED.gpuNodeIdleCost}) or vector(0))[7d:15m]) * 168`, "$"]),
      }),
      l.panel({
        type: "timeseries",
        title: "GPU utilisation by node",
        fieldConfig: unit("percent", { min: 0, max: 100 }),
        targets: targets(["avg by (node) (DCGM_FI_DEV_GPU_UTIL)", "{{node}}"]),
      }),
      l.panel({
        type: "timeseries",
        title: "GPU memory used by node",
        fieldConfig: unit("percentunit", { min: 0, max: 1 }),
        targets: targets(["sum by (node) (DCGM_FI_DEV_FB_USED) / (sum by (node) (DCGM_FI_DEV_FB_USED) + sum by (node) (DCGM_FI_DEV_FB_FREE))", "{{node}}"]),
      }),
      l.panel({
        type: "timeseries",
        title: "GPU spend by node group ($/hour)",
        fieldConfig: unit("currencyUSD", { min: 0 }),
        targets: targets([`sum by (${NODE_GROUP}) (${RECORDED.gpuNodeCost})`, `{{${NODE_GROUP}}}`]),
      }),
      l.panel({
        type: "timeseries",
        title: "GPU nodes by node group",
        fieldConfig: unit("short", { min: 0, decimals: 0 }),
        targets: targets([`count by (${NODE_GROUP}) (kube_node_labels{${POOL}="gpu"})`, `{{${NODE_GROUP}}}`]),
      }),
      l.panel({
        type: "timeseries",
        title: "GPU pods pending",
        description: "Pods that request GPUs and wait for a node: the autoscaler is starting one (a few minutes), or cannot (GpuPodsPending).",
        fieldConfig: unit("short", { min: 0, decimals: 0 }),
        targets: targets([
          `count(sum by (namespace, pod) (kube_pod_container_resource_requests{resource="${KSM_GPU_RESOURCE}"}) > 0 and on (namespace, pod) (kube_pod_status_phase{phase="Pending"} == 1)) or vector(0)`,
          "pending",
        ]),
      }),
      l.panel({
        type: "timeseries",
        title: "GPU power draw by node",
        fieldConfig: unit("watt", { min: 0 }),
        targets: targets(["sum by (node) (DCGM_FI_DEV_POWER_USAGE)", "{{node}}"]),
      }),
    ],
  );
}

/** Cluster capacity: each pool against its cap, system-pool requests against allocatable, pending pods, HPAs, Prometheus's own disk. */
export function capacityDashboard(pools: NodePoolCap[]): Dashboard {
  const l = new Layout(2, 8);
  const poolSelector = (p: NodePoolCap) => (p.kind === "system" ? `${POOL}="system"` : `${NODE_GROUP}="${p.name}"`);
  const onSystem = `* on (node) group_left () kube_node_labels{${POOL}="system"}`;
  const share = (resource: string) =>
    `sum(kube_pod_container_resource_requests{resource="${resource}"} ${onSystem}) / sum(kube_node_status_allocatable{resource="${resource}"} ${onSystem})`;
  return dashboard(
    "mlp-capacity",
    "ML platform / Cluster capacity",
    "Is there room? Nodes per pool against the caps the policy pack enforces, what the system pool has promised to pods, what waits.",
    [
      l.panel({
        type: "timeseries",
        title: "Nodes per pool (dashed: cap)",
        fieldConfig: unit("short", { min: 0, decimals: 0 }),
        targets: targets(
          ...pools.flatMap((p): [string, string][] => [
            [`count(kube_node_labels{${poolSelector(p)}}) or vector(0)`, `${p.name}`],
            [`vector(${p.maxNodes})`, `${p.name} cap`],
          ]),
        ),
      }),
      l.panel({
        type: "timeseries",
        title: "System pool: requests / allocatable",
        description: "Above ~85 %, new system pods (and rollouts) wait for the autoscaler or fail to schedule.",
        fieldConfig: unit("percentunit", { min: 0, max: 1 }),
        targets: targets([share("cpu"), "CPU"], [share("memory"), "memory"]),
      }),
      l.panel({
        type: "timeseries",
        title: "Pending pods by namespace",
        fieldConfig: unit("short", { min: 0, decimals: 0 }),
        targets: targets(['sum by (namespace) (kube_pod_status_phase{phase="Pending"})', "{{namespace}}"]),
      }),
      l.panel({
        type: "timeseries",
        title: "HPA replicas against their maximum",
        fieldConfig: unit("short", { min: 0, decimals: 0 }),
        targets: targets(
          ["kube_horizontalpodautoscaler_status_current_replicas", "{{namespace}}/{{horizontalpodautoscaler}} current"],
          ["kube_horizontalpodautoscaler_spec_max_replicas", "{{namespace}}/{{horizontalpodautoscaler}} max"],
        ),
      }),
      l.panel({
        type: "timeseries",
        title: "Monitoring volumes used",
        description: "Prometheus deletes its oldest data at its retention size, before the volume fills.",
        fieldConfig: unit("percentunit", { min: 0, max: 1 }),
        targets: targets([
          `kubelet_volume_stats_used_bytes{namespace="${MONITORING_NAMESPACE}"} / kubelet_volume_stats_capacity_bytes{namespace="${MONITORING_NAMESPACE}"}`,
          "{{persistentvolumeclaim}}",
        ]),
      }),
      l.panel({
        type: "timeseries",
        title: "Serving pods' resources against what they asked for",
        description: "Containers of serving pods: CPU used / CPU requested. Far below 1: the requests (and the nodes they hold) are oversized.",
        fieldConfig: unit("percentunit", { min: 0 }),
        targets: targets([
          `sum by (${POD_MODEL}) (rate(container_cpu_usage_seconds_total{container!=""}[5m]) * on (namespace, pod) group_left (${POD_MODEL}) kube_pod_labels{${POD_MODEL}!=""}) / sum by (${POD_MODEL}) (kube_pod_container_resource_requests{resource="cpu"} * on (namespace, pod) group_left (${POD_MODEL}) kube_pod_labels{${POD_MODEL}!=""})`,
          `{{${POD_MODEL}}}`,
        ]),
      }),
    ],
  );
}

export interface DashboardConfigMap {
  apiVersion: "v1";
  kind: "ConfigMap";
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  data: Record<string, string>;
}

/** The ConfigMap the Grafana sidecar loads a dashboard from. */
export function dashboardConfigMap(d: Dashboard, namespace = MONITORING_NAMESPACE): DashboardConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: `dashboard-${d.uid}`,
      namespace,
      labels: { [GRAFANA_DASHBOARD_LABEL.key]: GRAFANA_DASHBOARD_LABEL.value, "app.kubernetes.io/part-of": "ml-platform" },
    },
    data: { [`${d.uid}.json`]: JSON.stringify(d) },
  };
}

/** The platform's three dashboards. */
export function platformDashboards(args: { pools: NodePoolCap[]; servingMetrics?: ServingMetrics }): Dashboard[] {
  return [servingDashboard(args.servingMetrics), gpuDashboard(), capacityDashboard(args.pools)];
}
