// The plans of the shipped stacks, made once per jest run instead of once per
// test file (each file has its own module registry, so a memoised plan does
// not outlive it). jest.config.js runs this as globalSetup/globalTeardown:
// before the first test file starts, it starts the plan CLI's process entry
// (plan/cli.ts `run`) with `--all --json` in the background, as
// `npm run plan -- --all --json` runs it, and keeps what it prints:
// test/plan/plan-cli.test.ts checks that output as the real process's. The same
// process writes each stack's recorded plan (the engine's PlanRun, as JSON)
// to a temporary directory as soon as it is planned; test/support/plan.ts
// reads them from there, waiting for the ones not written yet. A second
// process plans the fixture stacks (test/fixtures/stacks) the same way, into
// the subdirectory FIXTURES, and writes FIXTURES_DONE when it has tried them
// all (a fixture the config checks refuse is not written: the test file that
// asks for it plans it and gets the error). Plans of other stack
// directories (edited copies) are still made in the test file that asks.
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

/** The environment variable naming the directory; unset, test/support/plan.ts plans in the test file. */
const ENV = "ML_PLATFORM_SHARED_PLANS";
const FILES = { stdout: "cli.stdout", stderr: "cli.stderr", exit: "cli.exit.json" };
/** The fixture plans' subdirectory, and the file that says the fixture planner is done. */
const FIXTURES = "fixtures";
const FIXTURES_DONE = "done";

let child;
let fixtureChild;
let dir;

/** jest globalSetup: starts the planner and returns at once (test files wait for what they need). */
async function setup() {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ml-platform-plans-"));
  process.env[ENV] = dir;
  const out = fs.openSync(path.join(dir, FILES.stdout), "w");
  const err = fs.openSync(path.join(dir, FILES.stderr), "w");
  child = spawn(process.execPath, [__filename, "--planner"], { cwd: path.join(__dirname, "..", ".."), env: process.env, stdio: ["ignore", out, err] });
  fs.closeSync(out);
  fs.closeSync(err);
  const planDir = dir;
  const record = (result) => {
    // After globalTeardown killed the planner (a run of a few files) its directory is gone, and nobody reads this.
    if (fs.existsSync(planDir)) fs.writeFileSync(path.join(planDir, FILES.exit), JSON.stringify(result));
  };
  child.on("exit", (code, signal) => record({ code, signal }));
  child.on("error", (e) => record({ code: null, signal: null, error: e.message }));

  const fixtureDir = path.join(dir, FIXTURES);
  fs.mkdirSync(fixtureDir);
  fixtureChild = spawn(process.execPath, [__filename, "--fixture-planner"], { cwd: path.join(__dirname, "..", ".."), env: process.env, stdio: "ignore" });
  const fixturesDone = () => fs.existsSync(fixtureDir) && fs.writeFileSync(path.join(fixtureDir, FIXTURES_DONE), "");
  fixtureChild.on("exit", fixturesDone);
  fixtureChild.on("error", fixturesDone);
}

/** jest globalTeardown: stops the planner if the run ended first (a run of a few files), removes the plans. */
async function teardown() {
  for (const c of [child, fixtureChild]) if (c && c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

/** The planner process: the plan CLI's entry, every plan it makes also written to the directory. */
function planner() {
  const root = path.join(__dirname, "..", "..");
  // As scripts/plan.js registers it.
  require("ts-node").register({ transpileOnly: true, swc: true, project: path.join(root, "tsconfig.json") });
  const { run } = require("../../plan/cli");
  const { planStack } = require("../../plan/engine");
  const target = process.env[ENV];
  run(["--all", "--json"], {
    plan: async (stack, opts) => {
      const result = await planStack(stack, opts);
      const file = path.join(target, `${stack}.json`);
      fs.writeFileSync(`${file}.tmp`, JSON.stringify(result));
      fs.renameSync(`${file}.tmp`, file); // whole or absent, for the readers
      return result;
    },
  });
}

/** The fixture planner process: every fixture stack's plan, one after the other, each written whole. */
async function fixturePlanner() {
  const root = path.join(__dirname, "..", "..");
  require("ts-node").register({ transpileOnly: true, swc: true, project: path.join(root, "tsconfig.json") });
  const { listStacks, planStack } = require("../../plan/engine");
  const stacksDir = path.join(__dirname, "..", "fixtures", "stacks");
  const target = path.join(process.env[ENV], FIXTURES);
  for (const stack of listStacks(stacksDir)) {
    let result;
    try {
      result = await planStack(stack, { stacksDir });
    } catch {
      continue; // refused by the config checks: its tests plan it themselves, and see why
    }
    const file = path.join(target, `${stack}.json`);
    if (!fs.existsSync(target)) return; // the run is over
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(result));
    fs.renameSync(`${file}.tmp`, file);
  }
}

if (require.main === module && process.argv[2] === "--planner") planner();
if (require.main === module && process.argv[2] === "--fixture-planner") fixturePlanner().finally(() => process.exit(0));

module.exports = { ENV, FILES, FIXTURES, FIXTURES_DONE, setup, teardown };
