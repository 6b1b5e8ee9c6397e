import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle } from "../compute/cluster-handle";
import { IrsaRole } from "../compute/irsa";
import {
  ALERTMANAGER_SERVICE_ACCOUNT,
  AlertReceiver,
  AlertThresholds,
  DCGM_EXPORTER_CHART,
  DEFAULT_THRESHOLDS,
  GpuNodePrice,
  KUBE_PROMETHEUS_STACK_CHART,
  KUBE_PROMETHEUS_STACK_RELEASE,
  MONITORING_NAMESPACE,
  MonitoringStorage,
  NodePoolCap,
  ServingMetrics,
  alertTopicArns,
  alertmanagerConfig,
  alertmanagerSnsPolicy,
  dashboardConfigMap,
  dcgmExporterValues,
  kubePrometheusStackValues,
  platformDashboards,
  platformRuleGroups,
  prometheusRule,
  servingServiceMonitor,
  trackingServiceMonitor,
} from "../../lib/monitoring";

export interface MonitoringArgs {
  /** The cluster to monitor: provider, OIDC provider for IRSA, and what to wait for. Required. */
  cluster: ClusterHandle;
  /** AWS region of the alert topic(s): Alertmanager signs its SNS calls for it. Required. */
  region: string;
  /**
   * ARN of the SNS topic alerts go to (the operations topic, which also gets
   * the CloudWatch alarms). Alertmanager's IRSA role may publish to it and to
   * nothing else (plus topics a receiver names). Required.
   */
  alertTopicArn: pulumi.Input<string>;
  /**
   * ARN of the KMS key the alert topic is encrypted with, if it uses a
   * customer managed key: Alertmanager's role may then use that key (and no
   * other) to publish. Default none (an unencrypted topic, or alias/aws/sns).
   */
  alertTopicKeyArn?: pulumi.Input<string>;
  /**
   * Every node pool with its cap (maxSize, summed over a pool's per-AZ node
   * groups): the NodePoolAtCap alert and the capacity dashboard use them.
   * Required (may be empty).
   */
  pools: NodePoolCap[];
  /** Days Prometheus keeps metrics. Default 15. */
  retentionDays?: number;
  /** Prometheus gp3 volume, GB; retention by size stops at 80 % of it. Default 50. */
  prometheusStorageGb?: number;
  /** Grafana gp3 volume, GB. Default 10. */
  grafanaStorageGb?: number;
  /** Alertmanager gp3 volume, GB. Default 2. */
  alertmanagerStorageGb?: number;
  /** Alert receivers. Default: one "oncall" receiver for critical alerts on alertTopicArn. */
  receivers?: AlertReceiver[];
  /** Alert thresholds. Default DEFAULT_THRESHOLDS (5 % errors, 1 s p95, 30 min idle GPU, 15 min pending, 3 restarts in 30 min). */
  thresholds?: Partial<AlertThresholds>;
  /** Hourly prices of the GPU node groups' instance types, for the GPU cost recording rules and dashboard. Default none (no cost panels data). */
  gpuPrices?: GpuNodePrice[];
  /** Metric names the model servers export. Default: http_requests_total{code}, http_request_duration_seconds. */
  servingMetrics?: ServingMetrics;
  /** Install the NVIDIA DCGM exporter on GPU nodes. Default: true when `pools` has a GPU pool. */
  dcgmExporter?: boolean;
  /** Tags for AWS resources (the IRSA role). Default none. */
  tags?: Record<string, string>;
}

const DEFAULT_STORAGE: MonitoringStorage = { retentionDays: 15, prometheusStorageGb: 50, grafanaStorageGb: 10, alertmanagerStorageGb: 2 };

function checkStorage(s: MonitoringStorage): void {
  const bounds: Record<keyof MonitoringStorage, [number, number]> = {
    retentionDays: [1, 365],
    prometheusStorageGb: [10, 2000],
    grafanaStorageGb: [1, 100],
    alertmanagerStorageGb: [1, 50],
  };
  for (const [key, [min, max]] of Object.entries(bounds) as [keyof MonitoringStorage, [number, number]][]) {
    const v = s[key];
    if (!Number.isInteger(v) || v < min || v > max) throw new Error(`Monitoring: ${key} must be a whole number from ${min} to ${max} (got ${v})`);
  }
}

/**
 * Series B monitoring inside the cluster: kube-prometheus-stack (Prometheus,
 * Alertmanager, Grafana, kube-state-metrics, node-exporter) on the system
 * pool with gp3 volumes and bounded retention; the NVIDIA DCGM exporter on
 * GPU nodes; ServiceMonitors for the model servers and MLflow; the platform's
 * alert rules; Grafana dashboards; Alertmanager publishing to SNS through an
 * IRSA role.
 */
export class Monitoring extends pulumi.ComponentResource {
  /** Namespace the stack runs in. */
  public readonly namespace: pulumi.Output<string>;
  /** ARN of Alertmanager's IRSA role (sns:Publish on the alert topics only). */
  public readonly alertmanagerRoleArn: pulumi.Output<string>;
  /** Names of the platform's alerts. */
  public readonly alertNames: string[];

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlplatform:monitoring:Monitoring", name, {}, opts);
    // Everything that can be wrong with the input fails here, before any resource is declared.
    const storage: MonitoringStorage = {
      retentionDays: args.retentionDays ?? DEFAULT_STORAGE.retentionDays,
      prometheusStorageGb: args.prometheusStorageGb ?? DEFAULT_STORAGE.prometheusStorageGb,
      grafanaStorageGb: args.grafanaStorageGb ?? DEFAULT_STORAGE.grafanaStorageGb,
      alertmanagerStorageGb: args.alertmanagerStorageGb ?? DEFAULT_STORAGE.alertmanagerStorageGb,
    };
    checkStorage(storage);
    const receivers = args.receivers ?? [{ name: "oncall", severities: ["critical"] }];
    const groups = platformRuleGroups({ ...DEFAULT_THRESHOLDS, ...args.thresholds, pools: args.pools, gpuPrices: args.gpuPrices, servingMetrics: args.servingMetrics });
    const amConfig = alertmanagerConfig({ region: args.region, alertTopicArn: args.alertTopicArn, receivers });
    const dashboards = platformDashboards({ pools: args.pools, servingMetrics: args.servingMetrics });
    const withDcgm = args.dcgmExporter ?? args.pools.some((p) => p.kind === "gpu");
    this.alertNames = [...new Set(groups.flatMap((g) => g.rules.flatMap((r) => ("alert" in r ? [r.alert] : []))))];

    const k8s = (dependsOn: pulumi.Input<pulumi.Resource>[]): pulumi.CustomResourceOptions => ({ parent: this, provider: args.cluster.provider, dependsOn });

    const namespace = new kubernetes.core.v1.Namespace(`${name}-namespace`, {
      metadata: { name: MONITORING_NAMESPACE, labels: { "app.kubernetes.io/part-of": "ml-platform" } },
    }, k8s(args.cluster.ready));

    const alertmanagerRole = new IrsaRole(`${name}-alertmanager`, {
      oidcProviderArn: args.cluster.oidcProviderArn,
      oidcIssuerUrl: args.cluster.oidcIssuerUrl,
      namespace: ALERTMANAGER_SERVICE_ACCOUNT.namespace,
      serviceAccount: ALERTMANAGER_SERVICE_ACCOUNT.name,
      inlinePolicy: pulumi.jsonStringify(alertmanagerSnsPolicy(alertTopicArns(args.alertTopicArn, receivers), args.alertTopicKeyArn === undefined ? [] : [args.alertTopicKeyArn])),
      tags: args.tags,
    }, { parent: this });

    const stack = new kubernetes.helm.v3.Release(`${name}-kube-prometheus-stack`, {
      name: KUBE_PROMETHEUS_STACK_RELEASE,
      chart: KUBE_PROMETHEUS_STACK_CHART.chart,
      version: KUBE_PROMETHEUS_STACK_CHART.version,
      repositoryOpts: { repo: KUBE_PROMETHEUS_STACK_CHART.repo },
      namespace: namespace.metadata.name,
      // First install creates CRDs, three StatefulSet/Deployment rollouts and three volumes.
      timeout: 900,
      values: kubePrometheusStackValues({ ...storage, alertmanagerConfig: amConfig, alertmanagerRoleArn: alertmanagerRole.roleArn }),
    }, k8s([namespace]));

    // The operator's CRDs come with the chart: every object below waits for it.
    if (withDcgm) {
      new kubernetes.helm.v3.Release(`${name}-dcgm-exporter`, {
        name: DCGM_EXPORTER_CHART.chart,
        chart: DCGM_EXPORTER_CHART.chart,
        version: DCGM_EXPORTER_CHART.version,
        repositoryOpts: { repo: DCGM_EXPORTER_CHART.repo },
        namespace: namespace.metadata.name,
        values: dcgmExporterValues(),
      }, k8s([stack]));
    }

    new kubernetes.apiextensions.CustomResource(`${name}-rules`, prometheusRule(groups), k8s([stack]));
    new kubernetes.apiextensions.CustomResource(`${name}-serving-monitor`, servingServiceMonitor(), k8s([stack]));
    new kubernetes.apiextensions.CustomResource(`${name}-mlflow-monitor`, trackingServiceMonitor(), k8s([stack]));

    for (const d of dashboards) {
      new kubernetes.core.v1.ConfigMap(`${name}-dashboard-${d.uid}`, dashboardConfigMap(d), k8s([namespace]));
    }

    this.namespace = namespace.metadata.name;
    this.alertmanagerRoleArn = alertmanagerRole.roleArn;
    this.registerOutputs({ namespace: this.namespace, alertmanagerRoleArn: this.alertmanagerRoleArn });
  }
}
