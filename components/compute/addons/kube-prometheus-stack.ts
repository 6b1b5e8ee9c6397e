/**
 * kube-prometheus-stack: Prometheus, Alertmanager, Grafana, the Prometheus
 * Operator, kube-state-metrics and node-exporter. Monitoring installs it with
 * Alertmanager's IRSA role (SNS publishing); its values are built in
 * components/monitoring/values.ts from the requests of MONITORING_RESOURCES,
 * which its footprint below counts.
 */
import { childName } from "../../../lib/naming";
import { irsaRoleName } from "../names";
import type { ChartPin } from "../../../lib/versions";
import { ALERTMANAGER_SERVICE_ACCOUNT, KUBE_PROMETHEUS_STACK_RELEASE } from "../../monitoring/charts";
import { ContainerResources, MONITORING_RESOURCES, alertmanagerSnsPolicy, kubePrometheusStackValues } from "../../monitoring/values";
import type { SystemWorkload } from "../capacity";
import { serviceAccountRole } from "./addon";
import type { MonitoringAddon } from "./addon";

/**
 * Prometheus Operator v0.93.1, Prometheus, Alertmanager, Grafana (subchart
 * 12.11.1), kube-state-metrics (8.4.0, app v2.20.0), node-exporter (4.56.1).
 * Chart 88.5.3 was published 2026-08-21T06:21Z (digest 3bff576f...; source:
 * the chart repository index,
 * https://prometheus-community.github.io/helm-charts/index.yaml, and the
 * release tag kube-prometheus-stack-88.5.3 of prometheus-community/helm-charts,
 * checked 2026-11-23). 89.x (89.2.0, 2026-09-04) is newer: every values key
 * used in components/monitoring/values.ts was read from the 88.5.3
 * values.yaml, so move to 89 only after reading its UPGRADE notes (Helm does
 * not upgrade the CRDs; see the README runbook).
 */
export const KUBE_PROMETHEUS_STACK_CHART: ChartPin = {
  repo: "https://prometheus-community.github.io/helm-charts",
  chart: "kube-prometheus-stack",
  version: "88.5.3",
};

const sum = (...rs: ContainerResources[]) => ({
  cpuMillis: rs.reduce((s, r) => s + r.cpuMillis, 0),
  memoryMiB: rs.reduce((s, r) => s + r.memoryMiB, 0),
});

/**
 * Its pods on the system pool, from the table its values are built from.
 * The admission webhook's certificate Job runs once at install and is not
 * listed.
 */
function footprint(): SystemWorkload[] {
  const R = MONITORING_RESOURCES;
  return [
    { name: "prometheus", replicas: 1, ...sum(R.prometheus, R.prometheusConfigReloader) },
    { name: "alertmanager", replicas: 1, ...sum(R.alertmanager, R.prometheusConfigReloader) },
    // Grafana runs two sidecars: one loads dashboards, one datasources.
    { name: "grafana", replicas: 1, ...sum(R.grafana, R.grafanaSidecar, R.grafanaSidecar) },
    { name: "prometheus-operator", replicas: 1, ...sum(R.operator) },
    { name: "kube-state-metrics", replicas: 1, ...sum(R.kubeStateMetrics) },
    { name: "node-exporter", replicas: 1, perNode: true, ...sum(R.nodeExporter) },
  ];
}

/** Alertmanager's IRSA role: `<monitoring component>-alertmanager` (its IAM role: `...-alertmanager-role`). */
const ROLE = "alertmanager";

/**
 * Installed in every Monitoring: Alertmanager's IRSA role (sns:Publish on
 * the alert topics only, and their KMS keys), then the Helm release
 * `<monitoring component>-kube-prometheus-stack`, whose CRDs every
 * monitoring object waits for.
 */
export const kubePrometheusStack: MonitoringAddon = {
  id: KUBE_PROMETHEUS_STACK_CHART.chart,
  pin: { helm: KUBE_PROMETHEUS_STACK_CHART },
  purpose: "Prometheus, Alertmanager and Grafana: the cluster's metrics, alerts and dashboards",
  enabled: () => true,
  footprint: footprint(),
  // node-exporter tolerates every NoSchedule taint (chart prometheus-node-exporter's default tolerations), so GPU nodes too.
  gpuNodeFootprint: footprint().filter((w) => w.perNode),
  iamRoleNames: (owner) => [irsaRoleName(childName(owner, ROLE))],
  install: (target) => {
    const { declare, owner, parent, cluster, inputs, dependsOn } = target;
    const alertmanager = inputs.alertmanager;
    const role = serviceAccountRole(target, childName(owner, ROLE), ALERTMANAGER_SERVICE_ACCOUNT, {
      inlinePolicy: declare.jsonStringify(alertmanagerSnsPolicy(alertmanager.publishTo, alertmanager.topicKeyArns)),
    });
    const release = declare.helmRelease(
      `${owner}-kube-prometheus-stack`,
      KUBE_PROMETHEUS_STACK_CHART,
      {
        releaseName: KUBE_PROMETHEUS_STACK_RELEASE,
        namespace: inputs.namespace,
        // First install creates CRDs, three StatefulSet/Deployment rollouts and three volumes.
        timeout: 900,
        values: kubePrometheusStackValues({ ...inputs.storage, alertmanagerConfig: alertmanager.config, alertmanagerRoleArn: role.roleArn }),
      },
      { parent, provider: cluster.provider, dependsOn },
    );
    return { resources: [release], roles: [role] };
  },
};
