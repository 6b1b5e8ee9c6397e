/**
 * AWS on-demand prices the cost model uses: USD, Linux, 730 hours a month.
 *
 * Nobody types these numbers: they come from dated extracts of public copies
 * of the AWS price list (cost/price-data/sources/, described in
 * cost/price-data/README.md), turned into cost/price-data/table.generated.ts
 * by `node scripts/prices/build.js`. Every value carries the id of its source
 * (`priceSource(region, field)`; the ids are in PRICE_SOURCES). A price no
 * source gives stays undefined, and the cost model reports it as unpriced,
 * never as $0 (`knownGaps(region)` lists them).
 *
 * Regions: us-east-1, us-east-2, us-west-2, eu-west-1, eu-central-1,
 * eu-west-2, ap-northeast-1, ap-southeast-1, ap-south-1. Another region has
 * no table: `pricesFor` returns undefined and every priced resource there is
 * unpriced.
 */
import { PRICE_FIELDS, type BuiltRegion, type PriceField, type SourceInfo } from "./price-data/build";
import { PRICE_TABLE } from "./price-data/table.generated";

export const HOURS_PER_MONTH = 730;

export interface RegionPrices {
  region: string;
  /** Date the table was last checked against its sources. */
  asOf: string;
  /** EC2 on-demand Linux, $/hour, by instance type. */
  ec2: Record<string, number>;
  /** RDS for PostgreSQL Single-AZ on-demand, $/hour, by instance class (Multi-AZ bills twice). */
  rdsPostgres: Record<string, number>;
  rdsStorage: {
    gp3PerGbMonth?: number;
    io1PerGbMonth?: number;
    io1PerIopsMonth?: number;
    io2PerGbMonth?: number;
    io2PerIopsMonth?: number;
  };
  eksControlPlanePerHour: { standard: number; extended: number };
  natGateway: { perHour?: number; perGbProcessed?: number };
  /** In-use public IPv4 address, $/hour (since 2024-02-01). */
  publicIpv4PerHour?: number;
  loadBalancer: { albPerHour?: number; albPerLcuHour?: number; nlbPerHour?: number; nlbPerNlcuHour?: number; classicPerHour?: number };
  ebsGp3PerGbMonth?: number;
  s3StandardPerGbMonth?: number;
  ecrPerGbMonth?: number;
  cloudwatchLogs: { ingestPerGb?: number; storagePerGbMonth?: number };
  kmsKeyPerMonth?: number;
  secretsManagerSecretPerMonth?: number;
  /** Interface VPC endpoint, $/hour per AZ. Gateway endpoints (S3, DynamoDB) are free. */
  interfaceEndpointPerAzHour?: number;
  // Operations pieces (sources R53, OPSIC, CWSYN, CWFEED, PL-EUW2-RDSBK in cost/price-data/sources/sources.json):
  // alarms and canary runs for every region of the table, AWS Backup RDS snapshots for us-east-1 and eu-west-2 (the
  // rest are declared gaps), Route 53 health checks global (checked 2026-11-23).
  /** CloudWatch standard-resolution alarm, $ per alarm metric per month (a metric-math alarm bills each metric it reads). */
  cloudwatchAlarmPerMetricMonth?: number;
  /**
   * Route 53 health checks, $ per health check per month: the basic check and
   * each optional feature (HTTPS, string matching, fast interval, latency
   * measurement), for endpoints in AWS in this account and for others. Global.
   */
  route53HealthCheck: { awsEndpoint?: number; nonAwsEndpoint?: number; awsOptionalFeature?: number; nonAwsOptionalFeature?: number };
  /** CloudWatch Synthetics, $ per canary run (Lambda, S3 and logs of the run bill separately). */
  syntheticsPerCanaryRun?: number;
  /** AWS Backup: RDS snapshot storage (warm), $ per GB-month. */
  backupRdsSnapshotPerGbMonth?: number;
}

/**
 * Planning factor for Spot capacity: Spot price / on-demand price. AWS Spot
 * Advisor (June 2025) shows 49-80% savings on GPU types in us-east-1 (median
 * about 59%) and 49-56% on g4dn/g5 in eu-west-1; 0.45 is a planning figure,
 * not a quote. The worst case always uses the on-demand price, which Spot can
 * reach.
 */
export const SPOT_PRICE_FACTOR = 0.45;

export { PRICE_FIELDS } from "./price-data/build";
export type { PriceField } from "./price-data/build";

/** Where each source id in the table comes from, and its date. */
export const PRICE_SOURCES: Readonly<Record<string, SourceInfo>> = PRICE_TABLE.sources;

function byPrefix(values: Record<string, number>, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(values)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

function toRegionPrices(region: string, built: BuiltRegion): RegionPrices {
  const v = built.values;
  const eks = (tier: "standard" | "extended") => {
    const value = v[`eksControlPlanePerHour.${tier}`];
    if (value === undefined) throw new Error(`price table: no EKS ${tier} price for ${region}`);
    return value;
  };
  return {
    region,
    asOf: PRICE_TABLE.asOf,
    ec2: byPrefix(v, "ec2."),
    rdsPostgres: byPrefix(v, "rdsPostgres."),
    rdsStorage: byPrefix(v, "rdsStorage."),
    eksControlPlanePerHour: { standard: eks("standard"), extended: eks("extended") },
    natGateway: byPrefix(v, "natGateway."),
    publicIpv4PerHour: v.publicIpv4PerHour,
    loadBalancer: byPrefix(v, "loadBalancer."),
    ebsGp3PerGbMonth: v.ebsGp3PerGbMonth,
    s3StandardPerGbMonth: v.s3StandardPerGbMonth,
    ecrPerGbMonth: v.ecrPerGbMonth,
    cloudwatchLogs: byPrefix(v, "cloudwatchLogs."),
    kmsKeyPerMonth: v.kmsKeyPerMonth,
    secretsManagerSecretPerMonth: v.secretsManagerSecretPerMonth,
    interfaceEndpointPerAzHour: v.interfaceEndpointPerAzHour,
    cloudwatchAlarmPerMetricMonth: v.cloudwatchAlarmPerMetricMonth,
    route53HealthCheck: byPrefix(v, "route53HealthCheck."),
    syntheticsPerCanaryRun: v.syntheticsPerCanaryRun,
    backupRdsSnapshotPerGbMonth: v.backupRdsSnapshotPerGbMonth,
  };
}

export const PRICES: Readonly<Record<string, RegionPrices>> = Object.fromEntries(
  Object.entries(PRICE_TABLE.regions).map(([region, built]) => [region, toRegionPrices(region, built)]),
);

/** The regions with a price table. */
export const PRICED_REGIONS: readonly string[] = Object.keys(PRICE_TABLE.regions);

export function pricesFor(region: string): RegionPrices | undefined {
  return PRICES[region];
}

/**
 * Whether AWS offers an instance type in a region, from the same snapshot as
 * the prices: true when the type has an on-demand price there, false when a
 * source that lists every region of the type leaves this one out, undefined
 * when the region has no table or no source settles it.
 */
export function isInstanceTypeOffered(region: string, instanceType: string): boolean | undefined {
  return PRICE_TABLE.regions[region]?.offered[instanceType];
}

/** Instance types the snapshot shows as offered in a region (sorted), for error messages. */
export function offeredInstanceTypes(region: string): string[] {
  const offered = PRICE_TABLE.regions[region]?.offered ?? {};
  return Object.keys(offered)
    .filter((t) => offered[t])
    .sort();
}

/**
 * The source id of one price: a PriceField, "ec2.<type>" or
 * "rdsPostgres.<class>". Undefined when the region has no such price.
 */
export function priceSource(region: string, field: string): string | undefined {
  return PRICE_TABLE.regions[region]?.sources[field];
}

/** The scalar price fields no source gives for a priced region (known-gaps.csv; reported as unpriced by the cost model). */
export function knownGaps(region: string): PriceField[] {
  const built = PRICE_TABLE.regions[region];
  return built ? PRICE_FIELDS.filter((f) => built.gaps[f] !== undefined) : [];
}

/** Why a priced region has no price for a field, or undefined when it has one. */
export function gapReason(region: string, field: PriceField): string | undefined {
  return PRICE_TABLE.regions[region]?.gaps[field];
}

/**
 * Why an instance type cannot run in a region, or undefined when it can or
 * the snapshot cannot tell. Names the type, the region and the alternatives
 * of the same kind (GPU or not) the snapshot shows there.
 */
export function instanceTypeNotOfferedReason(region: string, instanceType: string, isGpu: (t: string) => boolean): string | undefined {
  if (isInstanceTypeOffered(region, instanceType) !== false) return undefined;
  const gpu = isGpu(instanceType);
  const alternatives = offeredInstanceTypes(region).filter((t) => isGpu(t) === gpu);
  return (
    `${instanceType} is not offered in ${region} (AWS price list snapshot of ${PRICE_TABLE.asOf}, cost/price-data)` +
    (alternatives.length ? `; ${gpu ? "GPU" : "CPU"} types offered there include ${alternatives.join(", ")}` : "")
  );
}
