/**
 * Stage presets: which pieces of the platform each stage of a company deploys,
 * and how big they are. Data only; config/resolve.ts layers the stack's
 * overrides on top. The reasoning follows the stage roadmap in
 * shared/seeds/stage-roadmap-poc-mvp-seriesb.txt ("only solve the problems you
 * actually have"). Every toggle carries its reason, and the plan prints it.
 */

import type { ServingSettings } from "../lib/serving";
import { MLFLOW_IMAGE, TrackingSettings } from "../lib/tracking";

export const STAGES = ["poc", "mvp", "seriesb"] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_TITLES: Record<Stage, string> = {
  poc: "POC / seed: prove the technology, train and serve locally",
  mvp: "MVP / Series A: production on Kubernetes, backups, basic security",
  seriesb: "Series B: autoscaling, staging + prod, stronger security, monitoring",
};

/** The pieces a stage can turn on or off, in the order the program declares them. */
export const PIECES = ["network", "artifacts", "registry", "database", "cluster", "serving", "tracking", "monitoring"] as const;
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
  monitoring: ["cluster"],
};

import type { BucketEncryption, CapacityType, DatabaseStorageType, GpuNodeGroupSettings, NatMode, NodeGroupSettings } from "../lib/domain";
import { KUBERNETES_VERSION, POSTGRES_MAJOR_VERSION } from "../lib/versions";

// Domain types and version pins live in lib/ (components import them from there,
// never from config/); re-exported here for readers of the presets.
export type { BucketEncryption, CapacityType, DatabaseStorageType, GpuNodeGroupSettings, NatMode, NodeGroupSettings };
export { KUBERNETES_VERSION, POSTGRES_MAJOR_VERSION };

export interface NetworkSettings {
  cidrBlock: string;
  azCount: number;
  /**
   * AZ IDs to pin, in order (the first azCount are used). Undefined: the
   * region's EKS-capable zone IDs, sorted, first azCount (stable across runs).
   */
  availabilityZoneIds?: string[];
  natGateways: NatMode;
  /** VPC flow logs to CloudWatch, kept this many days; 0 turns them off. */
  flowLogRetentionDays: number;
  /** Planning figure for the cost model: GB of flow logs ingested a month. */
  expectedFlowLogGbPerMonth: number;
}

export interface ArtifactSettings {
  buckets: string[];
  encryption: BucketEncryption;
  noncurrentVersionExpirationDays: number;
  /** Noncurrent versions move to Standard-IA after this many days; 0 keeps them in Standard. */
  noncurrentToInfrequentAccessDays: number;
  abortIncompleteUploadDays: number;
  /** Planning figure for the cost model: GB stored across all buckets. */
  expectedStorageGb: number;
}

export interface RegistrySettings {
  repositories: string[];
  untaggedExpiryDays: number;
  keepLastImages: number;
  /** Planning figure for the cost model: GB of images stored. */
  expectedStorageGb: number;
}

export interface DatabaseSettings {
  engineVersion: string;
  instanceClass: string;
  allocatedStorageGb: number;
  maxAllocatedStorageGb: number;
  storageType: DatabaseStorageType;
  /** Provisioned IOPS; only for io1/io2 (gp3 gets its 3,000 baseline for free). */
  iops?: number;
  multiAz: boolean;
  backupRetentionDays: number;
  deletionProtection: boolean;
  /** Performance Insights, now CloudWatch Database Insights Standard: 7 days, no charge; not on t*.micro/small. */
  performanceInsights: boolean;
  databaseName: string;
}

export interface ClusterSettings {
  kubernetesVersion: string;
  /** CIDRs allowed to reach the public API endpoint. Empty means private endpoint only. */
  publicAccessCidrs: string[];
  /** Extra CIDRs (VPN, peered networks) admitted on 443 to the private endpoint; the VPC's own block always is. */
  privateAccessCidrs: string[];
  /** Security groups (CI runner, bastion) admitted on 443 to the private endpoint. */
  privateAccessSecurityGroupIds: string[];
  /** The IAM role `pulumi up` runs as (laptop and CI): cluster-admin through an explicit access entry. */
  deployerRoleArn?: string;
  logRetentionDays: number;
  /**
   * Planning figure for the cost model: GB of control-plane logs (audit
   * above all) ingested a month. Measure it (CloudWatch IncomingBytes) and
   * override it once the cluster runs.
   */
  expectedLogGbPerMonth: number;
  adminRoleArns: string[];
  readOnlyRoleArns: string[];
  systemNodeGroup: NodeGroupSettings;
  gpuNodeGroups: GpuNodeGroupSettings[];
  /** Cluster Autoscaler: scales GPU node groups to and from zero. */
  autoscaler: boolean;
}

/** Where Alertmanager sends alerts (lib/monitoring/values.ts AlertReceiver). */
export interface MonitoringReceiver {
  /** Receiver name, e.g. "oncall". */
  name: string;
  /** Severities it gets: "critical", "warning", "info". */
  severities: ("critical" | "warning" | "info")[];
  /** SNS topic ARN; default: the platform's alert topic. */
  topicArn?: string;
}

export interface MonitoringSettings {
  /** Days Prometheus keeps metrics. Size-based retention also caps it at 80 % of the volume. */
  retentionDays: number;
  /** gp3 volume of Prometheus, GB. */
  prometheusStorageGb: number;
  /** gp3 volume of Grafana, GB. */
  grafanaStorageGb: number;
  /** gp3 volume of Alertmanager, GB. */
  alertmanagerStorageGb: number;
  /**
   * Planning figure: active series Prometheus holds (kube-state-metrics,
   * kubelet/cAdvisor, node and GPU exporters, serving). Checks that the volume
   * holds retentionDays of them; measure it with prometheus_tsdb_head_series.
   */
  expectedActiveSeries: number;
  /** Alert receivers (SNS). Empty: alerts show in Alertmanager but notify nobody. */
  receivers: MonitoringReceiver[];
  /** Share of a model colour's requests failing with 5xx that pages. */
  servingErrorRatio: number;
  /** p95 latency (seconds) of a model colour above which it warns. */
  servingLatencySeconds: number;
  /** Minutes a GPU node may sit at 0 % before GpuNodeIdle fires. */
  idleGpuMinutes: number;
  /** Minutes a GPU pod may stay Pending before GpuPodsPending fires. */
  pendingGpuPodMinutes: number;
}

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
   * (S3 forceDestroy, ECR forceDelete). Off at every stage: a staging stack
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
      why: "No server to run: log experiments to a local MLflow (SQLite) whose artifacts go to the models bucket (README, 'Experiment tracking'), or to a hosted free tier.",
      settings: tracking(1),
    },
    monitoring: {
      enabled: false,
      why: "Nothing runs in the cloud, so there is nothing to watch.",
      settings: monitoring([]),
    },
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
      why: "The roadmap's 'production environment running on Kubernetes': one small system pool, one GPU pool that sits at 0 nodes until a GPU pod asks. Scale by hand; no autoscaler yet.",
      settings: {
        kubernetesVersion: KUBERNETES_VERSION,
        publicAccessCidrs: [],
        privateAccessCidrs: [],
        privateAccessSecurityGroupIds: [],
        logRetentionDays: 30,
        expectedLogGbPerMonth: 20,
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
  },
};
