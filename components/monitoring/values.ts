/**
 * Helm values, the Alertmanager configuration, the IAM document and the
 * container requests of the monitoring stack, as pure functions. Values
 * may hold Pulumi outputs (type parameter T, like components/compute/labels.ts), so the
 * component needs no apply. Every values key here was read from the pinned
 * charts' values.yaml (kube-prometheus-stack 88.5.3, its grafana 12.11.1 and
 * kube-state-metrics 8.4.0 subcharts, dcgm-exporter 4.8.2), checked 2026-11-23.
 */
import type { PolicyDocument } from "../data/bucket-policy";
import { GPU_TOLERATION, NODE_GROUP_LABEL, POOL_LABEL, Toleration, systemNodeLabels } from "../compute/labels";
import { ALERTMANAGER_SERVICE_ACCOUNT, GRAFANA_DASHBOARD_LABEL, MONITORING_STORAGE_CLASS } from "./charts";
import { COLOUR_LABEL, MODEL_LABEL } from "./contract";
import { PLATFORM_RULE_LABELS } from "./rules";

// ------------------------------------------------------------ settings

/** Severities our rules (and the chart's default rules) use. */
export const SEVERITIES = ["critical", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Where Alertmanager sends alerts: an SNS topic, for some severities. */
export interface AlertReceiver {
  /** Receiver name (Alertmanager config), e.g. "oncall". */
  name: string;
  /** Severities this receiver gets. */
  severities: Severity[];
  /** SNS topic ARN; default: the platform's alert topic. */
  topicArn?: string;
}

export interface MonitoringStorage {
  /** Days Prometheus keeps samples (storage.tsdb.retention.time). */
  retentionDays: number;
  /** Size of the Prometheus gp3 volume, GB (GiB). Size-based retention keeps the data under RETENTION_SIZE_SHARE of it. */
  prometheusStorageGb: number;
  /** Size of the Grafana gp3 volume, GB (dashboards edited in the UI, users, annotations). */
  grafanaStorageGb: number;
  /** Size of the Alertmanager gp3 volume, GB (silences and notification log survive restarts). */
  alertmanagerStorageGb: number;
  /**
   * Whether deleting Prometheus or Alertmanager (uninstalling the chart, `pulumi destroy`) deletes their
   * volumes too. False keeps them: a StatefulSet's claims outlive it unless its retention policy says Delete.
   */
  deleteVolumesWithPods: boolean;
}

/**
 * Share of the Prometheus volume the blocks may fill before the oldest are
 * deleted: the rest is for the WAL, the head chunks and compaction, which
 * need room beyond the retained blocks (Prometheus storage docs,
 * "Operational aspects", checked 2026-11-23).
 */
export const RETENTION_SIZE_SHARE = 0.8;

/** Prometheus scrape and rule evaluation interval: 30 s keeps the series count (and disk) at half the chart's 15 s habit. */
export const SCRAPE_INTERVAL_SECONDS = 30;

/** Bytes a sample takes on disk, the upper end of Prometheus's "1-2 bytes per sample" planning figure. */
export const BYTES_PER_SAMPLE = 2;

/** `retentionSize` for a volume: whole GB, RETENTION_SIZE_SHARE of it. */
export function retentionSizeGb(prometheusStorageGb: number): number {
  return Math.floor(prometheusStorageGb * RETENTION_SIZE_SHARE);
}

/**
 * GB the blocks need to keep `retentionDays` of `activeSeries` scraped every
 * SCRAPE_INTERVAL_SECONDS: retention seconds x samples per second x bytes per
 * sample (the formula in the Prometheus storage docs, checked 2026-11-23).
 */
export function prometheusDiskNeedGb(retentionDays: number, activeSeries: number): number {
  const samplesPerSecond = activeSeries / SCRAPE_INTERVAL_SECONDS;
  return (retentionDays * 86400 * samplesPerSecond * BYTES_PER_SAMPLE) / 1e9;
}

// ------------------------------------------------------------ resources

/** Requests of one container (CPU in millicores, memory in MiB); limits are set for memory only. */
export interface ContainerResources {
  cpuMillis: number;
  memoryMiB: number;
  /** Memory limit, MiB. Default: the request (no CPU limit: throttling hurts more than it saves). */
  memoryLimitMiB?: number;
}

/**
 * Requests of every monitoring pod on the system pool, per container. The
 * Helm values and the kube-prometheus-stack add-on's footprint are both
 * built from this table, so the capacity check sees exactly what is
 * deployed. Sized for a Series B cluster of up to ~20 nodes and ~150k
 * active series (Prometheus keeps about 4-8 KiB per active series in memory).
 */
export const MONITORING_RESOURCES = {
  prometheus: { cpuMillis: 500, memoryMiB: 2048, memoryLimitMiB: 4096 },
  prometheusConfigReloader: { cpuMillis: 10, memoryMiB: 32 },
  alertmanager: { cpuMillis: 50, memoryMiB: 128, memoryLimitMiB: 256 },
  grafana: { cpuMillis: 100, memoryMiB: 256, memoryLimitMiB: 512 },
  grafanaSidecar: { cpuMillis: 20, memoryMiB: 64, memoryLimitMiB: 128 },
  operator: { cpuMillis: 100, memoryMiB: 128, memoryLimitMiB: 256 },
  kubeStateMetrics: { cpuMillis: 50, memoryMiB: 128, memoryLimitMiB: 256 },
  nodeExporter: { cpuMillis: 25, memoryMiB: 32, memoryLimitMiB: 64 },
  dcgmExporter: { cpuMillis: 100, memoryMiB: 256, memoryLimitMiB: 512 },
} as const satisfies Record<string, ContainerResources>;

interface K8sResources {
  requests: { cpu: string; memory: string };
  limits: { memory: string };
}

/** A container's `resources` block from a table row. */
export function k8sResources(r: ContainerResources): K8sResources {
  return {
    requests: { cpu: `${r.cpuMillis}m`, memory: `${r.memoryMiB}Mi` },
    limits: { memory: `${r.memoryLimitMiB ?? r.memoryMiB}Mi` },
  };
}

// ------------------------------------------------------------ Alertmanager

/** SNS subjects are at most 100 ASCII characters; this one stays short whatever the labels. */
const SNS_SUBJECT = "[{{ .Status | toUpper }}] {{ .CommonLabels.severity }}: {{ .GroupLabels.alertname }}";

export interface AlertmanagerConfigArgs<T> {
  /** AWS region of the SNS topics (sigv4 signing region). */
  region: T;
  /** The platform's alert topic: receivers without their own topicArn publish here. */
  alertTopicArn: T;
  receivers: AlertReceiver[];
  /**
   * The heartbeat topic: the always-firing Watchdog alert is published there
   * every HEARTBEAT_REPEAT_INTERVAL, and a CloudWatch alarm on the topic's
   * NumberOfMessagesPublished pages when it stops (a dead man's switch).
   * Absent: Watchdog goes nowhere.
   */
  heartbeatTopicArn?: T;
}

/** The receiver that takes Watchdog (and nothing else) to the heartbeat topic. */
export const HEARTBEAT_RECEIVER = "watchdog-heartbeat";

/**
 * How often Alertmanager re-sends the firing Watchdog to the heartbeat topic.
 * A re-send happens at the first flush (every group_interval) after
 * repeat_interval has passed (Alertmanager configuration, `<route>`, checked
 * 2026-11-23): with a 1-minute group_interval, every 5-6 minutes, so each
 * 5-minute period of the alarm sees one message at least, bar one.
 */
export const HEARTBEAT_REPEAT_INTERVAL = "5m";
export const HEARTBEAT_GROUP_INTERVAL = "1m";

/**
 * Alertmanager configuration: each receiver publishes to SNS (credentials
 * from the pod's IRSA role: sigv4 with a region and no keys falls back to the
 * AWS SDK's default chain, which reads the web identity token EKS injects).
 * Routing: Watchdog goes to the heartbeat topic when there is one (else
 * nowhere), InfoInhibitor nowhere; every other alert goes to each receiver
 * whose severities include its severity (`continue`, so two receivers can
 * both get a critical); anything left is dropped by "null". The Watchdog
 * route does not continue, so no person's receiver ever gets the heartbeat.
 * An `sns_configs` entry takes `topic_arn`, `sigv4` (with `region`; no keys:
 * the SDK's default chain), `subject`, `attributes` and `send_resolved`
 * (Alertmanager configuration, `<sns_config>`; Amazon Managed Service for
 * Prometheus user guide, "Configure alert manager to send messages to your
 * Amazon SNS topic"; both checked 2026-11-23).
 */
export function alertmanagerConfig<T>(args: AlertmanagerConfigArgs<T>) {
  const seen = new Set<string>();
  for (const r of args.receivers) {
    if (r.name === "null") throw new Error('alert receiver name "null" is reserved (it drops alerts)');
    if (r.name === HEARTBEAT_RECEIVER) throw new Error(`alert receiver name "${HEARTBEAT_RECEIVER}" is reserved (it takes the Watchdog heartbeat)`);
    if (seen.has(r.name)) throw new Error(`alert receiver "${r.name}" is listed twice`);
    if (r.severities.length === 0) throw new Error(`alert receiver "${r.name}" has no severities, so it would get nothing`);
    seen.add(r.name);
  }
  return {
    global: { resolve_timeout: "5m" },
    route: {
      receiver: "null",
      group_by: ["alertname", "namespace", "model", "color", "node", "pool"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
      routes: [
        args.heartbeatTopicArn === undefined
          ? { receiver: "null", matchers: ['alertname = "Watchdog"'] }
          : {
              receiver: HEARTBEAT_RECEIVER,
              matchers: ['alertname = "Watchdog"'],
              group_wait: "0s",
              group_interval: HEARTBEAT_GROUP_INTERVAL,
              repeat_interval: HEARTBEAT_REPEAT_INTERVAL,
            },
        { receiver: "null", matchers: ['alertname = "InfoInhibitor"'] },
        ...args.receivers.map((r) => ({
          receiver: r.name,
          matchers: [`severity =~ "${r.severities.join("|")}"`],
          continue: true,
        })),
      ],
    },
    // A critical alert silences the warning of the same name and scope.
    inhibit_rules: [
      { source_matchers: ['severity = "critical"'], target_matchers: ['severity =~ "warning|info"'], equal: ["namespace", "alertname"] },
      { source_matchers: ['severity = "warning"'], target_matchers: ['severity = "info"'], equal: ["namespace", "alertname"] },
    ],
    receivers: [
      { name: "null" },
      ...(args.heartbeatTopicArn === undefined
        ? []
        : [
            {
              name: HEARTBEAT_RECEIVER,
              sns_configs: [
                {
                  topic_arn: args.heartbeatTopicArn as T | string,
                  sigv4: { region: args.region },
                  subject: "Watchdog heartbeat",
                  // A heartbeat has nothing to resolve: it fires for as long as Prometheus and Alertmanager run.
                  send_resolved: false,
                },
              ],
            },
          ]),
      ...args.receivers.map((r) => ({
        name: r.name,
        sns_configs: [
          {
            topic_arn: (r.topicArn ?? args.alertTopicArn) as T | string,
            sigv4: { region: args.region },
            subject: SNS_SUBJECT,
            send_resolved: true,
            attributes: { severity: "{{ .CommonLabels.severity }}", alertname: "{{ .GroupLabels.alertname }}" },
          },
        ],
      })),
    ],
    templates: ["/etc/alertmanager/config/*.tmpl"],
  };
}

/** The topics Alertmanager publishes to: the platform topic, plus any a receiver names. */
export function alertTopicArns<T>(alertTopicArn: T, receivers: AlertReceiver[]): (T | string)[] {
  const own = [...new Set(receivers.map((r) => r.topicArn).filter((a): a is string => a !== undefined))];
  return receivers.some((r) => r.topicArn === undefined) || receivers.length === 0 ? [alertTopicArn, ...own] : own;
}

/**
 * Alertmanager's IRSA role may publish to its topics and do nothing else.
 * A topic encrypted with a customer managed KMS key also needs the publisher
 * to generate data keys with it (SNS developer guide, "Encryption at rest":
 * publishers need kms:GenerateDataKey* and kms:Decrypt on the topic's key,
 * checked 2026-11-23): pass the key ARNs, and only those keys are allowed.
 */
export function alertmanagerSnsPolicy<T>(topicArns: T[], topicKeyArns: T[] = []): PolicyDocument<T> {
  if (topicArns.length === 0) throw new Error("Alertmanager needs at least one SNS topic to publish to");
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "PublishAlerts", Effect: "Allow", Action: "sns:Publish", Resource: topicArns },
      ...(topicKeyArns.length
        ? [{ Sid: "EncryptAlerts", Effect: "Allow" as const, Action: ["kms:GenerateDataKey*", "kms:Decrypt"], Resource: topicKeyArns }]
        : []),
    ],
  };
}

// ------------------------------------------------------------ chart values

export interface KubePrometheusStackArgs<T> extends MonitoringStorage {
  /** Alertmanager configuration (alertmanagerConfig()). */
  alertmanagerConfig: unknown;
  /** ARN of Alertmanager's IRSA role (annotated on its service account). */
  alertmanagerRoleArn: T;
}

/**
 * What happens to a StatefulSet's volume claims when it is deleted or scaled
 * down (the operator's `persistentVolumeClaimRetentionPolicy`, the
 * StatefulSet field of the same name; Kubernetes' default is Retain for
 * both). Scaling down always keeps them.
 */
export function claimRetentionPolicy(deleteVolumesWithPods: boolean) {
  return { whenDeleted: deleteVolumesWithPods ? "Delete" : "Retain", whenScaled: "Retain" } as const;
}

const volumeClaim = (gb: number) => ({
  volumeClaimTemplate: {
    spec: {
      storageClassName: MONITORING_STORAGE_CLASS,
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: `${gb}Gi` } },
    },
  },
});

/** Node labels kube-state-metrics copies into kube_node_labels / kube_pod_labels (the rules and dashboards read them). */
export const KSM_LABEL_ALLOWLIST = [
  `nodes=[${POOL_LABEL},${NODE_GROUP_LABEL},node.kubernetes.io/instance-type,topology.kubernetes.io/zone]`,
  `pods=[${MODEL_LABEL},${COLOUR_LABEL}]`,
];

/**
 * kube-prometheus-stack values: every pod on the system pool with the
 * requests of MONITORING_RESOURCES; Prometheus, Alertmanager and Grafana on
 * gp3 volumes; Prometheus retention bounded by time and by size; Prometheus
 * selects every ServiceMonitor / PodMonitor / PrometheusRule in the cluster
 * (not only the chart's own); the EKS-managed control plane components, which
 * no pod in the cluster can scrape, are not scraped (their default alerts
 * would fire forever).
 */
export function kubePrometheusStackValues<T>(args: KubePrometheusStackArgs<T>) {
  const R = MONITORING_RESOURCES;
  const onSystemPool = { nodeSelector: systemNodeLabels() };
  const interval = `${SCRAPE_INTERVAL_SECONDS}s`;
  return {
    // EKS runs the control plane: no etcd, scheduler, controller-manager pods to scrape,
    // and kube-proxy serves metrics on 127.0.0.1 only.
    kubeEtcd: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeControllerManager: { enabled: false },
    kubeProxy: { enabled: false },
    defaultRules: {
      create: true,
      rules: { etcd: false, kubeSchedulerAlerting: false, kubeSchedulerRecording: false, kubeControllerManager: false, kubeProxy: false, windows: false },
      // Ours (components/monitoring/rules.ts) replace these two with platform-specific versions.
      disabled: { KubePodCrashLooping: true, KubeHpaMaxedOut: true },
    },
    prometheusOperator: {
      ...onSystemPool,
      resources: k8sResources(R.operator),
      admissionWebhooks: { patch: onSystemPool },
      prometheusConfigReloader: { resources: k8sResources(R.prometheusConfigReloader) },
    },
    prometheus: {
      prometheusSpec: {
        ...onSystemPool,
        replicas: 1,
        scrapeInterval: interval,
        evaluationInterval: interval,
        retention: `${args.retentionDays}d`,
        retentionSize: `${retentionSizeGb(args.prometheusStorageGb)}GB`,
        storageSpec: volumeClaim(args.prometheusStorageGb),
        persistentVolumeClaimRetentionPolicy: claimRetentionPolicy(args.deleteVolumesWithPods),
        resources: k8sResources(R.prometheus),
        // Select every ServiceMonitor, PodMonitor, Probe and rule in the cluster, not only the chart's.
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        probeSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        scrapeConfigSelectorNilUsesHelmValues: false,
      },
    },
    alertmanager: {
      serviceAccount: {
        create: true,
        name: ALERTMANAGER_SERVICE_ACCOUNT.name,
        annotations: { "eks.amazonaws.com/role-arn": args.alertmanagerRoleArn },
      },
      config: args.alertmanagerConfig,
      alertmanagerSpec: {
        ...onSystemPool,
        replicas: 1,
        storage: volumeClaim(args.alertmanagerStorageGb),
        persistentVolumeClaimRetentionPolicy: claimRetentionPolicy(args.deleteVolumesWithPods),
        resources: k8sResources(R.alertmanager),
      },
    },
    grafana: {
      ...onSystemPool,
      resources: k8sResources(R.grafana),
      // One replica with an EBS (ReadWriteOnce) volume: the old pod must let go before the new one mounts it.
      deploymentStrategy: { type: "Recreate" },
      persistence: {
        enabled: true,
        type: "pvc",
        storageClassName: MONITORING_STORAGE_CLASS,
        accessModes: ["ReadWriteOnce"],
        size: `${args.grafanaStorageGb}Gi`,
      },
      // fsGroup 472 (the chart's default securityContext) already gives Grafana its volume.
      initChownData: { enabled: false },
      sidecar: {
        resources: k8sResources(R.grafanaSidecar),
        dashboards: { enabled: true, label: GRAFANA_DASHBOARD_LABEL.key, labelValue: GRAFANA_DASHBOARD_LABEL.value, searchNamespace: "ALL" },
      },
    },
    "kube-state-metrics": {
      ...onSystemPool,
      resources: k8sResources(R.kubeStateMetrics),
      metricLabelsAllowlist: KSM_LABEL_ALLOWLIST,
    },
    // A DaemonSet on every node (the chart tolerates every NoSchedule taint, so GPU nodes too).
    "prometheus-node-exporter": { resources: k8sResources(R.nodeExporter) },
  };
}

/**
 * DCGM exporter values: a DaemonSet on the GPU pool only (node selector on the
 * pool label, the GPU taint tolerated), scraped through the chart's own
 * ServiceMonitor, which copies the node name into a `node` label so GPU
 * series join kube-state-metrics' node series. It requests no GPU: it reads
 * the counters through DCGM without holding a device.
 */
export function dcgmExporterValues() {
  const tolerations: Toleration[] = [GPU_TOLERATION];
  return {
    nodeSelector: { [POOL_LABEL]: "gpu" },
    tolerations,
    // Helm merges these over the chart's defaults, which set a 200m CPU limit (dcgm-exporter chart 4.8.2
    // values.yaml): null removes it, so the exporter is never throttled (our pods set no CPU limits).
    resources: { ...k8sResources(MONITORING_RESOURCES.dcgmExporter), limits: { cpu: null, memory: `${MONITORING_RESOURCES.dcgmExporter.memoryLimitMiB}Mi` } },
    serviceMonitor: {
      enabled: true,
      interval: `${SCRAPE_INTERVAL_SECONDS}s`,
      additionalLabels: { ...PLATFORM_RULE_LABELS },
      relabelings: [{ sourceLabels: ["__meta_kubernetes_pod_node_name"], targetLabel: "node", action: "replace" }],
    },
  };
}

// ------------------------------------------------------------ volumes (cost)

/** A persistent volume a chart will claim: for the cost model. */
export interface ChartVolume {
  role: string;
  gb: number;
  replicas: number;
  storageClass: string;
}

function gbOf(size: unknown): number | undefined {
  if (typeof size !== "string") return undefined;
  const m = /^(\d+(?:\.\d+)?)(Gi|G|Ti|T|Mi|M)$/.exec(size.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2]!;
  return unit.startsWith("T") ? n * 1024 : unit.startsWith("M") ? n / 1024 : n;
}

/**
 * The volumes kube-prometheus-stack values ask for, read back from the values
 * (as the cost model sees the Helm release's inputs). A size it cannot read
 * comes back as NaN so the caller reports it unpriced, never $0.
 */
export function kubePrometheusStackVolumes(values: Record<string, unknown>): ChartVolume[] {
  const get = (path: string[]): unknown =>
    path.reduce<unknown>((node, k) => (node && typeof node === "object" ? (node as Record<string, unknown>)[k] : undefined), values);
  const volumes: ChartVolume[] = [];
  const claim = (role: string, base: string[]) => {
    const spec = get([...base, "volumeClaimTemplate", "spec"]) as { storageClassName?: string; resources?: { requests?: { storage?: unknown } } } | undefined;
    if (!spec) return;
    const replicas = Number(get([...base.slice(0, -1), "replicas"]) ?? 1);
    volumes.push({
      role,
      gb: gbOf(spec.resources?.requests?.storage) ?? NaN,
      replicas: Number.isFinite(replicas) ? replicas : 1,
      storageClass: spec.storageClassName ?? "default",
    });
  };
  claim("prometheus", ["prometheus", "prometheusSpec", "storageSpec"]);
  claim("alertmanager", ["alertmanager", "alertmanagerSpec", "storage"]);
  const grafana = get(["grafana", "persistence"]) as { enabled?: boolean; size?: unknown; storageClassName?: string } | undefined;
  if (grafana?.enabled)
    volumes.push({ role: "grafana", gb: gbOf(grafana.size ?? "10Gi") ?? NaN, replicas: 1, storageClass: grafana.storageClassName ?? "default" });
  return volumes;
}
