import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle } from "../compute/cluster-handle";
import { AddonTarget, MonitoringAddonInputs, MonitoringAddonSettings, addonRoleNames, addonWorkloads, installAddon } from "../compute/addons/addon";
import { PhysicalName, autoNamedRole } from "../../lib/naming";
import { MONITORING_ADDONS } from "../compute/addons/registry";
import type { SystemWorkload } from "../compute/capacity";
import { dcgmExporter } from "../compute/addons/dcgm-exporter";
import { kubePrometheusStack } from "../compute/addons/kube-prometheus-stack";
import { validateArgs } from "../../lib/validate";
import { MonitoringArgsSchema, monitoringProblems } from "./monitoring.schema";
import { MONITORING_NAMESPACE } from "./charts";
import { AlertReceiver, MonitoringStorage, alertTopicArns, alertmanagerConfig } from "./values";
import { AlertThresholds, GpuNodePrice, NodePoolCap, platformRuleGroups } from "./rules";
import { ServingMetrics } from "./contract";
import { dashboardConfigMap, platformDashboards } from "./dashboards";
import { prometheusRule, servingServiceMonitor, trackingServiceMonitor } from "./manifests";

export const MONITORING_TYPE = "mlplatform:monitoring:Monitoring";

/** The length-limited names monitoring creates: its add-ons' roles (Alertmanager's). */
export function monitoringPhysicalNames(name: string, settings: MonitoringAddonSettings): PhysicalName[] {
  return addonRoleNames<MonitoringAddonSettings>(MONITORING_ADDONS, name, settings).map(autoNamedRole);
}

/**
 * What monitoring puts on the CPU system pool: its add-ons' pods
 * (kube-prometheus-stack's; the DCGM exporter runs on GPU nodes only).
 */
export function monitoringSystemWorkloads(settings: MonitoringAddonSettings): SystemWorkload[] {
  return addonWorkloads<MonitoringAddonSettings>(MONITORING_ADDONS, settings);
}

export interface MonitoringArgs {
  /** The cluster to monitor: provider, OIDC provider for IRSA, and what to wait for. Required. */
  cluster: ClusterHandle;
  /** AWS region of the alert topic(s): Alertmanager signs its SNS calls for it. Required. */
  region: string;
  /**
   * ARN of the SNS topic alerts go to (the operations topic, which also gets
   * the CloudWatch alarms). Alertmanager's IRSA role may publish to it and to
   * nothing else (plus topics a receiver names, and the heartbeat topic). Required.
   */
  alertTopicArn: pulumi.Input<string>;
  /**
   * ARN of the KMS key the alert topic (and the heartbeat topic) is encrypted
   * with, if it uses a customer managed key: Alertmanager's role may then use
   * that key (and no other) to publish. Default none (an unencrypted topic, or alias/aws/sns).
   */
  alertTopicKeyArn?: pulumi.Input<string>;
  /**
   * ARN of the heartbeat topic (Alerting.heartbeatTopicArn): the always-firing
   * Watchdog alert is published there every 5 minutes, and a CloudWatch alarm
   * pages when it stops (a dead man's switch for Prometheus and
   * Alertmanager). Default none: Watchdog goes nowhere.
   */
  heartbeatTopicArn?: pulumi.Input<string> | undefined;
  /**
   * Every node pool with its cap (maxSize, summed over a pool's per-AZ node
   * groups): the NodePoolAtCap alert and the capacity dashboard use them.
   * Required (may be empty).
   */
  pools: NodePoolCap[];
  /** Days Prometheus keeps metrics (1-365). Default 15. */
  retentionDays?: number;
  /** Prometheus gp3 volume, GB (10-2000); retention by size stops at 80 % of it. Default 50. */
  prometheusStorageGb?: number;
  /** Grafana gp3 volume, GB (1-100). Default 10. */
  grafanaStorageGb?: number;
  /** Alertmanager gp3 volume, GB (1-50). Default 2. */
  alertmanagerStorageGb?: number;
  /**
   * Planning figure: active series Prometheus holds; when set, the volume must
   * hold retentionDays of them. Default none (not checked).
   */
  expectedActiveSeries?: number;
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
    // Checked before anything is declared: a bad argument throws ComponentArgsError naming it.
    const s = validateArgs(MONITORING_TYPE, name, MonitoringArgsSchema, args, monitoringProblems);
    super(MONITORING_TYPE, name, {}, opts);
    const storage: MonitoringStorage = {
      retentionDays: s.retentionDays,
      prometheusStorageGb: s.prometheusStorageGb,
      grafanaStorageGb: s.grafanaStorageGb,
      alertmanagerStorageGb: s.alertmanagerStorageGb,
    };
    const receivers = s.receivers;
    const groups = platformRuleGroups({ ...s.thresholds, pools: s.pools, gpuPrices: s.gpuPrices, servingMetrics: s.servingMetrics });
    const amConfig = alertmanagerConfig({ region: s.region, alertTopicArn: s.alertTopicArn, receivers, heartbeatTopicArn: s.heartbeatTopicArn });
    const dashboards = platformDashboards({ pools: s.pools, servingMetrics: s.servingMetrics });
    const publishTo = [...alertTopicArns(s.alertTopicArn, receivers), ...(s.heartbeatTopicArn === undefined ? [] : [s.heartbeatTopicArn])];
    this.alertNames = [...new Set(groups.flatMap((g) => g.rules.flatMap((r) => ("alert" in r ? [r.alert] : []))))];

    const k8s = (dependsOn: pulumi.Input<pulumi.Resource>[]): pulumi.CustomResourceOptions => ({ parent: this, provider: s.cluster.provider, dependsOn });

    const namespace = new kubernetes.core.v1.Namespace(`${name}-namespace`, {
      metadata: { name: MONITORING_NAMESPACE, labels: { "app.kubernetes.io/part-of": "ml-platform" } },
    }, k8s(s.cluster.ready));

    // kube-prometheus-stack with Alertmanager's IRSA role; the DCGM exporter on GPU nodes after it.
    const target = (dependsOn: pulumi.Resource[]): AddonTarget<MonitoringAddonSettings, MonitoringAddonInputs> => ({
      owner: name,
      parent: this,
      cluster: s.cluster,
      settings: s,
      inputs: {
        namespace: namespace.metadata.name,
        storage,
        alertmanager: { config: amConfig, publishTo, topicKeyArns: s.alertTopicKeyArn === undefined ? [] : [s.alertTopicKeyArn] },
      },
      tags: s.tags,
      dependsOn,
    });
    const prometheus = kubePrometheusStack.install(target([namespace]));
    const [alertmanagerRole] = prometheus.roles;
    // The operator's CRDs come with the chart: every object below waits for it.
    const stack = prometheus.resources;
    installAddon(dcgmExporter, target(stack));

    new kubernetes.apiextensions.CustomResource(`${name}-rules`, prometheusRule(groups), k8s(stack));
    new kubernetes.apiextensions.CustomResource(`${name}-serving-monitor`, servingServiceMonitor(), k8s(stack));
    new kubernetes.apiextensions.CustomResource(`${name}-mlflow-monitor`, trackingServiceMonitor(), k8s(stack));

    for (const d of dashboards) {
      new kubernetes.core.v1.ConfigMap(`${name}-dashboard-${d.uid}`, dashboardConfigMap(d), k8s([namespace]));
    }

    this.namespace = namespace.metadata.name;
    this.alertmanagerRoleArn = alertmanagerRole!.roleArn;
    this.registerOutputs({ namespace: this.namespace, alertmanagerRoleArn: this.alertmanagerRoleArn });
  }
}
