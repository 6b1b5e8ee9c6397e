/**
 * The monitoring contract: the labels, ports and metric names a workload must
 * carry for Prometheus to scrape it and for the alert rules and dashboards to
 * see it. Serving (components/serving) and tracking (components/tracking)
 * import these constants instead of spelling the strings again, so a rename
 * here is a type error there, not a silent gap in monitoring.
 *
 * Contract for a model server (one per model, blue/green colours):
 * - every serving pod carries `ml-platform/model: <model>` and
 *   `ml-platform/colour: blue|green`;
 * - the pods expose Prometheus metrics on a container port named `http`, at
 *   `/metrics`: a counter `http_requests_total` with the HTTP status in a
 *   label `code` ("200", "503", or classes like "5xx"), and a histogram
 *   `http_request_duration_seconds` (names overridable, see ServingMetrics);
 * - a Service labelled SERVING_METRICS_SERVICE_LABELS selects each serving
 *   pod exactly once, with a port named `http`: one headless
 *   `<model>-metrics` Service per model that selects both colours, or one
 *   Service per colour. Never put these labels on the live Service whose
 *   selector switches colour: the idle colour would not be scraped, and the
 *   live one twice.
 * MLflow: its Service carries TRACKING_METRICS_SERVICE_LABELS and a port
 * named `http`; start the server with `--expose-prometheus <dir>` so it
 * answers on `/metrics`.
 */

/** Pod label naming the model a serving pod serves. */
export const MODEL_LABEL = "ml-platform/model";
/** Pod label naming the colour (blue or green) of a serving pod. */
export const COLOUR_LABEL = "ml-platform/colour";
/** The colours a blue/green release uses. */
export const COLOURS = ["blue", "green"] as const;

/** Label (value below) marking a Service whose endpoints Prometheus scrapes. */
export const METRICS_SERVICE_LABEL = "ml-platform/metrics";
export const PART_OF_LABEL = "app.kubernetes.io/part-of";

/** Labels on the Service(s) covering every serving pod once (see the file comment). */
export const SERVING_METRICS_SERVICE_LABELS = {
  [PART_OF_LABEL]: "ml-platform-serving",
  [METRICS_SERVICE_LABEL]: "serving",
} as const;

/** Labels on the MLflow tracking server's Service. */
export const TRACKING_METRICS_SERVICE_LABELS = {
  [PART_OF_LABEL]: "ml-platform-tracking",
  [METRICS_SERVICE_LABEL]: "mlflow",
} as const;

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
  colour: "colour",
} as const;

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
