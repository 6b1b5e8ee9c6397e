/**
 * Chart pins of the monitoring stack, each with where it was looked up and
 * when. Bump them here only, after reading the chart's upgrade notes.
 */
import type { ChartPin } from "../../lib/versions";

/**
 * kube-prometheus-stack: Prometheus Operator v0.93.1, Prometheus,
 * Alertmanager, Grafana (subchart 12.11.1), kube-state-metrics (8.4.0, app
 * v2.20.0), node-exporter (4.56.1). Chart 88.5.3 was published
 * 2026-08-21T06:21Z (digest 3bff576f...; source: the chart repository index,
 * https://prometheus-community.github.io/helm-charts/index.yaml, and the
 * release tag kube-prometheus-stack-88.5.3 of prometheus-community/helm-charts,
 * checked 2026-11-23). 89.x (89.2.0, 2026-09-04) is newer: every values key
 * used in components/monitoring/values.ts was read from the 88.5.3 values.yaml, so
 * move to 89 only after reading its UPGRADE notes (Helm does not upgrade the
 * CRDs; see the README runbook).
 */
export const KUBE_PROMETHEUS_STACK_CHART: ChartPin = {
  repo: "https://prometheus-community.github.io/helm-charts",
  chart: "kube-prometheus-stack",
  version: "88.5.3",
};

/**
 * NVIDIA DCGM exporter: per-GPU utilisation, memory, power and errors as
 * Prometheus metrics (DCGM_FI_DEV_GPU_UTIL and friends). Chart 4.8.2
 * (image 4.5.3-4.8.2-distroless) was published 2026-05-05 (source: the chart
 * repository index, https://nvidia.github.io/dcgm-exporter/helm-charts/index.yaml,
 * gh-pages of NVIDIA/dcgm-exporter, checked 2026-11-23).
 */
export const DCGM_EXPORTER_CHART: ChartPin = {
  repo: "https://nvidia.github.io/dcgm-exporter/helm-charts",
  chart: "dcgm-exporter",
  version: "4.8.2",
};

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
