import { GPU_RESOURCE, NODE_GROUP_LABEL, POOL_LABEL } from "../compute/labels";
import { DEFAULT_SERVING_METRICS, KSM_GPU_RESOURCE, MLFLOW_DEPLOYMENT, SERIES_LABELS, ServingMetrics, ksmLabel } from "./contract";

export interface AlertingRule {
  alert: string;
  expr: string;
  /** How long the condition must hold before the alert fires (Prometheus duration). */
  for?: string;
  labels: Record<string, string>;
  /** `runbook_url`: the annotation kube-prometheus-stack's rules, Alertmanager templates and Grafana link from (prometheus-operator runbooks convention). */
  annotations: { summary: string; description: string; runbook_url: string };
}

export interface RecordingRule {
  record: string;
  expr: string;
}

export type Rule = AlertingRule | RecordingRule;

export interface RuleGroup {
  name: string;
  rules: Rule[];
}

export const isAlertingRule = (r: Rule): r is AlertingRule => "alert" in r;

/** A node pool and the most nodes it may have (its maxSize; for a pool split per AZ, the sum). */
export interface NodePoolCap {
  /** Pool name: "system", or the GPU node group's name ("inference"). */
  name: string;
  kind: "system" | "gpu";
  maxNodes: number;
}

/** A cluster's pools with their caps, as Monitoring takes them: the system pool, then each GPU pool. */
export function nodePoolCaps(cluster: { systemNodeGroup: { maxSize: number }; gpuNodeGroups: { name: string; maxSize: number }[] }): NodePoolCap[] {
  return [
    { name: "system", kind: "system", maxNodes: cluster.systemNodeGroup.maxSize },
    ...cluster.gpuNodeGroups.map((g): NodePoolCap => ({ name: g.name, kind: "gpu", maxNodes: g.maxSize })),
  ];
}

/** What one node of a GPU node group costs an hour (on-demand, or the Spot planning price). */
export interface GpuNodePrice {
  nodeGroup: string;
  instanceType: string;
  usdPerHour: number;
}

/** The thresholds of the in-cluster alert rules (Prometheus). */
export interface AlertThresholds {
  /** Share of a model colour's requests answered 5xx that pages (0.05 = 5 %). */
  servingErrorRatio: number;
  /** p95 request latency of a model colour, in seconds, above which it warns. */
  servingLatencySeconds: number;
  /** Minutes a GPU node may sit at 0 % utilisation before the idle alert fires. */
  idleGpuMinutes: number;
  /** Minutes a pod that requests GPUs may stay Pending before the alert fires. */
  pendingGpuPodMinutes: number;
  /** Container restarts within 30 minutes that warn. */
  restartsPer30m: number;
  /** Seconds a serving pod may take to load its model: ServingEndpointDown ignores younger pods. */
  servingStartupSeconds: number;
}

export interface RuleSettings extends AlertThresholds {
  /** Every node pool with its cap, from the cluster's settings. */
  pools: NodePoolCap[];
  /** Prices of the GPU node groups' instance types, for the cost recording rules. Default none. */
  gpuPrices?: GpuNodePrice[];
  /** Metric names of the model servers. Default DEFAULT_SERVING_METRICS. */
  servingMetrics?: ServingMetrics;
  /** Prefix of the runbook links in annotations. Default "docs/guides/operations.md#alert-". */
  runbookPrefix?: string;
}

export const DEFAULT_THRESHOLDS: AlertThresholds = {
  servingErrorRatio: 0.05,
  servingLatencySeconds: 1,
  idleGpuMinutes: 30,
  pendingGpuPodMinutes: 15,
  restartsPer30m: 3,
  servingStartupSeconds: 600,
};

/** Labels every rule of ours carries, so Alertmanager can route platform alerts apart from the chart's defaults. */
export const PLATFORM_RULE_LABELS = { team: "ml-platform" } as const;

// kube-state-metrics spellings of our node labels.
const POOL = ksmLabel(POOL_LABEL);
const NODE_GROUP = ksmLabel(NODE_GROUP_LABEL);
const INSTANCE_TYPE = ksmLabel("node.kubernetes.io/instance-type");

/** Recording rule names the dashboards read. */
export const RECORDED = {
  gpuPrice: "mlplatform:gpu_instance_price_usd_per_hour",
  gpuNodeCost: "mlplatform:gpu_node_cost_usd_per_hour",
  gpuNodeIdleCost: "mlplatform:gpu_node_idle_cost_usd_per_hour",
} as const;

/** A Prometheus duration from minutes ("90m"); Prometheus accepts any whole number of minutes. */
export function minutes(n: number): string {
  if (!Number.isInteger(n) || n <= 0) throw new Error(`a rule duration must be a whole, positive number of minutes (got ${n})`);
  return `${n}m`;
}

/** A float as PromQL writes it: no exponent, no trailing noise ("0.05", "1.006"). */
function num(n: number): string {
  if (!Number.isFinite(n) || n < 0) throw new Error(`a rule threshold must be a finite, non-negative number (got ${n})`);
  return String(Number(n.toPrecision(12)));
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}

function alert(
  name: string,
  severity: "critical" | "warning",
  expr: string,
  forDuration: string | undefined,
  summary: string,
  description: string,
  runbookPrefix: string,
  extraLabels: Record<string, string> = {},
): AlertingRule {
  return {
    alert: name,
    expr,
    ...(forDuration ? { for: forDuration } : {}),
    labels: { severity, ...PLATFORM_RULE_LABELS, ...extraLabels },
    annotations: { summary, description, runbook_url: `${runbookPrefix}${name.toLowerCase()}` },
  };
}

/** The series of the model servers, as PromQL label matchers: every serving series, or one model's version. */
export const SERVING_SERIES_MATCHER = `${SERIES_LABELS.component}="serving"`;

/** The window every serving health expression rates over: a measurement needs this much history before it means anything. */
export const SERVING_RATE_WINDOW_MINUTES = 5;

/**
 * The serving health expressions, over a 5-minute rate: the share of
 * requests answered 5xx, and the p95 request latency in seconds, for the
 * series `matchers` select, one value per `by` group. The alert rules below
 * (every serving series, by model and colour) and a canary's analysis
 * (components/serving/canary.ts: one model's new version, by its pod
 * template hash) are both built here, so a canary is judged by exactly what
 * pages once it is live.
 *
 * A server that never answered 5xx has no 5xx series at all (a client
 * library creates a label set's counter on its first request), so the
 * numerator falls back to the total times 0, on the same labels: a healthy
 * group's ratio is 0, not missing (a missing value would make a canary's
 * measurement inconclusive). With no requests at all the ratio stays 0/0,
 * NaN: no evidence either way. For the alert the fallback changes nothing:
 * 0 never crosses a threshold.
 */
export function servingHealthQueries(m: ServingMetrics, matchers: readonly string[], by: readonly string[]): { errorRatio: string; latencyP95: string } {
  const selector = (extra: string[] = []) => `{${[...matchers, ...extra].join(", ")}}`;
  const groups = by.join(", ");
  const w = `${SERVING_RATE_WINDOW_MINUTES}m`;
  const errors = `sum by (${groups}) (rate(${m.requestsTotal}${selector([`${m.statusLabel}=~"5.."`])}[${w}]))`;
  const total = `sum by (${groups}) (rate(${m.requestsTotal}${selector()}[${w}]))`;
  return {
    errorRatio: `(${errors} or ${total} * 0) / ${total}`,
    latencyP95: `histogram_quantile(0.95, sum by (${groups}, le) (rate(${m.durationHistogram}_bucket${selector()}[${w}])))`,
  };
}

/** A threshold as PromQL writes it (no exponent, no trailing noise), for the analysis conditions too. */
export const promNumber = (n: number) => num(n);

/** Serving health per model and colour: error ratio, latency, and scrape targets that stopped answering. */
function servingRules(s: RuleSettings, runbook: string): Rule[] {
  const m = s.servingMetrics ?? DEFAULT_SERVING_METRICS;
  const { model, colour } = SERIES_LABELS;
  const sel = `{${SERVING_SERIES_MATCHER}}`;
  const q = servingHealthQueries(m, [SERVING_SERIES_MATCHER], [model, colour]);
  return [
    alert(
      "ServingHighErrorRate",
      "critical",
      `${q.errorRatio} > ${num(s.servingErrorRatio)}`,
      "5m",
      "Model {{ $labels.model }} ({{ $labels.color }}) answers too many requests with 5xx",
      `{{ $value | humanizePercentage }} of the requests to {{ $labels.model }} ({{ $labels.color }}) failed over the last 5 minutes; the threshold is ${num(s.servingErrorRatio * 100)} %.`,
      runbook,
    ),
    alert(
      "ServingHighLatency",
      "warning",
      `${q.latencyP95} > ${num(s.servingLatencySeconds)}`,
      "10m",
      "Model {{ $labels.model }} ({{ $labels.color }}) is slow",
      `95 % of the requests to {{ $labels.model }} ({{ $labels.color }}) take up to {{ $value | humanizeDuration }}; the threshold is ${num(s.servingLatencySeconds)} s.`,
      runbook,
    ),
    alert(
      "ServingEndpointDown",
      "critical",
      // A pod still inside its model-load window (startupTimeoutSeconds) cannot answer yet: it is not down.
      `up${sel} == 0 and on (namespace, pod) (time() - kube_pod_start_time > ${num(s.servingStartupSeconds)})`,
      "5m",
      "A serving pod of {{ $labels.model }} ({{ $labels.color }}) does not answer",
      `Prometheus has not been able to scrape {{ $labels.pod }} ({{ $labels.model }}, {{ $labels.color }}) for 5 minutes, past its ${num(s.servingStartupSeconds)} s to load the model: the server is hung, crashing, or not listening on its \`http\` port.`,
      runbook,
    ),
    alert(
      "MlflowDown",
      "warning",
      `sum by (namespace) (kube_deployment_status_replicas_available{deployment="${MLFLOW_DEPLOYMENT}"}) == 0`,
      "10m",
      "The MLflow tracking server has no available pod",
      "The MLflow Deployment in {{ $labels.namespace }} has had no available replica for 10 minutes; training runs cannot log experiments or register models.",
      runbook,
    ),
  ];
}

/** Pods restarting, GPU pods that cannot get a node, pools at their cap, HPAs at their maximum. */
function capacityRules(s: RuleSettings, runbook: string): Rule[] {
  const rules: Rule[] = [
    alert(
      "PodRestarting",
      "warning",
      `increase(kube_pod_container_status_restarts_total[30m]) >= ${num(s.restartsPer30m)}`,
      undefined,
      "Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} keeps restarting",
      `{{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) restarted {{ $value | humanize }} times in 30 minutes (threshold ${num(s.restartsPer30m)}).`,
      runbook,
    ),
    alert(
      "GpuPodsPending",
      "warning",
      `sum by (namespace, pod) (kube_pod_container_resource_requests{resource="${KSM_GPU_RESOURCE}"}) > 0 ` +
        `and on (namespace, pod) (kube_pod_status_phase{phase="Pending"} == 1)`,
      minutes(s.pendingGpuPodMinutes),
      "GPU pod {{ $labels.namespace }}/{{ $labels.pod }} is stuck Pending",
      `{{ $labels.namespace }}/{{ $labels.pod }} requests ${GPU_RESOURCE} and has been Pending for ${s.pendingGpuPodMinutes} minutes: the GPU scale-up is stuck (pool at its cap, no capacity in the AZ, Spot unavailable) or the image is still pulling.`,
      runbook,
    ),
    alert(
      "HpaAtMax",
      "warning",
      `(kube_horizontalpodautoscaler_status_current_replicas >= on (namespace, horizontalpodautoscaler) kube_horizontalpodautoscaler_spec_max_replicas) ` +
        `and on (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas > on (namespace, horizontalpodautoscaler) kube_horizontalpodautoscaler_spec_min_replicas)`,
      "15m",
      "HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has been at its maximum for 15 minutes",
      "{{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} runs {{ $value }} replicas, its maxReplicas: load beyond this is not absorbed, and latency or errors follow.",
      runbook,
    ),
  ];
  for (const pool of s.pools) {
    if (!Number.isInteger(pool.maxNodes) || pool.maxNodes < 1)
      throw new Error(`pool ${pool.name}: maxNodes must be a whole number >= 1 (got ${pool.maxNodes})`);
    const selector = pool.kind === "system" ? `${POOL}="system"` : `${NODE_GROUP}="${escapeLabelValue(pool.name)}"`;
    rules.push(
      alert(
        "NodePoolAtCap",
        "warning",
        `count(kube_node_labels{${selector}}) >= ${pool.maxNodes}`,
        "15m",
        `Node pool ${pool.name} is at its cap of ${pool.maxNodes} nodes`,
        `Pool ${pool.name} has run {{ $value }} nodes, its maxSize, for 15 minutes: the autoscaler cannot add more, so new ${pool.kind === "gpu" ? "GPU " : ""}pods will wait.`,
        runbook,
        { pool: pool.name },
      ),
    );
  }
  return rules;
}

/** GPU nodes that are billed while their GPUs do nothing. */
function gpuRules(s: RuleSettings, runbook: string): Rule[] {
  return [
    alert(
      "GpuNodeIdle",
      "warning",
      // The 5-minute max smooths over a missed scrape; `for` demands the whole window at 0.
      `max by (node) (max_over_time(DCGM_FI_DEV_GPU_UTIL[5m])) == 0`,
      minutes(s.idleGpuMinutes),
      "GPU node {{ $labels.node }} is billed while its GPUs are idle",
      `Every GPU on {{ $labels.node }} has been at 0 % utilisation for ${s.idleGpuMinutes} minutes, yet the node is running and billed by the hour. A pod is holding it (an idle blue/green colour, a finished notebook, a hung job), so the autoscaler cannot remove it.`,
      runbook,
    ),
  ];
}

/**
 * What GPU nodes cost, as series the dashboards can sum: the hourly price of
 * each (node group, instance type), then each running GPU node's price, then
 * the same for nodes whose GPUs are idle.
 */
function gpuCostRules(s: RuleSettings): Rule[] {
  const prices = s.gpuPrices ?? [];
  if (prices.length === 0) return [];
  const priceVector = prices
    .map(
      (p) =>
        `label_replace(label_replace(vector(${num(p.usdPerHour)}), "${NODE_GROUP}", "${escapeLabelValue(p.nodeGroup)}", "", ""), "${INSTANCE_TYPE}", "${escapeLabelValue(p.instanceType)}", "", "")`,
    )
    .join(" or ");
  return [
    { record: RECORDED.gpuPrice, expr: priceVector },
    {
      record: RECORDED.gpuNodeCost,
      expr:
        `max by (node, ${NODE_GROUP}, ${INSTANCE_TYPE}) (kube_node_labels{${POOL}="gpu"}) ` +
        `* on (${NODE_GROUP}, ${INSTANCE_TYPE}) group_left () ${RECORDED.gpuPrice}`,
    },
    {
      record: RECORDED.gpuNodeIdleCost,
      expr: `${RECORDED.gpuNodeCost} * on (node) group_left () (max by (node) (max_over_time(DCGM_FI_DEV_GPU_UTIL[5m])) == bool 0)`,
    },
  ];
}

/** Every rule group of the platform, in the order the PrometheusRule lists them. */
export function platformRuleGroups(settings: RuleSettings): RuleGroup[] {
  const runbook = settings.runbookPrefix ?? "docs/guides/operations.md#alert-";
  for (const [key, value] of Object.entries({
    servingErrorRatio: settings.servingErrorRatio,
    servingLatencySeconds: settings.servingLatencySeconds,
  })) {
    if (!(value > 0)) throw new Error(`${key} must be above 0 (got ${value})`);
  }
  if (settings.servingErrorRatio >= 1) throw new Error(`servingErrorRatio is a share of requests, below 1 (got ${settings.servingErrorRatio})`);
  const groups: RuleGroup[] = [
    { name: "ml-platform-serving", rules: servingRules(settings, runbook) },
    { name: "ml-platform-capacity", rules: capacityRules(settings, runbook) },
    { name: "ml-platform-gpu", rules: gpuRules(settings, runbook) },
  ];
  const cost = gpuCostRules(settings);
  if (cost.length) groups.push({ name: "ml-platform-gpu-cost", rules: cost });
  return groups;
}

/** Every alert name the platform defines (docs/guides/operations.md documents each). */
export function alertNames(groups: RuleGroup[]): string[] {
  return [...new Set(groups.flatMap((g) => g.rules.filter(isAlertingRule).map((r) => r.alert)))];
}
