import type { ServingSettings } from "../components/serving/settings";
import { MLFLOW_IMAGE, type TrackingSettings } from "../components/tracking/settings";
import type { Stage } from "../lib/stages";

export const STAGE_TITLES: Record<Stage, string> = {
  poc: "POC / seed: prove the technology, train and serve locally",
  mvp: "MVP / Series A: production on Kubernetes, backups, basic security",
  seriesb: "Series B: autoscaling, staging + prod, stronger security, monitoring",
};

/** The pieces a stage can turn on or off, in the order the program declares them. */
export const PIECES = [
  "network",
  "artifacts",
  "registry",
  "database",
  "cluster",
  "serving",
  "tracking",
  "alerts",
  "monitoring",
  "backup",
  "healthChecks",
  "predictionMonitoring",
] as const;
export type Piece = (typeof PIECES)[number];

/** Which pieces need which: an enabled piece needs all of these enabled too. */
export const PIECE_NEEDS: Record<Piece, Piece[]> = {
  network: [],
  artifacts: [],
  registry: [],
  database: ["network"],
  cluster: ["network"],
  serving: ["cluster", "artifacts"],
  tracking: ["cluster", "database", "artifacts"],
  alerts: [],
  // Alertmanager publishes to the alert topic.
  monitoring: ["cluster", "alerts"],
  backup: ["database"],
  healthChecks: ["alerts"],
  predictionMonitoring: ["cluster", "artifacts"],
};

import { KUBERNETES_VERSION, POSTGRES_MAJOR_VERSION } from "../lib/versions";
import type { PieceSettings } from "./pieces";

// The settings of each piece, derived from its component's schema (config/pieces.ts).
export type NetworkSettings = PieceSettings<"network">;
export type ArtifactSettings = PieceSettings<"artifacts">;
export type RegistrySettings = PieceSettings<"registry">;
export type DatabaseSettings = PieceSettings<"database">;
export type ClusterSettings = PieceSettings<"cluster">;
export type MonitoringSettings = PieceSettings<"monitoring">;
export type AlertSettings = PieceSettings<"alerts">;
export type BackupSettings = PieceSettings<"backup">;
export type HealthCheckSettings = PieceSettings<"healthChecks">;
export type PredictionMonitoringSettings = PieceSettings<"predictionMonitoring">;
export type { ServingSettings, TrackingSettings };
type NatMode = NetworkSettings["natGateways"];
type NodeGroupSettings = ClusterSettings["systemNodeGroup"];
type GpuNodeGroupSettings = ClusterSettings["gpuNodeGroups"][number];
type CapacityType = GpuNodeGroupSettings["capacityType"];
type MonitoringReceiver = MonitoringSettings["receivers"][number];

export interface Toggle<T> {
  enabled: boolean;
  /** Why the stage turns the piece on or off: printed by the plan, read by new hires. */
  why: string;
  settings: T;
}

export interface StagePreset {
  title: string;
  /** Stateful resources (buckets, database) get `protect` and `retainOnDelete`. */
  protectStatefulResources: boolean;
  /**
   * `pulumi destroy` may delete buckets and repositories that still hold data
   * (S3 forceDestroy, ECR forceDelete), and Prometheus' and Alertmanager's
   * volumes (kept otherwise, as orphaned EBS volumes). Off at every stage: a staging stack
   * turns it on in its stack file (it holds copies), production never does,
   * and a POC's buckets hold the only copy of its data sets.
   */
  allowDestroyWithData: boolean;
  network: Toggle<NetworkSettings>;
  artifacts: Toggle<ArtifactSettings>;
  registry: Toggle<RegistrySettings>;
  database: Toggle<DatabaseSettings>;
  cluster: Toggle<ClusterSettings>;
  serving: Toggle<ServingSettings>;
  tracking: Toggle<TrackingSettings>;
  monitoring: Toggle<MonitoringSettings>;
  alerts: Toggle<AlertSettings>;
  backup: Toggle<BackupSettings>;
  healthChecks: Toggle<HealthCheckSettings>;
  predictionMonitoring: Toggle<PredictionMonitoringSettings>;
}

const network = (azCount: number, natGateways: NatMode, flowLogRetentionDays: number, expectedFlowLogGbPerMonth: number): NetworkSettings => ({
  cidrBlock: "10.0.0.0/16",
  azCount,
  natGateways,
  flowLogRetentionDays,
  expectedFlowLogGbPerMonth,
});

const systemPool = (instanceType: string, min: number, desired: number, max: number): NodeGroupSettings => ({
  instanceTypes: [instanceType],
  capacityType: "ON_DEMAND",
  minSize: min,
  desiredSize: desired,
  maxSize: max,
  diskSizeGb: 50,
});

const gpuPool = (name: string, instanceTypes: string[], maxSize: number, capacityType: CapacityType): GpuNodeGroupSettings => ({
  name,
  instanceTypes,
  capacityType,
  minSize: 0,
  desiredSize: 0,
  maxSize,
  // Model images with CUDA are large; 100 GB avoids image-pull disk pressure.
  diskSizeGb: 100,
});

const monitoring = (receivers: MonitoringReceiver[]): MonitoringSettings => ({
  // 15 days covers two weekly cycles of traffic; at ~150k series a 50 GB
  // volume holds it with room to spare (13 GB of blocks, 40 GB allowed).
  retentionDays: 15,
  prometheusStorageGb: 50,
  grafanaStorageGb: 10,
  alertmanagerStorageGb: 2,
  expectedActiveSeries: 150_000,
  receivers,
  servingErrorRatio: 0.05,
  servingLatencySeconds: 1,
  idleGpuMinutes: 30,
  pendingGpuPodMinutes: 15,
});

const serving = (blueGreen: boolean, maxGpus: number): ServingSettings => ({
  namespace: "serving",
  blueGreen,
  autoscaling: blueGreen,
  maxGpus,
  viewerRoleArns: [],
  // Models come from the stack file (ml-platform:serving.models).
  models: [],
});

const tracking = (replicas: number): TrackingSettings => ({
  namespace: "mlflow",
  image: MLFLOW_IMAGE,
  replicas,
  workers: 2,
  cpu: "250m",
  memory: "1Gi",
  memoryLimit: "2Gi",
  artifactPrefix: "mlflow/",
});

const alerts = (): AlertSettings => ({
  emails: [],
  httpsEndpoints: [],
  databaseAlarms: true,
  natGatewayAlarms: true,
  databaseCpuPercent: 80,
  databaseFreeStoragePercent: 10,
  databaseConnectionsPercent: 80,
});

const backup = (dailyRetentionDays: number, monthlyRetentionDays: number, expectedStorageGb: number): BackupSettings => ({
  dailyRetentionDays,
  monthlyRetentionDays,
  startHourUtc: 6,
  expectedStorageGb,
});

const healthChecks = (): HealthCheckSettings => ({
  publicEndpoints: [],
  internalUrls: [],
  requestIntervalSeconds: 30,
  failureThreshold: 3,
  canaryIntervalMinutes: 5,
  canaryArtifactRetentionDays: 14,
});

const predictionMonitoring = (): PredictionMonitoringSettings => ({
  args: [],
  schedule: "0 6 * * *",
  bucket: "models",
  predictionsPrefix: "predictions/",
  reportsPrefix: "prediction-reports/",
  cpuMillis: 500,
  memoryMiB: 2048,
  timeoutHours: 2,
});

const NO_OPERATIONS_BEFORE_SERIES_B = {
  alerts:
    "Kept light before Series B: the roadmap's MVP watches errors in an error tracker and the cluster with `kubectl logs` / `kubectl top`; no paging yet.",
  backup:
    "RDS automated backups (point-in-time restore, kept as the database preset says) are enough before Series B; AWS Backup adds retention beyond 35 days and restore testing.",
  healthChecks: "External health monitoring comes with paying customers and an SLA (Series B).",
  predictionMonitoring: "Prediction quality and drift monitoring is a Series B practice in the roadmap.",
};

export const STAGE_PRESETS: Record<Stage, StagePreset> = {
  poc: {
    title: STAGE_TITLES.poc,
    protectStatefulResources: false,
    allowDestroyWithData: false,
    network: {
      enabled: false,
      why: "Nothing runs in the cloud yet: training and serving stay on laptops or a rented GPU box, so no VPC and no $33/month NAT gateway.",
      settings: network(2, "none", 0, 0),
    },
    artifacts: {
      enabled: true,
      why: "Data sets and trained models must not live in git or on one laptop: private, versioned buckets cost cents.",
      settings: {
        buckets: ["datasets", "models"],
        encryption: "sse-s3",
        noncurrentVersionExpirationDays: 14,
        noncurrentToInfrequentAccessDays: 0,
        abortIncompleteUploadDays: 7,
        expectedStorageGb: 100,
      },
    },
    registry: {
      enabled: true,
      why: "Predictions run in a hand-built Docker image; pushing it to a registry keeps every demo reproducible.",
      settings: { repositories: ["models"], untaggedExpiryDays: 7, keepLastImages: 30, expectedStorageGb: 20 },
    },
    database: {
      enabled: false,
      why: "Experiment tracking uses a hosted free tier or a local MLflow with SQLite; a managed database is not worth its cost yet.",
      settings: {
        engineVersion: POSTGRES_MAJOR_VERSION,
        instanceClass: "db.t4g.micro",
        allocatedStorageGb: 20,
        maxAllocatedStorageGb: 50,
        storageType: "gp3",
        multiAz: false,
        backupRetentionDays: 1,
        deletionProtection: false,
        performanceInsights: false,
        databaseName: "mlflow",
      },
    },
    cluster: {
      enabled: false,
      why: "No Kubernetes before there are customers: the control plane alone is $73/month and GPUs are rented by the hour when needed.",
      settings: {
        kubernetesVersion: KUBERNETES_VERSION,
        publicAccessCidrs: [],
        privateAccessCidrs: [],
        privateAccessSecurityGroupIds: [],
        logRetentionDays: 7,
        expectedLogGbPerMonth: 0,
        // Every cluster stack names the path `pulumi up` reaches its API by (config/resolve.ts apiAccessProblems).
        deployFromVpc: false,
        adminRoleArns: [],
        readOnlyRoleArns: [],
        systemNodeGroup: systemPool("t3.medium", 1, 1, 2),
        gpuNodeGroups: [],
        autoscaler: false,
      },
    },
    serving: {
      enabled: false,
      why: "Predictions run in a hand-built Docker container on a laptop or a rented GPU box; nothing to serve from a cluster yet.",
      settings: serving(false, 0),
    },
    tracking: {
      enabled: false,
      why: "No server to run: log experiments to a local MLflow (SQLite) whose artifacts go to the models bucket (docs/guides/serving-and-tracking.md, 'Experiment tracking'), or to a hosted free tier.",
      settings: tracking(1),
    },
    monitoring: {
      enabled: false,
      why: "Nothing runs in the cloud, so there is nothing to watch.",
      settings: monitoring([]),
    },
    alerts: { enabled: false, why: NO_OPERATIONS_BEFORE_SERIES_B.alerts, settings: alerts() },
    backup: { enabled: false, why: NO_OPERATIONS_BEFORE_SERIES_B.backup, settings: backup(7, 0, 0) },
    healthChecks: { enabled: false, why: NO_OPERATIONS_BEFORE_SERIES_B.healthChecks, settings: healthChecks() },
    predictionMonitoring: { enabled: false, why: NO_OPERATIONS_BEFORE_SERIES_B.predictionMonitoring, settings: predictionMonitoring() },
  },
  mvp: {
    title: STAGE_TITLES.mvp,
    protectStatefulResources: true,
    allowDestroyWithData: false,
    network: {
      enabled: true,
      why: "Production runs on Kubernetes in private subnets over 2 AZs; one shared NAT gateway is the cheapest way out to the internet (an AZ outage is tolerated at this stage).",
      settings: network(2, "single", 0, 0),
    },
    artifacts: {
      enabled: true,
      why: "Data sets and models are client data now: versioned, encrypted and protected from `pulumi destroy`.",
      settings: {
        buckets: ["datasets", "models"],
        encryption: "sse-s3",
        noncurrentVersionExpirationDays: 30,
        noncurrentToInfrequentAccessDays: 0,
        abortIncompleteUploadDays: 7,
        expectedStorageGb: 500,
      },
    },
    registry: {
      enabled: true,
      why: "Model images are pushed to a registry and deployed to Kubernetes; immutable tags make every deploy reversible.",
      settings: { repositories: ["models"], untaggedExpiryDays: 7, keepLastImages: 100, expectedStorageGb: 50 },
    },
    database: {
      enabled: true,
      why: "The metadata database (MLflow backend) holds the most important client data: automated backups for 7 days, a final snapshot and deletion protection.",
      settings: {
        engineVersion: POSTGRES_MAJOR_VERSION,
        instanceClass: "db.t4g.small",
        allocatedStorageGb: 20,
        maxAllocatedStorageGb: 100,
        storageType: "gp3",
        multiAz: false,
        backupRetentionDays: 7,
        deletionProtection: true,
        performanceInsights: false,
        databaseName: "mlflow",
      },
    },
    cluster: {
      enabled: true,
      why: "The roadmap's 'production environment running on Kubernetes': one small system pool and one GPU pool. No autoscaler yet, so nothing starts a GPU node when a pod waits: the pool runs exactly the nodes its served models request (0 without a GPU model), and its cost is what they keep running.",
      settings: {
        kubernetesVersion: KUBERNETES_VERSION,
        publicAccessCidrs: [],
        privateAccessCidrs: [],
        privateAccessSecurityGroupIds: [],
        logRetentionDays: 30,
        expectedLogGbPerMonth: 20,
        // Every cluster stack names the path `pulumi up` reaches its API by (config/resolve.ts apiAccessProblems).
        deployFromVpc: false,
        adminRoleArns: [],
        readOnlyRoleArns: [],
        systemNodeGroup: systemPool("t3.large", 2, 2, 3),
        gpuNodeGroups: [gpuPool("gpu", ["g5.xlarge"], 1, "ON_DEMAND")],
        autoscaler: false,
      },
    },
    serving: {
      enabled: true,
      why: "Models run as Deployments behind a stable Service, replicas set by hand, rolling updates (announce a window for GPU models: a 1-node GPU pool cannot surge). The namespace may hold 1 GPU, the GPU pool's cap.",
      settings: serving(false, 1),
    },
    tracking: {
      enabled: true,
      why: "One MLflow server for the team: runs and metrics in the backed-up PostgreSQL, artifacts in the versioned models bucket; reached with kubectl port-forward.",
      settings: tracking(1),
    },
    monitoring: {
      enabled: false,
      why: "The roadmap's MVP keeps operations light: error reporting, RDS backups, `kubectl logs` and `kubectl top`. Prometheus, Grafana and Alertmanager would take about 1 vCPU and 3 GiB of the small system pool and need someone on call to read them.",
      settings: monitoring([{ name: "oncall", severities: ["critical"] }]),
    },
    alerts: { enabled: false, why: NO_OPERATIONS_BEFORE_SERIES_B.alerts, settings: alerts() },
    backup: { enabled: false, why: NO_OPERATIONS_BEFORE_SERIES_B.backup, settings: backup(7, 0, 0) },
    healthChecks: { enabled: false, why: NO_OPERATIONS_BEFORE_SERIES_B.healthChecks, settings: healthChecks() },
    predictionMonitoring: { enabled: false, why: NO_OPERATIONS_BEFORE_SERIES_B.predictionMonitoring, settings: predictionMonitoring() },
  },
  seriesb: {
    title: STAGE_TITLES.seriesb,
    protectStatefulResources: true,
    allowDestroyWithData: false,
    network: {
      enabled: true,
      why: "Paying customers and an SLA: 3 AZs with a NAT gateway in each, so an AZ outage does not cut the cluster off; VPC flow logs for security reviews.",
      settings: network(3, "perAz", 90, 30),
    },
    artifacts: {
      enabled: true,
      why: "Customer data under stronger security: KMS-encrypted with a customer managed key, old versions kept 90 days and moved to Standard-IA.",
      settings: {
        buckets: ["datasets", "models"],
        encryption: "sse-kms",
        noncurrentVersionExpirationDays: 90,
        noncurrentToInfrequentAccessDays: 30,
        abortIncompleteUploadDays: 7,
        expectedStorageGb: 2000,
      },
    },
    registry: {
      enabled: true,
      why: "Blue/green releases deploy from immutable, scanned images; older images are kept long enough to roll back.",
      settings: { repositories: ["models"], untaggedExpiryDays: 14, keepLastImages: 300, expectedStorageGb: 200 },
    },
    database: {
      enabled: true,
      why: "An SLA needs a standby: Multi-AZ, 14 days of backups to test restores against, Performance Insights for tuning.",
      settings: {
        engineVersion: POSTGRES_MAJOR_VERSION,
        instanceClass: "db.m6g.large",
        allocatedStorageGb: 100,
        maxAllocatedStorageGb: 500,
        storageType: "gp3",
        multiAz: true,
        backupRetentionDays: 14,
        deletionProtection: true,
        performanceInsights: true,
        databaseName: "mlflow",
      },
    },
    cluster: {
      enabled: true,
      why: "Automatic scaling to load: the Cluster Autoscaler starts GPU nodes from zero when pods wait and removes them when idle; nodes spread over 3 AZs, each GPU pool one node group per AZ within the pool's cap.",
      settings: {
        kubernetesVersion: KUBERNETES_VERSION,
        publicAccessCidrs: [],
        privateAccessCidrs: [],
        privateAccessSecurityGroupIds: [],
        logRetentionDays: 90,
        expectedLogGbPerMonth: 60,
        // Every cluster stack names the path `pulumi up` reaches its API by (config/resolve.ts apiAccessProblems).
        deployFromVpc: false,
        adminRoleArns: [],
        readOnlyRoleArns: [],
        systemNodeGroup: systemPool("m6i.large", 3, 3, 6),
        gpuNodeGroups: [
          gpuPool("inference", ["g5.xlarge", "g6.xlarge"], 4, "ON_DEMAND"),
          // Spot: diversified over same-shape types (48 vCPU, 192 GiB, 4 GPUs each, lib/instance-types.ts),
          // so a Spot capacity shortage of one type does not stall a scale-up. g4dn.12xlarge has the
          // same shape but T4 GPUs, several times slower for training: left out on purpose.
          gpuPool("training", ["g5.12xlarge", "g6.12xlarge"], 2, "SPOT"),
        ],
        autoscaler: true,
      },
    },
    serving: {
      enabled: true,
      why: "Releases without downtime: blue and green Deployments, a live and a preview Service, an instant rollback by flipping back; autoscaling with explicit bounds and disruption budgets. The namespace may hold 4 GPUs, the inference pool's cap.",
      settings: serving(true, 4),
    },
    tracking: {
      enabled: true,
      why: "MLflow for a larger team: two replicas on different nodes, so a node drain or upgrade does not stop experiment logging.",
      settings: tracking(2),
    },
    monitoring: {
      enabled: true,
      why: "Paying customers and an SLA: metrics, dashboards and alerts to the on-call SNS topic; serving health per model and colour, GPU utilisation and the GPU hours paid for while idle.",
      settings: monitoring([
        { name: "oncall", severities: ["critical"] },
        { name: "platform-team", severities: ["warning"] },
      ]),
    },
    alerts: {
      enabled: true,
      why: "Paying customers notice outages: one KMS-encrypted SNS topic receives Alertmanager's alerts and CloudWatch alarms on the database and NAT gateways, and pages the receivers the stack lists.",
      settings: alerts(),
    },
    backup: {
      enabled: true,
      why: "Tested backup and restore: AWS Backup keeps daily database snapshots for 35 days and monthly ones for a year in an encrypted vault, beyond RDS's 35-day automated backups.",
      settings: backup(35, 365, 150),
    },
    healthChecks: {
      enabled: true,
      why: "External health monitoring that still works when the cluster is down: Route 53 checks a publicly exposed model, a Synthetics canary in the VPC checks internal endpoints; both page through the alert topic.",
      settings: healthChecks(),
    },
    predictionMonitoring: {
      enabled: true,
      why: "Monitoring of prediction quality and data drift: a CronJob runs your report image over the logged predictions, with read access to that prefix only.",
      settings: predictionMonitoring(),
    },
  },
};
