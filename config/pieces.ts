/**
 * The settings of each piece of the platform, as zod schemas: its
 * component's own settings schema (the one declaration of each setting: type,
 * rules, description, default), plus the few keys only a stack has (the
 * cost model's planning figures, the alarm switches, the restore snapshot),
 * declared here once with their defaults.
 *
 * Two things are derived from each: the type of the stage presets' settings
 * (config/presets.ts, `PieceSettings`), and the stack file's overrides
 * (config/schema.ts: every field optional and without its default).
 */
import { z } from "zod";
import { count } from "../lib/fields";
import { GpuClusterSettings } from "../components/compute/gpu-cluster.schema";
import { ArtifactStoreSettings } from "../components/data/artifact-store.schema";
import { ContainerRegistrySettings } from "../components/data/container-registry.schema";
import { MetadataStoreSettings } from "../components/data/metadata-store.schema";
import { AlertThresholdSettings, MonitoringSettings } from "../components/monitoring/monitoring.schema";
import { NetworkSettings } from "../components/network/network.schema";
import { AlertingSettings } from "../components/operations/alerting/alerting.schema";
import { DatabaseBackupSettings } from "../components/operations/backup/database-backup.schema";
import { HealthChecksSettings } from "../components/operations/health-checks/health-checks.schema";
import { PredictionMonitoringSettings, pinnedImage } from "../components/operations/prediction-monitoring/prediction-monitoring.schema";
import { ModelServingSettings } from "../components/serving/model-serving.schema";
import type { ServingSettings } from "../components/serving/settings";
import { ExperimentTrackingSettings } from "../components/tracking/experiment-tracking.schema";

/** A logical name in a list the stack gives (an artifact bucket). */
export const resourceName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/, "must be 2-22 characters of lower-case letters, digits and '-', starting with a letter");

const planned = (what: string, description: string) => count(what).describe(`Planning figure for the cost model: ${description}`).default(0);

/**
 * Each piece: `settings`, its component's schema; `stackOnly`, the keys only a
 * stack has; `toggle`, what its `enabled` key deploys (for the docs).
 */
export const PIECE_SCHEMAS = {
  network: {
    toggle: "network (VPC, subnets, NAT)",
    settings: NetworkSettings,
    stackOnly: z.strictObject({ expectedFlowLogGbPerMonth: planned("expectedFlowLogGbPerMonth", "GB of flow logs ingested a month.") }),
  },
  artifacts: {
    toggle: "artifact buckets (S3)",
    settings: ArtifactStoreSettings,
    stackOnly: z.strictObject({ expectedStorageGb: planned("expectedStorageGb", "GB stored across all buckets.") }),
  },
  registry: {
    toggle: "container registry (ECR)",
    settings: ContainerRegistrySettings,
    stackOnly: z.strictObject({ expectedStorageGb: planned("expectedStorageGb", "GB of images stored.") }),
  },
  database: {
    toggle: "metadata database (RDS PostgreSQL)",
    settings: MetadataStoreSettings,
    stackOnly: z.strictObject({
      // Checked against the stack's region in config/resolve.ts (components/data/snapshot.ts).
      restoreFromSnapshot: z
        .string()
        .min(1, "give a DB snapshot identifier or ARN")
        .optional()
        .describe("Create the database from this snapshot (identifier, rds:..., awsbackup:... or ARN in the stack's region)."),
    }),
  },
  cluster: {
    toggle: "GPU cluster (EKS)",
    settings: GpuClusterSettings,
    stackOnly: z.strictObject({
      expectedLogGbPerMonth: planned("expectedLogGbPerMonth", "GB of control-plane logs ingested a month."),
      // Stack-only: the stack creates the VPC the cluster lives in, so whether a path into it exists
      // during a `pulumi up` is the stack's to say (config/resolve.ts apiAccessProblems).
      deployFromVpc: z
        .boolean()
        .describe(
          "`pulumi up` runs from inside the VPC (a runner, bastion or VPN that the VPC rule, privateAccessCidrs or privateAccessSecurityGroupIds admit), so the API endpoint may be private only. Such a path exists only once the VPC does: the first `pulumi up` of a stack creates its VPC and needs publicAccessCidrs instead.",
        )
        .default(false),
    }),
  },
  serving: { toggle: "model serving", settings: ModelServingSettings, stackOnly: z.strictObject({}) },
  tracking: { toggle: "MLflow tracking server", settings: ExperimentTrackingSettings, stackOnly: z.strictObject({}) },
  /**
   * The thresholds, nested in the component's Args, are flat keys here
   * (`monitoring.servingErrorRatio`), as the stack files have always written
   * them; restartsPer30m keeps the component's default, and
   * servingStartupSeconds follows the served models (index.ts).
   */
  monitoring: {
    toggle: "in-cluster monitoring (Prometheus, Alertmanager, Grafana, GPU metrics)",
    settings: MonitoringSettings.omit({ thresholds: true }).extend(AlertThresholdSettings.omit({ restartsPer30m: true, servingStartupSeconds: true }).shape),
    stackOnly: z.strictObject({}),
  },
  alerts: { toggle: "alert topic and CloudWatch alarms", settings: AlertingSettings, stackOnly: z.strictObject({}) },
  backup: {
    toggle: "AWS Backup plan for the database",
    settings: DatabaseBackupSettings,
    stackOnly: z.strictObject({ expectedStorageGb: planned("expectedStorageGb", "GB of snapshots kept in the vault.") }),
  },
  healthChecks: { toggle: "external health checks", settings: HealthChecksSettings, stackOnly: z.strictObject({}) },
  predictionMonitoring: {
    toggle: "prediction-monitoring job",
    settings: PredictionMonitoringSettings,
    stackOnly: z.strictObject({
      // Optional here: the piece stays off until the team names its image.
      image: pinnedImage
        .optional()
        .describe("The report image (yours: Evidently, whylogs, a notebook runner), pinned by tag or digest; nothing is deployed without one."),
      bucket: resourceName.describe("Logical artifact bucket (artifacts.buckets) holding the predictions.").default("models"),
    }),
  },
} as const;

type Schemas = typeof PIECE_SCHEMAS;
export type PieceName = keyof Schemas;

/**
 * A piece's settings as the presets write them and the program receives
 * them: its component's settings and its stack-only keys, every default
 * applied. Serving's also carry the Sentry DSN, which has a key of its own.
 */
export type PieceSettings<P extends PieceName> = P extends "serving"
  ? ServingSettings
  : keyof Schemas[P]["stackOnly"]["shape"] extends never
    ? z.output<Schemas[P]["settings"]>
    : Omit<z.output<Schemas[P]["settings"]>, keyof Schemas[P]["stackOnly"]["shape"]> & z.output<Schemas[P]["stackOnly"]>;
