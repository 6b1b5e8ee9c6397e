/**
 * `ml-platform/policies`: the policy pack's rules as plain data, to run them
 * in process (`evaluatePolicies`) or serve them from your own pack:
 *
 *   import { PolicyPack } from "@pulumi/policy";
 *   import { POLICY_PACK_NAME, policies } from "ml-platform/policies";
 *   new PolicyPack(POLICY_PACK_NAME, { policies });
 *
 * `stagePolicyConfig("mvp")` reads the stage's config (the file this
 * repository passes to `--policy-pack-config`). Needs `@pulumi/policy`.
 *
 * @module ml-platform/policies
 */
export { POLICY_PACK_NAME, policies } from "../policies/rules";
export { evaluatePolicies, stagePolicyConfig } from "../policies/evaluate";
export type { EvalResource, PolicyConfig, PolicyVerdicts, Verdict } from "../policies/evaluate";
