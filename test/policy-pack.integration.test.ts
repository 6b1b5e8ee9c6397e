/**
 * The policy pack as `pulumi preview --policy-pack policies` runs it: started
 * through @pulumi/pulumi/cmd/run-policy-pack (ts-node, type-checked), spoken
 * to over the Analyzer gRPC protocol (test/support/policy-server.ts). One pack
 * process for the whole file, started while the stacks are planned.
 */
import * as path from "path";
import type { Stage } from "../config/presets";
import { costOf, policyResources } from "../plan/report";
import { EvalResource, evaluatePolicies, stagePolicyConfig } from "../policies/evaluate";
import { policies } from "../policies/rules";
import { money } from "../policies/rules/common";
import { DIRECTIONS, KNOWN_STAGES } from "../policies/stages";
import { PROVIDER, costlyMistakes, tagsFor, withoutStage } from "./support/costly-mistakes";
import { SHIPPED_STACKS, plan } from "./support/plan";
import { Diagnostic, PolicyConfigFile, PolicyPackServer, UNKNOWN, startPolicyPack } from "./support/policy-server";

jest.setTimeout(120_000);

let pack: PolicyPackServer;
beforeAll(async () => {
  [pack] = await Promise.all([startPolicyPack(path.join(__dirname, "..", "policies")), ...SHIPPED_STACKS.map((s) => plan(s))]);
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
    expect({ policy: p.name, defaults: Object.keys(p.configSchema).filter((k) => p.configSchema[k]!.default !== undefined) }).toEqual({ policy: p.name, defaults: [] });
  }
});

it("without a config file, the pack blocks none of the shipped stacks' resources", async () => {
  await pack.configure({});
  const found = await Promise.all(SHIPPED_STACKS.map(async (stack) => pack.preview(policyResources(await plan(stack)))));
  SHIPPED_STACKS.forEach((stack, i) => expect({ stack, mandatory: mandatory(found[i]!) }).toEqual({ stack, mandatory: [] }));
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
      expect({ mistake: m.label, blockedBy: found }).toEqual({ mistake: m.label, blockedBy: [...new Set(evaluatePolicies(m.resources, file).mandatory.map((v) => v.policy))].sort() });
    });
  });
});

it("without a config file, resources that state no stage are held to the strictest limits: every stage's mistakes are blocked", async () => {
  await pack.configure({});
  const mistakes = KNOWN_STAGES.flatMap((stage) => costlyMistakes(stage).map((m) => ({ stage, ...m })));
  const verdicts = await Promise.all(mistakes.map((m) => pack.preview(withoutStage(m.resources))));
  mistakes.forEach(({ stage, label, policy }, i) => {
    expect({ stage, mistake: label, blockedBy: mandatory(verdicts[i]!) }).toEqual({ stage, mistake: label, blockedBy: expect.arrayContaining([policy]) });
  });
});

it("the budget policy reports the plan's figure, and an unpriced region is advisory only", async () => {
  const run = await plan("seriesb-prod");
  const resources = policyResources(run);
  await pack.configure({ "stack-monthly-budget": { maxWorstCaseMonthlyUsd: 0 } });
  const budget = (await pack.analyzeStack(resources)).find((d) => d.policyName === "stack-monthly-budget")!;
  expect(budget.message).toContain(`can cost ${money(costOf(run).worstCaseMonthlyUsd)}/month`);
  const elsewhere = resources.map((r) => ({ ...r, props: r.type === PROVIDER.type ? { ...r.props, region: "af-south-1" } : r.props, provider: r.provider && { ...r.provider, props: { region: "af-south-1" } } }));
  const there = await preview(elsewhere);
  expect(mandatory(there)).toEqual([]);
  expect(there.filter((d) => d.policyName === "cost-fully-priced").map((d) => d.enforcementLevel)).toEqual(["advisory"]);
});

it("a value unknown during preview downgrades that finding to advisory, as the CLI shows it", async () => {
  await pack.configure({});
  const found = await pack.analyze({ ...PROVIDER, urn: "urn:pulumi:test::ml-platform::aws:rds/instance:Instance::pending", type: "aws:rds/instance:Instance", name: "pending", props: { instanceClass: "db.t4g.small", publiclyAccessible: UNKNOWN, storageEncrypted: true, backupRetentionPeriod: 7, tags: tagsFor("mvp") }, provider: PROVIDER });
  const d = found.find((x) => x.policyName === "rds-private-and-encrypted");
  expect(d?.enforcementLevel).toBe("advisory");
  expect(d?.message).toMatch(/can't run policy/);
});

it("the stage files' remediation fills missing cost tags, and only tags", async () => {
  await pack.configure(stagePolicyConfig("mvp") as PolicyConfigFile);
  const db = { ...PROVIDER, urn: "urn:pulumi:test::ml-platform::aws:rds/instance:Instance::untagged", type: "aws:rds/instance:Instance", name: "untagged", props: { instanceClass: "db.t4g.small", tags: { environment: "prod", stage: "mvp" } }, provider: PROVIDER };
  const fixed = await pack.remediate(db);
  expect(fixed.props.tags).toEqual({ environment: "prod", stage: "mvp", owner: "unassigned", costCenter: "unallocated" });
  expect(fixed.props.instanceClass).toBe("db.t4g.small");
});
