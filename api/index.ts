/**
 * `ml-platform`: the platform's Pulumi components (network, artifact buckets,
 * container registry, metadata database, GPU cluster and node pools, model
 * serving, experiment tracking, monitoring, alerting, backups, health checks,
 * prediction monitoring), each validating its arguments before it declares a
 * resource, and the helpers to compose them with an existing cluster.
 *
 * @module ml-platform
 */
export { Network } from "../components/network/network";
export type { NetworkArgs } from "../components/network/network";

export { ArtifactStore } from "../components/data/artifact-store";
export type { ArtifactStoreArgs, BucketEncryption, BucketInfo } from "../components/data/artifact-store";

export { ContainerRegistry } from "../components/data/container-registry";
export type { ContainerRegistryArgs, RepositoryInfo } from "../components/data/container-registry";

export { MetadataStore } from "../components/data/metadata-store";
export type { MetadataStoreArgs } from "../components/data/metadata-store";

export { GpuCluster } from "../components/compute/gpu-cluster";
export type { GpuClusterArgs } from "../components/compute/gpu-cluster";
export type { ClusterHandle } from "../components/compute/cluster-handle";
export { clusterFromStack, existingEksCluster } from "../components/compute/existing-cluster";
export { IrsaRole } from "../components/compute/irsa";
export type { IrsaRoleArgs } from "../components/compute/irsa";

export { GpuNodePool } from "../components/compute/gpu-node-pool";
export type { GpuNodePoolArgs } from "../components/compute/gpu-node-pool";
export type { GpuNodeGroupInput, GpuNodeGroupSettings, NodeGroupInput, NodeGroupSettings } from "../components/compute/node-pool.args";
export type { CapacityType } from "../components/compute/node-group";
export type { NatMode } from "../components/network/network";

export { ModelServing } from "../components/serving/model-serving";
export type { ModelServingArgs } from "../components/serving/model-serving";
export { withModelDefaults } from "../components/serving/model-defaults";
export type {
  CanaryInput,
  CanarySettings,
  CanaryStep,
  ColorRelease,
  ModelExposure,
  ModelInput,
  ModelSettings,
  ServingSettings,
} from "../components/serving/settings";
// What the constructors take (before defaults), beside the resolved shapes above.
export type { ModelExposureInput, ServingSettingsInput } from "../components/serving/model-serving.args";

export { ExperimentTracking } from "../components/tracking/experiment-tracking";
export type { ExperimentTrackingArgs } from "../components/tracking/experiment-tracking";
export { MLFLOW_IMAGE } from "../components/tracking/settings";
export type { TrackingSettings } from "../components/tracking/settings";
export type { TrackingSettingsInput } from "../components/tracking/experiment-tracking.args";

export { AlertTopic, Alerting } from "../components/operations/alerting/alerting";
export type { AlertTopicArgs, AlertingArgs } from "../components/operations/alerting/alerting";
export { DatabaseBackup } from "../components/operations/backup/database-backup";
export type { DatabaseBackupArgs } from "../components/operations/backup/database-backup";
export { ExternalHealthChecks } from "../components/operations/health-checks/health-checks";
export type { ExternalHealthChecksArgs, InternalUrl, PublicEndpoint } from "../components/operations/health-checks/health-checks";
export { PredictionMonitoring } from "../components/operations/prediction-monitoring/prediction-monitoring";
export type { PredictionMonitoringArgs } from "../components/operations/prediction-monitoring/prediction-monitoring";

export { Monitoring } from "../components/monitoring/monitoring";
export type { MonitoringArgs } from "../components/monitoring/monitoring";
export type { AlertReceiver } from "../components/monitoring/values";
export type { AlertThresholds, GpuNodePrice, NodePoolCap } from "../components/monitoring/rules";
export type { ServingMetrics } from "../components/monitoring/contract";

export { ComponentArgsError } from "../lib/args-error";
export type { ArgProblem } from "../lib/args-error";

export { kubeconfig as eksKubeconfig } from "../components/compute/kubeconfig";
export type { Kubeconfig } from "../components/compute/kubeconfig";
