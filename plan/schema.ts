/**
 * The shape of a `--json` plan: what `npm run plan -- <stack> --json` prints
 * for this repository's stacks, what `toPlanJson()` makes of any program's
 * `planProgram()` result, and what `plan diff` reads. Types and one constant:
 * nothing here loads Pulumi or the policy pack.
 */
import type { CostReport } from "../cost/model";

/** One finding of the policy pack. */
export interface PolicyFinding {
  policy: string;
  enforcementLevel: "mandatory" | "advisory";
  message: string;
  urn?: string;
  resource?: string;
}
/** The policy pack's findings on a program. */
export interface PolicyFindings {
  pack: string;
  config: string;
  mandatory: PolicyFinding[];
  advisory: PolicyFinding[];
}

/** One resource of a `--json` plan: type, name, parent, inputs, dependencies and options. */
export interface JsonPlanResource {
  type: string;
  name: string;
  /** true for a resource a provider manages (cloud, Kubernetes, random, a provider); false for a component. */
  custom: boolean;
  /** Name of the parent component (null for top-level components). */
  parent: string | null;
  urn: string;
  inputs: Record<string, unknown>;
  protect: boolean;
  retainOnDelete: boolean;
  /** Input name -> URNs of the resources it is computed from (only inputs that depend on another resource). */
  propertyDependencies?: Record<string, string[]>;
  /** URN of the explicit provider the resource uses, if any. */
  provider?: string;
}

/** Whether the stack deploys a piece, who decided (the stage preset or the stack file) and why. */
export interface JsonPlanDecision {
  piece: string;
  enabled: boolean;
  decidedBy: "preset" | "stack";
  why: string;
}

/**
 * Version of the `--json` plan's shape. Raise it when a field is removed, renamed
 * or changes meaning (adding a field does not); `plan diff` reads plans of this
 * version and of the unversioned shape before it.
 */
export const PLAN_SCHEMA_VERSION = 1;

/** The `--json` plan of one stack (`schemaVersion` PLAN_SCHEMA_VERSION). */
export interface JsonPlan {
  schemaVersion: number;
  stack: string;
  stage: string;
  environment: string;
  region: string;
  decisions: JsonPlanDecision[];
  /** What the first `pulumi up` needs that the plan cannot prove (quotas, zone offerings, placeholders to replace): config/warnings.ts. */
  warnings: string[];
  resources: JsonPlanResource[];
  outputs: Record<string, unknown>;
  cost: CostReport;
  /** The policy pack's findings. */
  policy: PolicyFindings;
}
