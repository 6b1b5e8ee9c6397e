// Generated from components/monitoring/monitoring.schema.ts by `npm run generate`: edit the schema, not this file.
import type { ClusterHandle } from "../compute/cluster-handle";
import type * as pulumi from "@pulumi/pulumi";

/** The arguments of a Monitoring. */
export interface MonitoringArgs {
  /** Days Prometheus keeps metrics (also capped at 80 % of its volume). Default 15. */
  retentionDays?: number | undefined;
  /** Prometheus's gp3 volume, GB. Default 50. */
  prometheusStorageGb?: number | undefined;
  /** Grafana's gp3 volume, GB. Default 10. */
  grafanaStorageGb?: number | undefined;
  /** Alertmanager's gp3 volume, GB. Default 2. */
  alertmanagerStorageGb?: number | undefined;
  /**
   * Planning figure: active series Prometheus holds; checks the volume holds retentionDays of them
   * (measure prometheus_tsdb_head_series). Unset: not checked.
   */
  expectedActiveSeries?: number | undefined;
  /**
   * Alert receivers (SNS topics by severity); an empty list notifies nobody (alerts still show in
   * Alertmanager). Default [{"name":"oncall","severities":["critical"]}].
   */
  receivers?: ({
    /**
     * Receiver name in Alertmanager's routing (not "null" or "watchdog-heartbeat", which the
     * routing uses itself).
     */
    name: string;
    /** Alert severities this receiver gets: critical, warning, info. */
    severities: ("critical" | "warning" | "info")[];
    /** SNS topic the alerts are published to; default: the stack's alert topic. */
    topicArn?: string | undefined;
  })[] | undefined;
  /** Thresholds of the platform's alerts. Default: every field's default. */
  thresholds?: {
    /** Share of a model colour's requests failing with 5xx that pages (0.05 = 5 %). Default 0.05. */
    servingErrorRatio?: number | undefined;
    /** p95 latency, seconds, of a model colour above which a warning fires. Default 1. */
    servingLatencySeconds?: number | undefined;
    /** Minutes a GPU node may sit at 0 % utilisation before GpuNodeIdle fires. Default 30. */
    idleGpuMinutes?: number | undefined;
    /** Minutes a GPU pod may stay Pending before GpuPodsPending fires. Default 15. */
    pendingGpuPodMinutes?: number | undefined;
    /** Container restarts within 30 minutes that make PodRestarting fire. Default 3. */
    restartsPer30m?: number | undefined;
    /**
     * Seconds a serving pod may take to load its model (the models' largest startupTimeoutSeconds):
     * ServingEndpointDown ignores pods younger than that, which cannot answer scrapes yet. Default
     * 600.
     */
    servingStartupSeconds?: number | undefined;
  } | undefined;
  /** The cluster to monitor: provider, OIDC provider for IRSA, and what to wait for. */
  cluster: ClusterHandle;
  /** AWS region of the alert topic(s): Alertmanager signs its SNS calls for it. */
  region: pulumi.Input<string>;
  /**
   * SNS topic alerts go to (the operations topic); Alertmanager's IRSA role may publish to it and
   * nothing else (plus topics a receiver names).
   */
  alertTopicArn: pulumi.Input<string>;
  /**
   * KMS key of the alert topic (and the heartbeat topic) when customer managed: Alertmanager's role
   * may use it to publish. Default none.
   */
  alertTopicKeyArn?: pulumi.Input<string> | undefined;
  /**
   * SNS topic the always-firing Watchdog alert is published to every 5 minutes (Alerting's
   * heartbeat topic, watched by a CloudWatch alarm: a dead man's switch). Default none: Watchdog
   * goes nowhere.
   */
  heartbeatTopicArn?: pulumi.Input<string> | undefined;
  /**
   * Every node pool with its cap: the NodePoolAtCap alert and the capacity dashboard use them (may
   * be empty).
   */
  pools: ({
    /** Pool name: "system", or the GPU node group's name. */
    name: string;
    /** "system" or "gpu". */
    kind: "system" | "gpu";
    /** The pool's cap (maxSize, summed over its per-AZ node groups). */
    maxNodes: number;
  })[];
  /**
   * Hourly prices of the GPU node groups' instance types, for the GPU cost recording rules and
   * dashboard. Default none (no cost panel data).
   */
  gpuPrices?: {
    /** GPU pool (node group) name. */
    nodeGroup: string;
    /** EC2 instance type. */
    instanceType: string;
    /** What one node costs an hour (on-demand, or the Spot planning price). */
    usdPerHour: number;
  }[] | undefined;
  /**
   * Metric names the model servers export. Default: http_requests_total{code},
   * http_request_duration_seconds.
   */
  servingMetrics?: {
    /** Counter of requests, with the status code label. */
    requestsTotal: string;
    /** Label of requestsTotal holding the HTTP status ("503" or "5xx"). */
    statusLabel: string;
    /** Histogram (base name, without `_bucket`) of request durations in seconds. */
    durationHistogram: string;
  } | undefined;
  /** Install the NVIDIA DCGM exporter on GPU nodes. Default: true when `pools` has a GPU pool. */
  dcgmExporter?: boolean | undefined;
  /**
   * Let `pulumi destroy` delete Prometheus' and Alertmanager's volumes with their data (their
   * claims' retention policy on deletion: Delete); for non-production stacks only. Default: the
   * volumes are kept.
   */
  forceDestroy?: boolean | undefined;
  /**
   * Tags for every resource the component creates (cost allocation: owner, costCenter,
   * environment). Default none.
   */
  tags?: Record<string, string> | undefined;
  /**
   * The company's stage (poc, mvp or seriesb), written as the `stage` tag on every AWS resource the
   * component tags, so the policy pack applies that stage's limits. Default: none (a `stage` in
   * tags, or the AWS provider's defaultTags, still counts).
   */
  stage?: "poc" | "mvp" | "seriesb" | undefined;
}
