/**
 * The stack configuration a user may write, as zod schemas. Every key lives in
 * the `ml-platform:` namespace of a `stacks/Pulumi.<stack>.yaml` file, plus the
 * AWS provider's `aws:region`. Unknown keys are errors (a typo must not be
 * silently ignored), and every value is checked before any resource exists.
 */
import { z } from "zod";
import { tagValueProblem } from "../lib/tags";
import { STAGES } from "../lib/stages";
import { PIECE_SCHEMAS, resourceName } from "./pieces";
import { deepOverridesOf } from "./overrides";

const enabled = z.boolean().optional();
/** The `enabled` toggle of a piece, described for the editor schema and the config reference (docs/). */
const toggle = (piece: string) => enabled.describe(`Deploy the ${piece} (true) or not (false). Default: the stage preset decides.`);

/**
 * A piece's overrides, built from its settings (config/pieces.ts: its
 * component's schema and its stack-only keys): the same fields and rules,
 * each optional and without its default (config/overrides.ts), and the toggle.
 */
function overridesFor<S extends Record<string, z.ZodType>, X extends Record<string, z.ZodType>>(piece: {
  toggle: string;
  settings: z.ZodObject<S>;
  stackOnly: z.ZodObject<X>;
}) {
  return deepOverridesOf(piece.settings).extend({ enabled: toggle(piece.toggle), ...deepOverridesOf(piece.stackOnly).shape });
}

export const NetworkOverrides = overridesFor(PIECE_SCHEMAS.network);
export const ArtifactOverrides = overridesFor(PIECE_SCHEMAS.artifacts);
export const RegistryOverrides = overridesFor(PIECE_SCHEMAS.registry);
export const DatabaseOverrides = overridesFor(PIECE_SCHEMAS.database);
export const ClusterOverrides = overridesFor(PIECE_SCHEMAS.cluster);
export const ServingOverrides = overridesFor(PIECE_SCHEMAS.serving);
export const TrackingOverrides = overridesFor(PIECE_SCHEMAS.tracking);
export const MonitoringOverrides = overridesFor(PIECE_SCHEMAS.monitoring);
export const AlertOverrides = overridesFor(PIECE_SCHEMAS.alerts);
export const BackupOverrides = overridesFor(PIECE_SCHEMAS.backup);
export const HealthCheckOverrides = overridesFor(PIECE_SCHEMAS.healthChecks);
export const PredictionMonitoringOverrides = overridesFor(PIECE_SCHEMAS.predictionMonitoring);

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
  allowDestroyWithData: z
    .boolean()
    .optional()
    .describe(
      "Let `pulumi destroy` delete buckets and repositories that still hold data (S3 forceDestroy, ECR forceDelete), and Prometheus' and Alertmanager's volumes; only with protectStatefulResources: false (a staging copy).",
    ),
  network: NetworkOverrides.optional().describe("Overrides of the network preset."),
  artifacts: ArtifactOverrides.optional().describe("Overrides of the artifact-bucket preset."),
  registry: RegistryOverrides.optional().describe("Overrides of the container-registry preset."),
  database: DatabaseOverrides.optional().describe("Overrides of the metadata-database preset."),
  cluster: ClusterOverrides.optional().describe("Overrides of the GPU-cluster preset."),
  serving: ServingOverrides.optional().describe("Overrides of the model-serving preset, and the models to serve."),
  tracking: TrackingOverrides.optional().describe("Overrides of the MLflow tracking-server preset."),
  /** Sentry DSN for the serving pods; must be stored encrypted (pulumi config set --secret). */
  sentryDsn: z
    .string()
    .min(1)
    .optional()
    .describe("Sentry DSN for the serving pods' error reports; store it encrypted (`pulumi config set --secret sentryDsn ...`)."),
  monitoring: MonitoringOverrides.optional().describe("Overrides of the in-cluster monitoring preset (Prometheus, Alertmanager, Grafana, GPU metrics)."),
  alerts: AlertOverrides.optional().describe("Overrides of the alerting preset: who gets alerts, which alarms exist and their thresholds."),
  backup: BackupOverrides.optional().describe("Overrides of the database backup plan (AWS Backup)."),
  healthChecks: HealthCheckOverrides.optional().describe("Endpoints checked from outside the cluster (Route 53) or inside the VPC (Synthetics canary)."),
  predictionMonitoring: PredictionMonitoringOverrides.optional().describe("Overrides of the scheduled prediction-quality and data-drift job."),
});
export type StackConfig = z.infer<typeof StackConfig>;
