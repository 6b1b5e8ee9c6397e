/**
 * Cost rules for the operations pieces (alarms, health checks, canary, AWS
 * Backup; the SNS topic is usage-based in cost/model.ts): priced from the resources' own inputs, so the plan and
 * the policy pack agree. A resource placed in another region (the Route 53
 * alarms in us-east-1) is priced with that region's table.
 *
 * Alarm and canary-run prices are known for all nine regions of the table;
 * AWS Backup's RDS snapshot storage only where a snapshot of the price list
 * gave it (us-east-1, eu-west-2): elsewhere it is a declared gap
 * (cost/price-data/sources/known-gaps.csv) and the vault is unpriced, with the
 * gap's reason, never priced at another region's rate (checked 2026-11-23).
 */
import { canaryRunsPerMonth } from "../components/operations/health-checks/canary";
import { PLANNED_STORAGE_GB_TAG, plannedGbOf } from "../lib/tags";
import { RegionPrices, gapReason, pricesFor, type PriceField } from "./prices";
import type { CostInput, Outcome, UsageAssumptions } from "./rule";

/** Types that cost nothing themselves: policies, subscriptions (deliveries bill on the topic), backup plans and selections (the vault's storage bills), rules for AWS service events (free on the default bus), the canary's code object (in its priced bucket). */
export const OPERATIONS_FREE_TYPES = [
  "aws:sns/topicPolicy:TopicPolicy",
  "aws:sns/topicSubscription:TopicSubscription",
  "aws:backup/plan:Plan",
  "aws:backup/selection:Selection",
  "aws:cloudwatch/eventRule:EventRule",
  "aws:cloudwatch/eventTarget:EventTarget",
  "aws:s3/bucketObjectv2:BucketObjectv2",
];

const usd = (n: number) => `$${n >= 1 ? n.toFixed(2) : n.toFixed(4).replace(/0{1,2}$/, "")}`;

/** Why a region has no price for a field: the declared gap's reason when there is one. */
function missing(p: RegionPrices, field: PriceField, what: string): Outcome {
  const why = gapReason(p.region, field);
  return { kind: "unpriced", reason: `no ${p.region} price for ${what}${why ? ` (${why})` : ""}` };
}

function regional(r: CostInput, p: RegionPrices): RegionPrices | undefined {
  const own = r.inputs.region;
  return typeof own === "string" && own && own !== p.region ? pricesFor(own) : p;
}

/** Metrics CloudWatch bills an alarm for: one, or each metric a metric-math alarm reads (expressions are free). */
export function alarmMetricCount(inputs: Record<string, unknown>): number {
  const queries = inputs.metricQueries as { metric?: unknown }[] | undefined;
  return queries?.length ? queries.filter((q) => q.metric).length : 1;
}

/** Optional features of a Route 53 health check that bill extra: HTTPS, string matching, 10 s interval, latency graphs. */
export function healthCheckFeatures(inputs: Record<string, unknown>): string[] {
  const type = String(inputs.type ?? "");
  const features: string[] = [];
  if (type.startsWith("HTTPS")) features.push("HTTPS");
  if (type.endsWith("STR_MATCH")) features.push("string matching");
  if (inputs.requestInterval === 10) features.push("fast interval");
  if (inputs.measureLatency === true) features.push("latency measurement");
  return features;
}

export function priceOperations(r: CostInput, stackPrices: RegionPrices, usage: UsageAssumptions): Outcome | undefined {
  const handled = ["aws:cloudwatch/metricAlarm:MetricAlarm", "aws:route53/healthCheck:HealthCheck", "aws:synthetics/canary:Canary", "aws:backup/vault:Vault"];
  if (!handled.includes(r.type)) return undefined;
  const p = regional(r, stackPrices);
  if (!p) return { kind: "unpriced", reason: `no price table for region ${String(r.inputs.region)}` };
  switch (r.type) {
    case "aws:cloudwatch/metricAlarm:MetricAlarm": {
      if (p.cloudwatchAlarmPerMetricMonth === undefined) return missing(p, "cloudwatchAlarmPerMetricMonth", "CloudWatch alarms");
      const period = Number(
        r.inputs.period ?? (r.inputs.metricQueries as { metric?: { period?: number } }[] | undefined)?.find((q) => q.metric)?.metric?.period ?? 60,
      );
      if (period < 60) return { kind: "unpriced", reason: "high-resolution alarms (period under 60 s) are not in the price table" };
      const n = alarmMetricCount(r.inputs);
      const monthly = n * p.cloudwatchAlarmPerMetricMonth;
      return {
        kind: "priced",
        expected: monthly,
        worst: monthly,
        basis: `${n} alarm metric${n === 1 ? "" : "s"} x ${usd(p.cloudwatchAlarmPerMetricMonth)}/month (standard resolution, ${p.region})`,
      };
    }
    case "aws:route53/healthCheck:HealthCheck": {
      // Route 53 is global: one health-check price in every region (AmazonRoute53 is a regionless offer, usage types
      // Health-Check-AWS / Health-Check-Non-AWS carry no region prefix; source R53 in cost/price-data/sources/sources.json,
      // checked 2026-11-23), so the table holds it for every region under "*".
      const { awsEndpoint, nonAwsEndpoint, awsOptionalFeature, nonAwsOptionalFeature } = p.route53HealthCheck;
      if (awsEndpoint === undefined || nonAwsEndpoint === undefined || awsOptionalFeature === undefined || nonAwsOptionalFeature === undefined)
        return { kind: "unpriced", reason: "no price for Route 53 health checks" };
      const h = { awsEndpoint, nonAwsEndpoint, awsOptionalFeature, nonAwsOptionalFeature };
      const type = String(r.inputs.type ?? "");
      if (type === "CALCULATED" || type === "CLOUDWATCH_METRIC" || type === "RECOVERY_CONTROL")
        return { kind: "priced", expected: h.awsEndpoint, worst: h.awsEndpoint, basis: `${type} health check ${usd(h.awsEndpoint)}/month` };
      const f = healthCheckFeatures(r.inputs);
      const expected = h.awsEndpoint + f.length * h.awsOptionalFeature;
      const worst = h.nonAwsEndpoint + f.length * h.nonAwsOptionalFeature;
      return {
        kind: "priced",
        expected,
        worst,
        basis:
          `endpoint health check ${usd(h.awsEndpoint)}${f.length ? ` + ${f.join(", ")} at ${usd(h.awsOptionalFeature)} each` : ""} for an AWS endpoint in this account (a load balancer); ` +
          `${usd(worst)} if Route 53 bills it as a non-AWS endpoint`,
      };
    }
    case "aws:synthetics/canary:Canary": {
      if (p.syntheticsPerCanaryRun === undefined) return missing(p, "syntheticsPerCanaryRun", "Synthetics canary runs");
      const expression = String((r.inputs.schedule as { expression?: string } | undefined)?.expression ?? "");
      const runs = canaryRunsPerMonth(expression);
      if (runs === undefined) return { kind: "unpriced", reason: `cannot count the runs of schedule "${expression}" (only rate(...) schedules are counted)` };
      const running = r.inputs.startCanary !== false;
      const monthly = runs * p.syntheticsPerCanaryRun;
      return {
        kind: "priced",
        expected: running ? monthly : 0,
        worst: monthly,
        basis: `${runs.toLocaleString("en-US")} runs a month (${expression}) x ${usd(p.syntheticsPerCanaryRun)} per run${running ? "" : "; stopped, so only at worst"}`,
        usage: "the Lambda duration, S3 artifacts and CloudWatch Logs of each run",
      };
    }
    case "aws:backup/vault:Vault": {
      const rate = p.backupRdsSnapshotPerGbMonth;
      if (rate === undefined) return missing(p, "backupRdsSnapshotPerGbMonth", "AWS Backup RDS snapshot storage");
      const gb = usage.storageGbByUrn?.[r.urn] ?? plannedGbOf(r.inputs.tags, PLANNED_STORAGE_GB_TAG);
      const perGb = `${usd(rate)} per GB-month (RDS snapshots, warm, ${p.region})`;
      if (gb === undefined) return { kind: "usage", usage: `snapshot storage at ${perGb} (no expected volume given)` };
      return {
        kind: "priced",
        expected: gb * rate,
        worst: gb * rate,
        basis: `${gb} GB of snapshots expected x ${perGb}`,
        usage: `snapshots beyond ${gb} GB at ${perGb}`,
      };
    }
  }
  return undefined;
}
