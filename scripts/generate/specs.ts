/**
 * Which argument types are generated from which schema, and where they go:
 * one `<component>.args.ts` beside each component's `.schema.ts`.
 */
import type { z } from "zod";
import { GpuClusterArgsSchema, GpuNodePoolArgsSchema } from "../../components/compute/gpu-cluster.schema";
import { IrsaRoleArgsSchema } from "../../components/compute/irsa.schema";
import { GpuPoolInput, GpuPoolSettings, SystemPoolSettings } from "../../components/compute/node-pool.schema";
import { ArtifactStoreArgsSchema } from "../../components/data/artifact-store.schema";
import { ContainerRegistryArgsSchema } from "../../components/data/container-registry.schema";
import { MetadataStoreArgsSchema } from "../../components/data/metadata-store.schema";
import { MonitoringArgsSchema } from "../../components/monitoring/monitoring.schema";
import { NetworkArgsSchema } from "../../components/network/network.schema";
import { AlertTopicArgsSchema, AlertingArgsSchema } from "../../components/operations/alerting/alerting.schema";
import { DatabaseBackupArgsSchema } from "../../components/operations/backup/database-backup.schema";
import { ExternalHealthChecksArgsSchema } from "../../components/operations/health-checks/health-checks.schema";
import { PredictionMonitoringArgsSchema } from "../../components/operations/prediction-monitoring/prediction-monitoring.schema";
import { ModelSchema, ModelServingArgsSchema, ServingSettingsSchema } from "../../components/serving/model-serving.schema";
import { ExperimentTrackingArgsSchema, ExperimentTrackingSettings } from "../../components/tracking/experiment-tracking.schema";
import type { ArgsTypeSpec } from "./args-types";

/** One component's Args interface, generated beside its schema. */
function args(schemaFile: string, name: string, schema: z.ZodType, doc: string): ArgsTypeSpec {
  return { schemaFile, outFile: schemaFile.replace(/\.schema\.ts$/, ".args.ts"), types: [{ name, schema, form: "input", doc }] };
}

export const ARGS_TYPES: ArgsTypeSpec[] = [
  args("components/network/network.schema.ts", "NetworkArgs", NetworkArgsSchema, "The arguments of a Network."),
  args("components/data/artifact-store.schema.ts", "ArtifactStoreArgs", ArtifactStoreArgsSchema, "The arguments of an ArtifactStore."),
  args("components/data/container-registry.schema.ts", "ContainerRegistryArgs", ContainerRegistryArgsSchema, "The arguments of a ContainerRegistry."),
  args("components/data/metadata-store.schema.ts", "MetadataStoreArgs", MetadataStoreArgsSchema, "The arguments of a MetadataStore."),
  {
    schemaFile: "components/compute/node-pool.schema.ts",
    outFile: "components/compute/node-pool.args.ts",
    types: [
      { name: "NodeGroupInput", schema: SystemPoolSettings, form: "input" },
      { name: "NodeGroupSettings", schema: SystemPoolSettings, form: "output" },
      { name: "GpuNodeGroupInput", schema: GpuPoolInput, form: "input" },
      { name: "GpuNodeGroupSettings", schema: GpuPoolSettings, form: "output" },
    ],
  },
  args("components/compute/gpu-cluster.schema.ts", "GpuClusterArgs", GpuClusterArgsSchema, "The arguments of a GpuCluster."),
  {
    ...args("components/compute/gpu-cluster.schema.ts", "GpuNodePoolArgs", GpuNodePoolArgsSchema, "The arguments of a GpuNodePool."),
    outFile: "components/compute/gpu-node-pool.args.ts",
  },
  args("components/compute/irsa.schema.ts", "IrsaRoleArgs", IrsaRoleArgsSchema, "The arguments of an IrsaRole."),
  {
    ...args("components/serving/model-serving.schema.ts", "ModelServingArgs", ModelServingArgsSchema, "The arguments of a ModelServing."),
    types: [
      { name: "ModelServingArgs", schema: ModelServingArgsSchema, form: "input", doc: "The arguments of a ModelServing." },
      { name: "ServingSettings", schema: ServingSettingsSchema, form: "output" },
      { name: "ModelSettings", schema: ModelSchema, form: "output" },
    ],
  },
  {
    ...args(
      "components/tracking/experiment-tracking.schema.ts",
      "ExperimentTrackingArgs",
      ExperimentTrackingArgsSchema,
      "The arguments of an ExperimentTracking.",
    ),
    types: [
      { name: "ExperimentTrackingArgs", schema: ExperimentTrackingArgsSchema, form: "input", doc: "The arguments of an ExperimentTracking." },
      { name: "TrackingSettings", schema: ExperimentTrackingSettings, form: "output" },
    ],
  },
  args("components/monitoring/monitoring.schema.ts", "MonitoringArgs", MonitoringArgsSchema, "The arguments of a Monitoring."),
  {
    ...args("components/operations/alerting/alerting.schema.ts", "AlertingArgs", AlertingArgsSchema, "The arguments of an Alerting."),
    types: [
      { name: "AlertTopicArgs", schema: AlertTopicArgsSchema, form: "input", doc: "The arguments of an AlertTopic." },
      { name: "AlertingArgs", schema: AlertingArgsSchema, form: "input", doc: "The arguments of an Alerting." },
    ],
  },
  args("components/operations/backup/database-backup.schema.ts", "DatabaseBackupArgs", DatabaseBackupArgsSchema, "The arguments of a DatabaseBackup."),
  args(
    "components/operations/health-checks/health-checks.schema.ts",
    "ExternalHealthChecksArgs",
    ExternalHealthChecksArgsSchema,
    "The arguments of an ExternalHealthChecks.",
  ),
  args(
    "components/operations/prediction-monitoring/prediction-monitoring.schema.ts",
    "PredictionMonitoringArgs",
    PredictionMonitoringArgsSchema,
    "The arguments of a PredictionMonitoring.",
  ),
];
