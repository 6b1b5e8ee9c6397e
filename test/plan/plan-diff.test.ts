/** `plan diff` on small synthetic plans: what a reviewer of a pull request is told. */
import type { CostLine } from "../../cost/model";
import type { Verdict } from "../../policies/evaluate";
import { PlanFileError, diffPlans, inputChanges, parsePlans, renderDiffMarkdown, signedMoney } from "../../plan/diff";
import type { JsonPlan, JsonPlanResource } from "../../plan/report";

type R = { type: string; name: string; parent?: string; parentType?: string; inputs?: Record<string, unknown>; protect?: boolean; custom?: boolean };

/** A resource as `--json` prints it; URNs carry the parent's type the way the plan writes them. */
function res(stack: string, r: R): JsonPlanResource {
  const chain = r.parent ? `${r.parentType ?? "test:index:Box"}$${r.type}` : `pulumi:pulumi:Stack$${r.type}`;
  return {
    type: r.type,
    name: r.name,
    custom: r.custom ?? !r.type.startsWith("test:"),
    parent: r.parent ?? null,
    urn: `urn:pulumi:${stack}::ml-platform::${chain}::${r.name}`,
    inputs: r.inputs ?? {},
    protect: r.protect ?? false,
    retainOnDelete: false,
  };
}

type Priced = { name: string; component: string; expected: number; worst?: number; idle?: number };

function makePlan(stack: string, resources: R[], priced: Priced[] = [], verdicts: Verdict[] = []): JsonPlan {
  const rs = resources.map((r) => res(stack, r));
  const lines: CostLine[] = priced.map((p) => {
    const r = rs.find((x) => x.name === p.name)!;
    return {
      urn: r.urn,
      type: r.type,
      name: r.name,
      component: p.component,
      expectedMonthlyUsd: p.expected,
      worstCaseMonthlyUsd: p.worst ?? p.expected,
      idleGpuMonthlyUsd: p.idle ?? 0,
      basis: "test",
    };
  });
  const components = [...new Set(lines.map((l) => l.component!))];
  const sum = (f: (l: CostLine) => number, ls = lines) => ls.reduce((s, l) => s + f(l), 0);
  return {
    schemaVersion: 1,
    stack,
    stage: "mvp",
    environment: "prod",
    region: "us-east-1",
    decisions: [],
    warnings: [],
    resources: rs,
    outputs: {},
    cost: {
      region: "us-east-1",
      priceTableAsOf: "2026-11-01",
      expectedMonthlyUsd: sum((l) => l.expectedMonthlyUsd),
      worstCaseMonthlyUsd: sum((l) => l.worstCaseMonthlyUsd),
      idleGpuMonthlyUsd: sum((l) => l.idleGpuMonthlyUsd),
      byResource: lines,
      byComponent: components.map((component) => {
        const own = lines.filter((l) => l.component === component);
        return { component, expectedMonthlyUsd: sum((l) => l.expectedMonthlyUsd, own), worstCaseMonthlyUsd: sum((l) => l.worstCaseMonthlyUsd, own) };
      }),
      unpriced: [],
      usageBased: [],
      freeResources: 0,
    },
    policy: {
      pack: "ml-platform",
      config: "policies/config/mvp.json",
      mandatory: verdicts.filter((v) => v.enforcementLevel === "mandatory"),
      advisory: verdicts.filter((v) => v.enforcementLevel === "advisory"),
    },
  };
}

const BOX = { type: "test:index:Box", name: "app" };
const DB = {
  type: "aws:rds/instance:Instance",
  name: "app-db",
  parent: "app",
  inputs: { instanceClass: "db.t4g.small", allocatedStorage: 20, tags: { owner: "ml" } },
  protect: true,
};
const GPU = {
  type: "aws:eks/nodeGroup:NodeGroup",
  name: "app-gpu",
  parent: "app",
  inputs: { scalingConfig: { minSize: 0, maxSize: 2, desiredSize: 0 }, instanceTypes: ["g5.xlarge"] },
};
const verdict = (policy: string, level: "mandatory" | "advisory", name: string, message: string): Verdict => ({
  policy,
  enforcementLevel: level,
  message,
  urn: `urn:pulumi:mvp::ml-platform::test:index:Box$aws:eks/nodeGroup:NodeGroup::${name}`,
  resource: name,
});

describe("plan diff: resources", () => {
  it("names every changed input path, nested objects, array items and JSON-encoded documents included", () => {
    const before = {
      a: 1,
      nested: { keep: true, size: 2 },
      list: ["x", "y"],
      policy: JSON.stringify({ Statement: [{ Action: ["s3:GetObject"] }] }),
      gone: "bye",
    };
    const after = { a: 1, nested: { keep: true, size: 3 }, list: ["x", "y", "z"], policy: JSON.stringify({ Statement: [{ Action: ["s3:*"] }] }), fresh: "hi" };
    expect(inputChanges(before, after)).toEqual([
      { path: "fresh", after: "hi" },
      { path: "gone", before: "bye" },
      { path: "list[2]", after: "z" },
      { path: "nested.size", before: 2, after: 3 },
      { path: "policy.Statement[0].Action[0]", before: "s3:GetObject", after: "s3:*" },
    ]);
    expect(inputChanges({ t: { "kubernetes.io/role/elb": "1" } }, { t: { "kubernetes.io/role/elb": "2" } })).toEqual([
      { path: 't["kubernetes.io/role/elb"]', before: "1", after: "2" },
    ]);
  });

  it("lists resources added, removed and changed with their component; identical plans are unchanged", () => {
    const base = makePlan("mvp", [BOX, DB, { type: "aws:s3/bucket:Bucket", name: "app-old", parent: "app" }]);
    const head = makePlan("mvp", [BOX, { ...DB, inputs: { ...DB.inputs, instanceClass: "db.t4g.large" } }, GPU]);
    const [d] = diffPlans(base, head).stacks;
    expect(d!.status).toBe("changed");
    expect(d!.resources.added.map((r) => [r.name, r.component])).toEqual([["app-gpu", "app"]]);
    expect(d!.resources.removed.map((r) => [r.name, r.component])).toEqual([["app-old", "app"]]);
    expect(d!.resources.changed).toEqual([
      expect.objectContaining({ name: "app-db", component: "app", inputChanges: [{ path: "instanceClass", before: "db.t4g.small", after: "db.t4g.large" }] }),
    ]);
    expect(diffPlans(base, base).stacks[0]).toMatchObject({ status: "unchanged", resources: { added: [], removed: [], changed: [], replaced: [] } });
  });

  it("reports a change of protect as a change, and flags the removal of a protected resource", () => {
    const base = makePlan("mvp", [BOX, DB]);
    const unprotected = diffPlans(base, makePlan("mvp", [BOX, { ...DB, protect: false }]));
    expect(unprotected.stacks[0]!.resources.changed[0]!.inputChanges).toEqual([{ path: "(protect)", before: true, after: false }]);
    const removed = diffPlans(base, makePlan("mvp", [BOX]));
    expect(removed.stacks[0]!.resources.removed).toEqual([expect.objectContaining({ name: "app-db", protect: true })]);
    expect(renderDiffMarkdown(removed)).toMatch(/\*\*removed\*\* `aws:rds:Instance` `app-db`.*protected/);
  });

  it("reports the deploy-time warnings a change brings or removes", () => {
    const quota = "Elastic IPs: this stack allocates 3 (one per NAT gateway); the default quota is 5 per region.";
    const base = makePlan("mvp", [BOX]);
    const head = { ...makePlan("mvp", [BOX]), warnings: [quota] };
    const d = diffPlans(base, head);
    expect(d.stacks[0]).toMatchObject({ status: "changed", warnings: { new: [quota], gone: [] } });
    expect(renderDiffMarkdown(d)).toMatch(/⚠️ 1 new warning for the deployment:\n- Elastic IPs: this stack allocates 3/);
    expect(diffPlans(head, base).stacks[0]!.warnings).toEqual({ new: [], gone: [quota] });
  });

  it("matches a stack's resources across plans of differently named stacks (URNs without the stack)", () => {
    const d = diffPlans(makePlan("mvp", [BOX, DB]), makePlan("mvp-copy", [BOX, DB]));
    expect(d.stacks[0]).toMatchObject({ stack: "mvp → mvp-copy", status: "unchanged" });
  });
});

describe("plan diff: cost", () => {
  const base = makePlan(
    "mvp",
    [BOX, DB, GPU],
    [
      { name: "app-db", component: "app", expected: 26 },
      { name: "app-gpu", component: "app", expected: 0, worst: 1468 },
    ],
  );
  const head = makePlan(
    "mvp",
    [
      BOX,
      { ...DB, inputs: { ...DB.inputs, instanceClass: "db.t4g.large" } },
      { ...GPU, inputs: { ...GPU.inputs, scalingConfig: { minSize: 1, maxSize: 2, desiredSize: 1 } } },
    ],
    [
      { name: "app-db", component: "app", expected: 96.87 },
      { name: "app-gpu", component: "app", expected: 734, worst: 1468, idle: 734 },
    ],
  );

  it("gives before, after and delta, expected, worst case and idle GPU, in all, per component and per resource", () => {
    const d = diffPlans(base, head);
    expect(d.totals.expected).toEqual({ before: 26, after: 830.87, delta: 804.87 });
    expect(d.totals.worstCase).toEqual({ before: 1494, after: 1564.87, delta: 70.87 });
    expect(d.totals.idleGpu).toEqual({ before: 0, after: 734, delta: 734 });
    expect(d.stacks[0]!.cost.byComponent).toEqual([
      { component: "app", expected: d.totals.expected, worstCase: d.totals.worstCase, idleGpu: d.totals.idleGpu },
    ]);
    const gpu = d.stacks[0]!.resources.changed.find((r) => r.name === "app-gpu")!;
    expect(gpu.cost?.idleGpu.delta).toBe(734);
    expect(gpu.inputChanges?.map((c) => c.path)).toEqual(["scalingConfig.desiredSize", "scalingConfig.minSize"]);
  });

  it("says it in a one-line headline: expected, worst case, idle GPU, policy", () => {
    expect(diffPlans(base, head).headline).toBe("+$805/month expected (worst case +$71), +$734 idle GPU, no new policy findings");
    expect(diffPlans(head, base).headline).toBe("-$805/month expected (worst case -$71), -$734 idle GPU, no new policy findings");
    expect(diffPlans(base, base).headline).toBe("+$0/month expected (worst case +$0), +$0 idle GPU, no new policy findings");
  });

  it("formats money changes the way a reviewer reads them", () => {
    expect([signedMoney(213.4), signedMoney(-12.6), signedMoney(0), signedMoney(0.4), signedMoney(-0.004), signedMoney(12345.5)]).toEqual([
      "+$213",
      "-$13",
      "+$0",
      "+$0.40",
      "+$0",
      "+$12,346",
    ]);
  });

  it("a stack new on the head counts in full; one gone counts as a saving", () => {
    const other = makePlan("staging", [BOX, DB], [{ name: "app-db", component: "app", expected: 50 }]);
    const d = diffPlans([base], [base, other]);
    expect(d.stacks.map((s) => [s.stack, s.status])).toEqual([
      ["mvp", "unchanged"],
      ["staging", "added"],
    ]);
    expect(d.totals.expected.delta).toBe(50);
    expect(d.totals.resources.added).toBe(2);
    const gone = diffPlans([base, other], [base]);
    expect(gone.stacks.map((s) => [s.stack, s.status])).toEqual([
      ["mvp", "unchanged"],
      ["staging", "removed"],
    ]);
    expect(gone.totals.expected.delta).toBe(-50);
  });
});

describe("plan diff: policy findings", () => {
  const old = verdict("node-group-worst-case-spend", "advisory", "app-gpu", "Worst case $1,468/month.");

  it("a finding that only quotes a new figure is not new; new and fixed ones are counted by level", () => {
    const base = makePlan("mvp", [BOX, GPU], [], [old, verdict("ecr-lifecycle-policy", "advisory", "app-gpu", "No lifecycle.")]);
    const head = makePlan(
      "mvp",
      [BOX, GPU],
      [],
      [{ ...old, message: "Worst case $2,936/month." }, verdict("node-group-size-caps", "mandatory", "app-gpu", "Too big.\nWhy it matters: $$$.")],
    );
    const d = diffPlans(base, head);
    expect(d.stacks[0]!.policy.new.map((v) => v.policy)).toEqual(["node-group-size-caps"]);
    expect(d.stacks[0]!.policy.fixed.map((v) => v.policy)).toEqual(["ecr-lifecycle-policy"]);
    expect(d.totals.policy).toEqual({ newMandatory: 1, newAdvisory: 0, fixed: 1, mandatoryOnHead: 1 });
    expect(d.headline).toMatch(/1 new mandatory violation, 1 fixed$/);
    const md = renderDiffMarkdown(d);
    expect(md).toMatch(/1 mandatory policy violation on the head/);
    expect(md).toMatch(/- \*\*new mandatory\*\* `node-group-size-caps` on `app-gpu`: Too big\.$/m);
  });

  it("counts new advisories in the headline", () => {
    const d = diffPlans(makePlan("mvp", [BOX]), makePlan("mvp", [BOX], [], [old]));
    expect(d.headline).toBe("+$0/month expected (worst case +$0), +$0 idle GPU, 1 new advisory");
  });
});

describe("plan diff: inputs it cannot use", () => {
  const good = makePlan("mvp", [BOX]);

  it("refuses a file that is not a plan, naming the file and what is missing", () => {
    expect(() => parsePlans("> ml-platform@0.1.0 plan\n> node scripts/plan.js mvp --json\n{}", "head.json")).toThrow(
      /head\.json: not JSON \(it starts with npm's banner: write plans with `npm run -s plan/,
    );
    expect(() => parsePlans(JSON.stringify({ stack: "mvp", resources: [] }), "base.json")).toThrow(/base\.json: not a plan .* \(no "cost"\)/);
    expect(() => parsePlans(JSON.stringify([good, { ...good, schemaVersion: 99 }]), "all.json")).toThrow(
      /all\.json\[1\]: plan schemaVersion 99 is not one this diff reads/,
    );
    expect(() => parsePlans("[1]", "x.json")).toThrow(PlanFileError);
  });

  it("reads plans written before schemaVersion existed", () => {
    const { schemaVersion: _, ...unversioned } = good;
    expect(parsePlans(JSON.stringify(unversioned), "old.json")).toMatchObject({ stack: "mvp" });
  });

  it("reports a stack the head cannot plan, and one the base could not plan", () => {
    const failure = {
      schemaVersion: 1,
      stack: "mvp",
      error: { exitCode: 1, message: 'Invalid configuration of stack "mvp": 1 problem\n  - ml-platform:stage: ...' },
    };
    const d = diffPlans([good], [failure]);
    expect(d.stacks[0]).toMatchObject({ stack: "mvp", status: "failed", errors: { head: expect.stringMatching(/^Invalid configuration/) } });
    expect(d.totals.failedOnHead).toEqual(["mvp"]);
    expect(d.headline).toMatch(/1 stack failed to plan$/);
    expect(renderDiffMarkdown(d)).toMatch(/\*\*The head does not plan:\*\* Invalid configuration of stack "mvp": 1 problem/);
    const fromBroken = diffPlans([failure], [good]);
    expect(fromBroken.stacks[0]).toMatchObject({ status: "added", errors: { base: expect.any(String) } });
  });
});

describe("plan diff: the pull-request comment", () => {
  it("has the headline first, one table row per changed stack, and details folded", () => {
    const base = makePlan("mvp", [BOX, DB], [{ name: "app-db", component: "app", expected: 26 }]);
    const head = makePlan(
      "mvp",
      [BOX, { ...DB, inputs: { ...DB.inputs, instanceClass: "db.t4g.large|x" } }],
      [{ name: "app-db", component: "app", expected: 96.87 }],
    );
    const md = renderDiffMarkdown(diffPlans([base, makePlan("poc", [BOX])], [head, makePlan("poc", [BOX])]));
    const lines = md.split("\n");
    expect(lines[0]).toBe("## Plan diff: +$71/month expected (worst case +$71), +$0 idle GPU, no new policy findings");
    expect(md).toMatch(/^\| `mvp` \| \$26\.00 → \$96\.87 \(\+\$71\) \|/m);
    expect(md).toMatch(/^No change: `poc`\.$/m);
    expect(md).toMatch(/^\| `app` \| \$26\.00 → \$96\.87 \| \*\*\+\$71\*\* \|/m);
    expect(md).toMatch(
      /<details><summary>Resources: 0 replaced, 0 removed, 1 changed, 0 added<\/summary>[\s\S]*`instanceClass`: `"db\.t4g\.small"` → `"db\.t4g\.large\|x"`[\s\S]*<\/details>/,
    );
    // Every table row has the header's number of cells (a stray "|" would break the table).
    for (const row of lines.filter((l) => l.startsWith("| `app`"))) expect(row.split(/(?<!\\)\|/).length).toBe(8);
  });

  it("stays within a GitHub comment and keeps its <details> closed when a change is huge", () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({ type: "aws:s3/bucket:Bucket", name: `b-${i}-${"x".repeat(40)}`, parent: "app", inputs: { v: i } }));
    const md = renderDiffMarkdown(diffPlans(makePlan("mvp", [BOX]), makePlan("mvp", [BOX, ...many])));
    expect(md.length).toBeLessThan(65_536);
    expect((md.match(/<details>/g) ?? []).length).toBe((md.match(/<\/details>/g) ?? []).length);
  });
});
