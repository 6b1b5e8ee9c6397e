/**
 * `ml-platform/testing`: check a composition of the components offline, the
 * way this repository checks its own stacks. `planProgram(program)` runs any
 * Pulumi program under the mock engine with mocks that answer like AWS, and
 * returns the resources it would declare, what they would cost a month and
 * the policy pack's verdicts. No cloud account, no Pulumi CLI.
 *
 *   import { planProgram } from "ml-platform/testing";
 *   const plan = await planProgram(() => { new ContainerRegistry("registry", {}); });
 *   expect(plan.policy.mandatory).toEqual([]);
 *
 * @module ml-platform/testing
 */
import type * as pulumi from "@pulumi/pulumi";
import { CostReport, estimateCost } from "../cost/model";
import type { UsageAssumptions } from "../cost/rule";
import { schemaMatches } from "../lib/validate";
import { PolicyConfig, PolicyVerdicts, evaluatePolicies, stagePolicyConfig as readStagePolicyConfig } from "../policies/evaluate";
import { MockOptions, UnmockedInvokeError, createMocks, extendMocks } from "./mocks";
import { PlannedResource, Recording, recordProgram } from "./record";
import { policyInputs } from "./policy-inputs";
import type { PolicyFindings } from "../plan/schema";

export { MOCK_ACCOUNT_ID, UnmockedInvokeError, createMocks, extendMocks } from "./mocks";
export type { MockOptions } from "./mocks";
export { SdkShapeError, recordProgram } from "./record";
export { SECRET_PLACEHOLDER } from "./secret";
export { toPlanJson } from "./plan-json";
export type { PlanJsonSource } from "./plan-json";
export type { JsonPlan, JsonPlanResource } from "../plan/schema";
export type { PlannedResource, RecordOptions, Recording } from "./record";

// The policy types of this module are written out here, not imported from
// @pulumi/policy: its 1.21 declarations do not type-check without skipLibCheck
// (index.d.ts re-exports names that proxy.d.ts does not declare), and a
// consumer's tsc checks every declaration file our types reach.

/** How a policy's findings count, as in a `--policy-pack-config` file. */
export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
/** The policy pack's config, as in a `--policy-pack-config` file: per policy, a level or `{ enforcementLevel, ...properties }`. */
export type PolicyPackConfig = Record<string, ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>) | EnforcementLevel>;
export type { PolicyFinding, PolicyFindings } from "../plan/schema";
// tsc proves these are the types the policy evaluator uses.
schemaMatches<PolicyPackConfig, PolicyConfig>(true);
schemaMatches<PolicyFindings, PolicyVerdicts>(true);

/** The config this repository passes to `--policy-pack-config` at a stage: `policies/config/<stage>.json`. */
export function stagePolicyConfig(stage: "poc" | "mvp" | "seriesb"): PolicyPackConfig {
  return readStagePolicyConfig(stage);
}

/** How `planProgram` runs a program: its stack, project, region, config, mocks and policy config. */
export interface PlanProgramOptions {
  /** Stack name the program sees (`pulumi.getStack()`). Default "test". */
  stack?: string;
  /** Project name the program sees (`pulumi.getProject()`), and the namespace of unqualified config keys. Default "test". */
  project?: string;
  /** AWS region: sets `aws:region` for the program, the mocks' ARNs and the prices. Default "us-east-1". */
  region?: string;
  /**
   * Stack config as the program reads it with `new pulumi.Config()`: "key"
   * means "<project>:key", "ns:key" is taken as is; objects and numbers are
   * passed as JSON text, as the Pulumi CLI does. Default none.
   */
  config?: Record<string, unknown>;
  /** Config keys (as given in `config`) to mark secret. Default none. */
  secretKeys?: string[];
  /** Outputs of the stacks the program reads through `pulumi.StackReference`, by stack name. Default none. */
  stackOutputs?: MockOptions["stackOutputs"];
  /**
   * Your own mocks, on top of ours (`createMocks(region)`): your `newResource`
   * and `call` answer first, and returning `undefined` falls back to ours. A
   * `pulumi.StackReference` still gets `stackOutputs`. An invoke nobody answers
   * fails the plan with an `UnmockedInvokeError` naming it.
   */
  mocks?: Partial<pulumi.runtime.Mocks>;
  /**
   * The policy pack's config, as in a `--policy-pack-config` file (e.g.
   * `stagePolicyConfig("mvp")`). Default `{}`:
   * each resource's stage limits, as `pulumi preview --policy-pack` without a config file.
   */
  policyConfig?: PolicyPackConfig;
  /** Storage and log volumes for the usage-priced lines of the cost report. Default none (those lines are unpriced). */
  usage?: UsageAssumptions;
}

/** What `planProgram` returns: the resources the program declared, its outputs, their cost and the policy pack's findings. */
export interface ProgramPlan extends Recording {
  /** The stack name the program saw. */
  stack: string;
  /** The project name the program saw. */
  project: string;
  /** The AWS region the program, the mocks and the prices used. */
  region: string;
  /** Monthly cost of the declared resources: expected, worst case, unpriced and usage-based lines. */
  cost: CostReport;
  /** The policy pack's mandatory and advisory findings. */
  policy: PolicyFindings;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

function flatConfig(project: string, region: string, config: Record<string, unknown>, secretKeys: string[]) {
  const qualify = (key: string) => (key.includes(":") ? key : `${project}:${key}`);
  const flat: Record<string, string> = { "aws:region": region };
  for (const [key, value] of Object.entries(config)) flat[qualify(key)] = typeof value === "string" ? value : JSON.stringify(value);
  return { flat, secrets: secretKeys.map(qualify) };
}

/** The top-level component (or resource) each resource belongs to, by URN: the cost report's grouping. */
export function topLevelOf(resources: PlannedResource[]): Map<string, PlannedResource> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const stackUrn = resources.find((r) => r.type === STACK_TYPE)?.urn;
  const result = new Map<string, PlannedResource>();
  for (const r of resources) {
    let node = r;
    while (node.parent && node.parent !== stackUrn && byUrn.has(node.parent)) node = byUrn.get(node.parent)!;
    result.set(r.urn, node);
  }
  return result;
}

/**
 * Runs `program` (what your Pulumi program's entry module does or exports)
 * under the mock engine and returns its resources, their cost and the
 * policy verdicts. Throws what the program throws (e.g. a component's
 * ComponentArgsError). Each call is independent.
 */
export async function planProgram(program: () => unknown, options: PlanProgramOptions = {}): Promise<ProgramPlan> {
  const stack = options.stack ?? "test";
  const project = options.project ?? "test";
  const region = options.region ?? "us-east-1";
  const { flat, secrets } = flatConfig(project, region, options.config ?? {}, options.secretKeys ?? []);
  // Invokes nobody answered: the program may swallow their errors (inside an Output), the plan does not.
  const unanswered: string[] = [];
  const mocks = extendMocks(createMocks(region, { stackOutputs: options.stackOutputs }), options.mocks ?? {});
  const watched: pulumi.runtime.Mocks = {
    newResource: (args) => mocks.newResource(args),
    call: async (args) => {
      try {
        return await mocks.call(args);
      } catch (err) {
        if (err instanceof UnmockedInvokeError) unanswered.push(err.token);
        throw err;
      }
    },
  };
  let recording: Recording;
  try {
    recording = await recordProgram(program, { project, stack, config: flat, secretKeys: secrets, mocks: watched });
  } catch (err) {
    throw unanswered.length ? new UnmockedInvokeError(unanswered[0]!) : err;
  }
  if (unanswered.length) throw new UnmockedInvokeError(unanswered[0]!);
  const top = topLevelOf(recording.resources);
  const declared = recording.resources.filter((r) => r.type !== STACK_TYPE);
  const cost = estimateCost(
    declared
      .filter((r) => r.custom && r.type !== "pulumi:pulumi:StackReference")
      .map((r) => ({ urn: r.urn, type: r.type, name: r.name, inputs: r.inputs, component: top.get(r.urn)?.name })),
    region,
    options.usage ?? {},
  );
  const policy = evaluatePolicies(policyInputs(recording.resources, { stack, project, region }), options.policyConfig ?? {}, {
    configName: options.policyConfig ? "given policyConfig" : "defaults (strict)",
  });
  return { ...recording, stack, project, region, cost, policy };
}

/** The resources of one type (e.g. "aws:s3/bucket:Bucket"). */
export function resourcesOfType(plan: Recording, type: string): PlannedResource[] {
  return plan.resources.filter((r) => r.type === type);
}
