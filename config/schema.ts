/**
 * The stack configuration a user may write, as zod schemas. Every key lives in
 * the `ml-platform:` namespace of a `stacks/Pulumi.<stack>.yaml` file, plus the
 * AWS provider's `aws:region`. Unknown keys are errors (a typo must not be
 * silently ignored), and every value is checked before any resource exists.
 */
import { z } from "zod";
import { count, LOG_RETENTION_DAYS } from "../lib/fields";
import { tagValueProblem } from "../lib/tags";
import { STAGES } from "./presets";
import { ArtifactStoreSettings } from "../components/data/artifact-store.schema";
import { ContainerRegistrySettings } from "../components/data/container-registry.schema";
import { overridesOf } from "../lib/validate";
import { NetworkSettings } from "../components/network/network.schema";
import { MetadataStoreSettings } from "../components/data/metadata-store.schema";
import { GpuClusterSettings } from "../components/compute/gpu-cluster.schema";
import { ModelServingSettings } from "../components/serving/model-serving.schema";
import { ExperimentTrackingSettings } from "../components/tracking/experiment-tracking.schema";
import { deepOverridesOf } from "./overrides";

export { LOG_RETENTION_DAYS };


const resourceName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/, "must be 2-22 characters of lower-case letters, digits and '-', starting with a letter");

const enabled = z.boolean().optional();


// Each piece's overrides are built from its component's own settings schema
// (config/overrides.ts: the same fields and rules, each optional and without
// its default), plus the toggle and the cost model's planning figures, which
// are stack-only.
export const NetworkOverrides = deepOverridesOf(NetworkSettings).extend({
  enabled,
  expectedFlowLogGbPerMonth: count("expectedFlowLogGbPerMonth").optional().describe("Planning figure for the cost model: GB of flow logs ingested a month."),
});

// Built from the components' own schemas (one source of truth): the same
// fields and rules, each optional and without its default, plus the toggle
// and the cost model's planning figure.
export const ArtifactOverrides = overridesOf(ArtifactStoreSettings).extend({
  enabled,
  expectedStorageGb: count("expectedStorageGb").optional().describe("Planning figure for the cost model: GB stored across all buckets."),
});

export const RegistryOverrides = overridesOf(ContainerRegistrySettings).extend({
  enabled,
  expectedStorageGb: count("expectedStorageGb").optional().describe("Planning figure for the cost model: GB of images stored."),
});

export const DatabaseOverrides = deepOverridesOf(MetadataStoreSettings).extend({
  enabled,
  // Checked against the stack's region in config/resolve.ts (lib/operations/snapshot.ts).
  restoreFromSnapshot: z.string().min(1, "give a DB snapshot identifier or ARN").optional().describe("Create the database from this snapshot (identifier, rds:..., awsbackup:... or ARN in the stack's region)."),
});

export const ClusterOverrides = deepOverridesOf(GpuClusterSettings).extend({
  enabled,
  expectedLogGbPerMonth: count("expectedLogGbPerMonth").optional().describe("Planning figure for the cost model: GB of control-plane logs ingested a month."),
});

const snsTopicArn = z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, "must be an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:oncall");

export const MonitoringReceiverInput = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, "must be 1-40 characters of lower-case letters, digits and '-', starting with a letter").refine((n) => n !== "null", '"null" is reserved (it is the receiver that drops alerts)'),
  severities: z.array(z.enum(["critical", "warning", "info"])).min(1, "give at least one severity (critical, warning, info)"),
  topicArn: snsTopicArn.optional(),
});

/**
 * Monitoring (Series B). Retention and storage are bounded here, because an
 * unbounded Prometheus grows until its volume is full and it stops
 * ingesting; the policy pack checks the same bounds on the deployed release.
 */
export const MonitoringOverrides = z.strictObject({
  enabled,
  retentionDays: z.number().int("retentionDays must be a whole number of days").min(1, "retentionDays must be at least 1").max(365, "retentionDays is at most 365: for longer history, ship metrics to long-term storage (Thanos, Amazon Managed Prometheus) instead of growing one volume").optional(),
  prometheusStorageGb: z.number().int().min(10, "prometheusStorageGb must be at least 10 (GB)").max(2000, "prometheusStorageGb is at most 2000 (GB): beyond that, one Prometheus is the wrong tool").optional(),
  grafanaStorageGb: z.number().int().min(1, "grafanaStorageGb must be at least 1 (GB)").max(100).optional(),
  alertmanagerStorageGb: z.number().int().min(1, "alertmanagerStorageGb must be at least 1 (GB)").max(50).optional(),
  expectedActiveSeries: z.number().int().min(1000, "expectedActiveSeries must be at least 1000").optional(),
  receivers: z.array(MonitoringReceiverInput).optional(),
  servingErrorRatio: z.number().gt(0, "servingErrorRatio must be above 0").lt(1, "servingErrorRatio is a share of requests, below 1 (0.05 = 5 %)").optional(),
  servingLatencySeconds: z.number().gt(0, "servingLatencySeconds must be above 0").max(600).optional(),
  idleGpuMinutes: z.number().int().min(5, "idleGpuMinutes must be at least 5").max(1440).optional(),
  pendingGpuPodMinutes: z.number().int().min(5, "pendingGpuPodMinutes must be at least 5: a GPU node takes minutes to start").max(1440).optional(),
});

// ------------------------------------------------------------- serving, tracking

export const ServingOverrides = deepOverridesOf(ModelServingSettings).extend({ enabled });

export const TrackingOverrides = deepOverridesOf(ExperimentTrackingSettings).extend({ enabled });

const percent = (what: string) => z.number().min(1, `${what} must be 1-99 (%)`).max(99, `${what} must be 1-99 (%)`);

const email = z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "must be an e-mail address such as oncall@example.com");

const httpsUrl = z.string().regex(/^https:\/\/[^\s/]+(\/\S*)?$/, "must be an https:// URL (an SNS integration URL of your pager, or a webhook relay)");

const hostName = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a public DNS host name in lower case, such as models.example.com");

export const AlertOverrides = z.strictObject({
  enabled,
  emails: z.array(email).optional(),
  httpsEndpoints: z.array(httpsUrl).optional(),
  databaseAlarms: z.boolean().optional(),
  natGatewayAlarms: z.boolean().optional(),
  databaseCpuPercent: percent("databaseCpuPercent").optional(),
  databaseFreeStoragePercent: percent("databaseFreeStoragePercent").optional(),
  databaseConnectionsPercent: percent("databaseConnectionsPercent").optional(),
  databaseMaxConnections: z.number().int().min(10).max(5000, "RDS PostgreSQL caps the default at 5000").optional(),
});

export const BackupOverrides = z.strictObject({
  enabled,
  // AWS Backup's lifecycle deletes a recovery point DeleteAfterDays after creation (at least 1).
  dailyRetentionDays: z.number().int().min(1, "dailyRetentionDays must be at least 1").max(36500).optional(),
  monthlyRetentionDays: z.union([z.literal(0), z.number().int().min(32, "monthly snapshots must outlive a month (32 days or more), or 0 for none").max(36500)]).optional(),
  startHourUtc: z.number().int().min(0).max(23, "startHourUtc is an hour, 0-23").optional(),
  expectedStorageGb: count("expectedStorageGb").optional(),
});

export const PublicEndpointInput = z.strictObject({
  name: resourceName,
  host: hostName,
  path: z.string().regex(/^\/\S{0,254}$/, "must be a path starting with /, such as /healthz").optional(),
  port: z.number().int().min(1).max(65535).optional(),
});

export const InternalUrlInput = z.strictObject({
  name: resourceName,
  url: z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, "must be an http:// or https:// URL reachable from the private subnets"),
});

export const HealthCheckOverrides = z.strictObject({
  enabled,
  publicEndpoints: z.array(PublicEndpointInput).optional(),
  internalUrls: z.array(InternalUrlInput).max(20, "one canary checks at most 20 URLs; split them over stacks or raise the timeout").optional(),
  canaryIntervalMinutes: z.number().int().min(1, "Synthetics runs a canary at most once a minute").max(60).optional(),
  // Synthetics keeps run data 1-455 days; the S3 lifecycle follows the same bound.
  canaryArtifactRetentionDays: z.number().int().min(1).max(455).optional(),
});

export const PredictionMonitoringOverrides = z.strictObject({
  enabled,
  image: z
    .string()
    .regex(/^[a-z0-9][A-Za-z0-9._\-/:@]*$/, "must be a container image reference such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/drift-report:1.4.0")
    .refine((s) => /[:@]/.test(s.split("/").pop() ?? ""), "must pin a tag or digest (…:1.4.0 or …@sha256:…); an unpinned image changes under you")
    .optional(),
  args: z.array(z.string()).optional(),
  schedule: z.string().regex(/^(\S+\s+){4}\S+$/, "must be a 5-field cron schedule such as \"0 6 * * *\"").optional(),
  bucket: resourceName.optional(),
  predictionsPrefix: z.string().regex(/^[A-Za-z0-9!_.*'()\-/]+$/, "must be an S3 key prefix such as predictions/").optional(),
  reportsPrefix: z.string().regex(/^[A-Za-z0-9!_.*'()\-/]+$/, "must be an S3 key prefix such as prediction-reports/").optional(),
  cpuMillis: z.number().int().min(50).max(16000).optional(),
  memoryMiB: z.number().int().min(128).max(65536).optional(),
  timeoutHours: z.number().int().min(1).max(24).optional(),
});

const tagValue = z
  .string()
  .min(1, "cannot be empty")
  .superRefine((v, ctx) => {
    const why = tagValueProblem(v);
    if (why) ctx.addIssue({ code: "custom", message: why });
  });

/** The `ml-platform:*` keys of a stack file. */
export const StackConfig = z.strictObject({
  stage: z.enum(STAGES),
  environment: resourceName,
  tags: z
    .object({ owner: tagValue, costCenter: tagValue })
    .catchall(tagValue),
  protectStatefulResources: z.boolean().optional(),
  allowDestroyWithData: z.boolean().optional(),
  network: NetworkOverrides.optional(),
  artifacts: ArtifactOverrides.optional(),
  registry: RegistryOverrides.optional(),
  database: DatabaseOverrides.optional(),
  cluster: ClusterOverrides.optional(),
  serving: ServingOverrides.optional(),
  tracking: TrackingOverrides.optional(),
  /** Sentry DSN for the serving pods; must be stored encrypted (pulumi config set --secret). */
  sentryDsn: z.string().min(1).optional(),
  monitoring: MonitoringOverrides.optional(),
  alerts: AlertOverrides.optional(),
  backup: BackupOverrides.optional(),
  healthChecks: HealthCheckOverrides.optional(),
  predictionMonitoring: PredictionMonitoringOverrides.optional(),
});
export type StackConfig = z.infer<typeof StackConfig>;

