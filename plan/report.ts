/**
 * Turns a PlanRun into the two things users read: a machine-readable JSON
 * plan for CI tools, and a text report grouped by component.
 */
import { PIECES } from "../config/presets";
import { planWarnings } from "../config/warnings";
import type { CostReport } from "../cost/model";
import { stackCost } from "../cost/stack";
import { EvalResource, PolicyVerdicts, evaluatePolicies, stagePolicyConfig } from "../policies/evaluate";
import type { PlanRun, PlannedResource } from "./engine";
import { policyInputs } from "../offline/policy-inputs";
import { dependencyFields } from "../offline/plan-json";
import { JsonPlan, JsonPlanDecision, PLAN_SCHEMA_VERSION } from "./schema";

export { PLAN_SCHEMA_VERSION } from "./schema";
export type { JsonPlan, JsonPlanDecision, JsonPlanResource } from "./schema";

/** The heading of what the first `pulumi up` needs that the plan cannot prove (config/warnings.ts): quotas, offerings, placeholders. */
export const FIRST_UP_HEADING = "What the first `pulumi up` needs that this plan cannot prove";

const STACK_TYPE = "pulumi:pulumi:Stack";

function nameOfUrn(urn: string | undefined): string | undefined {
  return urn?.split("::").pop();
}

/** Resources the program declared, without the implicit stack root. */
export function declaredResources(run: PlanRun): PlannedResource[] {
  return run.resources.filter((r) => r.type !== STACK_TYPE);
}

export function decisionsOf(run: PlanRun): JsonPlanDecision[] {
  return PIECES.map((piece) => {
    const d = run.spec[piece];
    return { piece, enabled: d.enabled, decidedBy: d.decidedBy, why: d.why };
  });
}

export function toJsonPlan(run: PlanRun, policy: PolicyVerdicts = policyOf(run)): JsonPlan {
  const stackUrn = run.resources.find((r) => r.type === STACK_TYPE)?.urn;
  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    stack: run.stack,
    stage: run.spec.stage,
    environment: run.spec.environment,
    region: run.spec.region,
    decisions: decisionsOf(run),
    warnings: planWarnings(run.spec),
    resources: declaredResources(run).map((r) => ({
      type: r.type,
      name: r.name,
      custom: r.custom,
      parent: r.parent && r.parent !== stackUrn ? nameOfUrn(r.parent)! : null,
      urn: r.urn,
      inputs: r.inputs,
      protect: r.protect,
      retainOnDelete: r.retainOnDelete,
      ...dependencyFields(r),
    })),
    outputs: run.outputs,
    cost: costOf(run),
    policy,
  };
}

/**
 * The plan's resources as the policy engine sees them: everything the
 * program registered (the root stack and the components included, as in a
 * real preview), plus the default AWS provider the engine adds (which
 * carries the region the cost-based policies price with).
 */
export function policyResources(run: PlanRun): EvalResource[] {
  return policyInputs(run.resources, { stack: run.stack, project: run.spec.project, region: run.spec.region });
}

/** The pack's verdicts on the plan, with the stage's config file (policies/config/<stage>.json). */
export function policyOf(run: PlanRun): PolicyVerdicts {
  return evaluatePolicies(policyResources(run), stagePolicyConfig(run.spec.stage), { configName: `policies/config/${run.spec.stage}.json` });
}

export function renderPolicy(v: PolicyVerdicts): string {
  const lines = [`Policy pack ${v.pack} (${v.config}): ${v.mandatory.length} mandatory, ${v.advisory.length} advisory`];
  for (const [label, list] of [
    ["MANDATORY", v.mandatory],
    ["advisory", v.advisory],
  ] as const) {
    for (const d of list) {
      const [first, ...rest] = d.message.split("\n");
      lines.push(`  [${label}] ${d.policy}: ${first}`);
      for (const l of rest) lines.push(`      ${l}`);
    }
  }
  if (!v.mandatory.length && !v.advisory.length) lines.push("  no violations");
  return lines.join("\n");
}

/**
 * The cost model over a plan: the same function, on the same resources, as
 * the pack's stack-monthly-budget policy (planning volumes come from the
 * resources' planning tags), grouped by top-level component for the table.
 */
export function costOf(run: PlanRun): CostReport {
  const componentOf = new Map<string, string>();
  for (const { component, resources } of groupByComponent(run)) for (const r of resources) componentOf.set(r.urn, component.name);
  return stackCost(policyResources(run), { componentOf: (urn) => componentOf.get(urn) });
}

const money = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export function renderCost(cost: CostReport): string {
  const lines = [
    `Monthly cost (${cost.priceTableAsOf ? `${cost.region} on-demand prices checked ${cost.priceTableAsOf}` : `no price table for ${cost.region}`}, 730 h a month)`,
  ];
  const rows = [
    ...cost.byComponent.map((c) => [c.component, money(c.expectedMonthlyUsd), money(c.worstCaseMonthlyUsd)]),
    ["total", money(cost.expectedMonthlyUsd), money(cost.worstCaseMonthlyUsd)],
  ];
  const w = Math.max(9, ...rows.map((r) => r[0]!.length));
  lines.push(`  ${"component".padEnd(w)}  ${"expected".padStart(12)}  ${"worst case".padStart(12)}`);
  for (const [name, expected, worst] of rows) lines.push(`  ${name!.padEnd(w)}  ${expected!.padStart(12)}  ${worst!.padStart(12)}`);
  lines.push(`  GPU capacity paid for while idle: ${money(cost.idleGpuMonthlyUsd)}/month`);
  if (cost.unpriced.length) {
    lines.push(`  Unpriced (NOT counted above): ${cost.unpriced.length}`);
    for (const u of cost.unpriced) lines.push(`    - ${u.name} <${shortType(u.type)}>: ${u.reason}`);
  }
  if (cost.usageBased.length) {
    lines.push("  Usage-based charges on top:");
    for (const u of cost.usageBased) lines.push(`    - ${u.name} <${shortType(u.type)}>: ${u.rate}`);
  }
  return lines.join("\n");
}

/** Top-level components with every resource below them (at any depth). */
export function groupByComponent(run: PlanRun): { component: PlannedResource; resources: PlannedResource[] }[] {
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  const stackUrn = run.resources.find((r) => r.type === STACK_TYPE)?.urn;
  const topOf = (r: PlannedResource): PlannedResource => {
    let node = r;
    while (node.parent && node.parent !== stackUrn && byUrn.has(node.parent)) node = byUrn.get(node.parent)!;
    return node;
  };
  const groups = new Map<string, { component: PlannedResource; resources: PlannedResource[] }>();
  for (const r of declaredResources(run)) {
    const top = topOf(r);
    if (!groups.has(top.urn)) groups.set(top.urn, { component: top, resources: [] });
    if (r !== top) groups.get(top.urn)!.resources.push(r);
  }
  return [...groups.values()];
}

/**
 * What a resource count is made of. Pulumi counts component resources (our
 * `mlplatform:*` groupings, which AWS never sees) and explicit providers as
 * resources too, so a bare number overstates what lands in the cloud.
 */
export interface ResourceCount {
  total: number;
  /** Resources a provider creates: AWS, Kubernetes, random. */
  managed: number;
  /** Explicit provider instances (e.g. the cluster's Kubernetes provider). */
  providers: number;
  /** Component resources: groupings that exist only in Pulumi's state. */
  components: number;
}

export function countResources(resources: readonly { type: string; custom: boolean }[]): ResourceCount {
  const providers = resources.filter((r) => r.custom && r.type.startsWith("pulumi:providers:")).length;
  const components = resources.filter((r) => !r.custom).length;
  return { total: resources.length, managed: resources.length - providers - components, providers, components };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "119 resources = 97 cloud/Kubernetes resources + 1 provider + 21 components" (zero parts left out). */
export function describeCount(resources: readonly { type: string; custom: boolean }[]): string {
  const c = countResources(resources);
  const parts = [
    plural(c.managed, "cloud/Kubernetes resource"),
    ...(c.providers ? [plural(c.providers, "provider")] : []),
    ...(c.components ? [plural(c.components, "component")] : []),
  ];
  return c.managed === c.total ? parts[0]! : `${plural(c.total, "resource")} = ${parts.join(" + ")}`;
}

/** "aws:s3/bucketPolicy:BucketPolicy" -> "aws:s3:BucketPolicy", for the text report. */
export function shortType(type: string): string {
  const [pkg, module, kind] = type.split(":");
  return kind === undefined ? type : `${pkg}:${module!.split("/")[0]}:${kind}`;
}

export function renderText(run: PlanRun, extraSections: string[] = []): string {
  const lines: string[] = [];
  const { spec } = run;
  lines.push(`ml-platform plan for stack "${run.stack}"`);
  lines.push(`  stage ${spec.stage}: ${spec.stageTitle}`);
  lines.push(`  environment ${spec.environment}, region ${spec.region}, stateful resources ${spec.protectStatefulResources ? "protected" : "NOT protected"}`);
  lines.push("");
  lines.push("What this stage deploys");
  for (const d of decisionsOf(run)) {
    lines.push(`  ${d.enabled ? "[on] " : "[off]"} ${d.piece.padEnd(10)} ${d.decidedBy === "stack" ? "(set by the stack file) " : ""}${d.why}`);
  }
  // Always shown: every stack's reader learns what its first `pulumi up` depends on, or that it depends on nothing more.
  const warnings = planWarnings(spec);
  lines.push("");
  lines.push(FIRST_UP_HEADING);
  for (const w of warnings) lines.push(`  ! ${w}`);
  if (!warnings.length) lines.push("  nothing: no account quota, zone offering or example value this stack depends on");
  lines.push("");
  const groups = groupByComponent(run);
  lines.push(`Resources by component: ${describeCount(declaredResources(run))} (the stack itself not counted)`);
  for (const { component, resources } of groups) {
    lines.push(`  ${component.name}  <${component.type}>  ${describeCount(resources)}`);
    const width = Math.max(0, ...resources.map((r) => shortType(r.type).length));
    for (const r of resources) {
      const flags = [r.protect ? "protect" : "", r.retainOnDelete ? "retainOnDelete" : ""].filter(Boolean).join(", ");
      lines.push(`    ${shortType(r.type).padEnd(width)}  ${r.name}${flags ? `  [${flags}]` : ""}`);
    }
  }
  for (const section of extraSections) lines.push("", section);
  return lines.join("\n");
}
