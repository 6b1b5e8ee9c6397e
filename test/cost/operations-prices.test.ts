/**
 * The operations prices region by region (pure: no stack is planned). The
 * Series B stacks declare CloudWatch alarms (database, NAT; plain and
 * metric-math), a Route 53 HTTPS health check whose alarm lives in us-east-1
 * (seriesb-prod), a Synthetics canary every 5 minutes (seriesb-staging) and
 * an AWS Backup vault planned at 150 GB (seriesb-prod). Each is priced here in
 * every region of the table from that region's prices, or, where the table
 * declares a gap, listed as unpriced with the gap's reason: never $0 and never
 * another region's rate.
 */
import { estimateCost } from "../../cost/model";
import type { CostInput } from "../../cost/rule";
import { priceOperations } from "../../cost/operations";
import { PRICED_REGIONS, gapReason, knownGaps, priceSource, pricesFor } from "../../cost/prices";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";
const CANARY = "aws:synthetics/canary:Canary";
const VAULT = "aws:backup/vault:Vault";

const r = (type: string, name: string, inputs: Record<string, unknown>): CostInput => ({ urn: `urn:${type}::${name}`, type, name, inputs });

/** The Series B operations pieces, as the components declare them (see test/operations/operations.test.ts for the plans). */
const SERIESB_OPERATIONS: CostInput[] = [
  r(ALARM, "db-cpu", { period: 300, metricName: "CPUUtilization" }),
  r(ALARM, "nat-errors", {
    metricQueries: [
      { id: "a", metric: { period: 300 } },
      { id: "b", metric: { period: 300 } },
      { id: "e", expression: "a+b" },
    ],
  }),
  r(HEALTH_CHECK, "public-endpoint", { type: "HTTPS", requestInterval: 30 }),
  r(ALARM, "health-check-alarm", { period: 60, region: "us-east-1" }),
  r(CANARY, "internal-canary", { schedule: { expression: "rate(5 minutes)" } }),
  r(VAULT, "backup-vault", {}),
];
const VAULT_GB = 150; // seriesb-prod's backup.expectedStorageGb (config/presets.ts)
const usage = { storageGbByUrn: { [`urn:${VAULT}::backup-vault`]: VAULT_GB } };

const ISSUE_REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "eu-west-2", "ap-northeast-1", "ap-southeast-1", "ap-south-1"];

describe("operations prices in every region of the table", () => {
  it("covers the nine regions", () => {
    expect([...PRICED_REGIONS].sort()).toEqual([...ISSUE_REGIONS].sort());
  });

  it.each(ISSUE_REGIONS)("%s prices the Series B alarms, health check and canary from its own table, and the vault or a declared gap", (region) => {
    const p = pricesFor(region)!;
    const report = estimateCost(SERIESB_OPERATIONS, region, usage);
    const line = (name: string) => report.byResource.find((l) => l.name === name);

    // Alarms and canary runs: a price for every region, with a dated source.
    for (const field of ["cloudwatchAlarmPerMetricMonth", "syntheticsPerCanaryRun"] as const) {
      expect({ region, field, price: p[field], gap: knownGaps(region).includes(field) }).toEqual({ region, field, price: expect.any(Number), gap: false });
      expect(priceSource(region, field)).toBeDefined();
    }
    expect(line("db-cpu")?.expectedMonthlyUsd).toBeCloseTo(p.cloudwatchAlarmPerMetricMonth!, 6);
    expect(line("nat-errors")?.expectedMonthlyUsd).toBeCloseTo(2 * p.cloudwatchAlarmPerMetricMonth!, 6);
    expect(line("db-cpu")?.basis).toContain(region);
    // The health check's alarm lives in us-east-1 whatever the stack's region, and is priced there.
    expect(line("health-check-alarm")?.basis).toContain("us-east-1");
    expect(line("health-check-alarm")?.expectedMonthlyUsd).toBeCloseTo(pricesFor("us-east-1")!.cloudwatchAlarmPerMetricMonth!, 6);
    // 8,760 runs a month at 5 minutes (as canaryRunsPerMonth counts them).
    expect(line("internal-canary")?.expectedMonthlyUsd).toBeCloseTo(8760 * p.syntheticsPerCanaryRun!, 2);

    // Route 53 is global: the same health-check price in every region (basic $0.50 + HTTPS $1.00 for an AWS endpoint).
    expect(p.route53HealthCheck).toEqual(pricesFor("us-east-1")!.route53HealthCheck);
    expect(line("public-endpoint")).toMatchObject({ expectedMonthlyUsd: 1.5, worstCaseMonthlyUsd: 2.75 });

    // AWS Backup: priced from this region's rate, or unpriced with the declared gap's reason.
    const vault = line("backup-vault");
    if (p.backupRdsSnapshotPerGbMonth !== undefined) {
      expect(vault?.expectedMonthlyUsd).toBeCloseTo(VAULT_GB * p.backupRdsSnapshotPerGbMonth, 2);
      expect(report.unpriced).toEqual([]);
    } else {
      expect(vault).toBeUndefined();
      expect(gapReason(region, "backupRdsSnapshotPerGbMonth")).toBeDefined();
      expect(report.unpriced).toEqual([
        expect.objectContaining({ name: "backup-vault", reason: expect.stringContaining(`no ${region} price for AWS Backup RDS snapshot storage`) }),
      ]);
    }
  });

  it("uses each region's own canary rate (they differ), not us-east-1's", () => {
    const rates = new Set(ISSUE_REGIONS.map((region) => pricesFor(region)!.syntheticsPerCanaryRun));
    expect(rates.size).toBeGreaterThan(1);
    expect(pricesFor("ap-northeast-1")!.syntheticsPerCanaryRun).toBe(0.0019);
    expect(pricesFor("eu-west-2")!.backupRdsSnapshotPerGbMonth).toBe(0.1);
  });
});

describe("a declared gap in the operations prices", () => {
  const gapped = ISSUE_REGIONS.filter((region) => knownGaps(region).includes("backupRdsSnapshotPerGbMonth"));

  it("gives an advisory unpriced entry with the gap's reason, not a number, and leaves the totals alone", () => {
    expect(gapped.length).toBeGreaterThan(0);
    for (const region of gapped) {
      const vault = r(VAULT, "backup-vault", {});
      const report = estimateCost([vault], region, usage);
      expect(report.byResource).toEqual([]);
      expect(report.expectedMonthlyUsd).toBe(0);
      expect(report.worstCaseMonthlyUsd).toBe(0);
      expect(report.unpriced).toEqual([
        expect.objectContaining({
          name: "backup-vault",
          reason: `no ${region} price for AWS Backup RDS snapshot storage (${gapReason(region, "backupRdsSnapshotPerGbMonth")})`,
        }),
      ]);
    }
  });

  it("never falls back to another region's rate (pure: a table without the field)", () => {
    const p = {
      ...pricesFor("us-east-1")!,
      region: "us-east-1",
      backupRdsSnapshotPerGbMonth: undefined,
      syntheticsPerCanaryRun: undefined,
      cloudwatchAlarmPerMetricMonth: undefined,
    };
    const outcome = (x: CostInput) => priceOperations(x, p, usage);
    expect(outcome(r(VAULT, "backup-vault", {}))).toMatchObject({ kind: "unpriced", reason: expect.stringMatching(/AWS Backup RDS snapshot storage/) });
    expect(outcome(r(CANARY, "c", { schedule: { expression: "rate(5 minutes)" } }))).toMatchObject({
      kind: "unpriced",
      reason: expect.stringMatching(/Synthetics canary runs/),
    });
    expect(outcome(r(ALARM, "a", { period: 300 }))).toMatchObject({ kind: "unpriced", reason: expect.stringMatching(/CloudWatch alarms/) });
  });
});
