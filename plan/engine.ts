/**
 * The offline plan: runs the real program (index.ts) for one stack under
 * Pulumi's in-process mock engine, with the config of stacks/Pulumi.<stack>.yaml,
 * and records every resource the program registers: type, name, parent,
 * inputs, dependencies and resource options (protect, retainOnDelete).
 * The recording itself is testing/record.ts, shared with `planProgram()`.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { PROJECT, PlatformSpec, resolvePlatformSpec } from "../config/resolve";
import { PlannedResource, SECRET_PLACEHOLDER, recordProgram } from "../testing/record";
import { createMocks } from "./mocks";

export { SECRET_PLACEHOLDER };
export type { PlannedResource };

export const REPO_ROOT = path.resolve(__dirname, "..");
export const STACKS_DIR = path.join(REPO_ROOT, "stacks");

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanError";
  }
}

export interface PlanRun {
  stack: string;
  spec: PlatformSpec;
  resources: PlannedResource[];
  outputs: Record<string, unknown>;
}

export function listStacks(stacksDir = STACKS_DIR): string[] {
  if (!fs.existsSync(stacksDir)) return [];
  return fs
    .readdirSync(stacksDir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => !!s)
    .sort();
}

export interface StackConfigFile {
  path: string;
  /** Pulumi's flat config map: "namespace:key" -> string (objects as JSON text). */
  config: Record<string, string>;
  secretKeys: string[];
}

/** Reads a stack file the way the Pulumi CLI hands it to a program; secure values become placeholders. */
export function readStackConfig(stack: string, stacksDir = STACKS_DIR): StackConfigFile {
  const file = path.join(stacksDir, `Pulumi.${stack}.yaml`);
  if (!/^[A-Za-z0-9_.-]+$/.test(stack) || !fs.existsSync(file)) {
    const known = listStacks(stacksDir);
    throw new PlanError(`No stack "${stack}": there is no ${path.relative(process.cwd(), file) || file}. Stacks: ${known.join(", ") || "none"}.`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new PlanError(`${file} is not valid YAML: ${(err as Error).message}`);
  }
  const rawConfig = (doc as { config?: unknown } | null)?.config ?? {};
  if (typeof rawConfig !== "object" || Array.isArray(rawConfig)) throw new PlanError(`${file}: "config" must be a map of keys to values`);
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, value] of Object.entries(rawConfig as Record<string, unknown>)) {
    const key = rawKey.includes(":") ? rawKey : `${PROJECT}:${rawKey}`;
    if (value !== null && typeof value === "object" && "secure" in (value as object)) {
      config[key] = SECRET_PLACEHOLDER;
      secretKeys.push(key);
    } else {
      config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  return { path: file, config, secretKeys };
}

type Program = () => unknown;

let programCache: Program | undefined;
function loadProgram(): Program {
  // Loaded lazily: importing the provider SDKs is the slow part of a plan.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  programCache ??= require(path.join(REPO_ROOT, "index")) as Program;
  return programCache;
}

/**
 * Runs the program for `stack` and returns what it would declare. Throws
 * PlanError (no such stack) or ConfigError (invalid config) before any
 * resource is registered.
 */
export async function planStack(stack: string, opts: { stacksDir?: string; program?: Program } = {}): Promise<PlanRun> {
  const stackFile = readStackConfig(stack, opts.stacksDir);
  // Validate first: a bad stack file must fail with its message, not half a graph.
  const spec = resolvePlatformSpec(stackFile.config, stack, `configuration of stack "${stack}" (${path.relative(REPO_ROOT, stackFile.path)})`, stackFile.secretKeys);
  const program = opts.program ?? loadProgram();
  const { resources, outputs } = await recordProgram(program, {
    project: PROJECT,
    stack,
    config: stackFile.config,
    secretKeys: stackFile.secretKeys,
    mocks: createMocks(spec.region),
  });
  return { stack, spec, resources, outputs };
}
