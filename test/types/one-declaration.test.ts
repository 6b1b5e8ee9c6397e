/**
 * One declaration per setting. A setting is written once, in its component's
 * zod schema; the component's Args interface is generated from it
 * (scripts/generate/), the stage presets' settings types are inferred from
 * it (config/pieces.ts), and the stack file's overrides are built from it
 * (config/schema.ts). The type-level proofs below are checked by `tsc` (npm
 * test runs it over test/): each fails to compile as soon as two of them
 * disagree. The runtime tests check what types cannot: that the stack file
 * accepts exactly the schema's keys.
 */
import type { z } from "zod";
import { type SameType, schemaMatches } from "../../lib/validate";
import { PIECE_SCHEMAS, type PieceSettings } from "../../config/pieces";
import type { StagePreset } from "../../config/presets";
import { StackConfig } from "../../config/schema";
import type { NetworkArgs } from "../../components/network/network";
import type { ArtifactStoreArgs } from "../../components/data/artifact-store";
import type { ContainerRegistryArgs } from "../../components/data/container-registry";
import type { MetadataStoreArgs } from "../../components/data/metadata-store";
import type { GpuClusterArgs } from "../../components/compute/gpu-cluster";
import type { GpuNodePoolArgs } from "../../components/compute/gpu-node-pool";
import type { IrsaRoleArgs } from "../../components/compute/irsa";
import type { ModelServingArgs } from "../../components/serving/model-serving";
import type { ExperimentTrackingArgs } from "../../components/tracking/experiment-tracking";
import type { MonitoringArgs } from "../../components/monitoring/monitoring";
import type { AlertTopicArgs, AlertingArgs } from "../../components/operations/alerting/alerting";
import type { DatabaseBackupArgs } from "../../components/operations/backup/database-backup";
import type { ExternalHealthChecksArgs } from "../../components/operations/health-checks/health-checks";
import type { PredictionMonitoringArgs } from "../../components/operations/prediction-monitoring/prediction-monitoring";
import type { NetworkArgsSchema, NetworkSettings } from "../../components/network/network.schema";
import type { ArtifactStoreArgsSchema, ArtifactStoreSettings } from "../../components/data/artifact-store.schema";
import type { ContainerRegistryArgsSchema, ContainerRegistrySettings } from "../../components/data/container-registry.schema";
import type { MetadataStoreArgsSchema, MetadataStoreSettings } from "../../components/data/metadata-store.schema";
import type { GpuClusterArgsSchema, GpuClusterSettings, GpuNodePoolArgsSchema } from "../../components/compute/gpu-cluster.schema";
import type { IrsaRoleArgsSchema } from "../../components/compute/irsa.schema";
import type { ModelServingArgsSchema, ServingSettingsSchema } from "../../components/serving/model-serving.schema";
import type { ExperimentTrackingArgsSchema, ExperimentTrackingSettings } from "../../components/tracking/experiment-tracking.schema";
import type { MonitoringArgsSchema } from "../../components/monitoring/monitoring.schema";
import type { AlertTopicArgsSchema, AlertingArgsSchema, AlertingSettings } from "../../components/operations/alerting/alerting.schema";
import type { DatabaseBackupArgsSchema, DatabaseBackupSettings } from "../../components/operations/backup/database-backup.schema";
import type { ExternalHealthChecksArgsSchema, HealthChecksSettings } from "../../components/operations/health-checks/health-checks.schema";
import type { PredictionMonitoringArgsSchema } from "../../components/operations/prediction-monitoring/prediction-monitoring.schema";

// 1. Every component's Args interface is exactly what its schema accepts.
schemaMatches<NetworkArgs, z.input<typeof NetworkArgsSchema>>(true);
schemaMatches<ArtifactStoreArgs, z.input<typeof ArtifactStoreArgsSchema>>(true);
schemaMatches<ContainerRegistryArgs, z.input<typeof ContainerRegistryArgsSchema>>(true);
schemaMatches<MetadataStoreArgs, z.input<typeof MetadataStoreArgsSchema>>(true);
schemaMatches<GpuClusterArgs, z.input<typeof GpuClusterArgsSchema>>(true);
schemaMatches<GpuNodePoolArgs, z.input<typeof GpuNodePoolArgsSchema>>(true);
schemaMatches<IrsaRoleArgs, z.input<typeof IrsaRoleArgsSchema>>(true);
schemaMatches<ModelServingArgs, z.input<typeof ModelServingArgsSchema>>(true);
schemaMatches<ExperimentTrackingArgs, z.input<typeof ExperimentTrackingArgsSchema>>(true);
schemaMatches<MonitoringArgs, z.input<typeof MonitoringArgsSchema>>(true);
schemaMatches<AlertingArgs, z.input<typeof AlertingArgsSchema>>(true);
schemaMatches<AlertTopicArgs, z.input<typeof AlertTopicArgsSchema>>(true);
schemaMatches<DatabaseBackupArgs, z.input<typeof DatabaseBackupArgsSchema>>(true);
schemaMatches<ExternalHealthChecksArgs, z.input<typeof ExternalHealthChecksArgsSchema>>(true);
schemaMatches<PredictionMonitoringArgs, z.input<typeof PredictionMonitoringArgsSchema>>(true);

// 2. A stage preset's settings are the piece's settings: the component's schema output, every field there.
type Preset<P extends keyof StagePreset & keyof typeof PIECE_SCHEMAS> = StagePreset[P] extends { settings: infer S } ? S : never;
/** The component's own settings, as they appear in the preset. */
type OwnPart<P extends keyof StagePreset & keyof typeof PIECE_SCHEMAS, S> = Pick<Preset<P>, keyof S & keyof Preset<P>>;
schemaMatches<Preset<"network">, PieceSettings<"network">>(true);
schemaMatches<OwnPart<"network", z.output<typeof NetworkSettings>>, z.output<typeof NetworkSettings>>(true);
schemaMatches<OwnPart<"artifacts", z.output<typeof ArtifactStoreSettings>>, z.output<typeof ArtifactStoreSettings>>(true);
schemaMatches<OwnPart<"registry", z.output<typeof ContainerRegistrySettings>>, z.output<typeof ContainerRegistrySettings>>(true);
schemaMatches<OwnPart<"database", z.output<typeof MetadataStoreSettings>>, z.output<typeof MetadataStoreSettings>>(true);
schemaMatches<OwnPart<"cluster", z.output<typeof GpuClusterSettings>>, z.output<typeof GpuClusterSettings>>(true);
schemaMatches<Preset<"serving">, z.output<typeof ServingSettingsSchema>>(true);
schemaMatches<Preset<"tracking">, z.output<typeof ExperimentTrackingSettings>>(true);
schemaMatches<OwnPart<"alerts", z.output<typeof AlertingSettings>>, z.output<typeof AlertingSettings>>(true);
schemaMatches<OwnPart<"backup", z.output<typeof DatabaseBackupSettings>>, z.output<typeof DatabaseBackupSettings>>(true);
schemaMatches<Preset<"healthChecks">, z.output<typeof HealthChecksSettings>>(true);

// 3. The proofs above mean something: two types that differ in one field are not the same.
const differ: SameType<{ a: number; b?: string }, { a: number; b: string }> = false;

describe("one declaration per setting", () => {
  it("the proofs can fail: types that differ in one field's optionality are told apart", () => {
    expect(differ).toBe(false);
  });

  it.each(Object.entries(PIECE_SCHEMAS))("the stack file's %s overrides accept exactly its schema's keys, its stack-only keys and `enabled`", (piece, p) => {
    const overrides = (StackConfig.shape as unknown as Record<string, { unwrap(): { shape: Record<string, unknown> } } | undefined>)[piece]?.unwrap();
    expect(overrides).toBeDefined();
    const expected = [...Object.keys(p.settings.shape), ...Object.keys(p.stackOnly.shape), "enabled"];
    expect(Object.keys(overrides!.shape).sort()).toEqual([...new Set(expected)].sort());
  });
});
