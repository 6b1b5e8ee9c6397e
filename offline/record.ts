/**
 * Runs a Pulumi program under the in-process mock engine and records every
 * resource it registers: type, name, parent, inputs, dependencies and
 * resource options. The offline plan of our own stacks (plan/engine.ts) and
 * `planProgram()` for any program (offline/index.ts) are both built on it.
 */
import * as pulumi from "@pulumi/pulumi";
// The SDK-free parts (the secret placeholder, the recording as policy inputs)
// are modules of their own, offline/secret.ts and offline/policy-inputs.ts, so
// that the plan's report can use them without loading the SDK.
import { SECRET_PLACEHOLDER } from "./secret";

/** One resource the program registered, as the mock engine recorded it. */
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

/** What a program registered and returned under the mock engine. */
export interface Recording {
  /** Every resource registered, the root stack first. */
  resources: PlannedResource[];
  /** What the program returned (its stack outputs), secrets as the placeholder. */
  outputs: Record<string, unknown>;
}

/** How to record a program: its project, stack, config and mocks. */
export interface RecordOptions {
  project: string;
  stack: string;
  /** Pulumi's flat config map: "namespace:key" -> string (objects as JSON text). */
  config: Record<string, string>;
  /** Keys of `config` that are secrets. */
  secretKeys?: string[];
  mocks: pulumi.runtime.Mocks;
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
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (obj[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return SECRET_PLACEHOLDER;
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, redact(v)]));
  }
  if (value === pulumi.runtime.unknownValue) return "[unknown]";
  return value;
}

/**
 * The program's outputs with every secret Output replaced by the placeholder
 * (`pulumi.isSecret`, public API): the stack resolves outputs to plain values,
 * which would show a secret's value in the plan.
 */
async function hideSecrets(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) return (await pulumi.isSecret(value)) ? SECRET_PLACEHOLDER : value;
  if (value instanceof Promise) return hideSecrets(await value);
  if (Array.isArray(value)) return Promise.all(value.map(hideSecrets));
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await hideSecrets(v)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

/**
 * Runs `program` as the body of a stack under `opts.mocks` and returns what
 * it registered. Each call gets its own runtime state (Pulumi's local
 * storage), so programs planned one after another do not see each other. An
 * error thrown by the program rejects the returned promise.
 */
export async function recordProgram(program: () => unknown, opts: RecordOptions): Promise<Recording> {
  // The runtime's state module is not part of Pulumi's typed API; its two functions are stable across 3.x.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped SDK internals, loaded only when a program is recorded
  const state = require("@pulumi/pulumi/runtime/state") as {
    withLocalStorage<T>(cb: () => Promise<T>): Promise<T>;
    getStore(): { settings: { monitor: Monitor } };
  };

  return state.withLocalStorage(async () => {
    const resources: PlannedResource[] = [];
    await pulumi.runtime.setMocks(opts.mocks, opts.project, opts.stack, false);
    const monitor = state.getStore().settings.monitor;
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
    pulumi.runtime.setAllConfig(opts.config, opts.secretKeys ?? []);
    // The program's own error is caught here and rethrown after the stack
    // settles: thrown inside the stack it would surface as an unhandled rejection.
    let failure: { error: unknown } | undefined;
    // Pulumi captures a full stack trace for every resource it registers (its
    // source position). Under ts-node each trace goes through source-map-support's
    // prepareStackTrace, a third of a plan's CPU time; a recording never uses
    // source positions, so V8's own formatting does while the program runs.
    const errorClass = Error as unknown as { prepareStackTrace: unknown };
    const savedPrepare = errorClass.prepareStackTrace;
    errorClass.prepareStackTrace = undefined;
    let outputs: unknown;
    try {
      outputs = await pulumi.runtime.runInPulumiStack(async () => {
        try {
          return await hideSecrets(await program());
        } catch (error) {
          failure = { error };
          return {};
        }
      });
    } finally {
      errorClass.prepareStackTrace = savedPrepare;
    }
    await pulumi.runtime.disconnect();
    if (failure) throw failure.error;
    return { resources, outputs: (redact(outputs ?? {}) as Record<string, unknown>) ?? {} };
  });
}
