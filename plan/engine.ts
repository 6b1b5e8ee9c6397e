/**
 * The offline plan: runs the real program (index.ts) for one stack under
 * Pulumi's in-process mock engine, with the config of stacks/Pulumi.<stack>.yaml,
 * and records every resource the program registers: type, name, parent,
 * inputs, dependencies and resource options (protect, retainOnDelete).
 * The recording itself is offline/record.ts, shared with `planProgram()`.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { ConfigError, resolvePlatformSpec } from "../config/resolve";
import type { PlatformSpec } from "../config/spec";
import type { PlannedResource } from "../offline/record";
import { SECRET_PLACEHOLDER } from "../offline/secret";
import { createMocks } from "../offline/mocks";

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

/**
 * The project's name, read once from Pulumi.yaml: the namespace of the
 * platform's config keys (a renamed project keeps working).
 */
export function readProjectName(projectDir = REPO_ROOT): string {
  const file = path.join(projectDir, "Pulumi.yaml");
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new PlanError(`${file} cannot be read: ${(err as Error).message}`);
  }
  const name = (doc as { name?: unknown } | null)?.name;
  if (typeof name !== "string" || !name) throw new PlanError(`${file}: "name" (the project's name) is missing`);
  return name;
}

let projectCache: string | undefined;
function projectName(): string {
  return (projectCache ??= readProjectName());
}

/**
 * Top-level keys of a stack settings file besides `config` (Pulumi docs,
 * "Project and stack settings files": secretsprovider, encryptedkey,
 * encryptionsalt for secrets, environment for ESC; checked 2026-11-23).
 */
const STACK_FILE_KEYS = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];

/** Keys at the top of a stack file that Pulumi would not read: config keys outside `config:`, or unknown settings. */
function topLevelProblem(file: string, doc: unknown): string | undefined {
  if (doc === null || doc === undefined) return undefined;
  if (typeof doc !== "object" || Array.isArray(doc)) return `${file}: a stack file is a map with a "config:" section`;
  const stray = Object.keys(doc).filter((k) => !STACK_FILE_KEYS.includes(k));
  if (!stray.length) return undefined;
  const configLike = stray.filter((k) => k.includes(":"));
  if (configLike.length) {
    return `${file}: ${configLike.join(", ")} ${configLike.length === 1 ? "is" : "are"} at the top level, not under "config:", so Pulumi would ignore ${configLike.length === 1 ? "it" : "them"}; indent every key under a "config:" line`;
  }
  return `${file}: unknown top-level key${stray.length === 1 ? "" : "s"} ${stray.join(", ")}; a stack file has ${STACK_FILE_KEYS.join(", ")}, and the settings go under "config:"`;
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
  const stray = topLevelProblem(file, doc);
  if (stray) throw new PlanError(stray);
  const rawConfig = (doc as { config?: unknown } | null)?.config ?? {};
  if (typeof rawConfig !== "object" || Array.isArray(rawConfig)) throw new PlanError(`${file}: "config" must be a map of keys to values`);
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, value] of Object.entries(rawConfig as Record<string, unknown>)) {
    const key = rawKey.includes(":") ? rawKey : `${projectName()}:${rawKey}`;
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
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose: the program pulls in the provider SDKs
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
  const project = projectName();
  const spec = resolvePlatformSpec(stackFile.config, stack, {
    project,
    source: `configuration of stack "${stack}" (${path.relative(REPO_ROOT, stackFile.path)})`,
    secretKeys: stackFile.secretKeys,
  });
  const program = opts.program ?? loadProgram();
  // Loaded here, not at module load: the recorder pulls in @pulumi/pulumi, which
  // reading stack files and listing stacks (the docs, the config checks) do not need.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above)
  const { recordProgram } = require("../offline/record") as typeof import("../offline/record");
  let recorded: Awaited<ReturnType<typeof recordProgram>>;
  try {
    recorded = await recordProgram(program, {
      project,
      stack,
      config: stackFile.config,
      secretKeys: stackFile.secretKeys,
      mocks: createMocks(spec.region),
    });
  } catch (err) {
    // The program's config errors (a component's refusal, index.ts) carry the ConfigError: exit 1, not a crash.
    const configError = (err as { configError?: unknown } | undefined)?.configError;
    if (configError instanceof ConfigError) throw configError;
    throw err;
  }
  const { resources, outputs } = recorded;
  return { stack, spec, resources, outputs };
}
