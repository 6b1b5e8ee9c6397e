/**
 * metrics-server: the resource metrics API (`kubectl top`, and the CPU
 * signal HorizontalPodAutoscalers read). EKS does not install it; ModelServing
 * installs it when some model autoscales. Chart pin, values and install.
 */
import type { ChartPin } from "../../../lib/versions";
import { systemNodeLabels } from "../labels";
import type { ServingAddon } from "./addon";

/**
 * Chart 3.13.1 (metrics-server 0.8.1), tag metrics-server-helm-chart-3.13.1
 * in kubernetes-sigs/metrics-server, repository
 * https://kubernetes-sigs.github.io/metrics-server/; the newest chart (the
 * app's v0.9.0 tag has no chart yet). metrics-server 0.8.x supports
 * Kubernetes 1.31+ (README compatibility matrix), so 1.35 and 1.36 (the tests
 * render the chart at both); checked 2026-11-23, the 1.36 render 2026-12-07.
 */
export const METRICS_SERVER_CHART: ChartPin = {
  repo: "https://kubernetes-sigs.github.io/metrics-server/",
  chart: "metrics-server",
  version: "3.13.1",
};

/** Chart 3.13.1 defaults: 1 replica, requests 100m / 200Mi (kubernetes-sigs/metrics-server charts/metrics-server/values.yaml), checked 2026-11-23. */
export const METRICS_SERVER_RESOURCES = { replicas: 1, cpuMillis: 100, memoryMiB: 200 } as const;

/** Values: on the system pool, with the chart's default requests stated explicitly (the capacity check counts them). */
export function metricsServerValues() {
  const r = METRICS_SERVER_RESOURCES;
  return {
    replicas: r.replicas,
    nodeSelector: systemNodeLabels(),
    resources: { requests: { cpu: `${r.cpuMillis}m`, memory: `${r.memoryMiB}Mi` } },
  };
}

/** Installed as `<serving component>-metrics-server` in kube-system when something autoscales (the HPA's CPU signal). */
export const metricsServer: ServingAddon = {
  id: METRICS_SERVER_CHART.chart,
  pin: { helm: METRICS_SERVER_CHART },
  purpose: "CPU and memory metrics for the HorizontalPodAutoscaler and `kubectl top`",
  enabled: (settings) => settings.autoscaling && settings.models.length > 0,
  footprint: [{ name: "metrics-server", ...METRICS_SERVER_RESOURCES, source: "metrics-server chart 3.13.1 default" }],
  iamRoleNames: () => [],
  install: ({ declare, owner, parent, cluster, dependsOn }) => {
    const release = declare.helmRelease(
      `${owner}-metrics-server`,
      METRICS_SERVER_CHART,
      {
        namespace: "kube-system",
        values: metricsServerValues(),
      },
      { parent, provider: cluster.provider, dependsOn },
    );
    return { resources: [release], roles: [] };
  },
};
