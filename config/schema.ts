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
import { ArtifactStoreSettings } from "../components/data/artifact-store.schema";
import { ContainerRegistrySettings } from "../components/data/container-registry.schema";
import { overridesOf } from "../lib/validate";

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const cidr = z
  .string()
  .regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d|[12]\d|3[0-2])$/, "must be an IPv4 CIDR such as 203.0.113.0/24")
  .refine((s) => s.split("/")[0]!.split(".").every((o) => Number(o) <= 255), "must be an IPv4 CIDR with octets 0-255");

const retentionDays = z
  .number()
  .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), `must be one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")}`);

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

const sizes = {
  capacityType: z.enum(["ON_DEMAND", "SPOT"]).optional(),
  minSize: count("minSize").optional(),
  desiredSize: count("desiredSize").optional(),
  maxSize: count("maxSize").pipe(z.number().min(1, "maxSize must be at least 1")).optional(),
  diskSizeGb: z.number().int().min(20, "diskSizeGb must be at least 20 (GB)").max(16384).optional(),
};

export const NetworkOverrides = z.strictObject({
  enabled,
  cidrBlock: cidr.refine((c) => {
    const prefix = Number(c.split("/")[1]);
    return prefix >= 16 && prefix <= 20;
  }, "must be a /16 to /20 block: EKS pods take VPC addresses").optional(),
  azCount: z.number().int().min(2, "azCount must be 2 or 3").max(3, "azCount must be 2 or 3").optional(),
  availabilityZoneIds: z.array(zoneId).min(2, "list at least 2 AZ IDs").max(3, "the layout has room for 3 AZs").optional(),
  natGateways: z.enum(["none", "single", "perAz"]).optional(),
  flowLogRetentionDays: z.union([z.literal(0), retentionDays]).optional(),
  expectedFlowLogGbPerMonth: count("expectedFlowLogGbPerMonth").optional(),
});

// Built from the components' own schemas (one source of truth): the same
// fields and rules, each optional and without its default, plus the toggle
// and the cost model's planning figure.
export const ArtifactOverrides = overridesOf(ArtifactStoreSettings).extend({
  enabled,
  expectedStorageGb: count("expectedStorageGb").optional().describe("Planning figure for the cost model: GB stored across all buckets."),
});

export const RegistryOverrides = overridesOf(ContainerRegistrySettings).extend({
  enabled,
  expectedStorageGb: count("expectedStorageGb").optional().describe("Planning figure for the cost model: GB of images stored."),
});

export const DatabaseOverrides = z.strictObject({
  enabled,
  engineVersion: z.string().regex(/^1[3-8](\.\d+)?$/, "must be a PostgreSQL version RDS offers, 13 to 18 (e.g. \"17\" or \"17.6\")").optional(),
  instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "must be an RDS instance class such as db.t4g.small or db.m6g.large").optional(),
  allocatedStorageGb: z.number().int().min(20, "allocatedStorageGb must be at least 20 (GB)").max(65536).optional(),
  maxAllocatedStorageGb: z.number().int().min(20).max(65536).optional(),
  storageType: z.enum(["gp3", "io1", "io2"]).optional(),
  iops: z.number().int().min(1000, "iops must be at least 1000").max(256000).optional(),
  multiAz: z.boolean().optional(),
  backupRetentionDays: z.number().int().min(0, "backupRetentionDays cannot be negative").max(35, "RDS keeps automated backups at most 35 days").optional(),
  deletionProtection: z.boolean().optional(),
  performanceInsights: z.boolean().optional(),
  databaseName: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "must be a PostgreSQL identifier: lower-case letters, digits, '_'").optional(),
  // Checked against the stack's region in config/resolve.ts (lib/operations/snapshot.ts).
  restoreFromSnapshot: z.string().min(1, "give a DB snapshot identifier or ARN").optional(),
});

export const GpuNodeGroupInput = z.strictObject({
  name: resourceName,
  instanceTypes: z.array(gpuInstanceType).min(1, "give at least one GPU instance type"),
  ...sizes,
});

export const ClusterOverrides = z.strictObject({
  enabled,
  kubernetesVersion: z
    .string()
    .refine(
      (v) => (SUPPORTED_KUBERNETES_VERSIONS as readonly string[]).includes(v),
      `must be a Kubernetes minor whose charts and images lib/versions.ts pins: ${SUPPORTED_KUBERNETES_VERSIONS.join(", ")}`,
    )
    .optional(),
  publicAccessCidrs: z.array(cidr).optional(),
  privateAccessCidrs: z.array(cidr).optional(),
  privateAccessSecurityGroupIds: z.array(securityGroupId).optional(),
  deployerRoleArn: roleArn.optional(),
  logRetentionDays: retentionDays.optional(),
  expectedLogGbPerMonth: count("expectedLogGbPerMonth").optional(),
  adminRoleArns: z.array(roleArn).optional(),
  readOnlyRoleArns: z.array(roleArn).optional(),
  systemNodeGroup: z.strictObject({ instanceTypes: z.array(cpuInstanceType).min(1).optional(), ...sizes }).optional(),
  gpuNodeGroups: z.array(GpuNodeGroupInput).optional(),
  autoscaler: z.boolean().optional(),
});

const snsTopicArn = z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, "must be an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:oncall");

export const MonitoringReceiverInput = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, "must be 1-40 characters of lower-case letters, digits and '-', starting with a letter").refine((n) => n !== "null", '"null" is reserved (it is the receiver that drops alerts)'),
  severities: z.array(z.enum(["critical", "warning", "info"])).min(1, "give at least one severity (critical, warning, info)"),
  topicArn: snsTopicArn.optional(),
});

/**
 * Monitoring (Series B). Retention and storage are bounded here, because an
 * unbounded Prometheus grows until its volume is full and it stops
 * ingesting; the policy pack checks the same bounds on the deployed release.
 */
export const MonitoringOverrides = z.strictObject({
  enabled,
  retentionDays: z.number().int("retentionDays must be a whole number of days").min(1, "retentionDays must be at least 1").max(365, "retentionDays is at most 365: for longer history, ship metrics to long-term storage (Thanos, Amazon Managed Prometheus) instead of growing one volume").optional(),
  prometheusStorageGb: z.number().int().min(10, "prometheusStorageGb must be at least 10 (GB)").max(2000, "prometheusStorageGb is at most 2000 (GB): beyond that, one Prometheus is the wrong tool").optional(),
  grafanaStorageGb: z.number().int().min(1, "grafanaStorageGb must be at least 1 (GB)").max(100).optional(),
  alertmanagerStorageGb: z.number().int().min(1, "alertmanagerStorageGb must be at least 1 (GB)").max(50).optional(),
  expectedActiveSeries: z.number().int().min(1000, "expectedActiveSeries must be at least 1000").optional(),
  receivers: z.array(MonitoringReceiverInput).optional(),
  servingErrorRatio: z.number().gt(0, "servingErrorRatio must be above 0").lt(1, "servingErrorRatio is a share of requests, below 1 (0.05 = 5 %)").optional(),
  servingLatencySeconds: z.number().gt(0, "servingLatencySeconds must be above 0").max(600).optional(),
  idleGpuMinutes: z.number().int().min(5, "idleGpuMinutes must be at least 5").max(1440).optional(),
  pendingGpuPodMinutes: z.number().int().min(5, "pendingGpuPodMinutes must be at least 5: a GPU node takes minutes to start").max(1440).optional(),
});

// ------------------------------------------------------------- serving, tracking

const quantity = z.union([z.string(), z.number()]).transform((v) => String(v));
const httpPath = z.string().regex(/^\/[\x21-\x7e]*$/, 'must be an HTTP path starting with "/"');
const seconds = (what: string) => z.number().int(`${what} must be whole seconds`).min(0, `${what} cannot be negative`);

const ColorReleaseInput = z.strictObject({
  image: z.string().min(1).optional(),
  modelUri: z.string().min(1).optional(),
  replicas: count("replicas"),
});

export const ModelInput = z.strictObject({
  name: z.string(),
  image: z.string().min(1).optional(),
  modelUri: z.string().min(1).optional(),
  replicas: count("replicas").optional(),
  activeColor: z.enum(["blue", "green"]).optional(),
  blue: ColorReleaseInput.optional(),
  green: ColorReleaseInput.optional(),
  port: z.number().int().min(1).max(65535).optional(),
  cpu: quantity.optional(),
  memory: z.string().optional(),
  cpuLimit: quantity.optional(),
  memoryLimit: z.string().optional(),
  gpus: count("gpus").optional(),
  gpuPool: z.string().optional(),
  healthPath: httpPath.optional(),
  readinessPath: httpPath.optional(),
  startupTimeoutSeconds: seconds("startupTimeoutSeconds").optional(),
  drainSeconds: seconds("drainSeconds").optional(),
  shutdownSeconds: seconds("shutdownSeconds").optional(),
  maxReplicas: z.number().int().min(1, "maxReplicas must be at least 1").optional(),
  targetCpuUtilization: z.number().int().min(1).max(100, "targetCpuUtilization is a percentage of the CPU request, 1-100").optional(),
  exposure: z.strictObject({ type: z.enum(["cluster", "internal", "public"]).optional(), sourceRanges: z.array(cidr).optional() }).optional(),
  prefix: z.string().optional(),
});

const namespaceName = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be a Kubernetes namespace name (lower-case letters, digits, '-')");

export const ServingOverrides = z.strictObject({
  enabled,
  namespace: namespaceName.optional(),
  blueGreen: z.boolean().optional(),
  autoscaling: z.boolean().optional(),
  maxGpus: count("maxGpus").optional(),
  viewerRoleArns: z.array(roleArn).optional(),
  models: z.array(ModelInput).optional(),
});

export const TrackingOverrides = z.strictObject({
  enabled,
  namespace: namespaceName.optional(),
  image: z
    .string()
    .regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/, "must be an image reference with a tag or digest (the server must contain psycopg2 and boto3)")
    .refine((i) => !i.endsWith(":latest"), "must be pinned: not the tag latest")
    .optional(),
  replicas: z.number().int().min(1, "replicas must be at least 1").max(5).optional(),
  workers: z.number().int().min(1).max(16).optional(),
  cpu: quantity.optional(),
  memory: z.string().optional(),
  memoryLimit: z.string().optional(),
  artifactPrefix: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._\/-]*\/$/, 'must be a key prefix ending in "/", such as "mlflow/"').optional(),
});

const percent = (what: string) => z.number().min(1, `${what} must be 1-99 (%)`).max(99, `${what} must be 1-99 (%)`);

const email = z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "must be an e-mail address such as oncall@example.com");

const httpsUrl = z.string().regex(/^https:\/\/[^\s/]+(\/\S*)?$/, "must be an https:// URL (an SNS integration URL of your pager, or a webhook relay)");

const hostName = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a public DNS host name in lower case, such as models.example.com");

export const AlertOverrides = z.strictObject({
  enabled,
  emails: z.array(email).optional(),
  httpsEndpoints: z.array(httpsUrl).optional(),
  databaseAlarms: z.boolean().optional(),
  natGatewayAlarms: z.boolean().optional(),
  databaseCpuPercent: percent("databaseCpuPercent").optional(),
  databaseFreeStoragePercent: percent("databaseFreeStoragePercent").optional(),
  databaseConnectionsPercent: percent("databaseConnectionsPercent").optional(),
  databaseMaxConnections: z.number().int().min(10).max(5000, "RDS PostgreSQL caps the default at 5000").optional(),
});

export const BackupOverrides = z.strictObject({
  enabled,
  // AWS Backup's lifecycle deletes a recovery point DeleteAfterDays after creation (at least 1).
  dailyRetentionDays: z.number().int().min(1, "dailyRetentionDays must be at least 1").max(36500).optional(),
  monthlyRetentionDays: z.union([z.literal(0), z.number().int().min(32, "monthly snapshots must outlive a month (32 days or more), or 0 for none").max(36500)]).optional(),
  startHourUtc: z.number().int().min(0).max(23, "startHourUtc is an hour, 0-23").optional(),
  expectedStorageGb: count("expectedStorageGb").optional(),
});

export const PublicEndpointInput = z.strictObject({
  name: resourceName,
  host: hostName,
  path: z.string().regex(/^\/\S{0,254}$/, "must be a path starting with /, such as /healthz").optional(),
  port: z.number().int().min(1).max(65535).optional(),
});

export const InternalUrlInput = z.strictObject({
  name: resourceName,
  url: z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, "must be an http:// or https:// URL reachable from the private subnets"),
});

export const HealthCheckOverrides = z.strictObject({
  enabled,
  publicEndpoints: z.array(PublicEndpointInput).optional(),
  internalUrls: z.array(InternalUrlInput).max(20, "one canary checks at most 20 URLs; split them over stacks or raise the timeout").optional(),
  canaryIntervalMinutes: z.number().int().min(1, "Synthetics runs a canary at most once a minute").max(60).optional(),
  // Synthetics keeps run data 1-455 days; the S3 lifecycle follows the same bound.
  canaryArtifactRetentionDays: z.number().int().min(1).max(455).optional(),
});

export const PredictionMonitoringOverrides = z.strictObject({
  enabled,
  image: z
    .string()
    .regex(/^[a-z0-9][A-Za-z0-9._\-/:@]*$/, "must be a container image reference such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/drift-report:1.4.0")
    .refine((s) => /[:@]/.test(s.split("/").pop() ?? ""), "must pin a tag or digest (…:1.4.0 or …@sha256:…); an unpinned image changes under you")
    .optional(),
  args: z.array(z.string()).optional(),
  schedule: z.string().regex(/^(\S+\s+){4}\S+$/, "must be a 5-field cron schedule such as \"0 6 * * *\"").optional(),
  bucket: resourceName.optional(),
  predictionsPrefix: z.string().regex(/^[A-Za-z0-9!_.*'()\-/]+$/, "must be an S3 key prefix such as predictions/").optional(),
  reportsPrefix: z.string().regex(/^[A-Za-z0-9!_.*'()\-/]+$/, "must be an S3 key prefix such as prediction-reports/").optional(),
  cpuMillis: z.number().int().min(50).max(16000).optional(),
  memoryMiB: z.number().int().min(128).max(65536).optional(),
  timeoutHours: z.number().int().min(1).max(24).optional(),
});

const tagValue = z.string().min(1, "cannot be empty").max(256, "AWS tag values are at most 256 characters");

/** The `ml-platform:*` keys of a stack file. */
export const StackConfig = z.strictObject({
  stage: z.enum(STAGES),
  environment: resourceName,
  tags: z
    .object({ owner: tagValue, costCenter: tagValue })
    .catchall(tagValue),
  protectStatefulResources: z.boolean().optional(),
  allowDestroyWithData: z.boolean().optional(),
  network: NetworkOverrides.optional(),
  artifacts: ArtifactOverrides.optional(),
  registry: RegistryOverrides.optional(),
  database: DatabaseOverrides.optional(),
  cluster: ClusterOverrides.optional(),
  serving: ServingOverrides.optional(),
  tracking: TrackingOverrides.optional(),
  /** Sentry DSN for the serving pods; must be stored encrypted (pulumi config set --secret). */
  sentryDsn: z.string().min(1).optional(),
  monitoring: MonitoringOverrides.optional(),
  alerts: AlertOverrides.optional(),
  backup: BackupOverrides.optional(),
  healthChecks: HealthCheckOverrides.optional(),
  predictionMonitoring: PredictionMonitoringOverrides.optional(),
});
export type StackConfig = z.infer<typeof StackConfig>;
export type GpuNodeGroupInput = z.infer<typeof GpuNodeGroupInput>;

export const AWS_REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
