/**
 * The policy pack as `pulumi preview --policy-pack policies` runs it: started
 * through @pulumi/pulumi/cmd/run-policy-pack (ts-node, type-checked), spoken
 * to over the Analyzer gRPC protocol (test/support/policy-server.ts). One pack
 * process for the whole file, started while the stacks are planned.
 */
import * as path from "path";
import type { Stage } from "../../lib/stages";
import { PRICES } from "../../cost/prices";
import { costOf, policyResources } from "../../plan/report";
import { EvalResource, evaluatePolicies, stagePolicyConfig } from "../../policies/evaluate";
import { policies } from "../../policies/rules";
import { money } from "../../policies/rules/common";
import { DIRECTIONS, KNOWN_STAGES, statedStage } from "../../policies/stages";
import { PROVIDER, costlyMistakes, kubernetesOnlyStack, soundSetups, tagsFor, withoutStage } from "../support/costly-mistakes";
import { SHIPPED_STACKS, plan } from "../support/plan";
import { Diagnostic, PolicyConfigFile, PolicyPackServer, UNKNOWN, startPolicyPack } from "../support/policy-server";

jest.setTimeout(120_000);

let pack: PolicyPackServer;
beforeAll(async () => {
  [pack] = await Promise.all([startPolicyPack(path.join(__dirname, "..", "..", "policies")), ...SHIPPED_STACKS.map((s) => plan(s))]);
});
afterAll(() => pack?.stop());

const mandatory = (ds: Diagnostic[]) => [...new Set(ds.filter((d) => d.enforcementLevel === "mandatory").map((d) => d.policyName))].sort();

/** The server's verdicts on a set of resources under a config file (every call configures, as each `pulumi preview` does). */
async function preview(resources: EvalResource[], file: PolicyConfigFile = {}) {
  await pack.configure(file);
  return pack.preview(resources);
}

it("serves every policy of the pack at its level; stage-limited policies carry no schema defaults, so only a config file overrides the stage", async () => {
  const info = await pack.info();
  expect(info.name).toBe("ml-platform");
  expect(info.policies.map((p) => [p.name, p.enforcementLevel]).sort()).toEqual(policies.map((p) => [p.name, p.enforcementLevel]).sort());
  for (const p of info.policies.filter((x) => x.name in DIRECTIONS)) {
    expect({ policy: p.name, defaults: Object.keys(p.configSchema).filter((k) => p.configSchema[k]!.default !== undefined) }).toEqual({
      policy: p.name,
      defaults: [],
    });
  }
});

it("without a config file, the pack blocks none of the shipped stacks' resources, and says what the offline plan says", async () => {
  await pack.configure({});
  const runs = await Promise.all(SHIPPED_STACKS.map((s) => plan(s)));
  const found = await Promise.all(runs.map((run) => pack.preview(policyResources(run))));
  runs.forEach((run, i) => {
    const stack = run.stack;
    expect({ stack, mandatory: mandatory(found[i]!) }).toEqual({ stack, mandatory: [] });
    // The in-process evaluator (the plan's verdicts), without a file and with the stage's file, agrees.
    const server = found[i]!.map((d) => `${d.enforcementLevel} ${d.policyName}`).sort();
    for (const file of [{}, stagePolicyConfig(run.spec.stage)]) {
      const v = evaluatePolicies(policyResources(run), file);
      expect({ stack, verdicts: [...v.mandatory, ...v.advisory].map((x) => `${x.enforcementLevel} ${x.policy}`).sort() }).toEqual({ stack, verdicts: server });
    }
  });
});

it("the budget policy reports the plan's monthly figure on every shipped stack (one cost function)", async () => {
  const file = { "stack-monthly-budget": { maxWorstCaseMonthlyUsd: 0 } };
  await pack.configure(file);
  for (const stack of SHIPPED_STACKS) {
    const run = await plan(stack);
    const cost = costOf(run);
    const figure = `can cost ${money(cost.worstCaseMonthlyUsd)}/month with every autoscaler at its maximum (expected ${money(cost.expectedMonthlyUsd)})`;
    const server = (await pack.analyzeStack(policyResources(run))).find((d) => d.policyName === "stack-monthly-budget");
    const inProcess = evaluatePolicies(policyResources(run), file).mandatory.find((v) => v.policy === "stack-monthly-budget");
    expect({ stack, server: server?.message, inProcess: inProcess?.message }).toEqual({
      stack,
      server: expect.stringContaining(figure),
      inProcess: expect.stringContaining(figure),
    });
  }
});

describe.each(KNOWN_STAGES)("with policies/config/%s.json", (stage: Stage) => {
  it("blocks every costly mistake the stage's tests define, as the in-process evaluator does", async () => {
    const file = stagePolicyConfig(stage) as PolicyConfigFile;
    await pack.configure(file);
    const mistakes = costlyMistakes(stage);
    const verdicts = await Promise.all(mistakes.map((m) => pack.preview(m.resources)));
    mistakes.forEach((m, i) => {
      const found = mandatory(verdicts[i]!);
      expect({ mistake: m.label, blockedBy: found }).toEqual({ mistake: m.label, blockedBy: expect.arrayContaining([m.policy]) });
      expect({ mistake: m.label, blockedBy: found }).toEqual({
        mistake: m.label,
        blockedBy: [...new Set(evaluatePolicies(m.resources, file).mandatory.map((v) => v.policy))].sort(),
      });
    });
  });
});

it("without a stage or a config file, what every stage blocks is still blocked, and no stage's sound setup is", async () => {
  await pack.configure({});
  const mistakes = costlyMistakes(undefined);
  const verdicts = await Promise.all(mistakes.map((m) => pack.preview(withoutStage(m.resources))));
  mistakes.forEach(({ label, policy }, i) =>
    expect({ mistake: label, blockedBy: mandatory(verdicts[i]!) }).toEqual({ mistake: label, blockedBy: expect.arrayContaining([policy]) }),
  );
  for (const stage of KNOWN_STAGES)
    for (const setup of soundSetups(stage)) {
      const found = await pack.preview(withoutStage(setup.resources));
      expect({ setup: `${stage}: ${setup.label}`, mandatory: mandatory(found) }).toEqual({ setup: `${stage}: ${setup.label}`, mandatory: [] });
    }
});

it("a stack of Kubernetes objects only: the sound GPU model server passes, each mistake in what runs is blocked by its own policy alone", async () => {
  await pack.configure({});
  const { sound, mistakes } = kubernetesOnlyStack();
  const found = await pack.preview(sound);
  expect(mandatory(found)).toEqual([]);
  // Nothing in it states a stage or a region: each said once, advisory, as the gap it is.
  expect(found.map((d) => `${d.enforcementLevel} ${d.policyName}`).sort()).toEqual(["advisory cost-fully-priced", "advisory stage-stated"]);
  expect(found.find((d) => d.policyName === "cost-fully-priced")!.message).toContain("No region is known for this stack");
  await pack.configure({});
  const verdicts = await Promise.all(mistakes.map((m) => pack.preview(m.resources)));
  mistakes.forEach((m, i) => {
    expect({ mistake: m.label, blockedBy: mandatory(verdicts[i]!) }).toEqual({ mistake: m.label, blockedBy: [m.policy] });
    expect({ mistake: m.label, inProcess: [...new Set(evaluatePolicies(m.resources).mandatory.map((v) => v.policy))] }).toEqual({
      mistake: m.label,
      inProcess: [m.policy],
    });
  });
});

describe("a composed program that states no stage (the MVP stack's components, their stage tags removed)", () => {
  const untagged = async () => withoutStage(policyResources(await plan("mvp")));
  const withProviderTags = (resources: EvalResource[], tags: Record<string, string>) =>
    resources.map((r) => {
      const defaultTags = { tags };
      if (r.type === PROVIDER.type) return { ...r, props: { ...r.props, defaultTags } };
      return r.provider?.type === PROVIDER.type ? { ...r, provider: { ...r.provider, props: { ...r.provider.props, defaultTags } } } : r;
    });

  it("gets one finding that says how to state the stage, and no block from limits it cannot know", async () => {
    const resources = await untagged();
    // Nothing in it states a stage: no tag, no label, no provider default tag.
    expect(resources.filter((r) => statedStage(r.type, r.props, r.provider) !== undefined).map((r) => r.name)).toEqual([]);
    const found = await preview(resources);
    expect(mandatory(found)).toEqual([]);
    const stage = found.filter((d) => d.policyName === "stage-stated");
    expect(stage.map((d) => d.enforcementLevel)).toEqual(["advisory"]);
    expect(stage[0]!.message).toMatch(/No resource in this stack states its stage[\s\S]*aws:defaultTags\.tags\.stage[\s\S]*policies\/config\/<stage>\.json/);
    // Tagged as the program tags it, the same stack has no stage finding.
    expect((await preview(policyResources(await plan("mvp")))).filter((d) => d.policyName === "stage-stated")).toEqual([]);
  });

  it("with its stage set (provider default tags, or the config file's stage key), it gets that stage's limits", async () => {
    const resources = await untagged();
    const tagged = (await preview(policyResources(await plan("mvp")))).map((d) => `${d.enforcementLevel} ${d.policyName}`).sort();
    // Its own stage through the AWS provider's default tags: exactly the verdicts of the tagged stack.
    const mvpTags = await preview(withProviderTags(resources, { stage: "mvp" }));
    expect(mvpTags.map((d) => `${d.enforcementLevel} ${d.policyName}`).sort()).toEqual(tagged);
    // A smaller stage's limits really apply: the POC allows no g5.xlarge and spends $100 a month at most.
    for (const found of [
      await preview(withProviderTags(resources, { stage: "poc" })),
      await preview(resources, stagePolicyConfig("poc") as PolicyConfigFile),
    ]) {
      expect(mandatory(found)).toEqual(expect.arrayContaining(["allowed-instance-types", "stack-monthly-budget"]));
      expect(found.find((d) => d.policyName === "allowed-instance-types")!.message).toContain("poc stage limits");
      expect(found.filter((d) => d.policyName === "stage-stated")).toEqual([]);
    }
  });
});

it.each(["seriesb-prod"])("%s moved to a region without a price table: no mandatory finding, one advisory 'unpriced' one", async (stack) => {
  const region = "af-south-1";
  expect(PRICES[region]).toBeUndefined(); // a real region the price table does not cover
  const resources = policyResources(await plan(stack)).map((r) => ({
    ...r,
    props: r.type === PROVIDER.type ? { ...r.props, region } : r.props,
    provider: r.provider && { ...r.provider, props: { ...r.provider.props, region } },
  }));
  const found = await preview(resources);
  expect(mandatory(found)).toEqual([]);
  expect(found.map((d) => `${d.enforcementLevel} ${d.policyName}`)).toEqual(["advisory cost-fully-priced"]);
  expect(found[0]!.message).toContain(`No price table for region ${region}`);
});

it("a value unknown during preview downgrades that finding to advisory, as the CLI shows it", async () => {
  await pack.configure({});
  const found = await pack.analyze({
    ...PROVIDER,
    urn: "urn:pulumi:test::ml-platform::aws:rds/instance:Instance::pending",
    type: "aws:rds/instance:Instance",
    name: "pending",
    props: { instanceClass: "db.t4g.small", publiclyAccessible: UNKNOWN, storageEncrypted: true, backupRetentionPeriod: 7, tags: tagsFor("mvp") },
    provider: PROVIDER,
  });
  const d = found.find((x) => x.policyName === "rds-private-and-encrypted");
  expect(d?.enforcementLevel).toBe("advisory");
  expect(d?.message).toMatch(/can't run policy/);
});

it("the stage files' remediation fills missing cost tags, and only tags", async () => {
  await pack.configure(stagePolicyConfig("mvp") as PolicyConfigFile);
  const db = {
    ...PROVIDER,
    urn: "urn:pulumi:test::ml-platform::aws:rds/instance:Instance::untagged",
    type: "aws:rds/instance:Instance",
    name: "untagged",
    props: { instanceClass: "db.t4g.small", tags: { environment: "prod", stage: "mvp" } },
    provider: PROVIDER,
  };
  const fixed = await pack.remediate(db);
  expect(fixed.props.tags).toEqual({ environment: "prod", stage: "mvp", owner: "unassigned", costCenter: "unallocated" });
  expect(fixed.props.instanceClass).toBe("db.t4g.small");
});
