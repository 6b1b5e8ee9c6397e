/**
 * The offline plan: runs the real program (index.ts) for one stack under
 * Pulumi's in-process mock engine, with the config of stacks/Pulumi.<stack>.yaml,
 * and records every resource the program registers: type, name, parent,
 * inputs, dependencies and resource options (protect, retainOnDelete).
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as pulumiRuntimeState from "@pulumi/pulumi/runtime/state";
import { parse as parseYaml } from "yaml";
import { PROJECT, PlatformSpec, resolvePlatformSpec } from "../config/resolve";
import { createMocks } from "./mocks";

export const REPO_ROOT = path.resolve(__dirname, "..");
export const STACKS_DIR = path.join(REPO_ROOT, "stacks");
/** Shown in place of `secure:` config values and secret outputs. */
export const SECRET_PLACEHOLDER = "[secret]";

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanError";
  }
}

export interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  /** URN of the parent resource (a component or the stack). */
  parent?: string;
  custom: boolean;
  inputs: Record<string, unknown>;
  protect: boolean;
  retainOnDelete: boolean;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** The explicit provider reference, when the resource uses one. */
  provider?: string;
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

type Req = {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(cb: (v: { getUrnsList(): string[] }, k: string) => void): void };
  getProvider(): string;
  getObject(): Parameters<typeof pulumi.runtime.deserializeProperties>[0];
};

type Monitor = {
  registerResource(req: Req, cb: (err: unknown, res: unknown) => void): Promise<void>;
  newUrn(parent: string, type: string, name: string): string;
};

/** Replaces Pulumi's secret wrappers by the placeholder and drops unknowns. */
function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (obj[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return SECRET_PLACEHOLDER;
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, redact(v)]));
  }
  if (value === pulumi.runtime.unknownValue) return "[unknown]";
  return value;
}

type Program = () => unknown;

/** The SDK's per-run state: internals the plan needs that its type declarations leave out. */
const runtimeState = pulumiRuntimeState as unknown as {
  withLocalStorage<T>(cb: () => Promise<T>): Promise<T>;
  getStore(): { settings: { monitor: Monitor } };
};

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
  const spec = resolvePlatformSpec(stackFile.config, stack, `configuration of stack "${stack}" (${path.relative(REPO_ROOT, stackFile.path)})`, stackFile.secretKeys);
  const program = opts.program ?? loadProgram();
  const { withLocalStorage } = runtimeState;

  return withLocalStorage(async () => {
    const resources: PlannedResource[] = [];
    await pulumi.runtime.setMocks(createMocks(spec.region), PROJECT, stack, false);
    const { getStore } = runtimeState;
    const monitor = getStore().settings.monitor;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = async (req, cb) => {
      const propertyDependencies: Record<string, string[]> = {};
      req.getPropertydependenciesMap().forEach((v, k) => (propertyDependencies[k] = v.getUrnsList()));
      const inputs = pulumi.runtime.deserializeProperties(req.getObject(), true) as Record<string, unknown>;
      resources.push({
        urn: monitor.newUrn(req.getParent(), req.getType(), req.getName()),
        type: req.getType(),
        name: req.getName(),
        parent: req.getParent() || undefined,
        custom: req.getCustom(),
        inputs: redact(inputs) as Record<string, unknown>,
        protect: req.getProtect(),
        retainOnDelete: req.getRetainondelete(),
        dependencies: req.getDependenciesList(),
        propertyDependencies,
        provider: req.getProvider() || undefined,
      });
      return register(req, cb);
    };
    pulumi.runtime.setAllConfig(stackFile.config, stackFile.secretKeys);
    // Pulumi captures a full stack trace for every resource it registers (its
    // source position). Under ts-node each trace goes through source-map-support's
    // prepareStackTrace, a third of the plan's CPU time; the plan never uses
    // source positions, so V8's own formatting does while the program runs.
    const errorClass = Error as unknown as { prepareStackTrace: unknown };
    const savedPrepare = errorClass.prepareStackTrace;
    errorClass.prepareStackTrace = undefined;
    let outputs: unknown;
    try {
      outputs = (await pulumi.runtime.runInPulumiStack(async () => program())) ?? {};
    } finally {
      errorClass.prepareStackTrace = savedPrepare;
    }
    await pulumi.runtime.disconnect();
    return { stack, spec, resources, outputs: redact(outputs) as Record<string, unknown> };
  });
}
