/**
 * Test helpers around the offline plan. A shipped stack is planned once per
 * jest run, by the planner test/support/shared-plans.js starts, and read
 * here; any other stack (a fixture, an edited copy) is planned once per test
 * file, in it. plan/engine is loaded only then: a file that reads shared
 * plans does not load the Pulumi SDK for them.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { PlanRun, PlannedResource } from "../../plan/engine";

const REPO_ROOT = path.join(__dirname, "..", "..");
export const FIXTURE_STACKS = path.join(__dirname, "..", "fixtures", "stacks");
/** The shipped stacks, as plan/engine's listStacks() names them (test/plan/plan-cli.test.ts compares the two). */
export const SHIPPED_STACKS = fs
  .readdirSync(path.join(REPO_ROOT, "stacks"))
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((s): s is string => !!s)
  .sort();

// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JS shared with jest's globalSetup, whose constants it holds
const shared = require("./shared-plans.js") as {
  ENV: string;
  FILES: { stdout: string; stderr: string; exit: string };
  FIXTURES: string;
  FIXTURES_DONE: string;
};
const SHARED_DIR = process.env[shared.ENV];

const runs = new Map<string, Promise<PlanRun>>();

/** The plan of a shipped stack (or of a fixture stack with `stacksDir`), memoised. */
export function plan(stack: string, stacksDir?: string): Promise<PlanRun> {
  const key = `${stacksDir ?? ""}:${stack}`;
  if (!runs.has(key)) {
    const shipped = !stacksDir && SHARED_DIR;
    const fixture = stacksDir && path.resolve(stacksDir) === FIXTURE_STACKS && SHARED_DIR;
    runs.set(
      key,
      shipped
        ? sharedPlan(stack, SHARED_DIR, shared.FILES.exit)
        : fixture
          ? sharedPlan(stack, path.join(SHARED_DIR, shared.FIXTURES), shared.FIXTURES_DONE, stacksDir)
          : planHere(stack, stacksDir),
    );
  }
  return runs.get(key)!;
}

function planHere(stack: string, stacksDir?: string): Promise<PlanRun> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: the engine pulls in the Pulumi SDK, which files reading shared plans do not need
  const { planStack } = require("../../plan/engine") as typeof import("../../plan/engine");
  return planStack(stack, { stacksDir });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The shared plan of a shipped or fixture stack, once its planner has written
 * it (`done` names the file the planner writes when it has finished). A stack
 * the planner did not write (it failed, or is no stack of its directory) is
 * planned here, so its error is the one planStack throws.
 */
async function sharedPlan(stack: string, dir: string, done: string, stacksDir?: string): Promise<PlanRun> {
  const file = path.join(dir, `${stack}.json`);
  for (;;) {
    const finished = fs.existsSync(path.join(dir, done));
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as PlanRun;
    if (finished) return planHere(stack, stacksDir);
    await sleep(50);
  }
}

/** What the plan CLI's process entry printed and returned for `--all --json` (the shared planner's run). */
export async function sharedCliRun(): Promise<{ code: number | null; stdout: string; stderr: string } | undefined> {
  if (!SHARED_DIR) return undefined;
  const exit = path.join(SHARED_DIR, shared.FILES.exit);
  while (!fs.existsSync(exit)) await sleep(50);
  const { code } = JSON.parse(fs.readFileSync(exit, "utf8")) as { code: number | null };
  const read = (f: string) => fs.readFileSync(path.join(SHARED_DIR, f), "utf8");
  return { code, stdout: read(shared.FILES.stdout), stderr: read(shared.FILES.stderr) };
}

export function ofType(run: PlanRun, type: string): PlannedResource[] {
  return run.resources.filter((r) => r.type === type);
}

/** The single resource of a type (fails the test when there are none or several). */
export function one(run: PlanRun, type: string, nameContains = ""): PlannedResource {
  const found = ofType(run, type).filter((r) => r.name.includes(nameContains));
  if (found.length !== 1) throw new Error(`expected exactly one ${type}${nameContains ? ` named *${nameContains}*` : ""}, found ${found.length}`);
  return found[0]!;
}

/** Resources attached to `target` through a property dependency named `property` (e.g. an S3 setting's `bucket`). */
export function attachedTo(run: PlanRun, target: PlannedResource, type: string, property: string): PlannedResource[] {
  return ofType(run, type).filter((r) => (r.propertyDependencies[property] ?? []).includes(target.urn));
}

const editedDirs = new Map<string, string>();

/**
 * A shipped stack file (or one from `stacksDir`, e.g. FIXTURE_STACKS) with textual edits, planned from a
 * temporary stacks directory (once per distinct text). Throws when the edit changes nothing.
 */
export function planEdited(stack: string, edit: (text: string) => string, stacksDir = path.join(REPO_ROOT, "stacks")): Promise<PlanRun> {
  const original = fs.readFileSync(path.join(stacksDir, `Pulumi.${stack}.yaml`), "utf8");
  const edited = edit(original);
  if (edited === original) throw new Error(`the edit of ${path.relative(REPO_ROOT, stacksDir)}/Pulumi.${stack}.yaml changed nothing`);
  let dir = editedDirs.get(edited);
  if (!dir) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlp-stacks-"));
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), edited);
    editedDirs.set(edited, dir);
  }
  return plan(stack, dir);
}

/** Leaf paths whose values differ between two objects. */
export function changedPaths(a: unknown, b: unknown, at = ""): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) === !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a as Record<string, unknown>), ...Object.keys(b as Record<string, unknown>)]);
    return [...keys].flatMap((k) => changedPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], at ? `${at}.${k}` : k));
  }
  return [at];
}

/** Every difference between two plans: resources added, removed, or with changed inputs, options or dependencies. */
export function planDiff(before: PlanRun, after: PlanRun): Record<string, string[]> {
  const diff: Record<string, string[]> = {};
  const a = new Map(before.resources.map((r) => [r.urn, r]));
  const b = new Map(after.resources.map((r) => [r.urn, r]));
  for (const urn of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(urn);
    const y = b.get(urn);
    const name = (x ?? y)!.name;
    if (!x || !y) diff[name] = [x ? "removed" : "added"];
    else {
      const paths = [
        ...changedPaths(x.inputs, y.inputs),
        ...changedPaths(
          { protect: x.protect, retainOnDelete: x.retainOnDelete, dependencies: x.dependencies, parent: x.parent },
          { protect: y.protect, retainOnDelete: y.retainOnDelete, dependencies: y.dependencies, parent: y.parent },
        ).map((p) => `(options) ${p}`),
      ];
      if (paths.length) diff[name] = paths;
    }
  }
  const outputs = changedPaths(before.outputs, after.outputs);
  if (outputs.length) diff["(stack outputs)"] = outputs;
  return diff;
}
