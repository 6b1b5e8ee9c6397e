/** The README's main job, run the way a user runs it: `npm run plan -- <stack> [--json]`. */
import { spawnSync } from "child_process";
import * as path from "path";
import { FIXTURE_STACKS, SHIPPED_STACKS } from "./support/plan";

const ROOT = path.join(__dirname, "..");

function planCli(...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(ROOT, "scripts", "plan.js"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run plan", () => {
  it.each(SHIPPED_STACKS)("--json for %s prints a machine-readable plan on stdout only", (stack) => {
    const { code, stdout, stderr } = planCli(stack, "--json");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const planJson = JSON.parse(stdout);
    expect(planJson).toMatchObject({ stack, stage: expect.stringMatching(/^(poc|mvp|seriesb)$/) });
    expect(planJson.resources.length).toBeGreaterThan(10);
    for (const r of planJson.resources) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(["type", "name", "parent", "inputs"]));
    }
    expect(Object.keys(planJson.cost)).toEqual(expect.arrayContaining(["expectedMonthlyUsd", "worstCaseMonthlyUsd", "byResource", "unpriced"]));
    expect(planJson.cost.worstCaseMonthlyUsd).toBeGreaterThanOrEqual(planJson.cost.expectedMonthlyUsd);
    expect(planJson.policy).toMatchObject({ mandatory: [], advisory: expect.any(Array) });
    // Secrets never reach the plan.
    expect(stdout).not.toContain("mock-password");
  });

  it("prints resources grouped by component, with what the stage turned on and off", () => {
    const { code, stdout } = planCli("poc");
    expect(code).toBe(0);
    expect(stdout).toMatch(/\[off\] cluster/);
    expect(stdout).toMatch(/\[on\]  artifacts/);
    expect(stdout).toMatch(/mlp-poc-artifacts {2}<mlplatform:data:ArtifactStore>/);
  });

  it("prints the cost table per component and the policy verdicts", () => {
    const { code, stdout } = planCli("seriesb-prod");
    expect(code).toBe(0);
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
    expect(stderr).toMatch(/No stack "prdo".*Stacks: mvp, poc, seriesb-prod, seriesb-staging/);
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
    const text = planCli("over-cap", "--stacks-dir", FIXTURE_STACKS);
    expect(text.code).toBe(4);
    expect(text.stdout).toMatch(/\[MANDATORY\] node-group-size-caps: mlp-prod-cluster-gpu-gpu may scale to 6 GPU nodes; the cap is 2\./);
    expect(text.stderr).toMatch(/mandatory policy violation/);
    const json = planCli("over-cap", "--json", "--stacks-dir", FIXTURE_STACKS);
    expect(json.code).toBe(4);
    const policies = JSON.parse(json.stdout).policy.mandatory.map((v: { policy: string }) => v.policy);
    expect(policies).toEqual(expect.arrayContaining(["node-group-size-caps", "node-group-worst-case-spend", "stack-monthly-budget"]));
  });

  it("rejects unknown options with the usage text", () => {
    const { code, stderr } = planCli("mvp", "--jsn");
    expect(code).toBe(2);
    expect(stderr).toMatch(/usage: npm run plan/);
  });
});
