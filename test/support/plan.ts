/** Test helpers around the offline plan: each stack is planned once per test file. */
import * as path from "path";
import { PlanRun, PlannedResource, listStacks, planStack } from "../../plan/engine";

export const FIXTURE_STACKS = path.join(__dirname, "..", "fixtures", "stacks");
export const SHIPPED_STACKS = listStacks();

const runs = new Map<string, Promise<PlanRun>>();

/** The plan of a shipped stack (or of a fixture stack with `stacksDir`), memoised. */
export function plan(stack: string, stacksDir?: string): Promise<PlanRun> {
  const key = `${stacksDir ?? ""}:${stack}`;
  if (!runs.has(key)) runs.set(key, planStack(stack, { stacksDir }));
  return runs.get(key)!;
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
