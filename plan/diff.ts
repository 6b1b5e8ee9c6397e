/**
 * `npm run plan -- diff <base.json> <head.json>`: what a change does to the
 * platform, for a pull request. Compares two `--json` plans (or two
 * `--all --json` arrays, stack by stack):
 * - first, what is replaced or deleted: the input changes that force a
 *   replacement (plan/replacements.ts), resources renamed by a setting,
 *   protected and stateful ones by name with what they lose;
 * - resources added, removed and changed, with the input paths that changed;
 * - policy findings that are new on the head, and those it fixed;
 * - the monthly cost before and after, expected, worst case and idle GPU,
 *   per component and in all.
 *
 * Infracost's `diff` (cost before/after per resource) is the model; this adds
 * the worst case (every node group at its maximum, on demand) and the cost of
 * GPUs kept running while idle, which is where ML platforms lose money.
 *
 * Pure functions over plain JSON: no Pulumi, no program, no policy pack.
 */
import * as fs from "fs";
import { CostLine, CostReport, emptyCostReport } from "../cost/model";
import type { PolicyFinding as Verdict } from "./schema";
import { REPLACEMENT_RULES, isStateful, lossText, replacingPaths } from "./replacements";
import type { JsonPlan, JsonPlanResource } from "./schema";

/**
 * Version of the `--json` diff's shape. Raise it when a field is removed, renamed or changes meaning.
 * 2: replacements are `resources.replaced`, no longer in `changed`; `destructive` lists them with the deletions.
 */
export const DIFF_SCHEMA_VERSION = 2;
/** Plan versions this diff reads; plans written before `schemaVersion` existed count as 1 (same shape). */
const READABLE_PLAN_VERSIONS = [1];

/** A stack that could not be planned, as `--all --json` reports it. */
export interface JsonPlanFailure {
  schemaVersion?: number;
  stack: string;
  error: { exitCode?: number; message: string };
}

/** One side of a diff: a `--json` plan, or the failure that stopped it. */
export type PlanDocument = JsonPlan | JsonPlanFailure;

/** A plan file that cannot be read, is not JSON, or is not a plan: the message names the file and what is wrong. */
export class PlanFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanFileError";
  }
}

/** A figure in the base plan, in the head plan, and the difference (head - base). */
export interface Delta {
  before: number;
  after: number;
  delta: number;
}

/** One input (or resource option) of a resource that differs between two plans. */
export interface InputChange {
  /** Where in the inputs, e.g. `instanceClass`, `scalingConfig.maxSize`, `policy.Statement[0].Action`
   * (JSON-encoded strings such as IAM policies are compared as the documents they hold).
   * Resource options show as `(protect)` and `(retainOnDelete)`. */
  path: string;
  /** Absent when the path is new. */
  before?: unknown;
  /** Absent when the path is gone. */
  after?: unknown;
}

/** One resource added, removed, changed or replaced between two plans. */
export interface ResourceDiff {
  /** "replaced": deleted and created anew, because an input that forces it changed or a setting renamed it. */
  change: "added" | "removed" | "changed" | "replaced";
  type: string;
  name: string;
  /** The head's URN (the base's for a removed resource). */
  urn: string;
  /** false for a component (a grouping in Pulumi's state only). */
  custom: boolean;
  /** Top-level component the resource belongs to (itself for a top-level component). */
  component: string | null;
  /** `protect` on the base for a removed or replaced resource (the engine refuses to delete it), else on the head. */
  protect: boolean;
  /** `retainOnDelete` on the base for a removed or replaced resource: the old one stays in the cloud, outside the stack. */
  retainOnDelete?: boolean;
  /** Changed and replaced resources. */
  inputChanges?: InputChange[];
  /** Replaced resources: the changed input paths that force the replacement (`(name)` for a rename). */
  replacedBy?: string[];
  /** Replaced by a rename: the base's name and URN. */
  renamedFrom?: { name: string; urn: string };
  /** Replaced because a resource it takes an input from (or its provider) is replaced: their names. */
  cascadeFrom?: string[];
  /** Monthly cost of this resource, when the cost model prices it on either side. */
  cost?: { expected: Delta; worstCase: Delta; idleGpu: Delta };
}

/** How one component's monthly cost moves between two plans. */
export interface ComponentCostDiff {
  component: string;
  expected: Delta;
  worstCase: Delta;
  idleGpu: Delta;
}

/** The changes of one stack between two plans: its resources, cost and policy findings. */
export interface StackDiff {
  /** The stack's name (`base → head` when two single plans of different stacks are compared). */
  stack: string;
  status: "changed" | "unchanged" | "added" | "removed" | "failed";
  /** Why a side could not be planned (status "failed"). */
  errors?: { base?: string; head?: string };
  /** Stage, environment or region, when the change moves them. */
  settings: { key: "stage" | "environment" | "region"; before: string; after: string }[];
  /** The plan's deploy-time warnings (quotas, identities) that appear or go away with the change. */
  warnings: { new: string[]; gone: string[] };
  resources: { added: ResourceDiff[]; removed: ResourceDiff[]; changed: ResourceDiff[]; replaced: ResourceDiff[] };
  policy: {
    new: Verdict[];
    fixed: Verdict[];
    /** Mandatory violations on the head, new or not: any of them fails `pulumi preview --policy-pack`. */
    mandatoryOnHead: number;
    advisoryOnHead: number;
  };
  cost: {
    expected: Delta;
    worstCase: Delta;
    idleGpu: Delta;
    /** Every component of either side, in the head's order, then the removed ones. */
    byComponent: ComponentCostDiff[];
    /** Resources the cost model cannot price on the head but could (or did not exist) on the base: the totals understate. */
    newlyUnpriced: { name: string; type: string; reason: string }[];
    priceTableAsOf: { before?: string; after?: string };
  };
}

/** A resource the change deletes, or deletes and creates anew: what a reviewer must see first. */
export interface DestructiveChange {
  stack: string;
  change: "replaced" | "removed";
  type: string;
  /** The head's name (the base's for a removed resource). */
  name: string;
  urn: string;
  /** The base's name, when a setting renamed it. */
  renamedFrom?: string;
  /** The engine refuses to delete it: `pulumi up` fails until it is unprotected. */
  protect: boolean;
  /** The old one is left in the cloud, outside the stack (its data stays there; the new one starts empty). */
  retainOnDelete: boolean;
  /** Deleting it loses data, not only configuration. */
  stateful: boolean;
  /** Why: the input paths that force a replacement, "renamed", or "removed". */
  why: string;
  /** What goes with it: data, endpoint, DNS name (plan/replacements.ts), when more than configuration. */
  loses?: string;
}

/** What `diffPlans` returns: every stack's changes, what is destroyed first, and a one-line headline. */
export interface PlanDiff {
  schemaVersion: number;
  kind: "ml-platform/plan-diff";
  /** One line for a pull request: "2 replaced (1 protected), +$213/month expected (worst case +$213), +$0 idle GPU, 1 new advisory". */
  headline: string;
  /**
   * Every cloud or Kubernetes resource replaced or deleted, in every stack:
   * protected first, then those holding data, then the rest. Never cut.
   */
  destructive: DestructiveChange[];
  totals: {
    expected: Delta;
    worstCase: Delta;
    idleGpu: Delta;
    resources: { added: number; removed: number; changed: number; replaced: number };
    /** Protected resources replaced or deleted: `plan diff` exits 5 when there is one. */
    protectedDestroyed: number;
    policy: { newMandatory: number; newAdvisory: number; fixed: number; mandatoryOnHead: number };
    /** Stacks that could not be planned on the head. */
    failedOnHead: string[];
  };
  stacks: StackDiff[];
}

// ---------------------------------------------------------------- reading

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Checks that `doc` is a plan (or a failure entry) this diff understands; `where` names it in errors. */
export function asPlanDocument(doc: unknown, where: string): PlanDocument {
  if (!isObject(doc))
    throw new PlanFileError(
      `${where}: not a plan from \`npm run plan -- <stack> --json\` (expected an object, got ${Array.isArray(doc) ? "an array" : typeof doc})`,
    );
  const version = doc.schemaVersion ?? 1;
  if (typeof version !== "number" || !READABLE_PLAN_VERSIONS.includes(version)) {
    throw new PlanFileError(
      `${where}: plan schemaVersion ${JSON.stringify(version)} is not one this diff reads (${READABLE_PLAN_VERSIONS.join(", ")}): plan both sides with the same version of the CLI`,
    );
  }
  if (typeof doc.stack !== "string") throw new PlanFileError(`${where}: not a plan from \`npm run plan -- <stack> --json\` (no "stack")`);
  if (isObject(doc.error) && typeof doc.error.message === "string") return doc as unknown as JsonPlanFailure;
  for (const key of ["resources", "cost", "policy"] as const) {
    if (doc[key] === undefined) throw new PlanFileError(`${where}: not a plan from \`npm run plan -- <stack> --json\` (no "${key}")`);
  }
  if (!Array.isArray(doc.resources)) throw new PlanFileError(`${where}: "resources" must be an array`);
  return doc as unknown as JsonPlan;
}

/** A `--json` plan or an `--all --json` array, parsed and checked. */
export function parsePlans(text: string, where: string): PlanDocument | PlanDocument[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const hint = /^\s*>/.test(text) ? " (it starts with npm's banner: write plans with `npm run -s plan -- ... --json`)" : "";
    throw new PlanFileError(`${where}: not JSON${hint}: ${(err as Error).message}`);
  }
  return Array.isArray(doc) ? doc.map((d, i) => asPlanDocument(d, `${where}[${i}]`)) : asPlanDocument(doc, where);
}

/** `parsePlans` on a file; throws PlanFileError when it cannot be read. */
export function readPlanFile(file: string): PlanDocument | PlanDocument[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new PlanFileError(`cannot read plan file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parsePlans(text, file);
}

// ---------------------------------------------------------------- comparing

const round2 = (n: number) => Math.round(n * 100) / 100;
const delta = (before: number, after: number): Delta => ({ before: round2(before), after: round2(after), delta: round2(after - before) });
const sumDelta = (ds: Delta[]): Delta =>
  delta(
    ds.reduce((s, d) => s + d.before, 0),
    ds.reduce((s, d) => s + d.after, 0),
  );

/** `urn:pulumi:<stack>::<project>::<type chain>::<name>` without the stack, so two stacks' plans line up. */
function stackless(urn: string): string {
  const parts = urn.split("::");
  return parts.length >= 4 ? parts.slice(1).join("::") : urn;
}

/** `type::name` of a resource, and of its parent (the type before its own in the URN's type chain). */
const typeAndName = (r: JsonPlanResource) => `${r.type}::${r.name}`;
function parentKey(r: JsonPlanResource): string | undefined {
  const chain = r.urn.split("::")[2]?.split("$") ?? [];
  return r.parent === null || chain.length < 2 ? undefined : `${chain[chain.length - 2]}::${r.parent}`;
}

/** Top-level component of each resource, by URN (null when the chain cannot be followed). */
function topComponents(resources: JsonPlanResource[]): Map<string, string | null> {
  const byKey = new Map(resources.map((r) => [typeAndName(r), r]));
  const top = new Map<string, string | null>();
  for (const r of resources) {
    let node: JsonPlanResource | undefined = r;
    for (let guard = 0; node && node.parent !== null && guard < 100; guard++) node = byKey.get(parentKey(node) ?? "");
    top.set(r.urn, node ? node.name : null);
  }
  return top;
}

/** Parses a string that holds a JSON object or array (an IAM policy, a Helm values blob), else undefined. */
function jsonDocument(value: unknown): unknown {
  if (typeof value !== "string" || !/^\s*[[{]/.test(value)) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

const pathKey = (base: string, key: string) => (/^[A-Za-z_$][\w$-]*$/.test(key) ? (base ? `${base}.${key}` : key) : `${base}[${JSON.stringify(key)}]`);

/** Every leaf path where `before` and `after` differ (a whole subtree when one side lacks it). */
export function inputChanges(before: unknown, after: unknown, at = ""): InputChange[] {
  if (Object.is(before, after)) return [];
  const [docBefore, docAfter] = [jsonDocument(before), jsonDocument(after)];
  if (docBefore !== undefined && docAfter !== undefined) return inputChanges(docBefore, docAfter, at);
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: InputChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      const p = `${at}[${i}]`;
      if (i >= before.length) out.push({ path: p, after: after[i] });
      else if (i >= after.length) out.push({ path: p, before: before[i] });
      else out.push(...inputChanges(before[i], after[i], p));
    }
    return out;
  }
  if (isObject(before) && isObject(after)) {
    const out: InputChange[] = [];
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      const p = pathKey(at, key);
      if (!(key in after)) out.push({ path: p, before: before[key] });
      else if (!(key in before)) out.push({ path: p, after: after[key] });
      else out.push(...inputChanges(before[key], after[key], p));
    }
    return out;
  }
  return [{ path: at || "(inputs)", before, after }];
}

function resourceChanges(before: JsonPlanResource, after: JsonPlanResource): InputChange[] {
  const changes = inputChanges(before.inputs ?? {}, after.inputs ?? {});
  for (const option of ["protect", "retainOnDelete"] as const) {
    if (!!before[option] !== !!after[option]) changes.push({ path: `(${option})`, before: !!before[option], after: !!after[option] });
  }
  return changes;
}

const EMPTY_COST: CostReport = emptyCostReport();

/** A plan with nothing in it: the other side of a stack that is new or gone. */
function emptyPlan(like: JsonPlan): JsonPlan {
  return {
    ...like,
    resources: [],
    outputs: {},
    decisions: [],
    warnings: [],
    cost: { ...EMPTY_COST, region: like.region },
    policy: { ...like.policy, mandatory: [], advisory: [] },
  };
}

function costDelta(before: CostLine | undefined, after: CostLine | undefined) {
  return {
    expected: delta(before?.expectedMonthlyUsd ?? 0, after?.expectedMonthlyUsd ?? 0),
    worstCase: delta(before?.worstCaseMonthlyUsd ?? 0, after?.worstCaseMonthlyUsd ?? 0),
    idleGpu: delta(before?.idleGpuMonthlyUsd ?? 0, after?.idleGpuMonthlyUsd ?? 0),
  };
}

/**
 * Findings present on one side only. A finding is the same on both sides when
 * the policy, level and resource match: its message may quote a figure that the
 * change moved ("costs $1,109/month"), and that is not a new finding.
 */
function policyDiff(before: Verdict[], after: Verdict[]): { new: Verdict[]; fixed: Verdict[] } {
  const key = (v: Verdict) => `${v.enforcementLevel}|${v.policy}|${v.urn ? stackless(v.urn) : ""}`;
  const remaining = new Map<string, Verdict[]>();
  for (const v of before) remaining.set(key(v), [...(remaining.get(key(v)) ?? []), v]);
  const fresh: Verdict[] = [];
  for (const v of after) {
    const same = remaining.get(key(v));
    if (!same?.length) {
      fresh.push(v);
      continue;
    }
    // Prefer the identical message, so that of two findings on one resource the right one pairs up.
    const i = Math.max(
      0,
      same.findIndex((b) => b.message === v.message),
    );
    same.splice(i, 1);
  }
  return { new: fresh, fixed: [...remaining.values()].flat() };
}

const allVerdicts = (p: JsonPlan) => [...(p.policy?.mandatory ?? []), ...(p.policy?.advisory ?? [])];

/**
 * Removed and added resources that are one resource renamed by a changed
 * setting: same type, and the old name with the setting's old value replaced
 * by the new one (`mlp-prod-metadata-postgres` -> `mlp-staging-metadata-postgres`)
 * is the new name.
 */
function pairRenames(
  removed: ResourceDiff[],
  added: ResourceDiff[],
  settings: StackDiff["settings"],
  baseByKey: Map<string, JsonPlanResource>,
  headByKey: Map<string, JsonPlanResource>,
): { before: ResourceDiff; after: ResourceDiff }[] {
  const renames = settings.filter((s) => s.before && s.after);
  if (!renames.length || !removed.length || !added.length) return [];
  const rename = (name: string) => renames.reduce((n, s) => n.split(s.before).join(s.after), name);
  const addedByKey = new Map(added.map((a) => [`${a.type}::${a.name}`, a]));
  const pairs: { before: ResourceDiff; after: ResourceDiff }[] = [];
  for (const r of removed) {
    const after = addedByKey.get(`${r.type}::${rename(r.name)}`);
    if (!after || after.name === r.name || !baseByKey.has(stackless(r.urn)) || !headByKey.has(stackless(after.urn))) continue;
    addedByKey.delete(`${r.type}::${after.name}`);
    pairs.push({ before: r, after });
  }
  return pairs;
}

/**
 * A replacement gives the new resource a new id, which the offline plan's
 * mocks cannot show (their ids follow the name): a resource whose input that
 * forces a replacement is computed from a replaced resource (a subnet's
 * `vpcId` from a replaced VPC), or whose provider is replaced, is replaced
 * too. Followed to the end of the chain.
 */
function cascadeReplacements(
  resources: JsonPlanResource[],
  lists: { changed: ResourceDiff[]; replaced: ResourceDiff[] },
  replacement: (r: JsonPlanResource, key: string) => ResourceDiff,
): void {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const replacedUrns = new Set(lists.replaced.map((r) => r.urn));
  for (let grew = true; grew;) {
    grew = false;
    for (const r of resources) {
      if (replacedUrns.has(r.urn) || r.custom === false) continue;
      const causes: { path: string; from: string }[] = [];
      if (r.provider && replacedUrns.has(r.provider)) causes.push({ path: "(provider)", from: byUrn.get(r.provider)?.name ?? r.provider });
      for (const [input, urns] of Object.entries(r.propertyDependencies ?? {})) {
        const from = urns.filter((u) => replacedUrns.has(u));
        if (from.length && forcesReplacement(r.type, input)) causes.push(...from.map((u) => ({ path: input, from: byUrn.get(u)?.name ?? u })));
      }
      if (!causes.length) continue;
      const wasChanged = lists.changed.findIndex((c) => c.urn === r.urn);
      const inputChanges = wasChanged >= 0 ? lists.changed.splice(wasChanged, 1)[0]!.inputChanges : undefined;
      lists.replaced.push({
        ...replacement(r, stackless(r.urn)),
        ...(inputChanges ? { inputChanges } : {}),
        replacedBy: [...new Set(causes.map((c) => c.path))],
        cascadeFrom: [...new Set(causes.map((c) => c.from))],
      });
      replacedUrns.add(r.urn);
      grew = true;
    }
  }
}

/** What deleting the old resource does: its options, not the new one's, decide it. */
const deletionOf = (old: JsonPlanResource | undefined) => ({ protect: !!old?.protect, retainOnDelete: !!old?.retainOnDelete });

/** Whether a value of `input` computed from a replaced resource replaces a resource of `type` (a rule or cascade path is it, or under it). */
function forcesReplacement(type: string, input: string): boolean {
  const rule = REPLACEMENT_RULES[type];
  const paths = [...(rule?.paths ?? []), ...(rule?.cascadePaths ?? [])];
  return paths.some((p) => p === input || input.startsWith(`${p}.`) || p.startsWith(`${input}.`)) || replacingPaths(type, [input]).length > 0;
}

/** The comparison of two plans of one stack. */
export function diffStack(base: JsonPlan, head: JsonPlan, label = head.stack): StackDiff {
  const baseByKey = new Map(base.resources.map((r) => [stackless(r.urn), r]));
  const headByKey = new Map(head.resources.map((r) => [stackless(r.urn), r]));
  const [baseTop, headTop] = [topComponents(base.resources), topComponents(head.resources)];
  const [baseCost, headCost] = [
    new Map(base.cost.byResource.map((c) => [stackless(c.urn), c])),
    new Map(head.cost.byResource.map((c) => [stackless(c.urn), c])),
  ];
  const withCost = (d: ResourceDiff, k: string): ResourceDiff =>
    baseCost.has(k) || headCost.has(k) ? { ...d, cost: costDelta(baseCost.get(k), headCost.get(k)) } : d;
  /** What names a resource in the diff, its component from the plan it is read from. */
  const identity = (r: JsonPlanResource, top: Map<string, string | null>) => ({
    type: r.type,
    name: r.name,
    urn: r.urn,
    custom: r.custom !== false,
    component: top.get(r.urn) ?? null,
  });

  const added: ResourceDiff[] = [];
  const changed: ResourceDiff[] = [];
  const replaced: ResourceDiff[] = [];
  for (const [k, r] of headByKey) {
    const old = baseByKey.get(k);
    const common = { ...identity(r, headTop), protect: !!r.protect };
    if (!old) added.push(withCost({ change: "added", ...common }, k));
    else {
      const changes = resourceChanges(old, r);
      const forcing = replacingPaths(
        r.type,
        changes.map((c) => c.path),
      );
      if (forcing.length) {
        replaced.push(withCost({ change: "replaced", ...common, ...deletionOf(old), inputChanges: changes, replacedBy: forcing }, k));
      } else if (changes.length) changed.push(withCost({ change: "changed", ...common, inputChanges: changes }, k));
    }
  }
  const removed: ResourceDiff[] = [...baseByKey]
    .filter(([k]) => !headByKey.has(k))
    .map(([k, r]) =>
      withCost(
        {
          change: "removed",
          ...identity(r, baseTop),
          ...deletionOf(r),
        },
        k,
      ),
    );
  const settings = (["stage", "environment", "region"] as const)
    .filter((key) => base.resources.length && head.resources.length && base[key] !== head[key])
    .map((key) => ({ key, before: base[key], after: head[key] }));
  // A setting that names resources (the environment: mlp-prod-... -> mlp-staging-...) renames them:
  // the engine creates the new name and deletes the old one. Pair them up as replacements.
  const renamed = pairRenames(removed, added, settings, baseByKey, headByKey);
  for (const { before, after } of renamed) {
    removed.splice(removed.indexOf(before), 1);
    added.splice(added.indexOf(after), 1);
    const [oldR, newR] = [baseByKey.get(stackless(before.urn))!, headByKey.get(stackless(after.urn))!];
    replaced.push({
      ...after,
      change: "replaced",
      protect: before.protect,
      retainOnDelete: before.retainOnDelete,
      inputChanges: resourceChanges(oldR, newR),
      replacedBy: ["(name)"],
      renamedFrom: { name: before.name, urn: before.urn },
      ...(before.cost || after.cost ? { cost: costDelta(baseCost.get(stackless(before.urn)), headCost.get(stackless(after.urn))) } : {}),
    });
  }
  cascadeReplacements(head.resources, { changed, replaced }, (r, k) =>
    withCost(
      {
        change: "replaced",
        ...identity(r, headTop),
        ...deletionOf(baseByKey.get(k)),
      },
      k,
    ),
  );

  // Per component: expected and worst case from the report's table, idle GPU summed from its lines.
  const components = [...new Set([...head.cost.byComponent.map((c) => c.component), ...base.cost.byComponent.map((c) => c.component)])];
  const idleOf = (cost: CostReport, component: string) => cost.byResource.filter((l) => l.component === component).reduce((s, l) => s + l.idleGpuMonthlyUsd, 0);
  const byComponent = components.map((component) => {
    const [b, h] = [base.cost.byComponent.find((c) => c.component === component), head.cost.byComponent.find((c) => c.component === component)];
    return {
      component,
      expected: delta(b?.expectedMonthlyUsd ?? 0, h?.expectedMonthlyUsd ?? 0),
      worstCase: delta(b?.worstCaseMonthlyUsd ?? 0, h?.worstCaseMonthlyUsd ?? 0),
      idleGpu: delta(idleOf(base.cost, component), idleOf(head.cost, component)),
    };
  });
  const unpricedBefore = new Set(base.cost.unpriced.map((u) => `${stackless(u.urn)}|${u.reason}`));
  const policy = policyDiff(allVerdicts(base), allVerdicts(head));

  const [warningsBefore, warningsAfter] = [base.warnings ?? [], head.warnings ?? []];
  const warnings = { new: warningsAfter.filter((w) => !warningsBefore.includes(w)), gone: warningsBefore.filter((w) => !warningsAfter.includes(w)) };
  const cost = {
    expected: delta(base.cost.expectedMonthlyUsd, head.cost.expectedMonthlyUsd),
    worstCase: delta(base.cost.worstCaseMonthlyUsd, head.cost.worstCaseMonthlyUsd),
    idleGpu: delta(base.cost.idleGpuMonthlyUsd, head.cost.idleGpuMonthlyUsd),
    byComponent,
    newlyUnpriced: head.cost.unpriced
      .filter((u) => !unpricedBefore.has(`${stackless(u.urn)}|${u.reason}`))
      .map(({ name, type, reason }) => ({ name, type, reason })),
    priceTableAsOf: { before: base.cost.priceTableAsOf, after: head.cost.priceTableAsOf },
  };
  const anything =
    added.length +
      removed.length +
      changed.length +
      replaced.length +
      policy.new.length +
      policy.fixed.length +
      settings.length +
      cost.newlyUnpriced.length +
      warnings.new.length +
      warnings.gone.length >
      0 || [cost.expected, cost.worstCase, cost.idleGpu].some((d) => d.delta !== 0);
  return {
    stack: label,
    status: anything ? "changed" : "unchanged",
    settings,
    warnings,
    resources: { added, removed, changed, replaced },
    policy: { ...policy, mandatoryOnHead: head.policy?.mandatory?.length ?? 0, advisoryOnHead: head.policy?.advisory?.length ?? 0 },
    cost,
  };
}

const isFailure = (d: PlanDocument | undefined): d is JsonPlanFailure => !!d && "error" in d;

function failedStack(stack: string, base: PlanDocument | undefined, head: PlanDocument | undefined): StackDiff {
  const zero = delta(0, 0);
  return {
    stack,
    status: "failed",
    errors: { ...(isFailure(base) ? { base: base.error.message } : {}), ...(isFailure(head) ? { head: head.error.message } : {}) },
    settings: [],
    warnings: { new: [], gone: [] },
    resources: { added: [], removed: [], changed: [], replaced: [] },
    policy: { new: [], fixed: [], mandatoryOnHead: 0, advisoryOnHead: 0 },
    cost: { expected: zero, worstCase: zero, idleGpu: zero, byComponent: [], newlyUnpriced: [], priceTableAsOf: {} },
  };
}

/**
 * Compares two plans. Two single plans are compared whatever their stack
 * names; two arrays (`--all --json`) are matched by stack name, and a stack on
 * one side only is all added or all removed.
 */
export function diffPlans(base: PlanDocument | PlanDocument[], head: PlanDocument | PlanDocument[]): PlanDiff {
  const pairs: [string, PlanDocument | undefined, PlanDocument | undefined][] = [];
  if (!Array.isArray(base) && !Array.isArray(head)) {
    pairs.push([base.stack === head.stack ? head.stack : `${base.stack} → ${head.stack}`, base, head]);
  } else {
    const [bs, hs] = [[base].flat(), [head].flat()];
    for (const h of hs) pairs.push([h.stack, bs.find((b) => b.stack === h.stack), h]);
    for (const b of bs) if (!hs.some((h) => h.stack === b.stack)) pairs.push([b.stack, b, undefined]);
  }
  const stacks = pairs.map(([stack, b, h]): StackDiff => {
    if (isFailure(h) || (isFailure(b) && !h)) return failedStack(stack, b, h);
    // A base that failed to plan: compare against nothing, and say so.
    if (isFailure(b)) return { ...diffStack(emptyPlan(h as JsonPlan), h as JsonPlan, stack), status: "added", errors: { base: b.error.message } };
    if (!b) return { ...diffStack(emptyPlan(h as JsonPlan), h as JsonPlan, stack), status: "added" };
    if (!h) return { ...diffStack(b, emptyPlan(b), stack), status: "removed" };
    return diffStack(b, h, stack);
  });
  const destructive = destructiveChanges(stacks);
  const totals = {
    expected: sumDelta(stacks.map((s) => s.cost.expected)),
    worstCase: sumDelta(stacks.map((s) => s.cost.worstCase)),
    idleGpu: sumDelta(stacks.map((s) => s.cost.idleGpu)),
    resources: {
      added: stacks.reduce((n, s) => n + s.resources.added.length, 0),
      removed: stacks.reduce((n, s) => n + s.resources.removed.length, 0),
      changed: stacks.reduce((n, s) => n + s.resources.changed.length, 0),
      replaced: stacks.reduce((n, s) => n + s.resources.replaced.length, 0),
    },
    protectedDestroyed: destructive.filter((d) => d.protect).length,
    policy: {
      newMandatory: stacks.reduce((n, s) => n + s.policy.new.filter((v) => v.enforcementLevel === "mandatory").length, 0),
      newAdvisory: stacks.reduce((n, s) => n + s.policy.new.filter((v) => v.enforcementLevel !== "mandatory").length, 0),
      fixed: stacks.reduce((n, s) => n + s.policy.fixed.length, 0),
      mandatoryOnHead: stacks.reduce((n, s) => n + s.policy.mandatoryOnHead, 0),
    },
    failedOnHead: stacks.filter((s) => s.errors?.head).map((s) => s.stack),
  };
  return { schemaVersion: DIFF_SCHEMA_VERSION, kind: "ml-platform/plan-diff", headline: headline(totals, destructive), destructive, totals, stacks };
}

/** The replaced and removed cloud and Kubernetes resources of every stack: protected first, then stateful, then the rest. */
function destructiveChanges(stacks: StackDiff[]): DestructiveChange[] {
  const rank = (d: DestructiveChange) => (d.protect ? 0 : d.stateful ? 1 : d.loses ? 2 : 3);
  return stacks
    .flatMap((s) =>
      [...s.resources.replaced, ...s.resources.removed]
        .filter((r) => r.custom)
        .map((r): DestructiveChange => {
          const loses = lossText(r.type);
          return {
            stack: s.stack,
            change: r.change === "removed" ? "removed" : "replaced",
            type: r.type,
            name: r.name,
            urn: r.urn,
            ...(r.renamedFrom ? { renamedFrom: r.renamedFrom.name } : {}),
            protect: r.protect,
            retainOnDelete: !!r.retainOnDelete,
            stateful: isStateful(r.type),
            why:
              r.change === "removed"
                ? "removed"
                : r.renamedFrom
                  ? "renamed"
                  : r.cascadeFrom
                    ? `${r.replacedBy!.join(", ")} from replaced ${r.cascadeFrom.join(", ")}`
                    : `${r.replacedBy!.join(", ")} changed`,
            ...(loses ? { loses } : {}),
          };
        }),
    )
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d) - rank(b.d) || a.i - b.i)
    .map(({ d }) => d);
}

// ---------------------------------------------------------------- rendering

/** "$1,234.50" */
export function money(n: number, decimals = 2): string {
  const abs = Math.abs(n).toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  return `${n < 0 ? "-" : ""}$${abs}`;
}

/** "+$213", "-$12", "+$0"; cents only below $10, where whole dollars would hide the change. */
export function signedMoney(n: number): string {
  const decimals = Math.abs(n) >= 0.005 && Math.abs(n) < 10 ? 2 : 0;
  const shown = Number(Math.abs(n).toFixed(decimals));
  return `${n < 0 && shown !== 0 ? "-" : "+"}${money(shown, decimals)}`;
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function headline(t: PlanDiff["totals"], destructive: DestructiveChange[]): string {
  const replaced = destructive.filter((d) => d.change === "replaced").length;
  const deleted = destructive.length - replaced;
  const stateful = destructive.filter((d) => d.stateful).length;
  const danger = destructive.length
    ? [
        `⛔ ${[...(replaced ? [`${replaced} replaced`] : []), ...(deleted ? [`${deleted} deleted`] : [])].join(", ")}` +
          ` (${[...(t.protectedDestroyed ? [`${t.protectedDestroyed} protected`] : []), `${stateful} holding data`].join(", ")})`,
      ]
    : [];
  const parts = [
    ...danger,
    `${signedMoney(t.expected.delta)}/month expected (worst case ${signedMoney(t.worstCase.delta)})`,
    `${signedMoney(t.idleGpu.delta)} idle GPU`,
  ];
  const findings = [
    ...(t.policy.newMandatory ? [count(t.policy.newMandatory, "new mandatory violation")] : []),
    ...(t.policy.newAdvisory ? [count(t.policy.newAdvisory, "new advisory", "new advisories")] : []),
    ...(t.policy.fixed ? [`${t.policy.fixed} fixed`] : []),
  ];
  parts.push(findings.length ? findings.join(", ") : "no new policy findings");
  if (t.failedOnHead.length) parts.push(`${count(t.failedOnHead.length, "stack")} failed to plan`);
  return parts.join(", ");
}

/** Text safe inside a Markdown table cell or inline code. */
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

function shortValue(v: unknown, max = 80): string {
  if (v === undefined) return "(none)";
  const text = typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const shortType = (type: string) => {
  const [pkg, module, kind] = type.split(":");
  return kind === undefined ? type : `${pkg}:${module!.split("/")[0]}:${kind}`;
};

const beforeAfter = (d: Delta) => `${money(d.before)} → ${money(d.after)}`;
const deltaCell = (d: Delta) => (d.delta === 0 ? "0" : `**${signedMoney(d.delta)}**`);

/** Lines shown per stack before the rest is cut (a GitHub comment holds at most 65,536 characters). */
const MAX_RESOURCE_LINES = 60;
const MAX_PATHS_PER_RESOURCE = 8;
const MAX_COMMENT_CHARS = 60_000;

function resourceLine(r: ResourceDiff): string {
  const cost =
    r.cost && r.cost.expected.delta !== 0
      ? ` (${signedMoney(r.cost.expected.delta)}/month expected)`
      : r.cost && r.cost.worstCase.delta !== 0
        ? ` (${signedMoney(r.cost.worstCase.delta)}/month worst case)`
        : "";
  const warn = (r.change === "removed" || r.change === "replaced") && r.protect ? " ⛔ protected: the engine refuses to delete it until it is unprotected" : "";
  const was = r.renamedFrom ? ` (was ${code(r.renamedFrom.name)})` : "";
  const forced =
    r.change === "replaced" && !r.renamedFrom
      ? `, forced by ${r.replacedBy!.map(code).join(", ")}${r.cascadeFrom ? ` (from replaced ${r.cascadeFrom.map(code).join(", ")})` : ""}`
      : "";
  const head = `- **${r.change}** ${code(shortType(r.type))} ${code(r.name)}${was}${cost}${warn}${forced}`;
  if (!r.inputChanges?.length) return head;
  const shown = r.inputChanges.slice(0, MAX_PATHS_PER_RESOURCE).map((c) => `${code(c.path)}: ${code(shortValue(c.before))} → ${code(shortValue(c.after))}`);
  const more = r.inputChanges.length > shown.length ? [`and ${r.inputChanges.length - shown.length} more`] : [];
  return `${head}: ${[...shown, ...more].join("; ")}`;
}

function verdictLine(v: Verdict, status: string): string {
  const first = v.message.split("\n")[0]!;
  return `- **${status} ${v.enforcementLevel}** ${code(v.policy)}${v.resource ? ` on ${code(v.resource)}` : ""}: ${first}`;
}

function stackSection(s: StackDiff): string[] {
  const lines = [`### ${code(s.stack)}${s.status === "added" ? " (new stack)" : s.status === "removed" ? " (stack removed)" : ""}`, ""];
  if (s.status === "failed") {
    if (s.errors?.head) lines.push(`**The head does not plan:** ${cell(s.errors.head.split("\n")[0]!)}`);
    if (s.errors?.base) lines.push(`The base did not plan: ${cell(s.errors.base.split("\n")[0]!)}`);
    return [...lines, ""];
  }
  if (s.errors?.base) lines.push(`The base did not plan (${cell(s.errors.base.split("\n")[0]!)}): everything is shown as added.`, "");
  for (const st of s.settings) lines.push(`- ${st.key}: ${code(st.before)} → ${code(st.after)}`);
  if (s.settings.length) lines.push("");
  if (s.policy.mandatoryOnHead)
    lines.push(
      `⛔ **${count(s.policy.mandatoryOnHead, "mandatory policy violation")} on the head**: \`pulumi preview --policy-pack policies\` would fail.`,
      "",
    );

  const rows = s.cost.byComponent.filter((c) => c.expected.delta !== 0 || c.worstCase.delta !== 0 || c.idleGpu.delta !== 0);
  if (rows.length) {
    lines.push("| component | expected $/month | Δ expected | worst case $/month | Δ worst case | Δ idle GPU |", "|---|--:|--:|--:|--:|--:|");
    for (const c of rows)
      lines.push(
        `| ${code(c.component)} | ${beforeAfter(c.expected)} | ${deltaCell(c.expected)} | ${beforeAfter(c.worstCase)} | ${deltaCell(c.worstCase)} | ${deltaCell(c.idleGpu)} |`,
      );
    lines.push(
      `| **total** | ${beforeAfter(s.cost.expected)} | ${deltaCell(s.cost.expected)} | ${beforeAfter(s.cost.worstCase)} | ${deltaCell(s.cost.worstCase)} | ${deltaCell(s.cost.idleGpu)} |`,
      "",
    );
  } else {
    lines.push(
      `Monthly cost unchanged: ${money(s.cost.expected.after)} expected, ${money(s.cost.worstCase.after)} worst case, ${money(s.cost.idleGpu.after)} idle GPU.`,
      "",
    );
  }
  if (s.warnings.new.length) {
    lines.push(`⚠️ ${count(s.warnings.new.length, "new warning")} for the deployment:`, ...s.warnings.new.map((w) => `- ${cell(w)}`), "");
  }
  if (s.warnings.gone.length)
    lines.push(`${count(s.warnings.gone.length, "warning")} gone: ${s.warnings.gone.map((w) => cell(w.split(":")[0]!)).join("; ")}.`, "");
  if (s.cost.newlyUnpriced.length) {
    lines.push(`⚠️ ${count(s.cost.newlyUnpriced.length, "resource")} the cost model cannot price (NOT in the figures above):`);
    for (const u of s.cost.newlyUnpriced) lines.push(`- ${code(shortType(u.type))} ${code(u.name)}: ${cell(u.reason)}`);
    lines.push("");
  }
  const { added, removed, changed, replaced } = s.resources;
  const all = [...replaced, ...removed, ...changed, ...added];
  if (all.length) {
    const protectedGone = [...replaced, ...removed].filter((r) => r.protect).length;
    lines.push(
      `<details><summary>Resources: ${replaced.length} replaced, ${removed.length} removed, ${changed.length} changed, ${added.length} added${protectedGone ? ` (${protectedGone} protected replaced or removed ⛔)` : ""}</summary>`,
      "",
      ...all.slice(0, MAX_RESOURCE_LINES).map(resourceLine),
      ...(all.length > MAX_RESOURCE_LINES ? [`- … and ${all.length - MAX_RESOURCE_LINES} more (see the --json diff)`] : []),
      "",
      "</details>",
      "",
    );
  }
  if (s.policy.new.length || s.policy.fixed.length) {
    lines.push(
      `<details><summary>Policy: ${s.policy.new.length} new, ${s.policy.fixed.length} fixed</summary>`,
      "",
      ...s.policy.new.map((v) => verdictLine(v, "new")),
      ...s.policy.fixed.map((v) => verdictLine(v, "fixed")),
      "",
      "</details>",
      "",
    );
  }
  return lines;
}

/** The pull-request comment: a headline, a summary table per stack, then each changed stack's components and details. */
export function renderDiffMarkdown(d: PlanDiff): string {
  const head = [`## Plan diff: ${d.headline}`, "", ...destructiveSection(d)].join("\n");
  const lines: string[] = [];
  const shown = d.stacks.filter((s) => s.status !== "unchanged");
  if (shown.length) {
    lines.push("| stack | expected $/month | worst case $/month | idle GPU $/month | resources | policy |", "|---|--:|--:|--:|---|---|");
    for (const s of shown) {
      const res =
        s.status === "failed"
          ? "**does not plan**"
          : [
              ["replaced", s.resources.replaced.length],
              ["removed", s.resources.removed.length],
              ["changed", s.resources.changed.length],
              ["added", s.resources.added.length],
            ]
              .filter(([, n]) => n)
              .map(([w, n]) => `${n} ${w}`)
              .join(", ") || "none";
      const newMandatory = s.policy.new.filter((v) => v.enforcementLevel === "mandatory").length;
      const pol =
        [
          ...(newMandatory ? [`**${newMandatory} new mandatory**`] : []),
          ...(s.policy.new.length - newMandatory ? [`${s.policy.new.length - newMandatory} new advisory`] : []),
          ...(s.policy.fixed.length ? [`${s.policy.fixed.length} fixed`] : []),
          ...(s.policy.mandatoryOnHead > newMandatory ? [`${s.policy.mandatoryOnHead} mandatory on head`] : []),
        ].join(", ") || "no change";
      lines.push(
        `| ${code(s.stack)} | ${beforeAfter(s.cost.expected)} (${signedMoney(s.cost.expected.delta)}) | ${beforeAfter(s.cost.worstCase)} (${signedMoney(s.cost.worstCase.delta)}) | ${beforeAfter(s.cost.idleGpu)} | ${res} | ${pol} |`,
      );
    }
    lines.push("");
  }
  const unchanged = d.stacks.filter((s) => s.status === "unchanged");
  if (unchanged.length) lines.push(`No change: ${unchanged.map((s) => code(s.stack)).join(", ")}.`, "");
  for (const s of shown) lines.push(...stackSection(s));
  lines.push(
    "<sub>Expected: as declared (desired sizes, Spot at the planning discount). Worst case: every node group at its maximum, on demand. Idle GPU: GPU nodes kept running with no work (node group minimums). From `npm run plan -- diff`.</sub>",
    "",
  );
  // The replacements and deletions come first and are never cut; the rest is cut to fit a comment.
  let text = lines.join("\n");
  const room = Math.max(0, MAX_COMMENT_CHARS - head.length);
  if (text.length > room) {
    text = text.slice(0, room);
    const open = (text.match(/<details>/g) ?? []).length - (text.match(/<\/details>/g) ?? []).length;
    text += `\n\n… cut to fit a comment: see the --json diff for the rest.\n${"\n</details>".repeat(Math.max(0, open))}\n`;
  }
  return `${head}\n${text}`;
}

/**
 * What the change deletes, first: every protected resource and every one
 * that loses data or an endpoint by name, with what it loses; the others
 * counted by type.
 */
function destructiveSection(d: PlanDiff): string[] {
  if (!d.destructive.length) return [];
  const named = d.destructive.filter((x) => x.protect || x.stateful || x.loses);
  const rest = d.destructive.filter((x) => !named.includes(x));
  const stateful = d.destructive.filter((x) => x.stateful).length;
  const lines = [
    `### ⛔ Replaced or deleted: ${count(d.destructive.length, "resource")}, ${d.totals.protectedDestroyed} protected, ${stateful} holding data`,
    "",
  ];
  if (d.totals.protectedDestroyed) {
    lines.push(
      `**${count(d.totals.protectedDestroyed, "protected resource")} would be deleted**: \`pulumi up\` refuses until ${d.totals.protectedDestroyed === 1 ? "it is" : "they are"} unprotected, on purpose. Approve this explicitly, or keep the names and inputs that force it.`,
      "",
    );
  }
  if (named.length) {
    lines.push("| stack | resource | change | why | protected | what is lost |", "|---|---|---|---|---|---|");
    for (const x of named) {
      const was = x.renamedFrom ? ` (was ${code(x.renamedFrom)})` : "";
      const guard = [
        ...(x.protect ? ["⛔ protected"] : []),
        ...(x.retainOnDelete ? ["retained: the old one stays in the cloud, outside the stack; the new one starts empty"] : []),
      ];
      lines.push(
        `| ${code(x.stack)} | ${code(shortType(x.type))} ${code(x.name)}${was} | **${x.change}** | ${cell(x.why)} | ${guard.join("; ") || "no"} | ${cell(x.loses ?? "configuration only")} |`,
      );
    }
    lines.push("");
  }
  if (rest.length) {
    const byType = new Map<string, number>();
    for (const x of rest) byType.set(shortType(x.type), (byType.get(shortType(x.type)) ?? 0) + 1);
    lines.push(
      `${named.length ? "And " : ""}${count(rest.length, "resource")} replaced or deleted that hold only configuration: ${[...byType].map(([t, n]) => `${n} × ${code(t)}`).join(", ")}.`,
      "",
    );
  }
  return lines;
}
