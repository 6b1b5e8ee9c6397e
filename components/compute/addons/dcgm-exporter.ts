/**
 * The NVIDIA DCGM exporter: per-GPU utilisation, memory, power and errors as
 * Prometheus metrics (DCGM_FI_DEV_GPU_UTIL and friends). Monitoring installs
 * it where there are GPU pools; its values are in components/monitoring/values.ts.
 */
import type { ChartPin } from "../../../lib/versions";
import { MONITORING_RESOURCES, dcgmExporterValues } from "../../monitoring/values";
import type { MonitoringAddon } from "./addon";

/**
 * Chart 4.8.2 (image 4.5.3-4.8.2-distroless) was published 2026-05-05
 * (source: the chart repository index,
 * https://nvidia.github.io/dcgm-exporter/helm-charts/index.yaml, gh-pages of
 * NVIDIA/dcgm-exporter, checked 2026-11-23).
 */
export const DCGM_EXPORTER_CHART: ChartPin = {
  repo: "https://nvidia.github.io/dcgm-exporter/helm-charts",
  chart: "dcgm-exporter",
  version: "4.8.2",
};

/**
 * Installed as `<monitoring component>-dcgm-exporter` when Monitoring's
 * `dcgmExporter` says so (default: when a pool is a GPU pool), after
 * kube-prometheus-stack (its ServiceMonitor needs the operator's CRDs). A
 * DaemonSet on GPU nodes only: nothing on the system pool.
 */
export const dcgmExporter: MonitoringAddon = {
  id: DCGM_EXPORTER_CHART.chart,
  pin: { helm: DCGM_EXPORTER_CHART },
  purpose: "GPU utilisation, memory and health metrics from NVIDIA DCGM, for Prometheus",
  enabled: (settings) => settings.dcgmExporter ?? settings.pools.some((p) => p.kind === "gpu"),
  footprint: [],
  gpuNodeFootprint: [
    {
      name: "dcgm-exporter",
      replicas: 1,
      cpuMillis: MONITORING_RESOURCES.dcgmExporter.cpuMillis,
      memoryMiB: MONITORING_RESOURCES.dcgmExporter.memoryMiB,
      perNode: true,
      source: "our chart values",
    },
  ],
  iamRoleNames: () => [],
  install: ({ declare, owner, parent, cluster, inputs, dependsOn }) => {
    const release = declare.helmRelease(
      `${owner}-dcgm-exporter`,
      DCGM_EXPORTER_CHART,
      {
        namespace: inputs.namespace,
        values: dcgmExporterValues(),
        // Its values remove the chart's CPU limit with a null.
        allowNullValues: true,
      },
      { parent, provider: cluster.provider, dependsOn },
    );
    return { resources: [release], roles: [] };
  },
};
