/**
 * The monitoring contract: the labels, ports and metric names a workload must
 * carry for Prometheus to scrape it and for the alert rules and dashboards to
 * see it. They match what serving and tracking declare (components/serving/settings.ts
 * podLabels / serviceManifest, components/tracking/manifests.ts trackingLabels), so a change
 * on either side must change both; the tests pin these strings.
 *
 * Model servers (one per model, blue/green colours at Series B):
 * - every serving pod carries `ml-platform/model: <model>` and, at Series B,
 *   `ml-platform/color: blue|green`, or for a canary model Argo Rollouts'
 *   `rollouts-pod-template-hash`;
 * - the pods expose Prometheus metrics on a container port named `http`, at
 *   `/metrics`: a counter `http_requests_total` with the HTTP status in a
 *   label `code` ("200", "503", or classes like "5xx"), and a histogram
 *   `http_request_duration_seconds` (names overridable, see ServingMetrics);
 * - the model's Services carry `app.kubernetes.io/part-of: ml-platform` and
 *   `app.kubernetes.io/component: model-server` with a port named `http`.
 *   The live Service selects the active colour and the preview Service the
 *   other one, so together they reach every serving pod exactly once: both
 *   colours are scraped, none twice. A canary model's stable and canary
 *   Services select the same pods at rest, so neither carries the
 *   component label: its `<model>-metrics` Service, on every pod of the
 *   model, does.
 * MLflow is not scraped: its server answers `/metrics` only when started with
 * `--expose-prometheus <dir>`, and its `--allowed-hosts` refuses a scrape by
 * pod IP (only /health and /version skip the host check), so a target for it
 * would be down for ever. MlflowDown reads the Deployment's available
 * replicas from kube-state-metrics instead.
 */

/** Pod label naming the model a serving pod serves. */
export const MODEL_LABEL = "ml-platform/model";
/** Pod label naming the colour (blue or green) of a serving pod (serving spells it `color`). */
export const COLOUR_LABEL = "ml-platform/color";

export const PART_OF_LABEL = "app.kubernetes.io/part-of";
export const COMPONENT_LABEL = "app.kubernetes.io/component";

/** Labels on the model servers' Services (live and preview). */
export const SERVING_METRICS_SERVICE_LABELS = {
  [PART_OF_LABEL]: "ml-platform",
  [COMPONENT_LABEL]: "model-server",
} as const;

/** Name of the MLflow Deployment (components/tracking/settings.ts TRACKING_NAMES.deployment). */
export const MLFLOW_DEPLOYMENT = "mlflow";

/** Name of the container port (and Service port) that serves /metrics. */
export const METRICS_PORT_NAME = "http";
/** Path Prometheus scrapes. */
export const METRICS_PATH = "/metrics";

/** Metric names a model server exports; override them when a server framework names them differently. */
export interface ServingMetrics {
  /** Counter of requests, with the status code label below. Default `http_requests_total`. */
  requestsTotal: string;
  /** Label of requestsTotal holding the HTTP status ("503" or "5xx"). Default `code`. */
  statusLabel: string;
  /** Histogram (base name, without `_bucket`) of request durations in seconds. Default `http_request_duration_seconds`. */
  durationHistogram: string;
}

export const DEFAULT_SERVING_METRICS: ServingMetrics = {
  requestsTotal: "http_requests_total",
  statusLabel: "code",
  durationHistogram: "http_request_duration_seconds",
};

/**
 * Labels every series scraped through our ServiceMonitors carries: which
 * part of the platform it came from, and for serving the model and colour
 * (copied from the pod labels by the ServiceMonitor's relabelings).
 */
export const SERIES_LABELS = {
  component: "ml_platform_component",
  model: "model",
  colour: "color",
  revision: "rollouts_pod_template_hash",
} as const;

/**
 * Pod label Argo Rollouts puts on every pod of a Rollout's ReplicaSets, one
 * value per version of the pod template (argo-rollouts v1.9.0
 * pkg/apis/rollouts/v1alpha1/types.go DefaultRolloutUniqueLabelKey, checked
 * 2026-12-07). Copied onto serving series as `rollouts_pod_template_hash`,
 * so a canary's analysis can tell the new version's requests from the
 * stable one's.
 */
export const ROLLOUT_REVISION_LABEL = "rollouts-pod-template-hash";

/**
 * How kube-state-metrics spells a Kubernetes label as a Prometheus label:
 * `label_` + the key with every character outside [a-zA-Z0-9_] replaced by
 * "_", then camelCase turned into snake_case. Source: kube-state-metrics
 * v2.20.0 internal/store/utils.go (labelName, SanitizeLabelName,
 * toSnakeCase), checked 2026-11-23.
 */
export function ksmLabel(kubernetesLabel: string): string {
  const sanitized = kubernetesLabel.replace(/[^a-zA-Z0-9_]/g, "_");
  return `label_${sanitized.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase()}`;
}

/**
 * How Prometheus's Kubernetes service discovery spells a pod label in
 * `__meta_kubernetes_pod_label_<name>`: invalid characters become "_"
 * (no case change). Source: Prometheus configuration docs,
 * kubernetes_sd_config, checked 2026-11-23.
 */
export function podLabelMeta(kubernetesLabel: string): string {
  return `__meta_kubernetes_pod_label_${kubernetesLabel.replace(/[^a-zA-Z0-9_]/g, "_")}`;
}

/**
 * kube-state-metrics reports extended resources with the same sanitising:
 * `nvidia.com/gpu` requests appear as `resource="nvidia_com_gpu"` on
 * kube_pod_container_resource_requests (source: kube-state-metrics v2.20.0
 * internal/store/pod.go, checked 2026-11-23).
 */
export const KSM_GPU_RESOURCE = "nvidia_com_gpu";
