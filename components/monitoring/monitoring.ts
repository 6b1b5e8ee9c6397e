import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IrsaRole } from "../compute/irsa";
import { validateArgs } from "../../lib/validate";
import { MonitoringArgsSchema, monitoringProblems } from "./monitoring.schema";
import { ALERTMANAGER_SERVICE_ACCOUNT, DCGM_EXPORTER_CHART, KUBE_PROMETHEUS_STACK_CHART, KUBE_PROMETHEUS_STACK_RELEASE, MONITORING_NAMESPACE } from "./charts";
import { MonitoringStorage, alertTopicArns, alertmanagerConfig, alertmanagerSnsPolicy, dcgmExporterValues, kubePrometheusStackValues } from "./values";
import { platformRuleGroups } from "./rules";
import { dashboardConfigMap, platformDashboards } from "./dashboards";
import { prometheusRule, servingServiceMonitor, trackingServiceMonitor } from "./manifests";
import type { MonitoringArgs } from "./monitoring.args";

export type { MonitoringArgs };

export const MONITORING_TYPE = "mlplatform:monitoring:Monitoring";


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
    const withDcgm = s.dcgmExporter ?? s.pools.some((p) => p.kind === "gpu");
    const publishTo = [...alertTopicArns(s.alertTopicArn, receivers), ...(s.heartbeatTopicArn === undefined ? [] : [s.heartbeatTopicArn])];
    this.alertNames = [...new Set(groups.flatMap((g) => g.rules.flatMap((r) => ("alert" in r ? [r.alert] : []))))];

    const k8s = (dependsOn: pulumi.Input<pulumi.Resource>[]): pulumi.CustomResourceOptions => ({ parent: this, provider: s.cluster.provider, dependsOn });

    const namespace = new kubernetes.core.v1.Namespace(`${name}-namespace`, {
      metadata: { name: MONITORING_NAMESPACE, labels: { "app.kubernetes.io/part-of": "ml-platform" } },
    }, k8s(s.cluster.ready));

    const alertmanagerRole = new IrsaRole(`${name}-alertmanager`, {
      oidcProviderArn: s.cluster.oidcProviderArn,
      oidcIssuerUrl: s.cluster.oidcIssuerUrl,
      namespace: ALERTMANAGER_SERVICE_ACCOUNT.namespace,
      serviceAccount: ALERTMANAGER_SERVICE_ACCOUNT.name,
      inlinePolicy: pulumi.jsonStringify(alertmanagerSnsPolicy(publishTo, s.alertTopicKeyArn === undefined ? [] : [s.alertTopicKeyArn])),
      tags: s.tags,
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
