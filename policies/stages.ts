/**
 * The limits each stage allows, built into the pack, so that running it
 * without `--policy-pack-config` (the flag people forget) applies the right
 * limits instead of one strict set that blocks sound setups.
 *
 * How a policy finds its limits:
 * 1. the stage of the resource: its `stage` tag (every AWS resource the
 *    program declares carries it; an AWS provider's `defaultTags` count too),
 *    or, on a Kubernetes object, its `ml-platform/stage` label (lib/tags.ts);
 *    stack policies take the strictest stage the stack's resources state;
 * 2. else the `stage` key of the policy's config (policies/config/<stage>.json
 *    names it for every stage-limited policy), for programs that tag nothing;
 * 3. that stage's row below. With no stage at all (or only one this pack does
 *    not know) a policy applies NO_STAGE_LIMITS, the loosest of every stage,
 *    and the `stage-stated` policy says so in one finding: the strictest
 *    limits are never applied silently;
 * 4. a `--policy-pack-config` file then overrides, key by key: what the file
 *    names replaces the built-in value for every resource, whatever its stage.
 *
 * The config schemas carry no defaults on purpose: the CLI fills schema
 * defaults into what it sends (ReconcilePolicyPackConfig), which would hide
 * whether a value came from the file or from the pack.
 */
import type { Stage } from "../lib/stages";
import { STAGE_LABEL, STAGE_TAG } from "../lib/tags";

export interface Limits {
  "allowed-instance-types": { allowedInstanceTypes: string[] };
  "node-group-size-caps": { maxNodesPerGroup: number; maxGpuNodesPerGroup: number };
  "node-group-worst-case-spend": { maxWorstCaseMonthlyUsdPerNodeGroup: number };
  "gpu-node-groups-scale-to-zero": { maxIdleGpuNodesPerGroup: number };
  "gpu-workloads-within-caps": { maxGpusPerWorkload: number };
  "hpa-gpu-within-caps": { maxGpusPerWorkload: number };
  "rds-backups": { minBackupRetentionDays: number };
  "rds-sizing": { allowedInstanceClasses: string[]; maxAllocatedStorageGb: number; maxProvisionedIops: number; maxWorstCaseMonthlyUsd: number };
  "stateful-deletion-safeguards": { productionEnvironments: string[] };
  "stateful-resources-protected": { productionEnvironments: string[] };
  "stack-monthly-budget": { maxWorstCaseMonthlyUsd: number; maxIdleGpuMonthlyUsd: number };
  "database-in-backup-plan": { productionEnvironments: string[] };
}
export type LimitedPolicy = keyof Limits;

/**
 * Which way each limit tightens: a cap (`atMost`, lower is stricter), a floor
 * (`atLeast`, higher is stricter), an allowlist (fewer entries is stricter) or
 * the environments a production-only rule covers ("*" = all is strictest).
 */
export type Direction = "atMost" | "atLeast" | "allowlist" | "scope";
export const DIRECTIONS: { [P in LimitedPolicy]: { [K in keyof Limits[P]]: Direction } } = {
  "allowed-instance-types": { allowedInstanceTypes: "allowlist" },
  "node-group-size-caps": { maxNodesPerGroup: "atMost", maxGpuNodesPerGroup: "atMost" },
  "node-group-worst-case-spend": { maxWorstCaseMonthlyUsdPerNodeGroup: "atMost" },
  "gpu-node-groups-scale-to-zero": { maxIdleGpuNodesPerGroup: "atMost" },
  "gpu-workloads-within-caps": { maxGpusPerWorkload: "atMost" },
  "hpa-gpu-within-caps": { maxGpusPerWorkload: "atMost" },
  "rds-backups": { minBackupRetentionDays: "atLeast" },
  "rds-sizing": { allowedInstanceClasses: "allowlist", maxAllocatedStorageGb: "atMost", maxProvisionedIops: "atMost", maxWorstCaseMonthlyUsd: "atMost" },
  "stateful-deletion-safeguards": { productionEnvironments: "scope" },
  "stateful-resources-protected": { productionEnvironments: "scope" },
  "stack-monthly-budget": { maxWorstCaseMonthlyUsd: "atMost", maxIdleGpuMonthlyUsd: "atMost" },
  "database-in-backup-plan": { productionEnvironments: "scope" },
};

// The small burstable types (an SSM bastion, a CI runner) cost under $20 a month each and are sound at every stage.
const POC_TYPES = ["t3.nano", "t3.micro", "t3.small", "t4g.nano", "t4g.micro", "t4g.small", "t3.medium", "t3.large"];
const MVP_TYPES = [
  ...POC_TYPES,
  "t3.xlarge",
  "m6i.large",
  "m6i.xlarge",
  "m7i.large",
  "m7i.xlarge",
  "g4dn.xlarge",
  "g4dn.2xlarge",
  "g5.xlarge",
  "g5.2xlarge",
  "g6.xlarge",
  "g6.2xlarge",
];
const SERIESB_TYPES = [...MVP_TYPES, "c6i.xlarge", "g4dn.12xlarge", "g5.4xlarge", "g5.12xlarge", "g6.12xlarge", "g6e.xlarge", "g6e.12xlarge"];
const POC_DB = ["db.t4g.micro", "db.t4g.small"];
const MVP_DB = [...POC_DB, "db.t4g.medium", "db.t4g.large", "db.m6g.large", "db.m7g.large"];
const SERIESB_DB = [...MVP_DB, "db.m6g.xlarge", "db.r6g.large", "db.r6g.xlarge"];
const PRODUCTION = ["prod", "production"];

/**
 * Spend and size limits grow with the stage (a later stage allows all an
 * earlier one did); safety floors do not shrink. Each row fits the stage's
 * preset (config/presets.ts) with room for the overrides a stack file may
 * reasonably make: MVP's GPU pool may go to 0..2, its system pool to 4 nodes,
 * a GPU Deployment to 2 replicas.
 */
export const STAGE_LIMITS: Record<Stage, Limits> = {
  poc: {
    "allowed-instance-types": { allowedInstanceTypes: POC_TYPES },
    "node-group-size-caps": { maxNodesPerGroup: 2, maxGpuNodesPerGroup: 1 },
    "node-group-worst-case-spend": { maxWorstCaseMonthlyUsdPerNodeGroup: 200 },
    "gpu-node-groups-scale-to-zero": { maxIdleGpuNodesPerGroup: 0 },
    "gpu-workloads-within-caps": { maxGpusPerWorkload: 1 },
    "hpa-gpu-within-caps": { maxGpusPerWorkload: 1 },
    "rds-backups": { minBackupRetentionDays: 1 },
    "rds-sizing": { allowedInstanceClasses: POC_DB, maxAllocatedStorageGb: 50, maxProvisionedIops: 3000, maxWorstCaseMonthlyUsd: 50 },
    // A POC holds nothing a customer depends on.
    "stateful-deletion-safeguards": { productionEnvironments: [] },
    "stateful-resources-protected": { productionEnvironments: [] },
    "stack-monthly-budget": { maxWorstCaseMonthlyUsd: 100, maxIdleGpuMonthlyUsd: 0 },
    "database-in-backup-plan": { productionEnvironments: [] },
  },
  mvp: {
    "allowed-instance-types": { allowedInstanceTypes: MVP_TYPES },
    "node-group-size-caps": { maxNodesPerGroup: 4, maxGpuNodesPerGroup: 2 },
    "node-group-worst-case-spend": { maxWorstCaseMonthlyUsdPerNodeGroup: 1600 },
    "gpu-node-groups-scale-to-zero": { maxIdleGpuNodesPerGroup: 0 },
    "gpu-workloads-within-caps": { maxGpusPerWorkload: 2 },
    "hpa-gpu-within-caps": { maxGpusPerWorkload: 2 },
    "rds-backups": { minBackupRetentionDays: 7 },
    "rds-sizing": { allowedInstanceClasses: MVP_DB, maxAllocatedStorageGb: 500, maxProvisionedIops: 3000, maxWorstCaseMonthlyUsd: 400 },
    "stateful-deletion-safeguards": { productionEnvironments: PRODUCTION },
    "stateful-resources-protected": { productionEnvironments: PRODUCTION },
    "stack-monthly-budget": { maxWorstCaseMonthlyUsd: 2500, maxIdleGpuMonthlyUsd: 0 },
    // RDS automated backups are the MVP's restore path; AWS Backup plans start at Series B.
    "database-in-backup-plan": { productionEnvironments: [] },
  },
  seriesb: {
    "allowed-instance-types": { allowedInstanceTypes: SERIESB_TYPES },
    "node-group-size-caps": { maxNodesPerGroup: 10, maxGpuNodesPerGroup: 8 },
    // A Series B training pool of 2 x g5.12xlarge (4 A10G each) costs $8,281 a month at its cap in
    // us-east-1 and up to $12,029 in ap-northeast-1 (cost/price-data): sound in every priced region
    // under $15,000. One p4d.24xlarge (8 A100) alone is about $24,000: still blocked.
    "node-group-worst-case-spend": { maxWorstCaseMonthlyUsdPerNodeGroup: 15000 },
    "gpu-node-groups-scale-to-zero": { maxIdleGpuNodesPerGroup: 0 },
    "gpu-workloads-within-caps": { maxGpusPerWorkload: 8 },
    "hpa-gpu-within-caps": { maxGpusPerWorkload: 8 },
    "rds-backups": { minBackupRetentionDays: 7 },
    "rds-sizing": { allowedInstanceClasses: SERIESB_DB, maxAllocatedStorageGb: 1000, maxProvisionedIops: 3000, maxWorstCaseMonthlyUsd: 1000 },
    "stateful-deletion-safeguards": { productionEnvironments: PRODUCTION },
    "stateful-resources-protected": { productionEnvironments: PRODUCTION },
    "stack-monthly-budget": { maxWorstCaseMonthlyUsd: 20000, maxIdleGpuMonthlyUsd: 0 },
    "database-in-backup-plan": { productionEnvironments: PRODUCTION },
  },
};

export const KNOWN_STAGES = Object.keys(STAGE_LIMITS) as Stage[];

function tightest(direction: Direction, values: unknown[]): unknown {
  switch (direction) {
    case "atMost":
      return Math.min(...(values as number[]));
    case "atLeast":
      return Math.max(...(values as number[]));
    case "allowlist":
      return (values as string[][]).reduce((a, b) => a.filter((x) => b.includes(x)));
    case "scope":
      return ["*"];
  }
}

/** Field by field the strictest of several stages' limits for one policy. */
export function strictestOf<P extends LimitedPolicy>(policy: P, rows: Limits[P][]): Limits[P] {
  const out: Record<string, unknown> = {};
  for (const [key, direction] of Object.entries(DIRECTIONS[policy]) as [string, Direction][]) {
    out[key] = tightest(
      direction,
      rows.map((r) => (r as Record<string, unknown>)[key]),
    );
  }
  return out as Limits[P];
}

function loosest(direction: Direction, values: unknown[], latest: unknown): unknown {
  switch (direction) {
    case "atMost":
      return Math.max(...(values as number[]));
    case "atLeast":
      return Math.min(...(values as number[]));
    case "allowlist":
      return [...new Set((values as string[][]).flat())];
    case "scope":
      // Production data stays production data: the latest stage's environments count.
      return latest;
  }
}

/** The latest stage, whose production-only rules cover what a `prod` environment tag says. */
export const LATEST_STAGE: Stage = KNOWN_STAGES[KNOWN_STAGES.length - 1]!;

/**
 * What the pack applies when nothing states a stage (nor the config): field by
 * field the loosest of every stage (highest caps, every allowlisted type,
 * lowest floors), with the latest stage's production scope. A setup that is
 * sound at some stage passes; what every stage blocks (a p5.48xlarge, 11 GPU
 * nodes, a public database) is still blocked; what only one stage forbids is
 * left to the stage-stated finding, which says that no stage was found.
 */
export const NO_STAGE_LIMITS: Limits = Object.fromEntries(
  (Object.keys(DIRECTIONS) as LimitedPolicy[]).map((p) => [
    p,
    Object.fromEntries(
      (Object.entries(DIRECTIONS[p]) as [string, Direction][]).map(([key, direction]) => [
        key,
        loosest(
          direction,
          KNOWN_STAGES.map((s) => (STAGE_LIMITS[s][p] as Record<string, unknown>)[key]),
          (STAGE_LIMITS[LATEST_STAGE][p] as Record<string, unknown>)[key],
        ),
      ]),
    ),
  ]),
) as unknown as Limits;

export const isStage = (v: unknown): v is Stage => typeof v === "string" && (KNOWN_STAGES as string[]).includes(v);
const record = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/**
 * The tags an AWS provider adds to every resource it creates (`defaultTags.tags`).
 * The engine may send a provider's object-valued inputs as JSON text, so both
 * forms are read.
 */
export function providerDefaultTags(provider?: { props?: Record<string, unknown> }): Record<string, unknown> {
  let value = provider?.props?.defaultTags;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return {};
    }
  }
  return record(record(value)?.tags) ?? {};
}

/**
 * The stage a resource states, from its `stage` tag, its AWS provider's
 * default tags, or (Kubernetes objects) its `ml-platform/stage` label:
 * a Stage, "unknown" when it states one this pack does not know, undefined
 * when it states none.
 */
export function statedStage(type: string, props: Record<string, unknown>, provider?: { props?: Record<string, unknown> }): Stage | "unknown" | undefined {
  let value: unknown;
  if (type.startsWith("kubernetes:")) value = record(record(props.metadata)?.labels)?.[STAGE_LABEL];
  else value = record(props.tags)?.[STAGE_TAG] ?? providerDefaultTags(provider)[STAGE_TAG];
  if (value === undefined || value === null || value === "") return undefined;
  return isStage(value) ? value : "unknown";
}

export interface AppliedLimits<P extends LimitedPolicy> {
  limits: Limits[P];
  /** Where the limits came from, for messages: "mvp stage limits", "seriesb stage limits (no stage stated ...)", plus the config file when it overrides. */
  source: string;
}

/** The config key every stage-limited policy (and stage-stated) takes: the stage of resources that state none. */
export interface StageConfig {
  stage?: string;
}

/**
 * The limits one policy applies to resources of these stated stages (the
 * strictest of them), else to the config's `stage`, else NO_STAGE_LIMITS; then the
 * config file's keys on top.
 */
export function limitsFor<P extends LimitedPolicy>(
  policy: P,
  stages: (Stage | "unknown" | undefined)[],
  overrides: Partial<Limits[P]> & StageConfig = {},
): AppliedLimits<P> {
  const known = [...new Set(stages.filter(isStage))];
  const configured = isStage(overrides.stage) ? overrides.stage : undefined;
  let base: Limits[P];
  let stageText: string;
  if (known.length) {
    base =
      known.length === 1
        ? STAGE_LIMITS[known[0]!][policy]
        : strictestOf(
            policy,
            known.map((s) => STAGE_LIMITS[s][policy]),
          );
    stageText = `${known.join("/")} stage limits`;
  } else if (configured) {
    base = STAGE_LIMITS[configured][policy];
    stageText = `${configured} stage limits, the stage the policy config names`;
  } else {
    base = NO_STAGE_LIMITS[policy];
    stageText = `no ${stages.some((s) => s === "unknown") ? "known " : ""}stage stated, so the loosest limits of every stage; see stage-stated`;
  }
  const overridden = Object.keys(overrides).filter((k) => k in DIRECTIONS[policy] && (overrides as Record<string, unknown>)[k] !== undefined);
  return {
    limits: { ...base, ...Object.fromEntries(overridden.map((k) => [k, (overrides as Record<string, unknown>)[k]])) } as Limits[P],
    source: overridden.length ? `${stageText}, ${overridden.join(", ")} from the policy config` : stageText,
  };
}
