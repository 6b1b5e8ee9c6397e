/**
 * A `planProgram()` result as a `--json` plan (plan/schema.ts): the file that
 * `ml-platform-plan diff` and `diffPlans()` compare, the same shape as this
 * repository's `npm run plan -- <stack> --json`.
 */
import type { CostReport } from "../cost/model";
import { JsonPlan, JsonPlanResource, PLAN_SCHEMA_VERSION, PolicyFindings } from "../plan/schema";
import type { PlannedResource, Recording } from "./record";

const STACK_TYPE = "pulumi:pulumi:Stack";

/** What `toPlanJson` reads: a `planProgram()` result. */
export interface PlanJsonSource extends Recording {
  stack: string;
  region: string;
  cost: CostReport;
  policy: PolicyFindings;
}

/** The dependencies a diff follows to find replacements that cascade (a replaced VPC replaces its subnets). */
export function dependencyFields(r: Pick<PlannedResource, "propertyDependencies" | "provider">): Pick<JsonPlanResource, "propertyDependencies" | "provider"> {
  const deps = Object.entries(r.propertyDependencies ?? {}).filter(([, urns]) => urns.length);
  const provider = r.provider?.split("::").slice(0, -1).join("::");
  return { ...(deps.length ? { propertyDependencies: Object.fromEntries(deps) } : {}), ...(provider ? { provider } : {}) };
}

/**
 * The plan as JSON, with `schemaVersion`. `stage` and `environment` are
 * yours to name (empty by default): when they change between two plans, the
 * diff pairs resources whose names carry them as renamed (replaced).
 */
export function toPlanJson(plan: PlanJsonSource, meta: { stage?: string; environment?: string } = {}): JsonPlan {
  const stackUrn = plan.resources.find((r) => r.type === STACK_TYPE)?.urn;
  const nameOf = (urn: string) => urn.split("::").pop()!;
  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    stack: plan.stack,
    stage: meta.stage ?? "",
    environment: meta.environment ?? "",
    region: plan.region,
    decisions: [],
    warnings: [],
    resources: plan.resources
      .filter((r) => r.type !== STACK_TYPE)
      .map((r) => ({
        type: r.type,
        name: r.name,
        custom: r.custom,
        parent: r.parent && r.parent !== stackUrn ? nameOf(r.parent) : null,
        urn: r.urn,
        inputs: r.inputs,
        protect: r.protect,
        retainOnDelete: r.retainOnDelete,
        ...dependencyFields(r),
      })),
    outputs: plan.outputs,
    cost: plan.cost,
    policy: plan.policy,
  };
}
