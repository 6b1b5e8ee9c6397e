import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { withStageLabel } from "../../lib/tags";
import { validateArgs } from "../../lib/validate";
import { AddonTarget, MonitoringAddonInputs, MonitoringAddonSettings, installAddon } from "../compute/addons/addon";
import { dcgmExporter } from "../compute/addons/dcgm-exporter";
import { kubePrometheusStack } from "../compute/addons/kube-prometheus-stack";
import { ADDON_RESOURCES } from "../compute/addons/resources";
import { MONITORING_NAMESPACE } from "./charts";
import { dashboardConfigMap, platformDashboards } from "./dashboards";
import { prometheusRule, servingServiceMonitor } from "./manifests";
import type { MonitoringArgs } from "./monitoring.args";
import { MonitoringArgsSchema, monitoringProblems } from "./monitoring.schema";
import { platformRuleGroups } from "./rules";
import { MonitoringStorage, alertTopicArns, alertmanagerConfig } from "./values";

export type { MonitoringArgs };

export const MONITORING_TYPE = "mlplatform:monitoring:Monitoring";

/**
 * Series B monitoring inside the cluster: kube-prometheus-stack (Prometheus,
 * Alertmanager, Grafana, kube-state-metrics, node-exporter) on the system
 * pool with gp3 volumes and bounded retention; the NVIDIA DCGM exporter on
 * GPU nodes; a ServiceMonitor for the model servers (MLflow serves no scrapeable /metrics); the platform's
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
    // Every Kubernetes object it declares carries the stage label when its tags state a stage (lib/tags.ts).
    super(
      MONITORING_TYPE,
      name,
      {},
      { ...opts, transformations: [...(opts?.transformations ?? []), (t) => ({ props: withStageLabel(t.type, t.props, s.tags.stage), opts: t.opts })] },
    );
    const storage: MonitoringStorage = {
      retentionDays: s.retentionDays,
      prometheusStorageGb: s.prometheusStorageGb,
      grafanaStorageGb: s.grafanaStorageGb,
      alertmanagerStorageGb: s.alertmanagerStorageGb,
      deleteVolumesWithPods: s.forceDestroy,
    };
    const receivers = s.receivers;
    const groups = platformRuleGroups({ ...s.thresholds, pools: s.pools, gpuPrices: s.gpuPrices, servingMetrics: s.servingMetrics });
    const amConfig = alertmanagerConfig({ region: s.region, alertTopicArn: s.alertTopicArn, receivers, heartbeatTopicArn: s.heartbeatTopicArn });
    const dashboards = platformDashboards({ pools: s.pools, servingMetrics: s.servingMetrics });
    const publishTo = [...alertTopicArns(s.alertTopicArn, receivers), ...(s.heartbeatTopicArn === undefined ? [] : [s.heartbeatTopicArn])];
    this.alertNames = [...new Set(groups.flatMap((g) => g.rules.flatMap((r) => ("alert" in r ? [r.alert] : []))))];

    const k8s = (dependsOn: pulumi.Input<pulumi.Resource>[]): pulumi.CustomResourceOptions => ({ parent: this, provider: s.cluster.provider, dependsOn });

    const namespace = new kubernetes.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: { name: MONITORING_NAMESPACE, labels: { "app.kubernetes.io/part-of": "ml-platform" } },
      },
      k8s(s.cluster.ready),
    );

    // kube-prometheus-stack with Alertmanager's IRSA role; the DCGM exporter on GPU nodes after it.
    const target = (dependsOn: pulumi.Resource[]): AddonTarget<MonitoringAddonSettings, MonitoringAddonInputs> => ({
      declare: ADDON_RESOURCES,
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
    // No ServiceMonitor for MLflow: its server serves no /metrics without --expose-prometheus, and its
    // --allowed-hosts refuses a scrape by pod IP (403), so the target would be down for ever and
    // TargetDown would fire with it. MlflowDown watches its Deployment through kube-state-metrics.

    for (const d of dashboards) {
      new kubernetes.core.v1.ConfigMap(`${name}-dashboard-${d.uid}`, dashboardConfigMap(d), k8s([namespace]));
    }

    this.namespace = namespace.metadata.name;
    this.alertmanagerRoleArn = alertmanagerRole!.roleArn;
    this.registerOutputs({ namespace: this.namespace, alertmanagerRoleArn: this.alertmanagerRoleArn });
  }
}
