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

  it("rejects unknown options with the usage text", () => {
    const { code, stderr } = planCli("mvp", "--jsn");
    expect(code).toBe(2);
    expect(stderr).toMatch(/usage: npm run plan/);
  });
});
