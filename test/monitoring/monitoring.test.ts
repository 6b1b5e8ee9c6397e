/**
 * Series B monitoring: what is deployed (and not at MVP), that every PromQL
 * expression parses with the official grammar, that every Kubernetes and
 * prometheus-operator object validates against its schema, that all pods sit
 * on the system pool with the requests the capacity check counts, that
 * Alertmanager reaches SNS through a role allowed nothing else, and that
 * config mistakes are refused. Pure builders, plus the memoised plans of
 * seriesb-prod and mvp (each planned once).
 */
import { helmChartName } from "../../lib/versions";
import * as fs from "fs";
import * as path from "path";
import { parser as promqlParser } from "@prometheus-io/lezer-promql";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Pod } from "kubernetes-models/v1/Pod";
import { resolveWithAccess as resolvePlatformSpec } from "../support/cluster-access";
import { STAGE_PRESETS } from "../../config/presets";
import { estimateCost } from "../../cost/model";
import { GPU_TOLERATION, systemNodeLabels } from "../../components/compute/labels";
import { DEFAULT_THRESHOLDS, RuleGroup, RuleSettings, isAlertingRule, platformRuleGroups } from "../../components/monitoring/rules";
import { GRAFANA_DASHBOARD_LABEL } from "../../components/monitoring/charts";
import { KUBE_PROMETHEUS_STACK_CHART } from "../../components/compute/addons/kube-prometheus-stack";
import { monitoringSystemWorkloads } from "../../components/monitoring/monitoring.footprint";
import {
  MONITORING_RESOURCES,
  alertTopicArns,
  alertmanagerConfig,
  alertmanagerSnsPolicy,
  dcgmExporterValues,
  k8sResources,
  kubePrometheusStackValues,
  kubePrometheusStackVolumes,
  prometheusDiskNeedGb,
  retentionSizeGb,
} from "../../components/monitoring/values";
import { dashboardConfigMap, platformDashboards } from "../../components/monitoring/dashboards";
import { ksmLabel } from "../../components/monitoring/contract";
import { prometheusRule, servingServiceMonitor } from "../../components/monitoring/manifests";
import { costOf, policyResources } from "../../plan/report";
import { EvalResource, evaluatePolicies } from "../../policies/evaluate";
import { monitoringStoragePersistent, prometheusRetentionBounded } from "../../policies/rules/monitoring";
import { ofType, one, plan } from "../support/plan";

const SETTINGS: RuleSettings = {
  ...DEFAULT_THRESHOLDS,
  pools: [
    { name: "system", kind: "system", maxNodes: 6 },
    { name: "inference", kind: "gpu", maxNodes: 4 },
    { name: "training", kind: "gpu", maxNodes: 2 },
  ],
  gpuPrices: [{ nodeGroup: "inference", instanceType: "g5.xlarge", usdPerHour: 1.006 }],
};
const groups = platformRuleGroups(SETTINGS);
const dashboards = platformDashboards({ pools: SETTINGS.pools });
const TOPIC = "arn:aws:sns:us-east-1:123456789012:mlp-prod-alerts";
const STORAGE = { retentionDays: 15, prometheusStorageGb: 50, grafanaStorageGb: 10, alertmanagerStorageGb: 2, deleteVolumesWithPods: false };
const amConfig = alertmanagerConfig({
  region: "us-east-1",
  alertTopicArn: TOPIC,
  receivers: [
    { name: "oncall", severities: ["critical"] },
    { name: "platform-team", severities: ["warning"] },
  ],
});
const values = kubePrometheusStackValues({ ...STORAGE, alertmanagerConfig: amConfig, alertmanagerRoleArn: "arn:aws:iam::123456789012:role/am" });

/** Syntax errors the PromQL grammar finds in an expression (lezer marks them as error nodes). */
function promqlErrors(expr: string): string[] {
  const errors: string[] = [];
  promqlParser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(`at ${node.from}: ${JSON.stringify(expr.slice(Math.max(0, node.from - 10), node.to + 10))}`);
    },
  });
  return errors;
}

const ruleExprs = (gs: RuleGroup[]) => gs.flatMap((g) => g.rules.map((r) => ({ name: isAlertingRule(r) ? r.alert : r.record, expr: r.expr })));
const dashboardExprs = dashboards.flatMap((d) => d.panels.flatMap((p) => p.targets.map((t) => ({ name: `${d.uid}: ${p.title}`, expr: t.expr }))));

describe("PromQL (official lezer grammar)", () => {
  test("every alert and recording rule parses", () => {
    const exprs = ruleExprs(groups);
    expect(exprs.length).toBeGreaterThan(10);
    expect(exprs.map((e) => ({ name: e.name, errors: promqlErrors(e.expr) })).filter((e) => e.errors.length)).toEqual([]);
  });

  test("every dashboard query parses", () => {
    expect(dashboardExprs.length).toBeGreaterThan(20);
    expect(dashboardExprs.map((e) => ({ name: e.name, errors: promqlErrors(e.expr) })).filter((e) => e.errors.length)).toEqual([]);
  });

  test("the grammar catches a broken expression (the check is real)", () => {
    expect(promqlErrors("sum by (node (rate(DCGM_FI_DEV_GPU_UTIL[5m]))")).not.toEqual([]);
    expect(promqlErrors("max_over_time(DCGM_FI_DEV_GPU_UTIL[5m]) ==")).not.toEqual([]);
  });
});

describe("alert rules", () => {
  const alerts = groups.flatMap((g) => g.rules.filter(isAlertingRule));
  const byName = (n: string) => alerts.filter((a) => a.alert === n);

  test("cover serving per model and colour, restarts, idle GPUs, pools at cap, pending GPU pods, HPAs at max and endpoints", () => {
    expect([...new Set(alerts.map((a) => a.alert))].sort()).toEqual(
      [
        "GpuNodeIdle",
        "GpuPodsPending",
        "HpaAtMax",
        "MlflowDown",
        "NodePoolAtCap",
        "PodRestarting",
        "ServingEndpointDown",
        "ServingHighErrorRate",
        "ServingHighLatency",
      ].sort(),
    );
    for (const a of [...byName("ServingHighErrorRate"), ...byName("ServingHighLatency")]) expect(a.expr).toContain("sum by (model, color");
    expect(byName("MlflowDown")[0]!.expr).toBe('sum by (namespace) (kube_deployment_status_replicas_available{deployment="mlflow"}) == 0');
  });

  test("the idle-GPU alert reads DCGM_FI_DEV_GPU_UTIL per node, over the configured window", () => {
    const [idle] = byName("GpuNodeIdle");
    expect(idle!.expr).toMatch(/max by \(node\) \(max_over_time\(DCGM_FI_DEV_GPU_UTIL\[5m\]\)\) == 0/);
    expect(idle!.for).toBe("30m");
    expect(
      platformRuleGroups({ ...SETTINGS, idleGpuMinutes: 90 })
        .flatMap((g) => g.rules)
        .find((r) => isAlertingRule(r) && r.alert === "GpuNodeIdle"),
    ).toMatchObject({ for: "90m" });
  });

  test("one NodePoolAtCap per pool, at the configured cap", () => {
    expect(byName("NodePoolAtCap").map((a) => [a.labels.pool, a.expr])).toEqual([
      ["system", 'count(kube_node_labels{label_ml_platform_pool="system"}) >= 6'],
      ["inference", 'count(kube_node_labels{label_ml_platform_node_group="inference"}) >= 4'],
      ["training", 'count(kube_node_labels{label_ml_platform_node_group="training"}) >= 2'],
    ]);
  });

  test("every alert has a severity Alertmanager routes on, a summary and a runbook link into the operations guide", () => {
    for (const a of alerts) {
      expect(["critical", "warning"]).toContain(a.labels.severity);
      expect(a.labels.team).toBe("ml-platform");
      expect(a.annotations.summary.length).toBeGreaterThan(10);
      expect(a.annotations.runbook_url).toBe(`docs/guides/operations.md#alert-${a.alert.toLowerCase()}`);
    }
  });

  test("each alert's runbook link lands on its entry in the operations guide", () => {
    const readme = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "guides", "operations.md"), "utf8");
    for (const name of new Set(alerts.map((a) => a.alert)))
      expect({ name, documented: readme.includes(`#### Alert: ${name}\n`) }).toEqual({ name, documented: true });
  });

  test("thresholds come from the settings, and nonsense is refused", () => {
    const strict = platformRuleGroups({ ...SETTINGS, servingErrorRatio: 0.01 }).flatMap((g) => g.rules);
    expect(strict.find((r) => isAlertingRule(r) && r.alert === "ServingHighErrorRate")!.expr).toMatch(/> 0\.01$/);
    expect(() => platformRuleGroups({ ...SETTINGS, servingErrorRatio: 5 })).toThrow(/servingErrorRatio is a share of requests, below 1 \(got 5\)/);
    expect(() => platformRuleGroups({ ...SETTINGS, idleGpuMinutes: 0 })).toThrow(/whole, positive number of minutes \(got 0\)/);
    expect(() => platformRuleGroups({ ...SETTINGS, pools: [{ name: "x", kind: "gpu", maxNodes: 0 }] })).toThrow(
      /pool x: maxNodes must be a whole number >= 1 \(got 0\)/,
    );
  });

  test("GPU cost recording rules exist only when prices are known", () => {
    expect(groups.map((g) => g.name)).toContain("ml-platform-gpu-cost");
    expect(platformRuleGroups({ ...SETTINGS, gpuPrices: [] }).map((g) => g.name)).not.toContain("ml-platform-gpu-cost");
  });
});

describe("prometheus-operator and Kubernetes objects validate against their schemas", () => {
  test("the PrometheusRule", () => {
    expect(() => new PrometheusRule(prometheusRule(groups) as never).validate()).not.toThrow();
  });

  test("the ServiceMonitor for serving", () => {
    expect(() => new ServiceMonitor(servingServiceMonitor() as never).validate()).not.toThrow();
  });

  test("the schema check is real: a bad duration or a missing expr is refused", () => {
    const bad = prometheusRule([
      { name: "g", rules: [{ alert: "A", expr: "up == 0", for: "5 minutes", labels: {}, annotations: { summary: "", description: "", runbook_url: "" } }] },
    ]);
    expect(() => new PrometheusRule(bad as never).validate()).toThrow(/for/);
    const noExpr = { ...prometheusRule(groups), spec: { groups: [{ name: "g", rules: [{ alert: "A" }] }] } };
    expect(() => new PrometheusRule(noExpr as never).validate()).toThrow(/expr/);
  });

  test("the dashboard ConfigMaps", () => {
    for (const d of dashboards) expect(() => new ConfigMap(dashboardConfigMap(d)).validate()).not.toThrow();
  });
});

describe("ServiceMonitors follow the label contract", () => {
  test("serving: selected by labels in any namespace, port http, /metrics, model and colour copied from the pod", () => {
    const sm = servingServiceMonitor();
    expect(sm.spec.namespaceSelector).toEqual({ any: true });
    // The labels serving puts on its live and preview Services (components/serving/manifests.ts podLabels).
    expect(sm.spec.selector.matchLabels).toEqual({ "app.kubernetes.io/part-of": "ml-platform", "app.kubernetes.io/component": "model-server" });
    const [ep] = sm.spec.endpoints;
    expect(ep).toMatchObject({ port: "http", path: "/metrics" });
    expect(ep!.relabelings).toEqual(
      expect.arrayContaining([
        { sourceLabels: ["__meta_kubernetes_pod_label_ml_platform_model"], targetLabel: "model", action: "replace" },
        { sourceLabels: ["__meta_kubernetes_pod_label_ml_platform_color"], targetLabel: "color", action: "replace" },
        { targetLabel: "ml_platform_component", replacement: "serving", action: "replace" },
      ]),
    );
  });

  test("kube-state-metrics label spelling (what the rules match on)", () => {
    expect(ksmLabel("ml-platform/node-group")).toBe("label_ml_platform_node_group");
    expect(ksmLabel("node.kubernetes.io/instance-type")).toBe("label_node_kubernetes_io_instance_type");
    expect(ksmLabel("eks.amazonaws.com/capacityType")).toBe("label_eks_amazonaws_com_capacity_type");
  });
});

describe("dashboards", () => {
  test("serving health by colour, GPU utilisation and cost, cluster capacity", () => {
    expect(dashboards.map((d) => d.title)).toEqual([
      "ML platform / Serving health by colour",
      "ML platform / GPU utilisation and cost",
      "ML platform / Cluster capacity",
    ]);
    const gpu = dashboards[1]!;
    const titles = gpu.panels.map((p) => p.title);
    expect(titles).toEqual(
      expect.arrayContaining(["GPU spend now ($/hour)", "Paid while idle now ($/hour)", "GPU node-hours, last 24 h", "GPU utilisation by node"]),
    );
    expect(gpu.panels.find((p) => p.title === "GPU utilisation by node")!.targets[0]!.expr).toContain("DCGM_FI_DEV_GPU_UTIL");
  });

  test("reach Grafana through the sidecar's label, one ConfigMap each, with valid JSON and unique panel ids", () => {
    for (const d of dashboards) {
      const cm = dashboardConfigMap(d);
      expect(cm.metadata.labels[GRAFANA_DASHBOARD_LABEL.key]).toBe("1");
      const model = JSON.parse(cm.data[`${d.uid}.json`]!);
      expect(model.uid).toBe(d.uid);
      expect(new Set(model.panels.map((p: { id: number }) => p.id)).size).toBe(model.panels.length);
      for (const p of model.panels) expect(p.datasource).toEqual({ type: "prometheus", uid: "prometheus" });
    }
  });

  test("the capacity dashboard draws each pool's cap", () => {
    const capacity = dashboards[2]!.panels[0]!;
    expect(capacity.targets.map((t) => t.expr)).toEqual(expect.arrayContaining(["vector(6)", "vector(4)", "vector(2)"]));
  });
});

describe("kube-prometheus-stack values", () => {
  test("Prometheus keeps data by time and by size, on a gp3 volume 25 % larger than the retained blocks", () => {
    const spec = values.prometheus.prometheusSpec;
    expect(spec.retention).toBe("15d");
    expect(spec.retentionSize).toBe("40GB");
    expect(spec.storageSpec.volumeClaimTemplate.spec).toEqual({
      storageClassName: "gp3",
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: "50Gi" } },
    });
    expect(values.alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec.resources.requests.storage).toBe("2Gi");
    expect(values.grafana.persistence).toMatchObject({ enabled: true, storageClassName: "gp3", size: "10Gi" });
  });

  test("every pod of the stack sits on the system pool", () => {
    const system = systemNodeLabels();
    expect(values.prometheus.prometheusSpec.nodeSelector).toEqual(system);
    expect(values.alertmanager.alertmanagerSpec.nodeSelector).toEqual(system);
    expect(values.grafana.nodeSelector).toEqual(system);
    expect(values.prometheusOperator.nodeSelector).toEqual(system);
    expect(values.prometheusOperator.admissionWebhooks.patch.nodeSelector).toEqual(system);
    expect(values["kube-state-metrics"].nodeSelector).toEqual(system);
  });

  test("the capacity check counts exactly the requests the values set", () => {
    const w = Object.fromEntries(monitoringSystemWorkloads({ pools: [] }).map((x) => [x.name, x]));
    const R = MONITORING_RESOURCES;
    expect(values.prometheus.prometheusSpec.resources).toEqual(k8sResources(R.prometheus));
    expect(w.prometheus).toMatchObject({
      replicas: 1,
      cpuMillis: R.prometheus.cpuMillis + R.prometheusConfigReloader.cpuMillis,
      memoryMiB: R.prometheus.memoryMiB + R.prometheusConfigReloader.memoryMiB,
    });
    expect(values.grafana.resources).toEqual(k8sResources(R.grafana));
    expect(w.grafana!.cpuMillis).toBe(R.grafana.cpuMillis + 2 * R.grafanaSidecar.cpuMillis);
    expect(w["node-exporter"]).toMatchObject({ perNode: true, cpuMillis: R.nodeExporter.cpuMillis });
    const total = monitoringSystemWorkloads({ pools: [] }).reduce((s, x) => s + x.cpuMillis * x.replicas, 0);
    // Fits beside the add-ons on the smallest Series B system pool (3 x m6i.large, ~1.9 vCPU allocatable each).
    expect(total).toBeLessThan(1000);
  });

  test("Prometheus picks up our ServiceMonitors and rules, and the EKS-hidden control plane is not scraped", () => {
    expect(values.prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues).toBe(false);
    expect(values.prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues).toBe(false);
    for (const c of ["kubeEtcd", "kubeScheduler", "kubeControllerManager", "kubeProxy"] as const) expect(values[c].enabled).toBe(false);
    expect(values["kube-state-metrics"].metricLabelsAllowlist[0]).toContain("ml-platform/node-group");
  });

  test("retention size and disk estimate follow Prometheus's sizing formula", () => {
    expect(retentionSizeGb(50)).toBe(40);
    // 15 days x 150k series / 30 s x 2 bytes = 12.96 GB.
    expect(prometheusDiskNeedGb(15, 150_000)).toBeCloseTo(12.96, 2);
  });
});

/** Helm's merge of user values over a chart's defaults: maps merge key by key, a null removes the key (Helm docs, "Values Files": deleting a default key). */
function helmMerge(defaults: unknown, values: unknown): unknown {
  if (values === null) return undefined;
  if (!defaults || typeof defaults !== "object" || Array.isArray(defaults) || !values || typeof values !== "object" || Array.isArray(values)) return values;
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(values)) {
    const merged = helmMerge(out[k], v);
    if (merged === undefined) delete out[k];
    else out[k] = merged;
  }
  return out;
}

describe("DCGM exporter", () => {
  const v = dcgmExporterValues();
  // The chart's default resources (dcgm-exporter chart 4.8.2, values.yaml).
  const chartDefaults = { resources: { limits: { cpu: "200m", memory: "512Mi" }, requests: { cpu: "100m", memory: "128Mi" } } };
  const resources = (helmMerge(chartDefaults, { resources: v.resources }) as { resources: Record<string, Record<string, string>> }).resources;

  test("runs on GPU nodes only, tolerating their taint, and holds no GPU", () => {
    expect(v.nodeSelector).toEqual({ "ml-platform/pool": "gpu" });
    expect(v.tolerations).toContainEqual(GPU_TOLERATION);
    expect(JSON.stringify(v.resources)).not.toContain("nvidia.com/gpu");
    // A pod with these settings, merged over the chart's, is a valid pod spec.
    expect(() =>
      new Pod({
        metadata: { name: "dcgm" },
        spec: { nodeSelector: v.nodeSelector, tolerations: v.tolerations, containers: [{ name: "dcgm", image: "dcgm", resources }] },
      }).validate(),
    ).not.toThrow();
  });

  test("drops the chart's 200m CPU limit (a throttled exporter misses scrapes) and keeps our requests and memory limit", () => {
    expect(resources).toEqual({ requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } });
  });

  test("its ServiceMonitor adds the node name, so GPU series join the node's labels", () => {
    expect(v.serviceMonitor.relabelings).toEqual([{ sourceLabels: ["__meta_kubernetes_pod_node_name"], targetLabel: "node", action: "replace" }]);
  });
});

describe("Alertmanager to SNS", () => {
  test("each receiver publishes to the topic with sigv4 in the stack's region, routed by severity", () => {
    const receivers = amConfig.receivers.filter((r) => r.name !== "null");
    expect(receivers.map((r) => r.name)).toEqual(["oncall", "platform-team"]);
    for (const r of receivers)
      expect((r as { sns_configs: unknown[] }).sns_configs[0]).toMatchObject({ topic_arn: TOPIC, sigv4: { region: "us-east-1" }, send_resolved: true });
    expect(amConfig.route.routes).toContainEqual({ receiver: "oncall", matchers: ['severity =~ "critical"'], continue: true });
    expect(amConfig.route.routes[0]).toEqual({ receiver: "null", matchers: ['alertname = "Watchdog"'] });
    expect(amConfig.route.receiver).toBe("null");
  });

  test("the IRSA role may publish to the alert topic and nothing else", () => {
    const doc = alertmanagerSnsPolicy(alertTopicArns(TOPIC, [{ name: "oncall", severities: ["critical"] }]));
    expect(doc.Statement).toEqual([{ Sid: "PublishAlerts", Effect: "Allow", Action: "sns:Publish", Resource: [TOPIC] }]);
    const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    expect(alertmanagerSnsPolicy([TOPIC], [key]).Statement[1]).toEqual({
      Sid: "EncryptAlerts",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
      Resource: [key],
    });
    const own = "arn:aws:sns:us-east-1:123456789012:team";
    expect(alertTopicArns(TOPIC, [{ name: "team", severities: ["warning"], topicArn: own }])).toEqual([own]);
  });

  test("bad receivers are refused", () => {
    const mk = (receivers: Parameters<typeof alertmanagerConfig>[0]["receivers"]) => () =>
      alertmanagerConfig({ region: "us-east-1", alertTopicArn: TOPIC, receivers });
    expect(
      mk([
        { name: "a", severities: ["critical"] },
        { name: "a", severities: ["warning"] },
      ]),
    ).toThrow(/"a" is listed twice/);
    expect(mk([{ name: "null", severities: ["critical"] }])).toThrow(/reserved/);
    expect(mk([{ name: "a", severities: [] }])).toThrow(/no severities/);
  });
});

describe("cost of the monitoring volumes", () => {
  const release = (chart: string, vals: unknown) => ({ urn: "u", type: "kubernetes:helm.sh/v3:Release", name: chart, inputs: { chart, values: vals } });

  test("read from the Helm values: Prometheus + Alertmanager + Grafana gp3 volumes", () => {
    expect(kubePrometheusStackVolumes(values as never).map((v) => [v.role, v.gb])).toEqual([
      ["prometheus", 50],
      ["alertmanager", 2],
      ["grafana", 10],
    ]);
    const cost = estimateCost([release("kube-prometheus-stack", values)], "us-east-1");
    expect(cost.byResource[0]).toMatchObject({ expectedMonthlyUsd: 4.96, worstCaseMonthlyUsd: 4.96 });
    expect(cost.byResource[0]!.basis).toContain("prometheus 50 GB + alertmanager 2 GB + grafana 10 GB");
  });

  test("never a silent $0: an unreadable size, or another chart with volumes, is unpriced", () => {
    const odd = JSON.parse(JSON.stringify(values));
    odd.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage = "lots";
    expect(estimateCost([release("kube-prometheus-stack", odd)], "us-east-1").unpriced[0]!.reason).toMatch(/cannot read the prometheus volume size/);
    expect(estimateCost([release("loki", { persistence: { enabled: true, size: "100Gi" } })], "us-east-1").unpriced).toHaveLength(1);
    expect(estimateCost([release("nvidia-device-plugin", { tolerations: [] })], "us-east-1")).toMatchObject({ unpriced: [], freeResources: 1 });
  });
});

describe("configuration", () => {
  const raw = (stage: string, monitoring?: unknown): Record<string, string> => ({
    "aws:region": "us-east-1",
    "ml-platform:stage": stage,
    "ml-platform:environment": "prod",
    "ml-platform:tags": JSON.stringify({ owner: "a", costCenter: "b" }),
    ...(monitoring === undefined ? {} : { "ml-platform:monitoring": JSON.stringify(monitoring) }),
  });

  test("on at Series B, off at MVP and POC, each with its reason", () => {
    expect(resolvePlatformSpec(raw("seriesb"), "s").monitoring).toMatchObject({ enabled: true, decidedBy: "preset" });
    expect(resolvePlatformSpec(raw("mvp"), "s").monitoring.enabled).toBe(false);
    expect(STAGE_PRESETS.mvp.monitoring.why).toMatch(/kubectl logs/);
    expect(STAGE_PRESETS.seriesb.monitoring.why).toMatch(/GPU/);
  });

  test("overrides reach the settings", () => {
    const m = resolvePlatformSpec(
      raw("seriesb", { retentionDays: 30, prometheusStorageGb: 100, receivers: [{ name: "pager", severities: ["critical", "warning"] }] }),
      "s",
    ).monitoring.settings;
    expect(m).toMatchObject({ retentionDays: 30, prometheusStorageGb: 100, receivers: [{ name: "pager", severities: ["critical", "warning"] }] });
  });

  test("unbounded or inconsistent retention and storage are refused with the key, the value and what is allowed", () => {
    expect(() => resolvePlatformSpec(raw("seriesb", { retentionDays: 3650 }), "s")).toThrow(
      /ml-platform:monitoring\.retentionDays: retentionDays is at most 365.*\(got 3650\)/,
    );
    expect(() => resolvePlatformSpec(raw("seriesb", { retentionDays: 90, prometheusStorageGb: 50 }), "s")).toThrow(
      /ml-platform:monitoring\.prometheusStorageGb: holds 40 GB of metrics \(80 % of the volume\), but 90 days of 150000 series need about 78 GB.*Raise it to 98 or more.*\(got 50\)/,
    );
    expect(() => resolvePlatformSpec(raw("seriesb", { receivers: [{ name: "x", severities: ["page"] }] }), "s")).toThrow(
      /ml-platform:monitoring\.receivers\[0\]\.severities\[0\]: allowed values: critical, warning, info/,
    );
    expect(() => resolvePlatformSpec(raw("seriesb", { receivers: [{ name: "x", severities: ["critical"], topicArn: "oncall" }] }), "s")).toThrow(
      /must be an SNS topic ARN/,
    );
    expect(() => resolvePlatformSpec(raw("mvp", { retentionDays: 30 }), "s")).toThrow(/the mvp stage does not deploy the monitoring/);
  });
});

describe("the plans", () => {
  const MONITORING_TYPES = [
    "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
    "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
    "mlplatform:monitoring:Monitoring",
  ];

  test("seriesb-prod has the stack, the DCGM exporter, the serving ServiceMonitor (none for MLflow), the rules with the idle-GPU alert, and dashboards", async () => {
    const run = await plan("seriesb-prod");
    const stack = one(run, "kubernetes:helm.sh/v3:Release", "kube-prometheus-stack");
    expect(stack.inputs).toMatchObject({
      chart: "charts/kube-prometheus-stack-88.5.3.tgz",
      version: KUBE_PROMETHEUS_STACK_CHART.version,
      namespace: "monitoring",
    });
    expect(one(run, "kubernetes:helm.sh/v3:Release", "dcgm-exporter").inputs).toMatchObject({ chart: "charts/dcgm-exporter-4.8.2.tgz", version: "4.8.2" });
    const monitors = ofType(run, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor");
    expect(monitors.map((m) => (m.inputs.metadata as { name: string }).name).sort()).toEqual(["ml-platform-serving"]);
    // None for MLflow: it serves no scrapeable /metrics, and a target down for ever fires TargetDown for ever.
    const rule = one(run, "kubernetes:monitoring.coreos.com/v1:PrometheusRule");
    const planned = (rule.inputs.spec as { groups: RuleGroup[] }).groups.flatMap((g) => g.rules).filter(isAlertingRule);
    expect(planned.find((r) => r.alert === "GpuNodeIdle")!.expr).toContain("DCGM_FI_DEV_GPU_UTIL");
    // Caps as configured for this stack: inference 4, training 2, system 6.
    expect(planned.filter((r) => r.alert === "NodePoolAtCap").map((r) => r.expr)).toEqual(
      expect.arrayContaining([expect.stringMatching(/inference"}\) >= 4$/), expect.stringMatching(/system"}\) >= 6$/)]),
    );
    const maps = ofType(run, "kubernetes:core/v1:ConfigMap").filter(
      (c) => (c.inputs.metadata as { labels?: Record<string, string> }).labels?.grafana_dashboard === "1",
    );
    expect(maps).toHaveLength(3);
  });

  test("every planned monitoring object validates against its schema", async () => {
    const run = await plan("seriesb-prod");
    for (const r of ofType(run, "kubernetes:monitoring.coreos.com/v1:PrometheusRule"))
      expect(() => new PrometheusRule(r.inputs as never).validate()).not.toThrow();
    for (const r of ofType(run, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor"))
      expect(() => new ServiceMonitor(r.inputs as never).validate()).not.toThrow();
    for (const r of ofType(run, "kubernetes:core/v1:ConfigMap").filter((c) => c.name.includes("monitoring")))
      expect(() => new ConfigMap(r.inputs as never).validate()).not.toThrow();
    expect(() => new Namespace(one(run, "kubernetes:core/v1:Namespace", "monitoring").inputs as never).validate()).not.toThrow();
  });

  test("seriesb-prod: Alertmanager's role publishes to the alert and heartbeat topics only, and its volumes are priced", async () => {
    const run = await plan("seriesb-prod");
    const policy = JSON.parse(String(one(run, "aws:iam/rolePolicy:RolePolicy", "monitoring-alertmanager").inputs.policy));
    // The operations alert topic is KMS-encrypted: publishing also needs its key (and only that key).
    expect(policy.Statement).toEqual([
      {
        Sid: "PublishAlerts",
        Effect: "Allow",
        Action: "sns:Publish",
        Resource: [expect.stringMatching(/^arn:aws:sns:.*alerts-topic/), expect.stringMatching(/^arn:aws:sns:.*alerts-heartbeat/)],
      },
      { Sid: "EncryptAlerts", Effect: "Allow", Action: ["kms:GenerateDataKey*", "kms:Decrypt"], Resource: [expect.stringMatching(/^arn:aws:kms:/)] },
    ]);
    const alertKey = one(run, "aws:kms/key:Key", "alerts");
    expect(one(run, "aws:iam/rolePolicy:RolePolicy", "monitoring-alertmanager").propertyDependencies.policy).toContain(alertKey.urn);
    const trust = JSON.parse(String(one(run, "aws:iam/role:Role", "monitoring-alertmanager").inputs.assumeRolePolicy));
    expect(JSON.stringify(trust)).toContain("system:serviceaccount:monitoring:alertmanager");
    const line = costOf(run).byResource.find((l) => l.name.endsWith("kube-prometheus-stack"));
    expect(line).toMatchObject({ component: expect.stringContaining("monitoring"), expectedMonthlyUsd: 4.96 });
  });

  test("mvp has none of the heavy monitoring", async () => {
    const run = await plan("mvp");
    for (const t of MONITORING_TYPES) expect(ofType(run, t)).toEqual([]);
    const releases = ofType(run, "kubernetes:helm.sh/v3:Release").map((r) => helmChartName(r.inputs.chart));
    expect(releases).not.toContain("kube-prometheus-stack");
    expect(releases).not.toContain("dcgm-exporter");
    expect(run.spec.monitoring.enabled).toBe(false);
  });
});

describe("policy: prometheus-retention-bounded", () => {
  const release = (v: unknown): EvalResource => ({
    urn: "urn:pulumi:t::p::kubernetes:helm.sh/v3:Release::kps",
    type: "kubernetes:helm.sh/v3:Release",
    name: "kps",
    props: { chart: "kube-prometheus-stack", values: v },
  });
  const check = (v: unknown, config = {}) => evaluatePolicies([release(v)], config, { policies: [prometheusRetentionBounded, monitoringStoragePersistent] });
  const mutate = (f: (spec: Record<string, unknown>) => void) => {
    const v = JSON.parse(JSON.stringify(values));
    f(v.prometheus.prometheusSpec);
    return v;
  };

  test("the values the component deploys pass", () => {
    expect(check(values)).toMatchObject({ mandatory: [], advisory: [] });
  });

  test("no size-based retention is blocked: the volume would fill and Prometheus stop ingesting", () => {
    const v = check(mutate((s) => delete s.retentionSize));
    expect(v.mandatory.map((x) => x.message)).toEqual([
      expect.stringMatching(/sets no size-based retention[\s\S]*Fix: set retentionSize to about 80 % of the volume \(40GB for 50 GB\)/),
    ]);
  });

  test("a retention size larger than the volume is blocked", () => {
    expect(check(mutate((s) => (s.retentionSize = "60GB"))).mandatory[0]!.message).toMatch(/keep 60 GB on a 50 GB volume/);
  });

  test("retention beyond the cap, and a volume beyond the cap (priced), are blocked; the caps are configurable", () => {
    expect(check(mutate((s) => (s.retention = "1y"))).mandatory[0]!.message).toMatch(/for 365 days; the cap is 90/);
    const big = mutate((s) => {
      (
        s.storageSpec as { volumeClaimTemplate: { spec: { resources: { requests: { storage: string } } } } }
      ).volumeClaimTemplate.spec.resources.requests.storage = "4Ti";
      s.retentionSize = "3000GB";
    });
    expect(check(big).mandatory.map((x) => x.message)).toEqual([expect.stringMatching(/a 4096 GB volume; the cap is 500 GB[\s\S]*\$328\/month/)]);
    expect(check(big, { "prometheus-retention-bounded": { maxPrometheusStorageGb: 5000 } }).mandatory).toEqual([]);
  });

  test("an unreadable duration is blocked; data kept in the pod is advisory", () => {
    expect(check(mutate((s) => (s.retention = "15 days"))).mandatory[0]!.message).toMatch(/not a Prometheus duration/);
    const v = check(mutate((s) => delete s.storageSpec));
    expect(v.advisory.map((x) => x.policy)).toEqual(["prometheus-storage-persistent"]);
  });

  test("applies to a Prometheus object declared directly, and not to other charts", () => {
    const prom: EvalResource = { urn: "u", type: "kubernetes:monitoring.coreos.com/v1:Prometheus", name: "p", props: { spec: { retention: "30d" } } };
    expect(evaluatePolicies([prom], {}, { policies: [prometheusRetentionBounded] }).mandatory).toHaveLength(1);
    const other: EvalResource = { urn: "o", type: "kubernetes:helm.sh/v3:Release", name: "o", props: { chart: "loki", values: {} } };
    expect(evaluatePolicies([other], {}, { policies: [prometheusRetentionBounded, monitoringStoragePersistent] })).toMatchObject({
      mandatory: [],
      advisory: [],
    });
  });

  test("the shipped seriesb-prod stack passes the monitoring policies", async () => {
    const run = await plan("seriesb-prod");
    expect(evaluatePolicies(policyResources(run), {}, { policies: [prometheusRetentionBounded, monitoringStoragePersistent] })).toMatchObject({
      mandatory: [],
      advisory: [],
    });
  });
});
