/**
 * The subpaths whose types come from other packages' declarations:
 * `ml-platform/schemas` (zod 4) and `ml-platform/policies` (@pulumi/policy).
 * Both need `skipLibCheck` (or, for zod, `esModuleInterop`) in the consumer's
 * tsconfig, because those packages' own .d.ts files fail a full check.
 */
import { estimateCost } from "ml-platform/cost";
import { POLICY_PACK_NAME, evaluatePolicies, policies } from "ml-platform/policies";
import { ContainerRegistrySettings, overridesOf } from "ml-platform/schemas";

const checks: [string, boolean][] = [
  ["ml-platform/schemas: the registry settings with their defaults", JSON.stringify(ContainerRegistrySettings.parse({}).repositories) === '["models"]'],
  ["ml-platform/schemas: overrides of them carry no defaults", Object.keys(overridesOf(ContainerRegistrySettings).parse({})).length === 0],
  [
    "ml-platform/policies: the pack's rules, runnable in process",
    POLICY_PACK_NAME === "ml-platform" && policies.length > 10 && evaluatePolicies([]).mandatory.length === 0,
  ],
  ["ml-platform/cost: the cost model", estimateCost([], "us-east-1").expectedMonthlyUsd === 0],
];
for (const [what, ok] of checks) console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
