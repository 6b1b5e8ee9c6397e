/**
 * The plan CLI the way a user runs it: `npm run plan -- <stack> | --all | diff`.
 *
 * Spawning a plan costs seconds, so only four things run as real processes:
 * one `--all --json` (stdout is pure JSON, several assertions feed on it; the
 * process that also plans the shipped stacks for every other test file, see
 * test/support/shared-plans.js), the `| head` pipe (scripts/plan.js through
 * npm), one `diff` through npm from another directory, and programs that fail
 * (their unhandled rejections are the process entry's to catch).
 * The rest calls the CLI's `main()` in this process with the memoised plans.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { CliIo, EXIT, main } from "../../plan/cli";
import type { PlanDiff } from "../../plan/diff";
import { listStacks } from "../../plan/engine";
import type { JsonPlan } from "../../plan/report";
import { FIXTURE_STACKS, SHIPPED_STACKS, plan, sharedCliRun } from "../support/plan";

const ROOT = path.join(__dirname, "..", "..");
const PLAN_JS = path.join(ROOT, "scripts", "plan.js");

/** `main()` in this process; `plan` defaults to the memoised planner. */
async function cli(argv: string[], io: Partial<Pick<CliIo, "callerDir" | "plan">> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    callerDir: io.callerDir ?? ROOT,
    plan: io.plan ?? ((stack, opts) => plan(stack, opts.stacksDir)),
  });
  return { code, stdout, stderr };
}

/** npm's complaints about this machine's own npmrc ("npm warn Unknown user config ...") are not the CLI's output. */
const withoutNpmConfigWarnings = (stderr: string) => stderr.split("\n").filter((l) => l && !/^npm warn Unknown (user |project |global |env )?config/.test(l));

const STACK_TRACE = /\bat .*\.(ts|js):\d+/;

let tmp: string;
let all: { code: number | null; stdout: string; stderr: string; plans: JsonPlan[] };

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
  // The run jest's globalSetup started (test/support/shared-plans.js), else one of our own.
  const r = (await sharedCliRun()) ?? spawnAll();
  all = { ...r, plans: r.code === 0 ? JSON.parse(r.stdout) : [] };
}, 120_000);

function spawnAll() {
  const r = spawnSync(process.execPath, [PLAN_JS, "--all", "--json"], { cwd: ROOT, encoding: "utf8", timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("the plan CLI's process entry with --all --json (a real process, as `npm run plan -- --all --json` runs it)", () => {
  it("prints one JSON array of every shipped stack's plan on stdout, nothing on stderr, exit 0", () => {
    expect(all.stderr).toBe("");
    expect(all.code).toBe(0);
    expect(all.plans.map((p) => p.stack)).toEqual(SHIPPED_STACKS);
    for (const p of all.plans)
      expect({ stack: p.stack, schemaVersion: p.schemaVersion, mandatory: p.policy.mandatory }).toEqual({ stack: p.stack, schemaVersion: 1, mandatory: [] });
  });

  it("each plan has its resources with type, name, parent, inputs and whether Pulumi or the cloud holds them; cost; policy", () => {
    const poc = all.plans.find((p) => p.stack === "poc")!;
    expect(poc).toMatchObject({ stage: "poc", region: "us-east-1" });
    expect(poc.resources.length).toBeGreaterThan(10);
    for (const r of poc.resources) expect(Object.keys(r)).toEqual(expect.arrayContaining(["type", "name", "parent", "inputs", "custom"]));
    expect(poc.resources.filter((r) => !r.custom).map((r) => r.type)).toEqual(expect.arrayContaining(["mlplatform:data:ArtifactStore"]));
    expect(Object.keys(poc.cost)).toEqual(expect.arrayContaining(["expectedMonthlyUsd", "worstCaseMonthlyUsd", "byResource", "unpriced"]));
    expect(poc.policy).toMatchObject({ mandatory: [], advisory: expect.any(Array) });
  });
});

describe("a reader that closes the pipe early", () => {
  it("`npm run -s plan -- seriesb-prod --json | head -c 100` exits 0 with nothing on stderr", () => {
    // The plan is ~100 KB, more than a pipe holds: the writer meets EPIPE once head has gone.
    const r = spawnSync("bash", ["-c", "set -o pipefail; npm run -s plan -- seriesb-prod --json | head -c 100"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(withoutNpmConfigWarnings(r.stderr)).toEqual([]);
    expect(r.status).toBe(0);
    expect(r.stdout).toHaveLength(100);
    expect(r.stdout).toMatch(/^\{\n {2}"schemaVersion": 1,\n {2}"stack": "seriesb-prod"/);
  });
});

describe("the text plan", () => {
  // over-cap: an MVP production stack whose GPU pool may grow past the caps (planned once here, for exit 4 too).
  const text = () => cli(["over-cap", "--stacks-dir", FIXTURE_STACKS]);

  it("prints what the stage turned on and off, resources by component, the cost table and the policy verdicts", async () => {
    const { code, stdout, stderr } = await text();
    expect(code).toBe(EXIT.policy);
    expect(stderr).toMatch(/^\d+ mandatory policy violation\(s\) in stack "over-cap": `pulumi preview --policy-pack policies` would fail\.\n$/);
    expect(stdout).toMatch(/\[on\] {2}cluster/);
    expect(stdout).toMatch(/mlp-prod-artifacts {2}<mlplatform:data:ArtifactStore>/);
    expect(stdout).toMatch(/aws:rds:Instance +mlp-prod-metadata-postgres {2}\[protect, retainOnDelete\]/);
    expect(stdout).toMatch(/Monthly cost \(us-east-1 on-demand prices checked \d{4}-\d{2}-\d{2}, 730 h a month\)/);
    expect(stdout).toMatch(/mlp-prod-cluster +\$[\d,.]+ +\$[\d,.]+/);
    expect(stdout).toMatch(/total +\$[\d,.]+ +\$[\d,.]+/);
    expect(stdout).toMatch(/GPU capacity paid for while idle: \$0\.00\/month/);
    expect(stdout).toMatch(/Policy pack ml-platform \(policies\/config\/mvp\.json\): [1-9]\d* mandatory/);
    expect(stdout).toMatch(/\[MANDATORY\] node-group-size-caps: /);
  });

  it("says what its resource count is made of: cloud/Kubernetes resources, providers and components", async () => {
    const run = await plan("over-cap", FIXTURE_STACKS);
    const { stdout } = await text();
    const m =
      /Resources by component: (\d+) resources = (\d+) cloud\/Kubernetes resources \+ (\d+) providers? \+ (\d+) components \(the stack itself not counted\)/.exec(
        stdout,
      );
    expect(m).not.toBeNull();
    const [total, managed, providers, components] = m!.slice(1).map(Number);
    const declared = run.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
    expect({ total, managed, providers, components }).toEqual({
      total: declared.length,
      managed: declared.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).length,
      providers: declared.filter((r) => r.type.startsWith("pulumi:providers:")).length,
      components: declared.filter((r) => !r.custom).length,
    });
    expect(components).toBeGreaterThan(0);
    expect(stdout).toMatch(
      /^ {2}mlp-prod-cluster {2}<mlplatform:compute:GpuCluster> {2}\d+ resources = \d+ cloud\/Kubernetes resources \+ 1 provider \+ \d+ components?$/m,
    );
    expect(stdout).toMatch(/^ {2}mlp-prod-registry {2}<mlplatform:data:ContainerRegistry> {2}\d+ cloud\/Kubernetes resources?$/m);
  });
});

describe("arguments", () => {
  it("rejects unknown options and wrong arguments with the usage text and exit 2", async () => {
    for (const argv of [["mvp", "--jsn"], ["mvp", "poc"], [], ["--all", "mvp"], ["mvp", "--markdown"], ["mvp", "--stacks-dir"], ["diff", "a.json"]]) {
      const { code, stderr, stdout } = await cli(argv);
      expect({ argv, code, usage: /usage: npm run plan/.test(stderr), stdout }).toEqual({ argv, code: EXIT.usage, usage: true, stdout: "" });
    }
    expect((await cli(["mvp", "--jsn"])).stderr).toMatch(/^Unknown option '--jsn'\n/);
  });

  it("--help lists the stacks, every exit code, and with --stacks-dir that directory's stacks", async () => {
    const { code, stdout } = await cli(["--help"]);
    expect(code).toBe(EXIT.ok);
    expect(stdout).toContain(`in stacks/: ${SHIPPED_STACKS.join(", ")}\n`);
    for (const c of Object.values(EXIT)) expect(stdout).toMatch(new RegExp(`^ {2}${c} {2}\\S`, "m"));
    const fixtures = await cli(["--help", `--stacks-dir=${FIXTURE_STACKS}`]);
    const fixtureStacks = `${FIXTURE_STACKS}: ${listStacks(FIXTURE_STACKS).join(", ")}\n`;
    expect(fixtureStacks).toMatch(/: bad-gpu, bad-override, .*over-cap.*with-secret\n$/);
    expect(fixtures.stdout).toContain(fixtureStacks);
    expect(fixtures.stdout).not.toContain(SHIPPED_STACKS.join(", "));
    const wrongStack = await cli(["--stacks-dir", FIXTURE_STACKS]);
    expect(wrongStack.stderr).toContain(fixtureStacks);
  });

  it("resolves a relative --stacks-dir against the caller's directory, in both spellings", async () => {
    const callerDir = path.join(ROOT, "test");
    for (const argv of [
      ["bad-stage", "--stacks-dir", "fixtures/stacks"],
      ["bad-stage", "--stacks-dir=fixtures/stacks"],
    ]) {
      const { code, stderr } = await cli(argv, { callerDir });
      expect({ argv, code, stderr }).toEqual({ argv, code: EXIT.invalid, stderr: expect.stringMatching(/ml-platform:stage: allowed values/) });
    }
    expect((await cli(["bad-stage", "--stacks-dir", "fixtures/stacks"], { callerDir: ROOT })).stderr).toMatch(
      /--stacks-dir: there is no directory .*\/fixtures\/stacks/,
    );
  });
});

describe("failures and exit codes", () => {
  it("fails with the list of stacks for a stack that does not exist", async () => {
    const { code, stderr, stdout } = await cli(["prdo", "--json"]);
    expect(code).toBe(EXIT.invalid);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^No stack "prdo": there is no .*Pulumi\.prdo\.yaml\. Stacks: /);
    expect(stderr).toContain(`Stacks: ${SHIPPED_STACKS.join(", ")}.`);
  });

  it.each([
    ["bad-stage", /ml-platform:stage: allowed values: poc, mvp, seriesb \(got "seed"\)/],
    ["bad-override", /ml-platform:database: the poc stage does not deploy the database/],
    ["bad-gpu", /ml-platform:cluster\.gpuNodeGroups\[0\]\.instanceTypes\[0\]: is not a GPU instance type.*\(got "m5\.xlarge"\)/],
  ])("an invalid stack file (%s) fails naming the key, without a stack trace", async (stack, message) => {
    const { code, stderr } = await cli([stack, "--stacks-dir", FIXTURE_STACKS]);
    expect(code).toBe(EXIT.invalid);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(STACK_TRACE);
  });

  it("exits 4 with the verdicts when a mandatory policy is violated, like a failing preview", async () => {
    const json = await cli(["over-cap", "--json", "--stacks-dir", FIXTURE_STACKS]);
    expect(json.code).toBe(EXIT.policy);
    expect(json.stderr).toMatch(/^\d+ mandatory policy violation\(s\) in stack "over-cap"/);
    const policies = JSON.parse(json.stdout).policy.mandatory.map((v: { policy: string }) => v.policy);
    // The 6-node pool is per-AZ groups: summed, it breaks the node-group caps, and the stack its budget.
    expect(policies).toEqual(expect.arrayContaining(["node-group-size-caps", "node-group-worst-case-spend", "stack-monthly-budget"]));
  });

  it("--all goes on past a broken stack, lists it in the JSON array, and returns the worst code (1 before 4)", async () => {
    const dir = fs.mkdtempSync(path.join(tmp, "all-"));
    for (const s of ["bad-stage", "over-cap"]) fs.copyFileSync(path.join(FIXTURE_STACKS, `Pulumi.${s}.yaml`), path.join(dir, `Pulumi.${s}.yaml`));
    const { code, stdout, stderr } = await cli(["--all", "--json", "--stacks-dir", dir], { plan: (stack) => plan(stack, FIXTURE_STACKS) });
    expect(code).toBe(EXIT.invalid);
    const docs = JSON.parse(stdout);
    expect(docs.map((d: { stack: string }) => d.stack)).toEqual(["bad-stage", "over-cap"]);
    expect(docs[0]).toEqual({
      schemaVersion: 1,
      stack: "bad-stage",
      error: { exitCode: EXIT.invalid, message: expect.stringMatching(/ml-platform:stage: allowed values/) },
    });
    expect(docs[1].policy.mandatory.length).toBeGreaterThan(0);
    expect(stderr).toMatch(/mandatory policy violation\(s\) in stack "over-cap"/);
  });

  it("an error the program throws, even inside an apply, fails with exit 3 and one clear message, not a stack trace", () => {
    // A real process: the CLI's entry collects unhandled rejections, which jest would take for its own.
    const dir = fs.mkdtempSync(path.join(tmp, "failing-"));
    const poc = fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.poc.yaml"), "utf8");
    for (const s of ["throws", "throws-in-apply", "declares-twice"]) fs.writeFileSync(path.join(dir, `Pulumi.${s}.yaml`), poc);
    const script = `require("ts-node").register({ transpileOnly: true, swc: true, project: ${JSON.stringify(path.join(ROOT, "tsconfig.json"))} }); require(${JSON.stringify(path.join(ROOT, "test", "fixtures", "programs", "failing.ts"))});`;
    const r = spawnSync(process.execPath, ["-e", script, "--", "--all", "--stacks-dir", dir], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    expect({ code: r.status, stdout: r.stdout, trace: STACK_TRACE.test(r.stderr) }).toEqual({ code: EXIT.programFailed, stdout: "", trace: false });
    expect(r.stderr).toMatch(
      /^Plan of stack "declares-twice" failed: the program declares a resource twice, which the Pulumi engine refuses \(duplicate URN\): test:index:Box same\.$/m,
    );
    expect(r.stderr).toMatch(
      /^Plan of stack "throws" failed while running the program: boom in a component\n {2}thrown in test\/fixtures\/programs\/failing\.ts, line \d+\n/m,
    );
    expect(r.stderr).toMatch(/^Plan of stack "throws-in-apply" failed while running the program: boom in an apply\n/m);
    expect(r.stderr.match(/^Plan of stack/gm)).toHaveLength(3);
  });
});

describe("plan diff, end to end: the mvp plan against the same stack with a larger database", () => {
  let base: string;
  let head: string;
  beforeAll(async () => {
    const dir = path.join(tmp, "bigger-db");
    fs.mkdirSync(dir);
    // The shipped mvp stack file, with the database one size up (the preset's class is db.t4g.small).
    const mvp = parseYaml(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.mvp.yaml"), "utf8")) as { config: Record<string, unknown> };
    const database = (mvp.config["ml-platform:database"] ?? {}) as Record<string, unknown>;
    expect(database.instanceClass ?? "db.t4g.small").toBe("db.t4g.small");
    mvp.config["ml-platform:database"] = { ...database, instanceClass: "db.t4g.large" };
    fs.writeFileSync(path.join(dir, "Pulumi.mvp.yaml"), stringifyYaml(mvp));
    const planned = await cli(["mvp", "--json", "--stacks-dir", "bigger-db"], { callerDir: tmp });
    expect(planned.code).toBe(EXIT.ok);
    base = path.join(tmp, "base.json");
    head = path.join(tmp, "head.json");
    fs.writeFileSync(base, JSON.stringify(all.plans.find((p) => p.stack === "mvp")));
    fs.writeFileSync(head, planned.stdout);
  });

  it("--json names the database change and gives a positive monthly cost delta", async () => {
    const { code, stdout } = await cli(["diff", base, head, "--json"]);
    expect(code).toBe(EXIT.ok);
    const d = JSON.parse(stdout) as PlanDiff;
    expect(d).toMatchObject({ schemaVersion: 2, kind: "ml-platform/plan-diff", destructive: [] });
    expect(d.stacks[0]!.resources).toMatchObject({
      added: [],
      removed: [],
      replaced: [],
      changed: [
        {
          type: "aws:rds/instance:Instance",
          component: "mlp-prod-metadata",
          inputChanges: [{ path: "instanceClass", before: "db.t4g.small", after: "db.t4g.large" }],
        },
      ],
    });
    expect(d.totals.expected.delta).toBeGreaterThan(0);
    expect(d.totals.worstCase.delta).toBeGreaterThan(0);
    expect(d.stacks[0]!.cost.byComponent.filter((c) => c.expected.delta !== 0).map((c) => c.component)).toEqual(["mlp-prod-metadata"]);
  });

  it("--markdown, run through npm from another directory with relative paths, says the same as a PR comment", () => {
    const r = spawnSync("npm", ["--prefix", ROOT, "run", "-s", "plan", "--", "diff", "base.json", "head.json", "--markdown"], {
      cwd: tmp,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(withoutNpmConfigWarnings(r.stderr)).toEqual([]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^## Plan diff: \+\$\d+\/month expected \(worst case \+\$\d+\), \+\$0 idle GPU, no new policy findings\n/);
    expect(r.stdout).toMatch(/^\| `mlp-prod-metadata` \| \$[\d,.]+ → \$[\d,.]+ \| \*\*\+\$\d+\*\* \|/m);
    expect(r.stdout).toMatch(
      /<details><summary>Resources: 0 replaced, 0 removed, 1 changed, 0 added<\/summary>\n\n- \*\*changed\*\* `aws:rds:Instance` `mlp-prod-metadata-postgres` \(\+\$\d+\/month expected\): `instanceClass`: `"db\.t4g\.small"` → `"db\.t4g\.large"`/,
    );
  });

  it("a file that is not a plan fails with exit 1 naming it", async () => {
    fs.writeFileSync(path.join(tmp, "banner.json"), "> ml-platform@0.1.0 plan\n{}");
    const { code, stderr } = await cli(["diff", "banner.json", "head.json"], { callerDir: tmp });
    expect(code).toBe(EXIT.invalid);
    expect(stderr).toMatch(/banner\.json: not JSON \(it starts with npm's banner/);
  });
});
