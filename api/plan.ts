/**
 * `ml-platform/plan`: the offline plan and the pull-request diff for your own
 * program, as this repository runs them on its stacks. `planStackFile` plans a
 * program with a stack file's config and returns the `--json` plan (with
 * `schemaVersion`); `diffPlans` compares two plans, replacements and
 * deletions first; `renderDiffMarkdown` writes the pull-request comment. The
 * `ml-platform-plan` command runs the same (package.json `bin`).
 *
 * @module ml-platform/plan
 */
export { PlanFileError, diffPlans, parsePlans, readPlanFile, renderDiffMarkdown, DIFF_SCHEMA_VERSION } from "../plan/diff";
export type { ComponentCostDiff, Delta, DestructiveChange, InputChange, JsonPlanFailure, PlanDiff, PlanDocument, ResourceDiff, StackDiff } from "../plan/diff";
export { REPLACEMENT_RULES, LOSSES, replacingPaths } from "../plan/replacements";
export type { Loss, ReplacementRule } from "../plan/replacements";
export { PLAN_SCHEMA_VERSION } from "../plan/schema";
export type { JsonPlan, JsonPlanDecision, JsonPlanResource, PolicyFinding, PolicyFindings } from "../plan/schema";
export { StackFileError, planStackFile, programFromModule, readStackFile } from "../plan/program";
export type { PlanStackFileOptions, StackFile } from "../plan/program";
export { toPlanJson } from "../offline/plan-json";
export { EXIT } from "../plan/exit";
