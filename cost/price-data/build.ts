/**
 * Turns the committed price-list extracts in cost/price-data/sources/ into the
 * price table the cost model reads (cost/price-data/table.generated.ts), so
 * that nobody types a price by hand. Pure: takes the files' text, returns the
 * table and the module text. `node scripts/prices/build.js` runs it and writes
 * the module; a test checks that the committed module is what it produces.
 *
 * Rules, in order (a later rule never overwrites an earlier one):
 * 1. EC2 prices from the SkyPilot catalogue extract, then from the
 *    vantage-derived GPU extract (both come from the AWS price list).
 * 2. Sizes derived from a sibling size of the same family (derived.csv).
 * 3. RDS PostgreSQL Single-AZ classes from the ec2instances.info extract; the
 *    2026-09 AWS offer rows (togen extract) must agree with it, else the build fails.
 * 4. NAT gateway hours from the 2026-09 AWS offer rows.
 * 5. Everything else from services.csv, each row naming its source.
 * A value no rule provides stays undefined, and the cost model reports it as
 * unpriced. "Offered" is true where a type has a price, false where a source
 * that lists every region of the type does not list the region, and unknown
 * otherwise.
 */

/** The regions the table covers: where most AWS GPU capacity is. */
export const TABLE_REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-2",
  "eu-west-1",
  "eu-central-1",
  "eu-west-2",
  "ap-northeast-1",
  "ap-southeast-1",
  "ap-south-1",
] as const;

/** Every scalar price field of RegionPrices (cost/prices.ts), as dotted paths. */
export const PRICE_FIELDS = [
  "rdsStorage.gp3PerGbMonth",
  "rdsStorage.io1PerGbMonth",
  "rdsStorage.io1PerIopsMonth",
  "rdsStorage.io2PerGbMonth",
  "rdsStorage.io2PerIopsMonth",
  "eksControlPlanePerHour.standard",
  "eksControlPlanePerHour.extended",
  "natGateway.perHour",
  "natGateway.perGbProcessed",
  "publicIpv4PerHour",
  "loadBalancer.albPerHour",
  "loadBalancer.albPerLcuHour",
  "loadBalancer.nlbPerHour",
  "loadBalancer.nlbPerNlcuHour",
  "loadBalancer.classicPerHour",
  "ebsGp3PerGbMonth",
  "s3StandardPerGbMonth",
  "ecrPerGbMonth",
  "cloudwatchLogs.ingestPerGb",
  "cloudwatchLogs.storagePerGbMonth",
  "kmsKeyPerMonth",
  "secretsManagerSecretPerMonth",
  "interfaceEndpointPerAzHour",
  // Operations (alarms, health checks, canary, AWS Backup).
  "cloudwatchAlarmPerMetricMonth",
  "route53HealthCheck.awsEndpoint",
  "route53HealthCheck.nonAwsEndpoint",
  "route53HealthCheck.awsOptionalFeature",
  "route53HealthCheck.nonAwsOptionalFeature",
  "syntheticsPerCanaryRun",
  "backupRdsSnapshotPerGbMonth",
] as const;
export type PriceField = (typeof PRICE_FIELDS)[number];

export interface SourceInfo {
  what: string;
  where: string;
  date: string;
  file?: string;
}

/** One region's table: flat field paths ("natGateway.perHour", "ec2.g5.xlarge") to values and to source ids. */
export interface BuiltRegion {
  values: Record<string, number>;
  sources: Record<string, string>;
  /** Instance type -> offered in this region; types a source could not settle are absent. */
  offered: Record<string, boolean>;
  /** Price fields no source gives for this region, and why (known-gaps.csv). */
  gaps: Record<string, string>;
}

export interface BuiltTable {
  asOf: string;
  sources: Record<string, SourceInfo>;
  regions: Record<string, BuiltRegion>;
}

export type SourceFiles = Record<string, string>;

interface Row {
  [column: string]: string;
}

/** CSV without quoting (none of the extracts needs it); lines starting with # are comments. */
export function parseCsv(text: string): Row[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "" && !l.startsWith("#"));
  const [header, ...body] = lines;
  if (!header) return [];
  const columns = header.split(",");
  return body.map((line) => {
    const cells = line.split(",");
    if (cells.length !== columns.length) throw new Error(`price extract: expected ${columns.length} cells, got ${cells.length}: ${line}`);
    return Object.fromEntries(columns.map((c, i) => [c, cells[i]!]));
  });
}

function price(text: string, where: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`price extract: ${where} has no positive price (got "${text}")`);
  return n;
}

function ratio(text: string): number {
  const [a, b] = text.split("/").map(Number);
  if (!a || !b) throw new Error(`price extract: bad ratio "${text}" in derived.csv`);
  return a / b;
}

/** Six significant decimals: what the AWS price list publishes for hourly rates. */
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

export function buildPriceTable(files: SourceFiles): BuiltTable {
  const need = (name: string) => {
    const text = files[name];
    if (text === undefined) throw new Error(`price extract: missing file ${name}`);
    return text;
  };
  const sources = JSON.parse(need("sources.json")) as Record<string, SourceInfo>;
  // The date the table was last checked against its sources (one line, YYYY-MM-DD).
  const asOf = need("as-of.txt").trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Error(`price extract: as-of.txt must hold a date (got "${asOf}")`);
  const regions: Record<string, BuiltRegion> = Object.fromEntries(TABLE_REGIONS.map((r) => [r, { values: {}, sources: {}, offered: {}, gaps: {} }]));
  const known = (region: string) => regions[region];
  const set = (region: string, field: string, value: number, source: string) => {
    const r = known(region);
    if (!r || r.values[field] !== undefined) return;
    if (!sources[source]) throw new Error(`price extract: unknown source ${source} for ${region} ${field}`);
    r.values[field] = value;
    r.sources[field] = source;
  };

  // 1. EC2 from the SkyPilot extract, then the GPU extract.
  const complete = new Map<string, string>(); // type -> source that lists every region of it
  for (const row of parseCsv(need("skypilot-catalog-aws-vms.csv"))) {
    set(row.region!, `ec2.${row.instance_type}`, price(row.on_demand_usd_per_hour!, `${row.instance_type} in ${row.region}`), "SKY");
    if (row.complete_for_type === "yes") complete.set(row.instance_type!, "SKY");
  }
  for (const row of parseCsv(need("vantage-gpu-instances-2026-01-21.csv"))) {
    complete.set(row.instance_type!, complete.get(row.instance_type!) ?? "VG");
    if (row.on_demand_usd_per_hour) set(row.region!, `ec2.${row.instance_type}`, price(row.on_demand_usd_per_hour, `${row.instance_type} in ${row.region}`), "VG");
    else if (row.listed_available === "yes") throw new Error(`price extract: ${row.instance_type} is listed in ${row.region} without a price`);
  }

  // 2. Derived sizes.
  const derived = new Set<string>();
  for (const row of parseCsv(need("derived.csv"))) {
    derived.add(row.target!);
    for (const region of TABLE_REGIONS) {
      const base = regions[region]!.values[`ec2.${row.base}`];
      if (base !== undefined) set(region, `ec2.${row.target}`, round6(base * ratio(row.ratio!)), "D");
    }
  }

  // Offered: priced, or settled by a complete source.
  const types = new Set<string>();
  for (const r of Object.values(regions)) for (const f of Object.keys(r.values)) if (f.startsWith("ec2.")) types.add(f.slice(4));
  for (const t of complete.keys()) types.add(t);
  for (const region of TABLE_REGIONS) {
    const r = regions[region]!;
    for (const t of types) {
      if (r.values[`ec2.${t}`] !== undefined) r.offered[t] = true;
      else if (complete.has(t) && !derived.has(t)) r.offered[t] = false;
    }
  }

  // 3. RDS classes; the 2026 offer rows must agree with the older extract.
  for (const row of parseCsv(need("ec2instances-info-rds-postgresql-2022-01-18.csv"))) {
    set(row.region!, `rdsPostgres.${row.instance_class}`, price(row.on_demand_usd_per_hour!, `${row.instance_class} in ${row.region}`), "EIO");
  }
  const offers = parseCsv(need("togen-aws-offers-2026-09.csv"));
  for (const row of offers.filter((o) => o.offer === "AmazonRDS")) {
    const cls = row.usage!.split(" ").pop()!;
    const value = price(row.value!, `${cls} in ${row.region}`);
    const have = regions[row.region!]?.values[`rdsPostgres.${cls}`];
    if (have !== undefined && have !== value) throw new Error(`price extract: ${cls} in ${row.region} is ${have} in the 2022 extract but ${value} in the 2026-09 AWS offer`);
    set(row.region!, `rdsPostgres.${cls}`, value, "TG");
  }

  // 4. NAT gateway hours.
  for (const row of offers.filter((o) => o.usage === "NatGateway-Hours")) set(row.region!, "natGateway.perHour", price(row.value!, `NAT in ${row.region}`), "TG");

  // 5. The rest.
  for (const row of parseCsv(need("services.csv"))) {
    const targets = row.region === "*" ? [...TABLE_REGIONS] : [row.region!];
    for (const region of targets) {
      if (!known(region)) throw new Error(`price extract: services.csv names region ${region}, which the table does not cover`);
      set(region, row.field!, price(row.value!, `${row.field} in ${region}`), row.source!);
    }
  }

  // 6. The gaps must be exactly the declared ones: a price cannot go missing, nor a declared gap go stale, unnoticed.
  for (const row of parseCsv(need("known-gaps.csv"))) {
    const r = known(row.region!);
    if (!r) throw new Error(`price extract: known-gaps.csv names region ${row.region}, which the table does not cover`);
    if (!(PRICE_FIELDS as readonly string[]).includes(row.field!)) throw new Error(`price extract: known-gaps.csv names unknown field ${row.field}`);
    if (r.values[row.field!] !== undefined) throw new Error(`price extract: ${row.region} ${row.field} is listed as a gap but has a price; remove it from known-gaps.csv`);
    r.gaps[row.field!] = row.why!;
  }
  for (const region of TABLE_REGIONS) {
    const r = regions[region]!;
    for (const field of PRICE_FIELDS)
      if (r.values[field] === undefined && r.gaps[field] === undefined) throw new Error(`price extract: ${region} has no ${field}; add a sourced price, or list it in known-gaps.csv with the reason`);
  }
  return { asOf, sources, regions };
}

const sortKeys = <T>(o: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

/** The TypeScript module the cost model imports (deterministic: same input, same text). */
export function renderTableModule(table: BuiltTable): string {
  const regions = Object.fromEntries(
    Object.entries(table.regions).map(([name, r]) => [name, { values: sortKeys(r.values), sources: sortKeys(r.sources), offered: sortKeys(r.offered), gaps: sortKeys(r.gaps) }]),
  );
  return [
    "// GENERATED by scripts/prices/build.js from cost/price-data/sources/*. Do not edit by hand:",
    "// change the extracts (with their source and date) and run `node scripts/prices/build.js`.",
    'import type { BuiltTable } from "./build";',
    "",
    `export const PRICE_TABLE: BuiltTable = ${JSON.stringify({ asOf: table.asOf, sources: table.sources, regions }, null, 2)};`,
    "",
  ].join("\n");
}
