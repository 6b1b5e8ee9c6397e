/** The README's main job, run the way a user runs it: `npm run plan -- <stack> [--json]`. */
import { spawnSync } from "child_process";
import * as path from "path";
import { FIXTURE_STACKS } from "./support/plan";

const ROOT = path.join(__dirname, "..");

function planCli(...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(ROOT, "scripts", "plan.js"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run plan", () => {
  it("--json prints a machine-readable plan, with cost and policy, on stdout only", () => {
    const { code, stdout, stderr } = planCli("poc", "--json");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const planJson = JSON.parse(stdout);
    expect(planJson).toMatchObject({ stack: "poc", stage: "poc", region: "us-east-1" });
    expect(planJson.resources.length).toBeGreaterThan(10);
    for (const r of planJson.resources) expect(Object.keys(r)).toEqual(expect.arrayContaining(["type", "name", "parent", "inputs"]));
    expect(Object.keys(planJson.cost)).toEqual(expect.arrayContaining(["expectedMonthlyUsd", "worstCaseMonthlyUsd", "byResource", "unpriced"]));
    expect(planJson.policy).toMatchObject({ mandatory: [], advisory: expect.any(Array) });
  });

  it("prints what the stage turned on and off, resources by component, the cost table and the policy verdicts", () => {
    const { code, stdout } = planCli("seriesb-prod");
    expect(code).toBe(0);
    expect(stdout).toMatch(/\[on\]  cluster/);
    expect(stdout).toMatch(/mlp-prod-artifacts {2}<mlplatform:data:ArtifactStore>/);
    expect(stdout).toMatch(/aws:rds:Instance +mlp-prod-metadata-postgres {2}\[protect, retainOnDelete\]/);
    expect(stdout).toMatch(/Monthly cost \(us-east-1 on-demand prices checked \d{4}-\d{2}-\d{2}, 730 h a month\)/);
    expect(stdout).toMatch(/mlp-prod-cluster +\$[\d,.]+ +\$[\d,.]+/);
    expect(stdout).toMatch(/total +\$[\d,.]+ +\$[\d,.]+/);
    expect(stdout).toMatch(/GPU capacity paid for while idle: \$0\.00\/month/);
    expect(stdout).toMatch(/Policy pack ml-platform \(policies\/config\/seriesb\.json\): 0 mandatory/);
  });

  it("fails with the list of stacks for a stack that does not exist", () => {
    const { code, stderr, stdout } = planCli("prdo", "--json");
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/No stack "prdo".*Stacks: dev, mvp, poc, seriesb-prod, seriesb-staging/);
  });

  it.each([
    ["bad-stage", /ml-platform:stage: allowed values: poc, mvp, seriesb \(got "seed"\)/],
    ["bad-override", /ml-platform:database: the poc stage does not deploy the database/],
    ["bad-gpu", /ml-platform:cluster\.gpuNodeGroups\[0\]\.instanceTypes\[0\]: is not a GPU instance type.*\(got "m5\.xlarge"\)/],
  ])("an invalid stack file (%s) fails naming the key, without a stack trace", (stack, message) => {
    const { code, stderr } = planCli(stack, "--stacks-dir", FIXTURE_STACKS);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it("exits 4 with the verdicts when a mandatory policy is violated, like a failing preview", () => {
    const json = planCli("over-cap", "--json", "--stacks-dir", FIXTURE_STACKS);
    expect(json.code).toBe(4);
    // The 6-node pool is two per-AZ groups of 3: each breaks the per-group caps, the pool its own caps, and the stack its budget.
    expect(json.stderr).toMatch(/7 mandatory policy violation\(s\)/);
    const policies = JSON.parse(json.stdout).policy.mandatory.map((v: { policy: string }) => v.policy);
    expect(policies).toEqual(expect.arrayContaining(["node-group-size-caps", "node-group-worst-case-spend", "gpu-pool-caps", "stack-monthly-budget"]));
  });

  it("rejects unknown options with the usage text", () => {
    const { code, stderr } = planCli("mvp", "--jsn");
    expect(code).toBe(2);
    expect(stderr).toMatch(/usage: npm run plan/);
  });
});
