/**
 * The conditions of an Argo Rollouts analysis metric, evaluated here the way
 * the controller does (argo-rollouts v1.9.0 utils/evaluate/evaluate.go
 * EvaluateResult, checked 2026-12-07): a measurement fails when its
 * failureCondition holds (or, without one, when its successCondition does
 * not), succeeds when its successCondition holds (or, without one, when its
 * failureCondition does not), and is Inconclusive when neither holds.
 *
 * Only the simple conditions a Prometheus metric needs are understood here:
 * `result`, `result[<n>]`, `len(result)`, `isNaN(...)`, numbers, `true`,
 * `false`, comparisons, `!`, `&&`, `||` and parentheses, which mean the same
 * in the controller's expression language (expr) and in JavaScript. Anything
 * else is "unknown" (undefined), never guessed.
 */
export type Verdict = "Successful" | "Failed" | "Inconclusive";

const SIMPLE = /^(?:\s|result|len|isNaN|true|false|\d+(?:\.\d+)?(?:e[+-]?\d+)?|\[|\]|\(|\)|<=|>=|==|!=|<|>|!|&&|\|\|)*$/;

/** Whether a condition holds for a result vector; undefined when the condition is not one of the simple forms above. */
export function conditionHolds(condition: string, result: number[]): boolean | undefined {
  if (!SIMPLE.test(condition)) return undefined;
  try {
    return Boolean(new Function("result", "len", "isNaN", `"use strict"; return (${condition});`)(result, (x: unknown[]) => x.length, Number.isNaN));
  } catch {
    return undefined;
  }
}

/** A measurement's verdict on a result vector, as the controller gives it; undefined when a condition is not understood. */
export function measurementVerdict(metric: { successCondition?: string; failureCondition?: string }, result: number[]): Verdict | undefined {
  const success = metric.successCondition ? conditionHolds(metric.successCondition, result) : undefined;
  const failure = metric.failureCondition ? conditionHolds(metric.failureCondition, result) : undefined;
  if ((metric.successCondition && success === undefined) || (metric.failureCondition && failure === undefined)) return undefined;
  if (!metric.successCondition && !metric.failureCondition) return "Successful";
  const failed = metric.failureCondition ? failure! : !success!;
  const succeeded = metric.successCondition ? success! : !failure!;
  if (failed) return "Failed";
  return succeeded ? "Successful" : "Inconclusive";
}
