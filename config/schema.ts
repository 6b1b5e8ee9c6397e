/**
 * The stack configuration a user may write, as zod schemas. Every key lives in
 * the `ml-platform:` namespace of a `stacks/Pulumi.<stack>.yaml` file, plus the
 * AWS provider's `aws:region`. Unknown keys are errors (a typo must not be
 * silently ignored), and every value is checked before any resource exists.
 */
import { z } from "zod";
import { isAcceleratedType, isNvidiaGpuType, looksLikeInstanceType, unsupportedAcceleratorReason } from "../lib/instance-types";
import { EKS_UNSUPPORTED_ZONE_IDS, ZONE_ID_PATTERN } from "../lib/eks";
import { SUPPORTED_KUBERNETES_VERSIONS } from "../lib/versions";
import { STAGES } from "./presets";

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const cidr = z
  .string()
  .regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d|[12]\d|3[0-2])$/, "must be an IPv4 CIDR such as 203.0.113.0/24")
  .refine((s) => s.split("/")[0]!.split(".").every((o) => Number(o) <= 255), "must be an IPv4 CIDR with octets 0-255");

const retentionDays = z
  .number()
  .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), `must be one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")}`)
  // The refinement is invisible to z.toJSONSchema; the editor schema lists the allowed values instead.
  .meta({ enum: [...LOG_RETENTION_DAYS] });

const count = (what: string) => z.number().int(`${what} must be a whole number`).min(0, `${what} cannot be negative`);

const zoneId = z
  .string()
  .regex(ZONE_ID_PATTERN, "must be an AZ ID such as use1-az1 or euw1-az2 (an ID, not a name like us-east-1a: names differ per account)")
  .refine((id) => !(EKS_UNSUPPORTED_ZONE_IDS as readonly string[]).includes(id), `cannot host EKS subnets (EKS refuses ${EKS_UNSUPPORTED_ZONE_IDS.join(", ")})`);

const securityGroupId = z.string().regex(/^sg-[0-9a-f]{8,17}$/, "must be a security group ID such as sg-0123456789abcdef0");

const roleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, "must be an IAM role ARN such as arn:aws:iam::123456789012:role/platform-admins");

const resourceName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/, "must be 2-22 characters of lower-case letters, digits and '-', starting with a letter");

const instanceType = z.string().refine(looksLikeInstanceType, "must be an EC2 instance type such as m6i.large");

const gpuInstanceType = instanceType.superRefine((t, ctx) => {
  if (!looksLikeInstanceType(t) || isNvidiaGpuType(t)) return;
  const reason = unsupportedAcceleratorReason(t);
  ctx.addIssue({
    code: "custom",
    message: reason
      ? `is not usable for a GPU node group (${reason}); use an NVIDIA x86_64 type such as g5.xlarge, g6.xlarge or p4d.24xlarge`
      : "is not a GPU instance type; GPU node groups take NVIDIA x86_64 types such as g4dn.xlarge, g5.xlarge, g6.xlarge, p4d.24xlarge",
  });
});

const cpuInstanceType = instanceType.refine(
  (t) => !isAcceleratedType(t),
  "is a GPU/accelerator type: the system node group runs CPU add-ons only (put GPUs in gpuNodeGroups)",
);

const enabled = z.boolean().optional();
/** The `enabled` toggle of a piece, described for the editor schema and the config reference (docs/). */
const toggle = (piece: string) => enabled.describe(`Deploy the ${piece} (true) or not (false). Default: the stage preset decides.`);

const sizes = {
  // Spot interruption notice: two minutes (EC2 user guide, "Spot Instance interruption notices", checked 2026-11-23).
  capacityType: z.enum(["ON_DEMAND", "SPOT"]).optional().describe("ON_DEMAND, or SPOT: cheaper (the cost model assumes 45 % of on-demand) but EC2 may take a node back with two minutes' notice."),
  minSize: count("minSize").optional().describe("Nodes the group never goes below (0 lets a GPU pool cost nothing while idle)."),
  desiredSize: count("desiredSize").optional().describe("Nodes at creation; afterwards the autoscaler or a manual scale owns it (`pulumi up` does not reset it)."),
  maxSize: count("maxSize").pipe(z.number().min(1, "maxSize must be at least 1")).optional().describe("Cap on nodes (for a GPU pool: summed over its per-AZ node groups); what the worst-case cost and the spend policies count."),
  diskSizeGb: z.number().int().min(20, "diskSizeGb must be at least 20 (GB)").max(16384).optional().describe("Root disk per node, GB (container images live there)."),
};

export const NetworkOverrides = z.strictObject({
  enabled: toggle("network (VPC, subnets, NAT)"),
  cidrBlock: cidr.refine((c) => {
    const prefix = Number(c.split("/")[1]);
    return prefix >= 16 && prefix <= 20;
  }, "must be a /16 to /20 block: EKS pods take VPC addresses").optional().describe("The VPC's IPv4 block, /16 to /20 (EKS pods take VPC addresses); give each environment its own so they can be peered."),
  azCount: z.number().int().min(2, "azCount must be 2 or 3").max(3, "azCount must be 2 or 3").optional().describe("Availability zones the subnets span: 2 or 3."),
  availabilityZoneIds: z.array(zoneId).min(2, "list at least 2 AZ IDs").max(3, "the layout has room for 3 AZs").optional().describe("AZ IDs to use, in order (the first azCount), e.g. [use1-az1, use1-az2]: IDs, not names, which differ per account. Default: the region's EKS-capable zone IDs, sorted."),
  natGateways: z.enum(["none", "single", "perAz"]).optional().describe("Outbound internet for the private subnets: none, one shared NAT gateway (cheap, one AZ), or one per AZ (survives an AZ outage)."),
  flowLogRetentionDays: z.union([z.literal(0), retentionDays]).optional().describe("Days VPC flow logs are kept in CloudWatch Logs; 0 turns flow logs off."),
  expectedFlowLogGbPerMonth: count("expectedFlowLogGbPerMonth").optional().describe("Planning figure for the cost model: GB of flow logs ingested a month."),
});

export const ArtifactOverrides = z.strictObject({
  enabled: toggle("artifact buckets (S3)"),
  buckets: z.array(resourceName).min(1).optional().describe("Logical bucket names, one private bucket each (physical name `mlp-<environment>-artifacts-<bucket>-<random>`)."),
  encryption: z.enum(["sse-s3", "sse-kms"]).optional().describe("sse-s3 (S3-managed keys, free) or sse-kms (a customer managed KMS key, rotated yearly)."),
  noncurrentVersionExpirationDays: z.number().int().min(1).max(3650).optional().describe("Days an overwritten or deleted object version is kept before it expires."),
  noncurrentToInfrequentAccessDays: z.union([z.literal(0), z.number().int().min(30, "Standard-IA needs at least 30 days")]).optional().describe("Days before old versions move to Standard-IA (at least 30); 0 keeps them in Standard."),
  abortIncompleteUploadDays: z.number().int().min(1).max(365).optional().describe("Days before unfinished multipart uploads are removed."),
  expectedStorageGb: count("expectedStorageGb").optional().describe("Planning figure for the cost model: GB stored across all buckets."),
});

export const RegistryOverrides = z.strictObject({
  enabled: toggle("container registry (ECR)"),
  repositories: z.array(resourceName).min(1).optional().describe("ECR repository names, one per image (immutable tags, scanned on push)."),
  untaggedExpiryDays: z.number().int().min(1).max(365).optional().describe("Days before untagged images (leftovers of re-pushed builds) expire."),
  keepLastImages: z.number().int().min(1).max(10000).optional().describe("Images kept per repository; older ones expire (keep enough to roll back)."),
  expectedStorageGb: count("expectedStorageGb").optional().describe("Planning figure for the cost model: GB of images stored."),
});

export const DatabaseOverrides = z.strictObject({
  enabled: toggle("metadata database (RDS PostgreSQL)"),
  engineVersion: z.string().regex(/^1[3-8](\.\d+)?$/, "must be a PostgreSQL version RDS offers, 13 to 18 (e.g. \"17\" or \"17.6\")").optional().describe("PostgreSQL major (\"17\") or major.minor (\"17.6\"); with a major only, RDS applies minor versions in the maintenance window."),
  instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "must be an RDS instance class such as db.t4g.small or db.m6g.large").optional().describe("RDS instance class, e.g. db.t4g.small or db.m6g.large."),
  allocatedStorageGb: z.number().int().min(20, "allocatedStorageGb must be at least 20 (GB)").max(65536).optional().describe("Storage at creation, GB (at least 20)."),
  maxAllocatedStorageGb: z.number().int().min(20).max(65536).optional().describe("Ceiling for RDS storage autoscaling, GB."),
  storageType: z.enum(["gp3", "io1", "io2"]).optional().describe("gp3 (3,000 IOPS included), or io1/io2 with provisioned iops."),
  iops: z.number().int().min(1000, "iops must be at least 1000").max(256000).optional().describe("Provisioned IOPS; needed for io1/io2."),
  multiAz: z.boolean().optional().describe("A synchronous standby in a second AZ with automatic failover (doubles the instance cost)."),
  backupRetentionDays: z.number().int().min(0, "backupRetentionDays cannot be negative").max(35, "RDS keeps automated backups at most 35 days").optional().describe("Days of automated backups and point-in-time recovery (0-35; 0 turns backups off)."),
  deletionProtection: z.boolean().optional().describe("RDS refuses to delete the instance while true."),
  performanceInsights: z.boolean().optional().describe("Performance Insights (Database Insights Standard, 7 days free); not on db.t*.micro/small."),
  databaseName: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "must be a PostgreSQL identifier: lower-case letters, digits, '_'").optional().describe("Name of the database created in the instance."),
  // Checked against the stack's region in config/resolve.ts (lib/operations/snapshot.ts).
  restoreFromSnapshot: z.string().min(1, "give a DB snapshot identifier or ARN").optional().describe("Create the database from this snapshot (identifier, rds: automated snapshot, awsbackup: recovery point, or ARN) instead of empty. Creation only: changing it later replaces the database (README, restore runbook)."),
});

export const GpuNodeGroupInput = z.strictObject({
  name: resourceName.describe("Pool name: used in resource names and the node label `ml-platform/node-group`, which GPU workloads select."),
  instanceTypes: z.array(gpuInstanceType).min(1, "give at least one GPU instance type").describe("NVIDIA x86_64 GPU instance types, e.g. [g5.xlarge, g6.xlarge]; the first is the one priced."),
  ...sizes,
});

export const ClusterOverrides = z.strictObject({
  enabled: toggle("GPU cluster (EKS)"),
  kubernetesVersion: z
    .string()
    .refine(
      (v) => (SUPPORTED_KUBERNETES_VERSIONS as readonly string[]).includes(v),
      `must be a Kubernetes minor whose charts and images lib/versions.ts pins: ${SUPPORTED_KUBERNETES_VERSIONS.join(", ")}`,
    )
    .meta({ enum: [...SUPPORTED_KUBERNETES_VERSIONS] })
    .optional()
    .describe("Kubernetes minor version of the control plane and nodes; only minors whose charts and images lib/versions.ts pins."),
  publicAccessCidrs: z.array(cidr).optional().describe("CIDRs allowed to reach the public API endpoint (office, VPN, CI egress); empty keeps the endpoint private."),
  privateAccessCidrs: z.array(cidr).optional().describe("Extra CIDRs (VPN, peered networks) admitted on 443 to the private API endpoint; the VPC's own block always is."),
  privateAccessSecurityGroupIds: z.array(securityGroupId).optional().describe("Security groups (a CI runner, a bastion) admitted on 443 to the private API endpoint."),
  deployerRoleArn: roleArn.optional().describe("The IAM role `pulumi up` runs as (laptop and CI): cluster-admin through an explicit access entry."),
  logRetentionDays: retentionDays.optional().describe("Days the control-plane logs are kept in CloudWatch Logs."),
  expectedLogGbPerMonth: count("expectedLogGbPerMonth").optional().describe("Planning figure for the cost model: GB of control-plane logs ingested a month (measure IncomingBytes once it runs)."),
  adminRoleArns: z.array(roleArn).optional().describe("IAM roles that get cluster-admin through EKS access entries."),
  readOnlyRoleArns: z.array(roleArn).optional().describe("IAM roles that get read-only (view) access through EKS access entries."),
  systemNodeGroup: z
    .strictObject({ instanceTypes: z.array(cpuInstanceType).min(1).optional().describe("CPU instance types of the system pool, e.g. [m6i.large]; the first is the one priced."), ...sizes })
    .optional()
    .describe("The CPU pool that runs the add-ons and platform services."),
  gpuNodeGroups: z.array(GpuNodeGroupInput).optional().describe("The GPU pools (replaces the preset's list): tainted, scale-to-zero, one node group per AZ."),
  autoscaler: z.boolean().optional().describe("Install the Cluster Autoscaler, which scales the GPU pools from zero and back."),
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

const quantity = z.union([z.string(), z.number()]).transform((v) => String(v));
const httpPath = z.string().regex(/^\/[\x21-\x7e]*$/, 'must be an HTTP path starting with "/"');
const seconds = (what: string) => z.number().int(`${what} must be whole seconds`).min(0, `${what} cannot be negative`);

const ColorReleaseInput = z.strictObject({
  image: z.string().min(1).optional().describe("Image of this colour: `<registry>/<repository>:<tag>` (this stack's ECR) or a full reference with a tag or digest."),
  modelUri: z.string().min(1).optional().describe("Model artifacts of this colour: `s3://<models-bucket>/<prefix>...`."),
  replicas: count("replicas").describe("Replicas of this colour; 0 keeps its Deployment at zero pods (no GPU cost)."),
});

export const ModelInput = z.strictObject({
  name: z.string().describe("Model name, a DNS label: names its Deployments, Services and IAM role."),
  image: z.string().min(1).optional().describe("MVP (no blue/green): the image, `<registry>/<repository>:<tag>` or a full reference with a tag or digest."),
  modelUri: z.string().min(1).optional().describe("MVP (no blue/green): the model artifacts, `s3://<models-bucket>/<prefix>...`."),
  replicas: count("replicas").optional().describe("MVP (no blue/green): pods of the model."),
  activeColor: z.enum(["blue", "green"]).optional().describe("Series B: the colour (blue or green) the live Service sends traffic to."),
  blue: ColorReleaseInput.optional().describe("Series B: what the blue colour runs."),
  green: ColorReleaseInput.optional().describe("Series B: what the green colour runs."),
  port: z.number().int().min(1).max(65535).optional().describe("Container port the model server listens on. Default 8080."),
  cpu: quantity.optional().describe("CPU request per pod, a Kubernetes quantity (\"2\", \"500m\"). Default 1."),
  memory: z.string().optional().describe("Memory request per pod (\"8Gi\"). Default 4Gi."),
  cpuLimit: quantity.optional().describe("CPU limit per pod; default: the request."),
  memoryLimit: z.string().optional().describe("Memory limit per pod; default: the request (no overcommit)."),
  gpus: count("gpus").optional().describe("NVIDIA GPUs per pod; 0 (default) runs the model on the CPU system pool."),
  gpuPool: z.string().optional().describe("GPU pool (cluster.gpuNodeGroups[].name) the pods run on; required when gpus > 0."),
  healthPath: httpPath.optional().describe("HTTP path of the liveness and startup probes. Default /health."),
  readinessPath: httpPath.optional().describe("HTTP path of the readiness probe; default: healthPath."),
  startupTimeoutSeconds: seconds("startupTimeoutSeconds").optional().describe("Longest a pod may take to load its model before it is restarted. Default 600."),
  drainSeconds: seconds("drainSeconds").optional().describe("preStop pause that lets endpoints and load balancers stop sending requests. Default 15."),
  shutdownSeconds: seconds("shutdownSeconds").optional().describe("Time after SIGTERM to finish in-flight requests. Default 30."),
  maxReplicas: z.number().int().min(1, "maxReplicas must be at least 1").optional().describe("HorizontalPodAutoscaler maximum per colour (required at Series B)."),
  targetCpuUtilization: z.number().int().min(1).max(100, "targetCpuUtilization is a percentage of the CPU request, 1-100").optional().describe("HorizontalPodAutoscaler target: average CPU use of the requests, percent. Default 70."),
  exposure: z
    .strictObject({
      type: z.enum(["cluster", "internal", "public"]).optional().describe("cluster: a ClusterIP Service only; internal: an internal NLB; public: an internet-facing NLB."),
      sourceRanges: z.array(cidr).optional().describe("CIDRs allowed to reach the load balancer (required for public)."),
    })
    .optional()
    .describe("Who can reach the model: cluster (ClusterIP only, default), internal (an internal NLB) or public (an internet-facing NLB, sourceRanges required)."),
  prefix: z.string().optional().describe("Prefix in the models bucket the model's role may read. Default `<name>/`."),
});

const namespaceName = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be a Kubernetes namespace name (lower-case letters, digits, '-')");

export const ServingOverrides = z.strictObject({
  enabled: toggle("model serving"),
  namespace: namespaceName.optional().describe("Kubernetes namespace of every serving object."),
  blueGreen: z.boolean().optional().describe("Two Deployments per model (blue and green) and a preview Service; the live Service switches between them."),
  autoscaling: z.boolean().optional().describe("A PodDisruptionBudget and a HorizontalPodAutoscaler per running colour."),
  maxGpus: count("maxGpus").optional().describe("GPUs the serving namespace may request at once (its ResourceQuota on requests.nvidia.com/gpu)."),
  viewerRoleArns: z.array(roleArn).optional().describe("IAM roles given read-only access to the serving namespace (EKS access entries, namespace scope)."),
  models: z.array(ModelInput).optional().describe("The models to serve."),
});

export const TrackingOverrides = z.strictObject({
  enabled: toggle("MLflow tracking server"),
  namespace: namespaceName.optional().describe("Kubernetes namespace of the tracking server."),
  image: z
    .string()
    .regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/, "must be an image reference with a tag or digest (the server must contain psycopg2 and boto3)")
    .refine((i) => !i.endsWith(":latest"), "must be pinned: not the tag latest")
    .optional()
    .describe("The MLflow server image, pinned by tag or digest (not latest); it must contain psycopg2 and boto3."),
  replicas: z.number().int().min(1, "replicas must be at least 1").max(5).optional().describe("Server replicas (stateless: the database and the bucket hold the state)."),
  workers: z.number().int().min(1).max(16).optional().describe("uvicorn workers per replica."),
  cpu: quantity.optional().describe("CPU request per replica (\"500m\")."),
  memory: z.string().optional().describe("Memory request per replica (\"1Gi\")."),
  memoryLimit: z.string().optional().describe("Memory limit per replica (\"2Gi\")."),
  artifactPrefix: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*\/$/, 'must be a key prefix ending in "/", such as "mlflow/"').optional().describe("Prefix in the models bucket where MLflow stores artifacts (\"mlflow/\")."),
});

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

const tagValue = z.string().min(1, "cannot be empty").max(256, "AWS tag values are at most 256 characters");

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
export type GpuNodeGroupInput = z.infer<typeof GpuNodeGroupInput>;

export const AWS_REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
