/**
 * Names the monitoring stack's charts create or read: namespace, release,
 * service account, storage class, Grafana's labels. The chart pins live with
 * their add-ons (components/compute/addons/kube-prometheus-stack.ts,
 * dcgm-exporter.ts); bump them there, after reading the chart's upgrade notes.
 */

/** Namespace the monitoring stack runs in. */
export const MONITORING_NAMESPACE = "monitoring";

/**
 * Helm release name of kube-prometheus-stack. The chart names its objects
 * after the release, and a release name that contains the chart name is used
 * as is (templates/_helpers.tpl "kube-prometheus-stack.fullname", 88.5.3).
 */
export const KUBE_PROMETHEUS_STACK_RELEASE = "kube-prometheus-stack";

/** Service account Alertmanager runs as; its IRSA role trusts exactly this one. */
export const ALERTMANAGER_SERVICE_ACCOUNT = { namespace: MONITORING_NAMESPACE, name: "alertmanager" } as const;

/**
 * StorageClass the volumes use: the cluster's encrypted gp3 default
 * (components/compute/storage-class.ts gp3StorageClass). Named explicitly so a second default class
 * added later cannot move the monitoring volumes.
 */
export const MONITORING_STORAGE_CLASS = "gp3";

/**
 * Label and value the Grafana dashboard sidecar watches for ConfigMaps,
 * in every namespace (kube-prometheus-stack 88.5.3 values.yaml:
 * grafana.sidecar.dashboards.label / labelValue / searchNamespace: ALL,
 * checked 2026-11-23).
 */
export const GRAFANA_DASHBOARD_LABEL = { key: "grafana_dashboard", value: "1" } as const;

/** UID of the Prometheus datasource the chart provisions in Grafana (grafana.sidecar.datasources.uid). */
export const GRAFANA_PROMETHEUS_DATASOURCE_UID = "prometheus";

/**
 * Prometheus inside the cluster, for what queries it there (a canary's
 * analysis): the chart's Service `<fullname>-prometheus` on
 * `prometheus.service.port`, 9090 (kube-prometheus-stack 88.5.3
 * templates/prometheus/service.yaml and values.yaml, checked 2026-12-07).
 */
export const PROMETHEUS_URL = `http://${KUBE_PROMETHEUS_STACK_RELEASE}-prometheus.${MONITORING_NAMESPACE}.svc:9090`;
