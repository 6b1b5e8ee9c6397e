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
/** The `enabled` toggle of a piece, described for the editor schema and the config reference (docs/). */
const toggle = (piece: string) => enabled.describe(`Deploy the ${piece} (true) or not (false). Default: the stage preset decides.`);


// Each piece's overrides are built from its component's own settings schema
// (config/overrides.ts: the same fields and rules, each optional and without
// its default), plus the toggle and the cost model's planning figures, which
// are stack-only.
export const NetworkOverrides = deepOverridesOf(NetworkSettings).extend({
  enabled: toggle("network (VPC, subnets, NAT)"),
  expectedFlowLogGbPerMonth: count("expectedFlowLogGbPerMonth").optional().describe("Planning figure for the cost model: GB of flow logs ingested a month."),
});

// Built from the components' own schemas (one source of truth): the same
// fields and rules, each optional and without its default, plus the toggle
// and the cost model's planning figure.
export const ArtifactOverrides = overridesOf(ArtifactStoreSettings).extend({
  enabled: toggle("artifact buckets (S3)"),
  expectedStorageGb: count("expectedStorageGb").optional().describe("Planning figure for the cost model: GB stored across all buckets."),
});

export const RegistryOverrides = overridesOf(ContainerRegistrySettings).extend({
  enabled: toggle("container registry (ECR)"),
  expectedStorageGb: count("expectedStorageGb").optional().describe("Planning figure for the cost model: GB of images stored."),
});

export const DatabaseOverrides = deepOverridesOf(MetadataStoreSettings).extend({
  enabled: toggle("metadata database (RDS PostgreSQL)"),
  // Checked against the stack's region in config/resolve.ts (lib/operations/snapshot.ts).
  restoreFromSnapshot: z.string().min(1, "give a DB snapshot identifier or ARN").optional().describe("Create the database from this snapshot (identifier, rds:..., awsbackup:... or ARN in the stack's region)."),
});

export const ClusterOverrides = deepOverridesOf(GpuClusterSettings).extend({
  enabled: toggle("GPU cluster (EKS)"),
  expectedLogGbPerMonth: count("expectedLogGbPerMonth").optional().describe("Planning figure for the cost model: GB of control-plane logs ingested a month."),
});

const snsTopicArn = z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, "must be an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:oncall");

export const MonitoringReceiverInput = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, "must be 1-40 characters of lower-case letters, digits and '-', starting with a letter").refine((n) => n !== "null", '"null" is reserved (it is the receiver that drops alerts)').describe("Receiver name in Alertmanager's routing (not \"null\", which drops alerts)."),
  severities: z.array(z.enum(["critical", "warning", "info"])).min(1, "give at least one severity (critical, warning, info)").describe("Alert severities this receiver gets: critical, warning, info."),
  topicArn: snsTopicArn.optional().describe("SNS topic the alerts are published to; default: the stack's alert topic."),
});

/**
 * Monitoring (Series B). Retention and storage are bounded here, because an
 * unbounded Prometheus grows until its volume is full and it stops
 * ingesting; the policy pack checks the same bounds on the deployed release.
 */
export const MonitoringOverrides = z.strictObject({
  enabled: toggle("in-cluster monitoring (Prometheus, Alertmanager, Grafana, GPU metrics)"),
  retentionDays: z.number().int("retentionDays must be a whole number of days").min(1, "retentionDays must be at least 1").max(365, "retentionDays is at most 365: for longer history, ship metrics to long-term storage (Thanos, Amazon Managed Prometheus) instead of growing one volume").optional().describe("Days Prometheus keeps metrics (also capped at 80 % of its volume)."),
  prometheusStorageGb: z.number().int().min(10, "prometheusStorageGb must be at least 10 (GB)").max(2000, "prometheusStorageGb is at most 2000 (GB): beyond that, one Prometheus is the wrong tool").optional().describe("Prometheus's gp3 volume, GB."),
  grafanaStorageGb: z.number().int().min(1, "grafanaStorageGb must be at least 1 (GB)").max(100).optional().describe("Grafana's gp3 volume, GB."),
  alertmanagerStorageGb: z.number().int().min(1, "alertmanagerStorageGb must be at least 1 (GB)").max(50).optional().describe("Alertmanager's gp3 volume, GB."),
  expectedActiveSeries: z.number().int().min(1000, "expectedActiveSeries must be at least 1000").optional().describe("Planning figure: active series Prometheus holds; checks the volume holds retentionDays of them (measure prometheus_tsdb_head_series)."),
  receivers: z.array(MonitoringReceiverInput).optional().describe("Alert receivers (SNS topics by severity); empty: alerts show in Alertmanager but notify nobody."),
  servingErrorRatio: z.number().gt(0, "servingErrorRatio must be above 0").lt(1, "servingErrorRatio is a share of requests, below 1 (0.05 = 5 %)").optional().describe("Share of a model colour's requests failing with 5xx that pages (0.05 = 5 %)."),
  servingLatencySeconds: z.number().gt(0, "servingLatencySeconds must be above 0").max(600).optional().describe("p95 latency, seconds, of a model colour above which a warning fires."),
  idleGpuMinutes: z.number().int().min(5, "idleGpuMinutes must be at least 5").max(1440).optional().describe("Minutes a GPU node may sit at 0 % utilisation before GpuNodeIdle fires."),
  pendingGpuPodMinutes: z.number().int().min(5, "pendingGpuPodMinutes must be at least 5: a GPU node takes minutes to start").max(1440).optional().describe("Minutes a GPU pod may stay Pending before GpuPodsPending fires."),
});

// ------------------------------------------------------------- serving, tracking

export const ServingOverrides = deepOverridesOf(ModelServingSettings).extend({ enabled: toggle("model serving") });

export const TrackingOverrides = deepOverridesOf(ExperimentTrackingSettings).extend({ enabled: toggle("MLflow tracking server") });

const percent = (what: string) => z.number().min(1, `${what} must be 1-99 (%)`).max(99, `${what} must be 1-99 (%)`);

const email = z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "must be an e-mail address such as oncall@example.com");

const httpsUrl = z.string().regex(/^https:\/\/[^\s/]+(\/\S*)?$/, "must be an https:// URL (an SNS integration URL of your pager, or a webhook relay)");

const hostName = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a public DNS host name in lower case, such as models.example.com");

export const AlertOverrides = z.strictObject({
  enabled: toggle("alert topic and CloudWatch alarms"),
  emails: z.array(email).optional().describe("E-mail addresses subscribed to the alert topic (each confirms once, from the e-mail AWS sends)."),
  httpsEndpoints: z.array(httpsUrl).optional().describe("HTTPS endpoints subscribed to the alert topic (a pager's SNS integration URL, a chat relay)."),
  databaseAlarms: z.boolean().optional().describe("CloudWatch alarms on the metadata database (free storage, CPU, connections)."),
  natGatewayAlarms: z.boolean().optional().describe("CloudWatch alarms on every NAT gateway (port allocation errors, dropped packets)."),
  databaseCpuPercent: percent("databaseCpuPercent").optional().describe("Alarm when average database CPU stays above this percentage for 15 minutes."),
  databaseFreeStoragePercent: percent("databaseFreeStoragePercent").optional().describe("Alarm when free database storage falls below this percentage of the allocated storage."),
  databaseConnectionsPercent: percent("databaseConnectionsPercent").optional().describe("Alarm when connections exceed this percentage of max_connections."),
  databaseMaxConnections: z.number().int().min(10).max(5000, "RDS PostgreSQL caps the default at 5000").optional().describe("max_connections the connections alarm measures against; default: RDS PostgreSQL's default for the instance class."),
});

export const BackupOverrides = z.strictObject({
  enabled: toggle("AWS Backup plan for the database"),
  // AWS Backup's lifecycle deletes a recovery point DeleteAfterDays after creation (at least 1).
  dailyRetentionDays: z.number().int().min(1, "dailyRetentionDays must be at least 1").max(36500).optional().describe("Days AWS Backup keeps each daily snapshot."),
  monthlyRetentionDays: z.union([z.literal(0), z.number().int().min(32, "monthly snapshots must outlive a month (32 days or more), or 0 for none").max(36500)]).optional().describe("Days the first snapshot of each month is kept (32 or more); 0 takes no monthly snapshots."),
  startHourUtc: z.number().int().min(0).max(23, "startHourUtc is an hour, 0-23").optional().describe("Hour of the day (UTC, 0-23) the daily backup starts; keep it away from the RDS backup and maintenance windows."),
  expectedStorageGb: count("expectedStorageGb").optional().describe("Planning figure for the cost model: GB of snapshots kept in the vault."),
});

export const PublicEndpointInput = z.strictObject({
  name: resourceName.describe("Short name, used in resource and alarm names."),
  host: hostName.describe("Public host name, e.g. models.example.com."),
  path: z.string().regex(/^\/\S{0,254}$/, "must be a path starting with /, such as /healthz").optional().describe("Path requested, e.g. /healthz; a 2xx or 3xx answer is healthy."),
  port: z.number().int().min(1).max(65535).optional().describe("TCP port (HTTPS)."),
});

export const InternalUrlInput = z.strictObject({
  name: resourceName.describe("Short name, used in resource and alarm names."),
  url: z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, "must be an http:// or https:// URL reachable from the private subnets").describe("Full URL reachable from the private subnets, e.g. http://models.serving.svc.example.internal/healthz."),
});

export const HealthCheckOverrides = z.strictObject({
  enabled: toggle("external health checks"),
  publicEndpoints: z.array(PublicEndpointInput).optional().describe("Publicly exposed models: Route 53 HTTPS health checks from outside AWS, with an alarm each."),
  internalUrls: z.array(InternalUrlInput).max(20, "one canary checks at most 20 URLs; split them over stacks or raise the timeout").optional().describe("Internal-only endpoints: one CloudWatch Synthetics canary in the VPC checks them all."),
  canaryIntervalMinutes: z.number().int().min(1, "Synthetics runs a canary at most once a minute").max(60).optional().describe("Minutes between canary runs (every run is billed)."),
  // Synthetics keeps run data 1-455 days; the S3 lifecycle follows the same bound.
  canaryArtifactRetentionDays: z.number().int().min(1).max(455).optional().describe("Days the canary's run artifacts (logs, reports) stay in S3."),
});

export const PredictionMonitoringOverrides = z.strictObject({
  enabled: toggle("prediction-monitoring job"),
  image: z
    .string()
    .regex(/^[a-z0-9][A-Za-z0-9._\-/:@]*$/, "must be a container image reference such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/drift-report:1.4.0")
    .refine((s) => /[:@]/.test(s.split("/").pop() ?? ""), "must pin a tag or digest (…:1.4.0 or …@sha256:…); an unpinned image changes under you")
    .optional()
    .describe("The report image (yours: Evidently, whylogs, a notebook runner), pinned by tag or digest; nothing is deployed without one."),
  args: z.array(z.string()).optional().describe("Arguments passed to the image."),
  schedule: z.string().regex(/^(\S+\s+){4}\S+$/, "must be a 5-field cron schedule such as \"0 6 * * *\"").optional().describe("5-field cron schedule, UTC (e.g. \"0 6 * * *\")."),
  bucket: resourceName.optional().describe("Logical artifact bucket (artifacts.buckets) holding the predictions."),
  predictionsPrefix: z.string().regex(/^[A-Za-z0-9!_.*'()\-/]+$/, "must be an S3 key prefix such as predictions/").optional().describe("Prefix the serving layer logs predictions under; the job may only read there."),
  reportsPrefix: z.string().regex(/^[A-Za-z0-9!_.*'()\-/]+$/, "must be an S3 key prefix such as prediction-reports/").optional().describe("Prefix the job writes its reports to; the job may only write there."),
  cpuMillis: z.number().int().min(50).max(16000).optional().describe("CPU request of the job's pod, millicores (system pool)."),
  memoryMiB: z.number().int().min(128).max(65536).optional().describe("Memory request and limit of the job's pod, MiB."),
  timeoutHours: z.number().int().min(1).max(24).optional().describe("Hours after which a run is stopped."),
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
  stage: z.enum(STAGES).describe("The company's stage, which picks the preset: poc, mvp or seriesb (config/presets.ts)."),
  environment: resourceName.describe("Environment name: resources are named `mlp-<environment>-...` and tagged `environment`; keep it when the stage changes."),
  tags: z
    .object({
      owner: tagValue.describe("Team or person who owns the stack's resources (cost-allocation tag)."),
      costCenter: tagValue.describe("Cost center the spend is booked to (cost-allocation tag)."),
    })
    .catchall(tagValue)
    .describe("Cost-allocation tags on every resource; owner and costCenter are required, other keys are added as given."),
  protectStatefulResources: z.boolean().optional().describe("Override the stage's `protect` + `retainOnDelete` on buckets, keys and the database."),
  allowDestroyWithData: z.boolean().optional().describe("Let `pulumi destroy` delete buckets and repositories that still hold data (S3 forceDestroy, ECR forceDelete); only with protectStatefulResources: false (a staging copy)."),
  network: NetworkOverrides.optional().describe("Overrides of the network preset."),
  artifacts: ArtifactOverrides.optional().describe("Overrides of the artifact-bucket preset."),
  registry: RegistryOverrides.optional().describe("Overrides of the container-registry preset."),
  database: DatabaseOverrides.optional().describe("Overrides of the metadata-database preset."),
  cluster: ClusterOverrides.optional().describe("Overrides of the GPU-cluster preset."),
  serving: ServingOverrides.optional().describe("Overrides of the model-serving preset, and the models to serve."),
  tracking: TrackingOverrides.optional().describe("Overrides of the MLflow tracking-server preset."),
  /** Sentry DSN for the serving pods; must be stored encrypted (pulumi config set --secret). */
  sentryDsn: z.string().min(1).optional().describe("Sentry DSN for the serving pods' error reports; store it encrypted (`pulumi config set --secret sentryDsn ...`)."),
  monitoring: MonitoringOverrides.optional().describe("Overrides of the in-cluster monitoring preset (Prometheus, Alertmanager, Grafana, GPU metrics)."),
  alerts: AlertOverrides.optional().describe("Overrides of the alerting preset: who gets alerts, which alarms exist and their thresholds."),
  backup: BackupOverrides.optional().describe("Overrides of the database backup plan (AWS Backup)."),
  healthChecks: HealthCheckOverrides.optional().describe("Endpoints checked from outside the cluster (Route 53) or inside the VPC (Synthetics canary)."),
  predictionMonitoring: PredictionMonitoringOverrides.optional().describe("Overrides of the scheduled prediction-quality and data-drift job."),
});
export type StackConfig = z.infer<typeof StackConfig>;

