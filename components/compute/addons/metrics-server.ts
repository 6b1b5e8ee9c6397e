/**
 * metrics-server: the resource metrics API (`kubectl top`, and the CPU
 * signal HorizontalPodAutoscalers read). EKS does not install it; ModelServing
 * installs it when some model autoscales. Chart pin, values and installer.
 */
import * as kubernetes from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { systemNodeLabels } from "../labels";
import { METRICS_SERVER_RESOURCES } from "../../serving/settings";
import type { ChartPin } from "../../../lib/versions";
import type { ClusterHandle } from "../cluster-handle";

/**
 * Chart 3.13.1 (metrics-server 0.8.1), tag metrics-server-helm-chart-3.13.1
 * in kubernetes-sigs/metrics-server, repository
 * https://kubernetes-sigs.github.io/metrics-server/; the newest chart (the
 * app's v0.9.0 tag has no chart yet). metrics-server 0.8.x supports
 * Kubernetes 1.31+ (README compatibility matrix), so 1.35; checked 2026-11-23.
 */
export const METRICS_SERVER_CHART: ChartPin = {
  repo: "https://kubernetes-sigs.github.io/metrics-server/",
  chart: "metrics-server",
  version: "3.13.1",
};

/** Values: on the system pool, with the chart's default requests stated explicitly (the capacity check counts them). */
export function metricsServerValues() {
  const r = METRICS_SERVER_RESOURCES;
  return {
    replicas: r.replicas,
    nodeSelector: systemNodeLabels(),
    resources: { requests: { cpu: `${r.cpuMillis}m`, memory: `${r.memoryMiB}Mi` } },
  };
}

export function installMetricsServer(name: string, cluster: ClusterHandle, parent: pulumi.Resource): kubernetes.helm.v3.Release {
  return new kubernetes.helm.v3.Release(name, {
    name: METRICS_SERVER_CHART.chart,
    chart: METRICS_SERVER_CHART.chart,
    version: METRICS_SERVER_CHART.version,
    repositoryOpts: { repo: METRICS_SERVER_CHART.repo },
    namespace: "kube-system",
    values: metricsServerValues(),
  }, { parent, provider: cluster.provider, dependsOn: cluster.ready });
}
