/**
 * `ml-platform/cost`: the cost model the plan and the policy pack use.
 * `estimateCost(resources, region, usage)` prices resources from their inputs
 * (expected and worst case a month; unpriced and usage-based lines listed,
 * never counted as $0). `planProgram()` from `ml-platform/testing` calls it
 * on a whole program.
 *
 * @module ml-platform/cost
 */
export { estimateCost } from "../cost/model";
export type { CostLine, CostReport, UnpricedItem, UsageItem } from "../cost/model";
export type { CostInput, UsageAssumptions } from "../cost/rule";
