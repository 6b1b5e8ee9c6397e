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
import { AlertThresholdSettings, MonitoringReceiverSchema, MonitoringSettings } from "../components/monitoring/monitoring.schema";
import { AlertingSettings } from "../components/operations/alerting/alerting.schema";
import { DatabaseBackupSettings } from "../components/operations/backup/database-backup.schema";
import { HealthChecksSettings, InternalUrlSchema, PublicEndpointSchema } from "../components/operations/health-checks/health-checks.schema";
import { PredictionMonitoringSettings, pinnedImage } from "../components/operations/prediction-monitoring/prediction-monitoring.schema";
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
  // Checked against the stack's region in config/resolve.ts (components/data/snapshot.ts).
  restoreFromSnapshot: z.string().min(1, "give a DB snapshot identifier or ARN").optional().describe("Create the database from this snapshot (identifier, rds:..., awsbackup:... or ARN in the stack's region)."),
});

export const ClusterOverrides = deepOverridesOf(GpuClusterSettings).extend({
  enabled: toggle("GPU cluster (EKS)"),
  expectedLogGbPerMonth: count("expectedLogGbPerMonth").optional().describe("Planning figure for the cost model: GB of control-plane logs ingested a month."),
});

// The operations pieces, built from their components' schemas the same way.
export const MonitoringReceiverInput = MonitoringReceiverSchema;

/**
 * Monitoring (Series B). The thresholds, nested in the component's Args, are
 * flat keys here (`monitoring.servingErrorRatio`), as the stack files have
 * always written them; restartsPer30m keeps the component's default.
 */
export const MonitoringOverrides = deepOverridesOf(MonitoringSettings.omit({ thresholds: true })).extend({
  ...deepOverridesOf(AlertThresholdSettings.omit({ restartsPer30m: true })).shape,
  enabled: toggle("in-cluster monitoring (Prometheus, Alertmanager, Grafana, GPU metrics)"),
});

// ------------------------------------------------------------- serving, tracking

export const ServingOverrides = deepOverridesOf(ModelServingSettings).extend({ enabled: toggle("model serving") });

export const TrackingOverrides = deepOverridesOf(ExperimentTrackingSettings).extend({ enabled: toggle("MLflow tracking server") });

export const AlertOverrides = deepOverridesOf(AlertingSettings).extend({
  enabled: toggle("alert topic and CloudWatch alarms"),
  databaseAlarms: z.boolean().optional().describe("CloudWatch alarms on the metadata database (free storage, CPU, connections)."),
  natGatewayAlarms: z.boolean().optional().describe("CloudWatch alarms on every NAT gateway (port allocation errors, dropped packets)."),
});

export const BackupOverrides = deepOverridesOf(DatabaseBackupSettings).extend({
  enabled: toggle("AWS Backup plan for the database"),
  expectedStorageGb: count("expectedStorageGb").optional().describe("Planning figure for the cost model: GB of snapshots kept in the vault."),
});

export const PublicEndpointInput = PublicEndpointSchema;
export const InternalUrlInput = InternalUrlSchema;

export const HealthCheckOverrides = deepOverridesOf(HealthChecksSettings).extend({ enabled: toggle("external health checks") });

export const PredictionMonitoringOverrides = deepOverridesOf(PredictionMonitoringSettings).extend({
  enabled: toggle("prediction-monitoring job"),
  image: pinnedImage.optional().describe("The report image (yours: Evidently, whylogs, a notebook runner), pinned by tag or digest; nothing is deployed without one."),
  bucket: resourceName.optional().describe("Logical artifact bucket (artifacts.buckets) holding the predictions."),
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

