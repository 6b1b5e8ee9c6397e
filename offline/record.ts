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
  /** The `ignoreChanges` resource option, when it names any property. */
  ignoreChanges?: string[];
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
  getIgnorechangesList(): string[];
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
 * Runs `run` in a runtime state of its own (config, stack resource, monitor),
 * so that programs planned one after another, or at once, do not see each
 * other.
 *
 * The one use of @pulumi/pulumi internals in this package: the SDK has no
 * public way to start a fresh runtime state (its Automation API and provider
 * server do it with the same internal module, runtime/state). Everything else
 * goes through public API (`runtime.setMocks`, `runtime.getMonitor`,
 * `runtime.runInPulumiStack`, `runtime.setAllConfig`). The module changed
 * shape between 3.200 and 3.210: `withLocalStorage(cb)` (3.210 and later) or
 * an exported `asyncLocalStorage` with the `LocalStore` class (3.142 to
 * 3.200). Both are handled, and `npm test` (the dev pin) and
 * `npm run test:package` (the peer range's floor) run this on each; any
 * other shape fails here with a message that says so.
 */
export function inFreshRuntimeState<T>(run: () => Promise<T>, state: RuntimeStateModule = loadRuntimeState()): Promise<T> {
  if (typeof state.withLocalStorage === "function") return state.withLocalStorage(run) as Promise<T>;
  if (state.asyncLocalStorage && typeof state.LocalStore === "function") return state.asyncLocalStorage.run(new state.LocalStore(), run);
  throw new SdkShapeError("@pulumi/pulumi/runtime/state has neither withLocalStorage() (3.210 and later) nor asyncLocalStorage and LocalStore (earlier)");
}

/** @pulumi/pulumi/runtime/state in either of its shapes (untyped: the SDK marks it internal). */
export interface RuntimeStateModule {
  withLocalStorage?: (cb: () => Promise<unknown>) => Promise<unknown>;
  asyncLocalStorage?: { run<R>(store: unknown, cb: () => R): R };
  LocalStore?: new () => unknown;
}

function loadRuntimeState(): RuntimeStateModule {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped SDK internals: no public hook exists (see above)
    return require("@pulumi/pulumi/runtime/state") as RuntimeStateModule;
  } catch (error) {
    throw new SdkShapeError(`@pulumi/pulumi/runtime/state cannot be loaded (${String(error)})`);
  }
}

/** The installed @pulumi/pulumi is not shaped as the offline plan expects. */
export class SdkShapeError extends Error {
  constructor(detail: string) {
    let version = "unknown";
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the installed SDK's version, for the message only
      version = (require("@pulumi/pulumi/package.json") as { version: string }).version;
    } catch {
      // an SDK whose package.json is not exported: the version stays unknown
    }
    super(
      `The offline plan (ml-platform/testing) cannot run a program under its mocks with @pulumi/pulumi ${version}: ${detail}. ` +
        `It is tested with the range package.json declares for @pulumi/pulumi; install a version in that range, or report this SDK version.`,
    );
    this.name = "SdkShapeError";
  }
}

/**
 * The resource monitor `runtime.setMocks()` installed (public
 * `runtime.getMonitor()`). The recording wraps its `registerResource`: the
 * request (Pulumi's RegisterResourceRequest message) carries the parent,
 * `protect`, `retainOnDelete`, `ignoreChanges` and the dependencies, which neither the mocks'
 * `newResource` (type, name, inputs, provider, id) nor a stack transform
 * (`runtime.registerResourceTransform`; `setMocks()` turns transforms off)
 * hands over.
 */
function mockMonitor(): Monitor {
  const monitor = pulumi.runtime.getMonitor() as unknown as Partial<Monitor> | undefined;
  if (typeof monitor?.registerResource !== "function" || typeof monitor.newUrn !== "function") {
    throw new SdkShapeError("runtime.getMonitor() after runtime.setMocks() is not the mock monitor (registerResource, newUrn)");
  }
  return monitor as Monitor;
}

/**
 * Runs `program` as the body of a stack under `opts.mocks` and returns what
 * it registered. Each call gets its own runtime state (`inFreshRuntimeState`),
 * so programs planned one after another do not see each other. An error
 * thrown by the program rejects the returned promise.
 */
export async function recordProgram(program: () => unknown, opts: RecordOptions): Promise<Recording> {
  return inFreshRuntimeState(async () => {
    const resources: PlannedResource[] = [];
    await pulumi.runtime.setMocks(opts.mocks, opts.project, opts.stack, false);
    const monitor = mockMonitor();
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
        ...(req.getIgnorechangesList().length ? { ignoreChanges: req.getIgnorechangesList() } : {}),
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
