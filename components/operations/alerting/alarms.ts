/**
 * CloudWatch alarm definitions as plain data: what each alarm watches, its
 * threshold (derived from the resource's size where that matters) and what
 * the on-call person should do. Components turn them into
 * aws.cloudwatch.MetricAlarm resources with the resource's dimensions;
 * tests read them without the engine.
 */

export type Comparison = "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold" | "LessThanOrEqualToThreshold";
export type MissingData = "missing" | "notBreaching" | "breaching" | "ignore";

/** One metric of a metric-math alarm (the dimensions are added by the component). */
export interface MathMetric {
  id: string;
  metricName: string;
  stat: string;
}

export interface AlarmSpec {
  /** Suffix of the alarm name, e.g. "db-free-storage". */
  key: string;
  /** What fired and what to do: the alarm description, read in the page. */
  description: string;
  namespace: string;
  /** The dimension the component fills with the resource's id (DBInstanceIdentifier, NatGatewayId, ...). */
  dimension: string;
  /** A single-metric alarm... */
  metricName?: string;
  statistic?: "Average" | "Minimum" | "Maximum" | "Sum" | "SampleCount";
  /** ...or a metric-math alarm: the metrics and the expression over their ids. */
  math?: { metrics: MathMetric[]; expression: string; label: string };
  /** Seconds per datapoint. */
  period: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparisonOperator: Comparison;
  treatMissingData: MissingData;
  /** Metrics CloudWatch bills this alarm for (one per metric it reads; expressions are free). */
  billedMetrics: number;
}

const GIB = 1024 ** 3;

/** vCPUs by instance size, the same across the RDS families this table knows. */
const VCPUS_BY_SIZE: Record<string, number> = {
  large: 2,
  xlarge: 4,
  "2xlarge": 8,
  "4xlarge": 16,
  "8xlarge": 32,
  "12xlarge": 48,
  "16xlarge": 64,
  "24xlarge": 96,
};
/** Burstable classes' memory, GiB (t3 and t4g are the same). */
const BURSTABLE_GIB: Record<string, number> = { micro: 1, small: 2, medium: 4, large: 8, xlarge: 16, "2xlarge": 32 };
/** GiB of memory per vCPU: general purpose (m) 4, memory optimised (r) 8. */
const GIB_PER_VCPU: Record<string, number> = { m: 4, r: 8 };

/**
 * Memory of an RDS instance class in GiB, from AWS's instance class tables
 * (db.t4g.small 2, db.m6g.large 8, db.r6g.large 16; RDS user guide, "Hardware
 * specifications for DB instance classes", checked 2026-11-23); undefined for
 * a family this table does not know.
 */
export function rdsMemoryGiB(instanceClass: string): number | undefined {
  const m = /^db\.([a-z]+)(\d+)([a-z]*)\.([a-z0-9]+)$/.exec(instanceClass);
  if (!m) return undefined;
  const [, family, , , size] = m as unknown as [string, string, string, string, string];
  if (family === "t") return BURSTABLE_GIB[size];
  const perVcpu = GIB_PER_VCPU[family];
  const vcpus = VCPUS_BY_SIZE[size];
  return perVcpu !== undefined && vcpus !== undefined ? perVcpu * vcpus : undefined;
}

/**
 * RDS for PostgreSQL's default max_connections: LEAST({DBInstanceClassMemory/9531392}, 5000)
 * (RDS user guide, "Maximum number of database connections", checked 2026-11-23).
 * DBInstanceClassMemory is the class's memory less what RDS reserves, so the
 * real limit is a little lower than this; the alarm threshold is a share of it.
 */
export function postgresMaxConnections(instanceClass: string): number | undefined {
  const gib = rdsMemoryGiB(instanceClass);
  return gib === undefined ? undefined : Math.min(Math.floor((gib * GIB) / 9531392), 5000);
}

export interface DatabaseAlarmInput {
  instanceClass: string;
  allocatedStorageGb: number;
  /** Storage autoscaling ceiling; when above allocatedStorageGb, RDS grows the volume itself. */
  maxAllocatedStorageGb: number;
  cpuPercent: number;
  freeStoragePercent: number;
  connectionsPercent: number;
  /** Overrides the class-derived max_connections (a custom parameter group, an unknown class). */
  maxConnections?: number;
}

/**
 * Alarms on the metadata database (AWS/RDS, dimension DBInstanceIdentifier;
 * FreeStorageSpace is in bytes, CPUUtilization in percent, DatabaseConnections
 * a count; RDS user guide, "Amazon CloudWatch metrics for Amazon RDS", checked 2026-11-23).
 */
export function databaseAlarms(d: DatabaseAlarmInput): AlarmSpec[] {
  const maxConnections = d.maxConnections ?? postgresMaxConnections(d.instanceClass);
  if (maxConnections === undefined) throw new Error(`no default max_connections known for ${d.instanceClass}; pass maxConnections`);
  const freeGb = (d.allocatedStorageGb * d.freeStoragePercent) / 100;
  const autoscaling = d.maxAllocatedStorageGb > d.allocatedStorageGb;
  const common = { namespace: "AWS/RDS", dimension: "DBInstanceIdentifier", period: 300, billedMetrics: 1 } as const;
  return [
    {
      ...common,
      key: "db-free-storage",
      description:
        `Database free storage below ${freeGb} GB (${d.freeStoragePercent}% of the ${d.allocatedStorageGb} GB allocated). ` +
        (autoscaling
          ? `Storage autoscaling (up to ${d.maxAllocatedStorageGb} GB) should have grown the volume: check whether it reached its ceiling or grew less than 6 hours ago, then raise database.maxAllocatedStorageGb. `
          : "Raise database.allocatedStorageGb and run pulumi up. ") +
        "At 0 the database stops accepting writes and MLflow fails.",
      metricName: "FreeStorageSpace",
      statistic: "Minimum",
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      threshold: Math.round(freeGb * GIB),
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "missing",
    },
    {
      ...common,
      key: "db-cpu",
      description:
        `Database CPU above ${d.cpuPercent}% for 15 minutes (${d.instanceClass}). Look for slow queries (Performance Insights, or the slow query log: ` +
        "statements over 1 s are logged), then size up database.instanceClass if the load is real.",
      metricName: "CPUUtilization",
      statistic: "Average",
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      threshold: d.cpuPercent,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "missing",
    },
    {
      ...common,
      key: "db-connections",
      description:
        `Database connections above ${d.connectionsPercent}% of max_connections (~${maxConnections} on ${d.instanceClass}) for 15 minutes. ` +
        "New connections will soon be refused: look for a client leaking connections (MLflow workers, jobs), pool them, or size up the instance class.",
      metricName: "DatabaseConnections",
      statistic: "Maximum",
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      threshold: Math.floor((maxConnections * d.connectionsPercent) / 100),
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "missing",
    },
  ];
}

/**
 * Alarms on one NAT gateway (AWS/NATGateway, dimension NatGatewayId). AWS's
 * guidance: any ErrorPortAllocation means too many concurrent connections to
 * one destination; PacketsDropCount above 0.01 % of the traffic means a NAT
 * gateway problem worth checking on the AWS Health dashboard (VPC user guide,
 * "Monitor NAT gateways with Amazon CloudWatch", checked 2026-11-23).
 */
export function natGatewayAlarms(): AlarmSpec[] {
  const common = { namespace: "AWS/NATGateway", dimension: "NatGatewayId", period: 300 } as const;
  return [
    {
      ...common,
      key: "port-allocation",
      description:
        "The NAT gateway could not allocate a source port: pods in the private subnets lose outbound connections (image pulls, model downloads, external APIs). " +
        "Usually too many concurrent connections to one destination: spread them (connection reuse), or add NAT gateways / secondary IPs.",
      metricName: "ErrorPortAllocation",
      statistic: "Sum",
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      billedMetrics: 1,
    },
    {
      ...common,
      key: "packet-drops",
      description:
        "The NAT gateway dropped more than 0.01% of its packets for 15 minutes. Check the AWS Health dashboard for the VPC's region; " +
        "outbound traffic from the private subnets of this AZ is degraded.",
      math: {
        metrics: [
          { id: "drops", metricName: "PacketsDropCount", stat: "Sum" },
          { id: "fromSource", metricName: "PacketsInFromSource", stat: "Sum" },
          { id: "fromDestination", metricName: "PacketsInFromDestination", stat: "Sum" },
        ],
        expression: "IF((fromSource + fromDestination) > 0, 100 * drops / (fromSource + fromDestination), 0)",
        label: "Dropped packets (%)",
      },
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      threshold: 0.01,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      billedMetrics: 3,
    },
  ];
}

/**
 * The alarm on a Route 53 health check: HealthCheckStatus (1 healthy, 0 not)
 * in AWS/Route53, dimension HealthCheckId. Route 53 publishes these metrics
 * in us-east-1 only ("Route 53 metrics are not available if you select any
 * other region", Route 53 developer guide, "Monitoring health checks using
 * CloudWatch", checked 2026-11-23), so the alarm, and the SNS topic it
 * notifies, live in us-east-1 whatever the stack's region.
 */
export function healthCheckAlarm(endpoint: { name: string; host: string; path: string }): AlarmSpec {
  return {
    key: `${endpoint.name}-down`,
    description:
      `https://${endpoint.host}${endpoint.path} fails Route 53's health checkers (from outside AWS). Customers cannot reach the model. ` +
      "Check the load balancer's targets and the serving pods (kubectl get pods -A), the cluster's nodes, and the certificate.",
    namespace: "AWS/Route53",
    dimension: "HealthCheckId",
    metricName: "HealthCheckStatus",
    statistic: "Minimum",
    period: 60,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    threshold: 1,
    comparisonOperator: "LessThanThreshold",
    // No data means the health check itself is gone or disabled: treat as down.
    treatMissingData: "breaching",
    billedMetrics: 1,
  };
}

/**
 * The alarm on the in-VPC canary: SuccessPercent in CloudWatchSynthetics,
 * dimension CanaryName (CloudWatch user guide, "CloudWatch metrics published
 * by canaries", checked 2026-11-23). Two failed periods out of three; no data
 * (the canary stopped) counts as failing.
 */
export function canaryAlarm(intervalMinutes: number, urls: string[]): AlarmSpec {
  return {
    key: "internal-endpoints-down",
    description:
      `The in-VPC canary failed twice in 3 runs: one of ${urls.join(", ")} did not answer 2xx/3xx. ` +
      "Open the canary's last run in CloudWatch Synthetics (its log names the URL), then check that service's pods and load balancer.",
    namespace: "CloudWatchSynthetics",
    dimension: "CanaryName",
    metricName: "SuccessPercent",
    statistic: "Average",
    period: intervalMinutes * 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    threshold: 100,
    comparisonOperator: "LessThanThreshold",
    treatMissingData: "breaching",
    billedMetrics: 1,
  };
}

/** Minutes per datapoint of the heartbeat alarm: SNS sends its topic metrics to CloudWatch every 5 minutes. */
export const HEARTBEAT_PERIOD_SECONDS = 300;
/** Silent periods in a row that page: 15 minutes without a Watchdog message. */
export const HEARTBEAT_SILENT_PERIODS = 3;

/**
 * The dead man's switch on the heartbeat topic: Alertmanager publishes the
 * always-firing Watchdog alert there every 5-6 minutes (components/monitoring/values.ts
 * HEARTBEAT_REPEAT_INTERVAL), and this alarm fires when fewer than 1 message
 * arrives in each of 3 five-minute periods. NumberOfMessagesPublished (Sum)
 * in AWS/SNS, dimension TopicName; SNS sends topic metrics to CloudWatch every
 * 5 minutes (SNS developer guide, "Monitoring Amazon SNS topics using
 * CloudWatch"; the AWS CDK's generated SNS metrics use the same namespace,
 * metric, statistic and dimension; checked 2026-11-23). A topic nothing
 * publishes to has no datapoints at all, not zeros, so missing data must
 * count as breaching, or the alarm would sit in INSUFFICIENT_DATA exactly
 * when Prometheus or Alertmanager is dead (CloudWatch user guide,
 * "Configuring how CloudWatch alarms treat missing data", checked 2026-11-23).
 */
export function watchdogHeartbeatAlarm(): AlarmSpec {
  return {
    key: "watchdog-heartbeat",
    description:
      "No Watchdog heartbeat from Alertmanager for 15 minutes: in-cluster monitoring is down, so no Prometheus alert can reach anyone. " +
      "Check the monitoring namespace (kubectl -n monitoring get pods: Prometheus, Alertmanager, the operator), the nodes of the system pool, " +
      "and whether Alertmanager can publish to SNS (its logs; AlertmanagerFailedToSendAlerts; the IRSA role and the topic's KMS key).",
    namespace: "AWS/SNS",
    dimension: "TopicName",
    metricName: "NumberOfMessagesPublished",
    statistic: "Sum",
    period: HEARTBEAT_PERIOD_SECONDS,
    evaluationPeriods: HEARTBEAT_SILENT_PERIODS,
    datapointsToAlarm: HEARTBEAT_SILENT_PERIODS,
    threshold: 1,
    comparisonOperator: "LessThanThreshold",
    treatMissingData: "breaching",
    billedMetrics: 1,
  };
}
