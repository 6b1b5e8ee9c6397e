/**
 * prometheus-operator objects as plain manifests: the PrometheusRule holding
 * the platform's rule groups, and the ServiceMonitor for serving.
 * The tests validate them against the operator's schema
 * (@kubernetes-models/prometheus-operator).
 */
import { MONITORING_NAMESPACE } from "./charts";
import {
  COLOUR_LABEL,
  METRICS_PATH,
  METRICS_PORT_NAME,
  MODEL_LABEL,
  ROLLOUT_REVISION_LABEL,
  SERIES_LABELS,
  SERVING_METRICS_SERVICE_LABELS,
  podLabelMeta,
} from "./contract";
import { PLATFORM_RULE_LABELS, RuleGroup } from "./rules";
import { SCRAPE_INTERVAL_SECONDS } from "./values";

const API_VERSION = "monitoring.coreos.com/v1";
const COMMON_LABELS = { ...PLATFORM_RULE_LABELS, "app.kubernetes.io/part-of": "ml-platform" };

export interface PrometheusRuleManifest {
  apiVersion: typeof API_VERSION;
  kind: "PrometheusRule";
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: { groups: RuleGroup[] };
}

/** The platform's rules as one PrometheusRule (Prometheus selects every rule object, see values.ts). */
export function prometheusRule(groups: RuleGroup[], namespace = MONITORING_NAMESPACE): PrometheusRuleManifest {
  return { apiVersion: API_VERSION, kind: "PrometheusRule", metadata: { name: "ml-platform", namespace, labels: COMMON_LABELS }, spec: { groups } };
}

export interface RelabelConfig {
  sourceLabels?: string[];
  targetLabel: string;
  replacement?: string;
  action: "replace";
}

export interface ServiceMonitorManifest {
  apiVersion: typeof API_VERSION;
  kind: "ServiceMonitor";
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    namespaceSelector: { any: true };
    selector: { matchLabels: Record<string, string> };
    endpoints: { port: string; path: string; interval: string; relabelings: RelabelConfig[] }[];
  };
}

function serviceMonitor(name: string, matchLabels: Record<string, string>, relabelings: RelabelConfig[], namespace: string): ServiceMonitorManifest {
  return {
    apiVersion: API_VERSION,
    kind: "ServiceMonitor",
    metadata: { name, namespace, labels: COMMON_LABELS },
    spec: {
      // Serving and MLflow live in their own namespaces; the labels, not the namespace, select them.
      namespaceSelector: { any: true },
      selector: { matchLabels: { ...matchLabels } },
      endpoints: [{ port: METRICS_PORT_NAME, path: METRICS_PATH, interval: `${SCRAPE_INTERVAL_SECONDS}s`, relabelings }],
    },
  };
}

const component = (value: string): RelabelConfig => ({ targetLabel: SERIES_LABELS.component, replacement: value, action: "replace" });

/**
 * Scrapes every serving pod through the Services labelled
 * SERVING_METRICS_SERVICE_LABELS, in any namespace, and copies the pod's model
 * and colour labels onto each series as `model` and `color`, so the alerts
 * and dashboards can tell a bad green from a healthy blue, and a canary
 * model's pod template hash as `rollouts_pod_template_hash`, so its analysis
 * can tell the new version from the stable one.
 */
export function servingServiceMonitor(namespace = MONITORING_NAMESPACE): ServiceMonitorManifest {
  return serviceMonitor(
    "ml-platform-serving",
    SERVING_METRICS_SERVICE_LABELS,
    [
      { sourceLabels: [podLabelMeta(MODEL_LABEL)], targetLabel: SERIES_LABELS.model, action: "replace" },
      { sourceLabels: [podLabelMeta(COLOUR_LABEL)], targetLabel: SERIES_LABELS.colour, action: "replace" },
      { sourceLabels: [podLabelMeta(ROLLOUT_REVISION_LABEL)], targetLabel: SERIES_LABELS.revision, action: "replace" },
      component("serving"),
    ],
    namespace,
  );
}
