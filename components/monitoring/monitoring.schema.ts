/**
 * What Monitoring accepts, as zod schemas: the single source of truth for its
 * Args (validated in its constructor), their defaults and descriptions, and
 * the `monitoring` stack-config overrides (config/schema.ts). Kept apart from
 * monitoring.ts so the component's type declarations carry no zod types.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { snsTopicArn } from "../../lib/fields";
import { DEFAULT_SERVING_METRICS } from "./contract";
import { DEFAULT_THRESHOLDS } from "./rules";
import { HEARTBEAT_RECEIVER, RETENTION_SIZE_SHARE, SEVERITIES, prometheusDiskNeedGb, retentionSizeGb } from "./values";
import { isAwsRegion } from "../../lib/regions";
import { ArgProblem, awsTags, stageArg, schemaMatches, withType, planTime, pulumiInput, PULUMI_STRING } from "../../lib/validate";
import type { ClusterHandle } from "../compute/cluster-handle";
import type { MonitoringArgs } from "./monitoring.args";

/** Receiver names Alertmanager's routing uses itself: "null" drops alerts, the heartbeat takes Watchdog. */
export const RESERVED_RECEIVERS = ["null", HEARTBEAT_RECEIVER] as const;

/** An Alertmanager receiver publishing to SNS (Alertmanager configuration, `sns_configs`, checked 2026-11-23). */
const MonitoringReceiverSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,39}$/, "must be 1-40 characters of lower-case letters, digits and '-', starting with a letter")
    .refine(
      (n) => !(RESERVED_RECEIVERS as readonly string[]).includes(n),
      `is reserved (${RESERVED_RECEIVERS.join(", ")}: the receivers that drop alerts and take the Watchdog heartbeat)`,
    )
    .describe('Receiver name in Alertmanager\'s routing (not "null" or "watchdog-heartbeat", which the routing uses itself).'),
  severities: z
    .array(z.enum(SEVERITIES))
    .min(1, "give at least one severity (critical, warning, info)")
    .describe("Alert severities this receiver gets: critical, warning, info."),
  topicArn: snsTopicArn.optional().describe("SNS topic the alerts are published to; default: the stack's alert topic."),
});

/** Alert thresholds of the platform's rules (components/monitoring/rules.ts). */
export const AlertThresholdSettings = z.strictObject({
  servingErrorRatio: z
    .number()
    .gt(0, "servingErrorRatio must be above 0")
    .lt(1, "servingErrorRatio is a share of requests, below 1 (0.05 = 5 %)")
    .describe("Share of a model colour's requests failing with 5xx that pages (0.05 = 5 %).")
    .default(DEFAULT_THRESHOLDS.servingErrorRatio),
  servingLatencySeconds: z
    .number()
    .gt(0, "servingLatencySeconds must be above 0")
    .max(600)
    .describe("p95 latency, seconds, of a model colour above which a warning fires.")
    .default(DEFAULT_THRESHOLDS.servingLatencySeconds),
  idleGpuMinutes: z
    .number()
    .int()
    .min(5, "idleGpuMinutes must be at least 5")
    .max(1440)
    .describe("Minutes a GPU node may sit at 0 % utilisation before GpuNodeIdle fires.")
    .default(DEFAULT_THRESHOLDS.idleGpuMinutes),
  pendingGpuPodMinutes: z
    .number()
    .int()
    .min(5, "pendingGpuPodMinutes must be at least 5: a GPU node takes minutes to start")
    .max(1440)
    .describe("Minutes a GPU pod may stay Pending before GpuPodsPending fires.")
    .default(DEFAULT_THRESHOLDS.pendingGpuPodMinutes),
  restartsPer30m: z
    .number()
    .int()
    .min(1, "restartsPer30m must be at least 1")
    .max(100)
    .describe("Container restarts within 30 minutes that make PodRestarting fire.")
    .default(DEFAULT_THRESHOLDS.restartsPer30m),
  servingStartupSeconds: z
    .number()
    .int()
    .min(10)
    .max(86400)
    .describe(
      "Seconds a serving pod may take to load its model (the models' largest startupTimeoutSeconds): ServingEndpointDown ignores pods younger than that, which cannot answer scrapes yet.",
    )
    .default(DEFAULT_THRESHOLDS.servingStartupSeconds),
});

/**
 * The settings of a Monitoring: the single source of truth for its Args and
 * for the `monitoring` stack config. Retention and storage are bounded,
 * because an unbounded Prometheus grows until its volume is full and it
 * stops ingesting; the policy pack checks the same bounds on the release.
 */
export const MonitoringSettings = z.strictObject({
  retentionDays: z
    .number()
    .int("retentionDays must be a whole number of days")
    .min(1, "retentionDays must be at least 1")
    .max(
      365,
      "retentionDays is at most 365: for longer history, ship metrics to long-term storage (Thanos, Amazon Managed Prometheus) instead of growing one volume",
    )
    .describe("Days Prometheus keeps metrics (also capped at 80 % of its volume).")
    .default(15),
  prometheusStorageGb: z
    .number()
    .int()
    .min(10, "prometheusStorageGb must be at least 10 (GB)")
    .max(2000, "prometheusStorageGb is at most 2000 (GB): beyond that, one Prometheus is the wrong tool")
    .describe("Prometheus's gp3 volume, GB.")
    .default(50),
  grafanaStorageGb: z.number().int().min(1, "grafanaStorageGb must be at least 1 (GB)").max(100).describe("Grafana's gp3 volume, GB.").default(10),
  alertmanagerStorageGb: z.number().int().min(1, "alertmanagerStorageGb must be at least 1 (GB)").max(50).describe("Alertmanager's gp3 volume, GB.").default(2),
  expectedActiveSeries: z
    .number()
    .int()
    .min(1000, "expectedActiveSeries must be at least 1000")
    .optional()
    .describe(
      "Planning figure: active series Prometheus holds; checks the volume holds retentionDays of them (measure prometheus_tsdb_head_series). Unset: not checked.",
    ),
  receivers: z
    .array(MonitoringReceiverSchema)
    .describe("Alert receivers (SNS topics by severity); an empty list notifies nobody (alerts still show in Alertmanager).")
    .default([{ name: "oncall", severities: ["critical"] }]),
  thresholds: AlertThresholdSettings.prefault({}).describe("Thresholds of the platform's alerts."),
});
export type MonitoringSettings = z.output<typeof MonitoringSettings>;

const clusterHandle = withType(
  z.custom<ClusterHandle>(
    (c) => typeof c === "object" && c !== null && "provider" in c,
    "must be a ClusterHandle (GpuCluster, or provider, clusterName, OIDC provider and ready)",
  ),
  { type: "ClusterHandle", imports: { ClusterHandle: "components/compute/cluster-handle.ts" } },
);
const input = (what: string) =>
  withType(
    z.custom<pulumi.Input<string>>((v) => v !== undefined && v !== null && v !== "", `${what} is required`),
    PULUMI_STRING,
  );

/** Prometheus metric and label names (Prometheus docs, "Metric names and labels", checked 2026-11-23). */
const metricName = z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, "must be a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)");
const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "must be a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)");

/** Everything Monitoring accepts: the settings plus the cluster, the alert topics, the pools and tags. */
export const MonitoringArgsSchema = MonitoringSettings.extend({
  cluster: clusterHandle.describe("The cluster to monitor: provider, OIDC provider for IRSA, and what to wait for."),
  region: pulumiInput(z.string().refine(isAwsRegion, "must be an AWS region such as us-east-1 (lib/regions.ts)")).describe(
    "AWS region of the alert topic(s): Alertmanager signs its SNS calls for it.",
  ),
  alertTopicArn: input("alertTopicArn").describe(
    "SNS topic alerts go to (the operations topic); Alertmanager's IRSA role may publish to it and nothing else (plus topics a receiver names).",
  ),
  alertTopicKeyArn: withType(z.custom<pulumi.Input<string>>(), PULUMI_STRING)
    .optional()
    .describe("KMS key of the alert topic (and the heartbeat topic) when customer managed: Alertmanager's role may use it to publish. Default none."),
  heartbeatTopicArn: withType(z.custom<pulumi.Input<string>>(), PULUMI_STRING)
    .optional()
    .describe(
      "SNS topic the always-firing Watchdog alert is published to every 5 minutes (Alerting's heartbeat topic, watched by a CloudWatch alarm: a dead man's switch). Default none: Watchdog goes nowhere.",
    ),
  pools: planTime(
    z.array(
      z.strictObject({
        name: z.string().min(1).describe('Pool name: "system", or the GPU node group\'s name.'),
        kind: z.enum(["system", "gpu"]).describe('"system" or "gpu".'),
        maxNodes: z.number().int().min(0, "maxNodes cannot be negative").describe("The pool's cap (maxSize, summed over its per-AZ node groups)."),
      }),
    ),
    "the alert rules and dashboard panels written per pool, and whether the DCGM exporter is installed",
  ).describe("Every node pool with its cap: the NodePoolAtCap alert and the capacity dashboard use them (may be empty)."),
  gpuPrices: planTime(
    z.array(
      z.strictObject({
        nodeGroup: z.string().min(1).describe("GPU pool (node group) name."),
        instanceType: z.string().min(1).describe("EC2 instance type."),
        usdPerHour: z.number().min(0, "usdPerHour cannot be negative").describe("What one node costs an hour (on-demand, or the Spot planning price)."),
      }),
    ),
    "the GPU cost recording rules written into the Prometheus rules",
  )
    .describe("Hourly prices of the GPU node groups' instance types, for the GPU cost recording rules and dashboard. Default none (no cost panel data).")
    .default([]),
  servingMetrics: z
    .strictObject({
      requestsTotal: metricName.describe("Counter of requests, with the status code label."),
      statusLabel: labelName.describe('Label of requestsTotal holding the HTTP status ("503" or "5xx").'),
      durationHistogram: metricName.describe("Histogram (base name, without `_bucket`) of request durations in seconds."),
    })
    .describe("Metric names the model servers export. Default: http_requests_total{code}, http_request_duration_seconds.")
    .default(DEFAULT_SERVING_METRICS),
  dcgmExporter: z.boolean().optional().describe("Install the NVIDIA DCGM exporter on GPU nodes. Default: true when `pools` has a GPU pool."),
  forceDestroy: z
    .boolean()
    .describe(
      "Let `pulumi destroy` delete Prometheus' and Alertmanager's volumes with their data (their claims' retention policy on deletion: Delete); for non-production stacks only. Default: the volumes are kept.",
    )
    .default(false),
  tags: awsTags.default({}),
  stage: stageArg,
});

// tsc proves the interface (monitoring.ts) and the schema accept the same arguments.
schemaMatches<MonitoringArgs, z.input<typeof MonitoringArgsSchema>>(true);

/** Settings that pass one by one but not together (pure; config/resolve.ts runs it on the stack's settings too). */
export function monitoringSettingsProblems(
  s: Pick<MonitoringSettings, "retentionDays" | "prometheusStorageGb" | "expectedActiveSeries" | "receivers">,
): ArgProblem[] {
  const problems: ArgProblem[] = [];
  s.receivers.forEach((r, i) => {
    if (s.receivers.findIndex((x) => x.name === r.name) !== i)
      problems.push({ path: `receivers[${i}].name`, value: r.name, message: "repeats a receiver name; Alertmanager needs each once" });
  });
  if (s.expectedActiveSeries !== undefined) {
    const allowed = retentionSizeGb(s.prometheusStorageGb);
    const need = prometheusDiskNeedGb(s.retentionDays, s.expectedActiveSeries);
    if (need > allowed) {
      problems.push({
        path: "prometheusStorageGb",
        value: s.prometheusStorageGb,
        message: `holds ${allowed} GB of metrics (80 % of the volume), but ${s.retentionDays} days of ${s.expectedActiveSeries} series need about ${Math.ceil(need)} GB; Prometheus would silently keep fewer days. Raise it to ${Math.ceil(need / RETENTION_SIZE_SHARE)} or more, or lower retentionDays`,
      });
    }
  }
  return problems;
}

/** The settings' rules, plus pools named once and GPU prices for GPU pools that exist. */
export function monitoringProblems(_name: string, s: z.output<typeof MonitoringArgsSchema>): ArgProblem[] {
  const problems = monitoringSettingsProblems(s);
  s.pools.forEach((p, i) => {
    if (s.pools.findIndex((x) => x.name === p.name) !== i)
      problems.push({ path: `pools[${i}].name`, value: p.name, message: "repeats a pool name; list each pool once" });
  });
  const gpuPools = s.pools.filter((p) => p.kind === "gpu").map((p) => p.name);
  s.gpuPrices.forEach((g, i) => {
    if (!gpuPools.includes(g.nodeGroup))
      problems.push({
        path: `gpuPrices[${i}].nodeGroup`,
        value: g.nodeGroup,
        message: `is not a GPU pool in pools (${gpuPools.join(", ") || "none"}); its price would never match a node`,
      });
  });
  return problems;
}
