/**
 * Test helper: boot a TypeScript Pulumi policy pack the way the Pulumi CLI (3.248.x) does and talk to it
 * over the pulumirpc.Analyzer gRPC protocol, without a Pulumi CLI or engine.
 *
 * What the CLI does, and what this helper reproduces:
 *
 * 1. Spawn: the nodejs language host (`RunPlugin`, kind=analyzer) resolves
 *    `require.resolve("@pulumi/pulumi/cmd/run-policy-pack")` from the pack directory and runs
 *      node <resolved .../run-policy-pack/index.js> [runtime.options.nodeargs...] <engine-address> <abs pack dir>
 *    with cwd = pack dir, stdin = /dev/null, and env = the CLI's environment plus
 *    PULUMI_NODEJS_TYPESCRIPT=true (unless `typescript: false` in PulumiPolicy.yaml),
 *    PULUMI_NODEJS_TSCONFIG_PATH (if `tsconfig` is set), PULUMI_NODEJS_{ORGANIZATION,PROJECT,STACK,DRY_RUN}
 *    and PULUMI_CONFIG (JSON of the stack config, only if the stack has config).
 *    run-policy-pack drops the engine address, registers ts-node with `typeCheck: true` (hard-coded, so
 *    TS_NODE_TRANSPILE_ONLY and tsconfig "ts-node" options cannot turn type checking off), merges the
 *    compilerOptions of `./tsconfig.json` (cwd only) and `require()`s the pack directory.
 *    `new PolicyPack()` reads `${cwd}/package.json` for the version and prints the gRPC port as the first
 *    line of stdout; the CLI insists the very first stdout line is the port.
 * 2. `ConfigureStack` (stack, project, organization, dryRun, tags, config, configSecretKeys).
 * 3. `GetAnalyzerInfo`, then reconcile the policy config (schema defaults + the pack's initialConfig +
 *    `--policy-pack-config` file), validate it against each policy's configSchema and call `Configure`
 *    with an entry for every policy (enforcement level always filled in).
 * 4. Per resource: `Analyze` (inputs); at the end: `AnalyzeStack` (all resources). Properties are marshalled
 *    like the engine's `MarshalProperties(KeepUnknowns, KeepSecrets, SkipInternalKeys)`.
 */
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";

import type * as grpcTypes from "@grpc/grpc-js";
import type * as analyzerPbTypes from "@pulumi/pulumi/proto/analyzer_pb";
import type * as analyzerGrpcTypes from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import type * as emptyPbTypes from "google-protobuf/google/protobuf/empty_pb";
import type * as structPbTypes from "google-protobuf/google/protobuf/struct_pb";

// ------------------------------------------------------------------------------------------------
// Runtime modules. The generated *_pb.js files ship .d.ts files, so we borrow their types, but load the
// runtime modules relative to @pulumi/pulumi's proto directory so that grpc-js / google-protobuf are the very
// instances the generated code uses (grpc-js does `instanceof ChannelCredentials` checks).
// ------------------------------------------------------------------------------------------------

type AnalyzerPb = typeof analyzerPbTypes;
type AnalyzerGrpc = typeof analyzerGrpcTypes;
type Grpc = typeof grpcTypes;
type StructPb = typeof structPbTypes;
type EmptyPb = typeof emptyPbTypes;

interface ProtoModules {
    pb: AnalyzerPb;
    rpc: AnalyzerGrpc;
    grpc: Grpc;
    struct: StructPb;
    empty: EmptyPb;
}

let protoModules: ProtoModules | undefined;

function loadProto(): ProtoModules {
    if (!protoModules) {
        const grpcPbPath = require.resolve("@pulumi/pulumi/proto/analyzer_grpc_pb");
        const protoRequire = createRequire(grpcPbPath);
        protoModules = {
            pb: protoRequire("./analyzer_pb") as AnalyzerPb,
            rpc: protoRequire("./analyzer_grpc_pb") as AnalyzerGrpc,
            grpc: protoRequire("@grpc/grpc-js") as Grpc,
            struct: protoRequire("google-protobuf/google/protobuf/struct_pb") as StructPb,
            empty: protoRequire("google-protobuf/google/protobuf/empty_pb") as EmptyPb,
        };
    }
    return protoModules;
}

// ------------------------------------------------------------------------------------------------
// Public types
// ------------------------------------------------------------------------------------------------

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export type PolicySeverity = "low" | "medium" | "high" | "critical";

export interface AnalyzerResourceOptions {
    protect?: boolean;
    ignoreChanges?: string[];
    /** Leave undefined for "not set" (the engine sends deleteBeforeReplaceDefined=false then). */
    deleteBeforeReplace?: boolean;
    additionalSecretOutputs?: string[];
    /** Alias URNs. */
    aliases?: string[];
    /** Seconds, as the engine sends them. */
    customTimeouts?: { create?: number; update?: number; delete?: number; read?: number };
}

export interface AnalyzerProviderResource {
    /** e.g. "pulumi:providers:aws" */
    type: string;
    name: string;
    /** Derived as urn:pulumi:<stack>::<project>::<type>::<name> if missing. */
    urn?: string;
    properties?: Record<string, unknown>;
}

export interface AnalyzerResource {
    /** e.g. "aws:s3/bucket:Bucket" */
    type: string;
    name: string;
    /** Derived like the engine does if missing: urn:pulumi:<stack>::<project>::[<parentType>$]<type>::<name> */
    urn?: string;
    /** Inputs for `analyze`, outputs for `analyzeStack` (that's what the engine sends). */
    properties: Record<string, unknown>;
    /** Parent URN (sent as options.parent, and as AnalyzerResource.parent for analyzeStack). */
    parent?: string;
    options?: AnalyzerResourceOptions;
    provider?: AnalyzerProviderResource;
    /** URNs this resource depends on (AnalyzeStack only: becomes `resource.dependencies` in the policy). */
    dependencies?: string[];
    /** property name -> URNs (AnalyzeStack only). */
    propertyDependencies?: Record<string, string[]>;
}

export interface PolicyDiagnostic {
    policyName: string;
    policyPackName: string;
    policyPackVersion: string;
    message: string;
    enforcementLevel: EnforcementLevel;
    urn?: string;
    description?: string;
    severity?: PolicySeverity;
}

export interface PolicyNotApplicable {
    policyName: string;
    reason: string;
}

export interface AnalyzeResult {
    diagnostics: PolicyDiagnostic[];
    notApplicable: PolicyNotApplicable[];
}

export interface PolicyConfigSchema {
    properties: Record<string, unknown>;
    required: string[];
}

export interface PolicyInfo {
    name: string;
    displayName?: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    policyType: "resource" | "stack" | "unknown";
    /** As declared by the pack (the CLI additionally injects an `enforcementLevel` property). */
    configSchema?: PolicyConfigSchema;
    severity?: PolicySeverity;
}

export interface PolicyConfigEntry {
    enforcementLevel: EnforcementLevel;
    properties?: Record<string, unknown>;
}

export interface PolicyPackInfo {
    name: string;
    displayName?: string;
    /** PulumiPolicy.yaml `version` wins over package.json, as in the CLI. */
    version: string;
    supportsConfig: boolean;
    policies: PolicyInfo[];
    initialConfig: Record<string, PolicyConfigEntry>;
}

/**
 * Same shape as a `--policy-pack-config` JSON file: policy name (or "all") -> enforcement level string, or an
 * object with optional `enforcementLevel` plus config properties.
 */
export type PolicyPackConfig = Record<string, EnforcementLevel | Record<string, unknown>>;

export interface RemediationResult {
    policyName: string;
    policyPackName: string;
    policyPackVersion: string;
    description: string;
    /** Raw unmarshalled properties (secrets appear as signature objects). */
    properties?: Record<string, unknown>;
    diagnostic?: string;
}

export interface StartPolicyPackOptions {
    /** Default "project". */
    project?: string;
    /** Default "dev". */
    stack?: string;
    /** Default "organization" (what the DIY backend uses). */
    organization?: string;
    /** Default false (an update). `true` = preview. Only visible to the pack via PULUMI_NODEJS_DRY_RUN. */
    dryRun?: boolean;
    /** Startup timeout and per-RPC deadline. Default 30000. */
    timeoutMs?: number;
    /** Stack tags (ConfigureStack.tags -> args.stackTags in policies). */
    tags?: Record<string, string>;
    /**
     * Stack config ("<namespace>:<key>" -> value; unqualified keys get "<project>:"). Delivered as PULUMI_CONFIG
     * and ConfigureStack.config, so `new pulumi.Config()` works inside the pack. Non-strings are JSON-encoded.
     */
    stackConfig?: Record<string, unknown>;
    /** Keys of stackConfig that are secrets (ConfigureStack.configSecretKeys). */
    stackConfigSecretKeys?: string[];
    /** Policy config applied at startup, like `--policy-pack-config`. */
    policyConfig?: PolicyPackConfig;
    /** Extra env for the child (applied last). */
    env?: Record<string, string | undefined>;
    /** The CLI refuses packs without PulumiPolicy.yaml; default true (fail the same way). */
    requirePulumiPolicyYaml?: boolean;
    /** Forward the child's stdout/stderr lines to this process's stderr as they arrive (debugging). */
    echoOutput?: boolean;
}

export interface RunningPolicyPack {
    readonly packDir: string;
    readonly pid: number;
    readonly port: number;
    /** Milliseconds from spawn until the pack printed its port. */
    readonly startupMs: number;
    info(): Promise<PolicyPackInfo>;
    /** Reconciles (defaults + initialConfig + config), validates against the schemas, then calls Configure. */
    configure(config: PolicyPackConfig): Promise<void>;
    analyze(resource: AnalyzerResource): Promise<PolicyDiagnostic[]>;
    analyzeStack(resources: AnalyzerResource[]): Promise<PolicyDiagnostic[]>;
    analyzeDetailed(resource: AnalyzerResource): Promise<AnalyzeResult>;
    analyzeStackDetailed(resources: AnalyzerResource[]): Promise<AnalyzeResult>;
    remediate(resource: AnalyzerResource): Promise<RemediationResult[]>;
    /** The URN a resource gets when `urn` is omitted. */
    urnOf(resource: Pick<AnalyzerResource, "type" | "name" | "parent">): string;
    /** Everything the child wrote (stdout excludes the port line). */
    output(): { stdout: string; stderr: string };
    stop(): Promise<void>;
}

// ------------------------------------------------------------------------------------------------
// Property values with engine semantics
// ------------------------------------------------------------------------------------------------

/** Engine sentinels (sdk/go/common/resource/plugin/rpc.go). */
export const UNKNOWN_SENTINELS = {
    bool: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    number: "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    string: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    array: "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    asset: "030794c1-ac77-496b-92df-f27374a8bd58",
    archive: "e48ece36-62e2-4504-bad9-02848725956a",
    object: "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
} as const;
export type UnknownKind = keyof typeof UNKNOWN_SENTINELS;

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export class UnknownValue {
    constructor(public readonly kind: UnknownKind) {
        Object.freeze(this);
    }
    get sentinel(): string {
        return UNKNOWN_SENTINELS[this.kind];
    }
}

export class SecretValue {
    constructor(public readonly value: unknown) {}
}

export class ResourceRefValue {
    constructor(public readonly urn: string, public readonly id?: string) {}
}

/**
 * A computed ("known after apply") value. The engine's unknowns are almost always typed as strings, so this
 * marshals to "04da6b54-80e4-46f7-96ec-b56ff0331ba9". Reading it inside a policy throws UnknownValueError,
 * which @pulumi/policy turns into an *advisory* "can't run policy ... during preview" diagnostic.
 */
export const UNKNOWN: UnknownValue = new UnknownValue("string");
export function unknownOf(kind: UnknownKind): UnknownValue {
    return kind === "string" ? UNKNOWN : new UnknownValue(kind);
}
/** A secret input; the policy sees the plain value (the server unwraps secrets for Analyze/AnalyzeStack). */
export function secret(value: unknown): SecretValue {
    return new SecretValue(value);
}
/** A resource reference; the engine sends its ID if known, else its URN (KeepResources=false). */
export function resourceRef(urn: string, id?: string): ResourceRefValue {
    return new ResourceRefValue(urn, id);
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

function marshalValue(v: unknown, at: string): JsonValue | undefined {
    if (v === undefined) {
        return undefined;
    }
    if (v === null) {
        return null;
    }
    if (v instanceof UnknownValue) {
        return v.sentinel;
    }
    if (v instanceof SecretValue) {
        const inner = marshalValue(v.value, at);
        return { [SIG_KEY]: SECRET_SIG, value: inner === undefined ? null : inner };
    }
    if (v instanceof ResourceRefValue) {
        return v.id !== undefined && v.id !== "" ? v.id : v.urn;
    }
    switch (typeof v) {
        case "boolean":
        case "string":
            return v;
        case "number":
            if (!Number.isFinite(v)) {
                throw new TypeError(`cannot marshal non-finite number at ${at}`);
            }
            return v;
        case "object":
            break;
        default:
            throw new TypeError(`cannot marshal ${typeof v} at ${at}`);
    }
    if (Array.isArray(v)) {
        return v.map((e, i) => {
            const m = marshalValue(e, `${at}[${i}]`);
            return m === undefined ? null : m;
        });
    }
    const maybeJson = v as { toJSON?: unknown };
    if (typeof maybeJson.toJSON === "function") {
        return marshalValue((maybeJson.toJSON as () => unknown)(), at);
    }
    const out: { [key: string]: JsonValue } = {};
    for (const [k, e] of Object.entries(v as Record<string, unknown>)) {
        const m = marshalValue(e, `${at}.${k}`);
        if (m !== undefined) {
            out[k] = m;
        }
    }
    return out;
}

/**
 * The JSON-like object the engine would put into the google.protobuf.Struct: unknowns -> sentinels, secrets ->
 * signature objects, resource references -> ID/URN, undefined dropped, top-level "__" keys (e.g. __defaults)
 * skipped.
 */
export function marshalProperties(props: Record<string, unknown> | undefined): { [key: string]: JsonValue } {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(props ?? {})) {
        if (k.startsWith("__")) {
            continue; // SkipInternalKeys (top level only)
        }
        const m = marshalValue(v, k);
        if (m !== undefined) {
            out[k] = m;
        }
    }
    return out;
}

function toStruct(props: Record<string, unknown> | undefined): structPbTypes.Struct {
    return loadProto().struct.Struct.fromJavaScript(marshalProperties(props));
}

/** Plain JSON round trip, as a `--policy-pack-config` file would be read. */
function jsonStruct(obj: Record<string, unknown> | undefined): structPbTypes.Struct {
    const plain = JSON.parse(JSON.stringify(obj ?? {})) as { [key: string]: JsonValue };
    return loadProto().struct.Struct.fromJavaScript(plain);
}

// ------------------------------------------------------------------------------------------------
// URNs
// ------------------------------------------------------------------------------------------------

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

export function deriveUrn(stack: string, project: string, type: string, name: string, parent?: string): string {
    let qualifiedType = type;
    if (parent) {
        const parts = parent.split("::");
        const parentType = parts[2];
        if (parts.length >= 4 && parentType && parentType !== ROOT_STACK_TYPE) {
            qualifiedType = `${parentType}$${type}`;
        }
    }
    return `urn:pulumi:${stack}::${project}::${qualifiedType}::${name}`;
}

// ------------------------------------------------------------------------------------------------
// Enum conversions
// ------------------------------------------------------------------------------------------------

const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

function isEnforcementLevel(x: unknown): x is EnforcementLevel {
    return typeof x === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(x);
}

function enforcementFromProto(el: number): EnforcementLevel {
    const E = loadProto().pb.EnforcementLevel;
    switch (el) {
        case E.ADVISORY:
            return "advisory";
        case E.MANDATORY:
            return "mandatory";
        case E.REMEDIATE:
            return "remediate";
        case E.DISABLED:
            return "disabled";
        default:
            throw new Error(`invalid enforcement level ${el}`);
    }
}

function enforcementToProto(el: EnforcementLevel): analyzerPbTypes.EnforcementLevel {
    const E = loadProto().pb.EnforcementLevel;
    switch (el) {
        case "advisory":
            return E.ADVISORY;
        case "mandatory":
            return E.MANDATORY;
        case "remediate":
            return E.REMEDIATE;
        case "disabled":
            return E.DISABLED;
    }
}

function severityFromProto(s: number): PolicySeverity | undefined {
    const S = loadProto().pb.PolicySeverity;
    switch (s) {
        case S.POLICY_SEVERITY_LOW:
            return "low";
        case S.POLICY_SEVERITY_MEDIUM:
            return "medium";
        case S.POLICY_SEVERITY_HIGH:
            return "high";
        case S.POLICY_SEVERITY_CRITICAL:
            return "critical";
        default:
            return undefined;
    }
}

// ------------------------------------------------------------------------------------------------
// Policy config reconciliation (port of pkg/resource/analyzer/config.go)
// ------------------------------------------------------------------------------------------------

interface ParsedConfig {
    enforcementLevel?: EnforcementLevel;
    properties?: Record<string, unknown>;
}

function parsePolicyPackConfig(config: PolicyPackConfig): Record<string, ParsedConfig> {
    // JSON round trip: the CLI reads this from a JSON file.
    const raw = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
    const result: Record<string, ParsedConfig> = {};
    for (const [k, v] of Object.entries(raw)) {
        const entry: ParsedConfig = {};
        if (typeof v === "string") {
            if (!isEnforcementLevel(v)) {
                throw new Error(`parsing enforcement level for "${k}": "${v}" is not a valid enforcement level`);
            }
            entry.enforcementLevel = v;
        } else if (v !== null && typeof v === "object" && !Array.isArray(v)) {
            const props = { ...(v as Record<string, unknown>) };
            if ("enforcementLevel" in props) {
                const el = props.enforcementLevel;
                if (typeof el !== "string") {
                    throw new Error(
                        `parsing enforcement level for "${k}": ${String(el)} is not a valid enforcement level; ` +
                            "must be a string",
                    );
                }
                if (!isEnforcementLevel(el)) {
                    throw new Error(`parsing enforcement level for "${k}": "${el}" is not a valid enforcement level`);
                }
                entry.enforcementLevel = el;
                delete props.enforcementLevel;
            }
            if (Object.keys(props).length > 0) {
                entry.properties = props;
            }
        } else {
            throw new Error(`parsing "${k}": ${JSON.stringify(v)} is not a valid value; must be a string or object`);
        }
        if (entry.enforcementLevel === undefined && entry.properties === undefined) {
            continue;
        }
        result[k] = entry;
    }
    return result;
}

function applyConfig(result: Record<string, ParsedConfig>, toApply: Record<string, ParsedConfig>): void {
    const all = toApply.all;
    if (all?.enforcementLevel) {
        for (const [k, v] of Object.entries(result)) {
            result[k] = { ...v, enforcementLevel: all.enforcementLevel };
        }
    }
    for (const [policy, given] of Object.entries(toApply)) {
        const existing = result[policy];
        let enforcementLevel = existing?.enforcementLevel;
        let properties = existing?.properties ? { ...existing.properties } : undefined;
        if (given.enforcementLevel) {
            enforcementLevel = given.enforcementLevel;
        }
        if (given.properties && Object.keys(given.properties).length > 0) {
            properties = { ...(properties ?? {}), ...given.properties };
        }
        const next: ParsedConfig = {};
        if (enforcementLevel !== undefined) {
            next.enforcementLevel = enforcementLevel;
        }
        if (properties !== undefined) {
            next.properties = properties;
        }
        result[policy] = next;
    }
}

interface SchemaValidator {
    (schema: Record<string, unknown>, data: Record<string, unknown>): string[];
}

let schemaValidator: SchemaValidator | undefined;

function getSchemaValidator(): SchemaValidator {
    if (schemaValidator) {
        return schemaValidator;
    }
    // The CLI uses gojsonschema. Use ajv when it is resolvable (it is a transitive dependency here), otherwise
    // fall back to a minimal required/type/enum check.
    try {
        interface AjvError {
            instancePath?: string;
            message?: string;
        }
        interface AjvValidate {
            (data: unknown): boolean;
            errors?: AjvError[] | null;
        }
        interface AjvInstance {
            compile(schema: unknown): AjvValidate;
        }
        type AjvCtor = new (opts: Record<string, unknown>) => AjvInstance;
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional on purpose: the catch below falls back when ajv is absent
        const mod = require("ajv") as AjvCtor | { default: AjvCtor };
        const Ajv: AjvCtor = "default" in mod ? mod.default : mod;
        const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
        schemaValidator = (schema, data) => {
            const validate = ajv.compile(schema);
            if (validate(data)) {
                return [];
            }
            return (validate.errors ?? []).map(e => {
                const where = e.instancePath ? e.instancePath.replace(/^\//, "").replace(/\//g, ".") : "";
                return where ? `${where}: ${e.message ?? "invalid"}` : e.message ?? "invalid";
            });
        };
    } catch {
        schemaValidator = minimalValidate;
    }
    return schemaValidator;
}

function jsonType(v: unknown): string {
    if (v === null) {
        return "null";
    }
    if (Array.isArray(v)) {
        return "array";
    }
    if (typeof v === "number") {
        return Number.isInteger(v) ? "integer" : "number";
    }
    return typeof v;
}

function minimalValidate(schema: Record<string, unknown>, data: Record<string, unknown>): string[] {
    const errors: string[] = [];
    const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
    for (const r of required) {
        if (!(r in data)) {
            errors.push(`${r} is required`);
        }
    }
    const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const [k, s] of Object.entries(props)) {
        if (!(k in data)) {
            continue;
        }
        const v = data[k];
        const t = jsonType(v);
        const types = s.type === undefined ? [] : Array.isArray(s.type) ? (s.type as string[]) : [String(s.type)];
        if (types.length > 0 && !types.includes(t) && !(t === "integer" && types.includes("number"))) {
            errors.push(`${k}: Invalid type. Expected: ${types.join(", ")}, given: ${t}`);
        }
        if (Array.isArray(s.enum) && !s.enum.some(e => JSON.stringify(e) === JSON.stringify(v))) {
            errors.push(`${k}: must be one of the enum values`);
        }
    }
    return errors;
}

export function reconcilePolicyPackConfig(
    info: PolicyPackInfo,
    config: PolicyPackConfig | undefined,
): Record<string, PolicyConfigEntry> {
    // createConfigWithDefaults
    const result: Record<string, ParsedConfig> = {};
    for (const p of info.policies) {
        let props: Record<string, unknown> | undefined;
        for (const [k, s] of Object.entries(p.configSchema?.properties ?? {})) {
            if (s !== null && typeof s === "object" && "default" in s) {
                props = props ?? {};
                props[k] = (s as { default: unknown }).default;
            }
        }
        result[p.name] = props ? { enforcementLevel: p.enforcementLevel, properties: props } : { enforcementLevel: p.enforcementLevel };
    }
    applyConfig(result, info.initialConfig);
    if (config) {
        applyConfig(result, parsePolicyPackConfig(config));
    }
    // validatePolicyPackConfig
    const errors: string[] = [];
    const validate = getSchemaValidator();
    for (const p of info.policies) {
        if (!p.configSchema) {
            continue;
        }
        const schema: Record<string, unknown> = { type: "object" };
        if (Object.keys(p.configSchema.properties).length > 0) {
            schema.properties = p.configSchema.properties;
        }
        if (p.configSchema.required.length > 0) {
            schema.required = p.configSchema.required;
        }
        for (const e of validate(schema, result[p.name]?.properties ?? {})) {
            errors.push(`${p.name}: ${e}`);
        }
    }
    if (errors.length > 0) {
        errors.sort();
        throw new Error(`validating policy config for "${info.name}": ${errors.join("; ")}`);
    }
    const out: Record<string, PolicyConfigEntry> = {};
    for (const [k, v] of Object.entries(result)) {
        // analyzer.Configure: every entry must carry a valid enforcement level.
        if (!isEnforcementLevel(v.enforcementLevel)) {
            throw new Error(`configuring policy pack "${info.name}": invalid enforcement level "${v.enforcementLevel ?? ""}"`);
        }
        out[k] = v.properties ? { enforcementLevel: v.enforcementLevel, properties: v.properties } : { enforcementLevel: v.enforcementLevel };
    }
    return out;
}

// ------------------------------------------------------------------------------------------------
// Spawning
// ------------------------------------------------------------------------------------------------

interface PulumiPolicyYaml {
    runtimeName: string;
    options: Record<string, unknown>;
    version?: string;
}

function readPulumiPolicyYaml(packDir: string): PulumiPolicyYaml | undefined {
    const file = path.join(packDir, "PulumiPolicy.yaml");
    if (!fs.existsSync(file)) {
        return undefined;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for a pack that has a PulumiPolicy.yaml
    const yaml = require("yaml") as { parse(src: string): unknown };
    const doc = yaml.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown> | null;
    const runtime = doc?.runtime;
    let runtimeName = "";
    let options: Record<string, unknown> = {};
    if (typeof runtime === "string") {
        runtimeName = runtime;
    } else if (runtime && typeof runtime === "object") {
        const r = runtime as { name?: unknown; options?: unknown };
        runtimeName = typeof r.name === "string" ? r.name : "";
        if (r.options && typeof r.options === "object") {
            options = r.options as Record<string, unknown>;
        }
    }
    const version = doc?.version;
    return { runtimeName, options, ...(typeof version === "string" && version ? { version } : {}) };
}

/** `require.resolve(mod)` from `dir`, Node's node_modules walk (avoids jest's resolver), realpath'd like Node. */
function resolveFrom(dir: string, mod: string, file: string): string | undefined {
    let cur = dir;
    for (;;) {
        const candidate = path.join(cur, "node_modules", mod, file);
        if (fs.existsSync(candidate)) {
            return fs.realpathSync(candidate);
        }
        const parent = path.dirname(cur);
        if (parent === cur) {
            return undefined;
        }
        cur = parent;
    }
}

/** Minimal shlex-ish split for PulumiPolicy.yaml `nodeargs`. */
function splitArgs(s: string): string[] {
    const out: string[] = [];
    const re = /"((?:\\.|[^"\\])*)"|'([^']*)'|(\S+)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s)) !== null) {
        out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2] ?? m[3] ?? "");
    }
    return out;
}

const WATCHDOG_SRC = `
const [ppid, cpid] = process.argv.slice(1).map(Number);
const alive = p => { try { process.kill(p, 0); return true; } catch (e) { return e.code === "EPERM"; } };
setInterval(() => {
  if (!alive(cpid)) process.exit(0);
  if (!alive(ppid)) { try { process.kill(cpid, "SIGKILL"); } catch {} process.exit(0); }
}, 500);
`;

/** Kills the pack if this (test) process dies without calling stop(); jest's `process` events are unreliable. */
function spawnWatchdog(childPid: number): childProcess.ChildProcess | undefined {
    try {
        const w = childProcess.spawn(process.execPath, ["-e", WATCHDOG_SRC, String(process.pid), String(childPid)], {
            stdio: "ignore",
            detached: true,
        });
        w.on("error", () => undefined);
        w.unref();
        return w;
    } catch {
        return undefined;
    }
}

const MAX_CAPTURE = 1 << 20;
function appendCapped(buf: string, chunk: string): string {
    const next = buf + chunk;
    return next.length > MAX_CAPTURE ? next.slice(next.length - MAX_CAPTURE) : next;
}

function tail(s: string, n = 4000): string {
    const t = s.trim();
    return t.length > n ? `...${t.slice(t.length - n)}` : t;
}

type UnaryMethod<Req, Res> = (
    request: Req,
    metadata: grpcTypes.Metadata,
    options: Partial<grpcTypes.CallOptions>,
    callback: (error: grpcTypes.ServiceError | null, response: Res) => void,
) => grpcTypes.ClientUnaryCall;

export async function startPolicyPack(packDir: string, opts: StartPolicyPackOptions = {}): Promise<RunningPolicyPack> {
    const proto = loadProto();
    const { pb, grpc } = proto;

    const dir = path.resolve(packDir);
    const project = opts.project ?? "project";
    const stack = opts.stack ?? "dev";
    const organization = opts.organization ?? "organization";
    const dryRun = opts.dryRun ?? false;
    const timeoutMs = opts.timeoutMs ?? 30_000;

    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
        throw new Error(`policy pack directory ${dir} does not exist`);
    }
    const policyYaml = readPulumiPolicyYaml(dir);
    if (!policyYaml && opts.requirePulumiPolicyYaml !== false) {
        throw new Error(
            `failed to load Pulumi policy project located at "${dir}": PulumiPolicy.yaml not found ` +
                "(the Pulumi CLI requires it; pass requirePulumiPolicyYaml: false to skip this check)",
        );
    }
    if (policyYaml && policyYaml.runtimeName !== "nodejs") {
        throw new Error(`PulumiPolicy.yaml in ${dir} has runtime "${policyYaml.runtimeName}", expected "nodejs"`);
    }
    const runtimeOptions = policyYaml?.options ?? {};

    const runPolicyPack = resolveFrom(dir, "@pulumi/pulumi", path.join("cmd", "run-policy-pack", "index.js"));
    if (!runPolicyPack) {
        throw new Error(
            `it looks like the policy pack's dependencies are not installed; try running npm install in "${dir}" ` +
                "(cannot resolve @pulumi/pulumi/cmd/run-policy-pack from there)",
        );
    }

    // Stack config: map "<ns>:<key>" -> string, as ConfigureStack carries it.
    const stackConfig: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.stackConfig ?? {})) {
        stackConfig[k.includes(":") ? k : `${project}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    }
    const secretKeys = (opts.stackConfigSecretKeys ?? []).map(k => (k.includes(":") ? k : `${project}:${k}`));

    // Environment: the CLI's own environment plus what the nodejs language host adds. Inherited values of the
    // variables we control are dropped so tests are hermetic.
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
        if (v === undefined || k === "PULUMI_CONFIG" || k === "PULUMI_CONFIG_SECRET_KEYS" || k.startsWith("PULUMI_NODEJS_")) {
            continue;
        }
        env[k] = v;
    }
    if (runtimeOptions.typescript !== false) {
        env.PULUMI_NODEJS_TYPESCRIPT = "true";
    }
    if (typeof runtimeOptions.tsconfig === "string" && runtimeOptions.tsconfig) {
        env.PULUMI_NODEJS_TSCONFIG_PATH = runtimeOptions.tsconfig;
    }
    const maybeSet = (k: string, v: string): void => {
        if (v !== "") {
            env[k] = v;
        }
    };
    maybeSet("PULUMI_NODEJS_ORGANIZATION", organization);
    maybeSet("PULUMI_NODEJS_PROJECT", project);
    maybeSet("PULUMI_NODEJS_STACK", stack);
    maybeSet("PULUMI_NODEJS_DRY_RUN", String(dryRun));
    if (Object.keys(stackConfig).length > 0) {
        env.PULUMI_CONFIG = JSON.stringify(stackConfig);
    }
    for (const [k, v] of Object.entries(opts.env ?? {})) {
        if (v === undefined) {
            delete env[k];
        } else {
            env[k] = v;
        }
    }

    const nodeargs = typeof runtimeOptions.nodeargs === "string" ? splitArgs(runtimeOptions.nodeargs) : [];
    // The engine address is dropped by run-policy-pack; nothing in a policy pack dials it.
    const engineAddress = "127.0.0.1:0";
    const argv = [runPolicyPack, ...nodeargs, engineAddress, dir];

    const t0 = Date.now();
    const child = childProcess.spawn(process.execPath, argv, {
        cwd: dir,
        env,
        stdio: ["ignore", "pipe", "pipe"],
    });
    const stdoutStream = child.stdout;
    const stderrStream = child.stderr;
    if (!stdoutStream || !stderrStream) {
        child.kill("SIGKILL");
        throw new Error("failed to open the policy pack's stdio pipes");
    }
    stdoutStream.setEncoding("utf8");
    stderrStream.setEncoding("utf8");

    let stdout = "";
    let stderr = "";
    let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const exited = new Promise<void>(resolve => {
        child.once("exit", (code, signal) => {
            exitInfo = { code, signal };
            resolve();
        });
    });
    const describeExit = (): string =>
        exitInfo ? `exited with ${exitInfo.signal ? `signal ${exitInfo.signal}` : `code ${exitInfo.code}`}` : "running";

    const echo = (prefix: string, chunk: string): void => {
        if (opts.echoOutput) {
            for (const line of chunk.split("\n")) {
                if (line.trim() !== "") {
                    process.stderr.write(`[policy-pack ${prefix}] ${line}\n`);
                }
            }
        }
    };
    stderrStream.on("data", (chunk: string) => {
        stderr = appendCapped(stderr, chunk);
        echo("stderr", chunk);
    });

    const watchdog = child.pid !== undefined ? spawnWatchdog(child.pid) : undefined;

    const killChild = async (): Promise<void> => {
        if (exitInfo || child.exitCode !== null || child.signalCode !== null) {
            return;
        }
        // Keep the loop alive until the child is gone (bounded by the timers below), so `await stop()` completes
        // even in a plain script where everything else has been unref'd.
        child.ref();
        child.kill("SIGTERM");
        const killTimer = setTimeout(() => {
            if (!exitInfo) {
                child.kill("SIGKILL");
            }
        }, 2000);
        let capTimer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise<void>(r => (capTimer = setTimeout(r, 5000)))]);
        clearTimeout(killTimer);
        if (capTimer) {
            clearTimeout(capTimer);
        }
        child.unref();
    };
    const cleanupWatchdog = (): void => {
        if (watchdog && watchdog.exitCode === null && watchdog.signalCode === null) {
            watchdog.kill("SIGKILL");
        }
    };

    // ---- wait for the port: the first line of stdout, exactly like the CLI.
    let port: number;
    try {
        port = await new Promise<number>((resolve, reject) => {
            let firstLine = "";
            let done = false;
            const finish = (err: Error | undefined, value?: number): void => {
                if (done) {
                    return;
                }
                done = true;
                clearTimeout(timer);
                child.off("error", onError);
                if (err) {
                    reject(err);
                } else {
                    resolve(value as number);
                }
            };
            const timer = setTimeout(() => {
                finish(
                    new Error(
                        `policy pack ${dir} did not print its port within ${timeoutMs}ms` +
                            `\n--- stderr ---\n${tail(stderr)}\n--- stdout ---\n${tail(firstLine)}`,
                    ),
                );
            }, timeoutMs);
            const onError = (err: Error): void => finish(new Error(`failed to spawn policy pack: ${err.message}`));
            child.once("error", onError);
            const onData = (chunk: string): void => {
                if (done) {
                    stdout = appendCapped(stdout, chunk);
                    echo("stdout", chunk);
                    return;
                }
                const nl = chunk.indexOf("\n");
                if (nl < 0) {
                    firstLine += chunk;
                    return;
                }
                firstLine += chunk.slice(0, nl);
                const rest = chunk.slice(nl + 1);
                if (rest) {
                    stdout = appendCapped(stdout, rest);
                    echo("stdout", rest);
                }
                const trimmed = firstLine.trim();
                const n = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
                if (!(n > 0 && n <= 65535)) {
                    finish(
                        new Error(
                            `policy pack ${dir} wrote an invalid port to stdout: could not parse port: ` +
                                `${JSON.stringify(trimmed)} (the first stdout line must be the port; don't console.log ` +
                                `at module load)\n--- stderr ---\n${tail(stderr)}`,
                        ),
                    );
                } else {
                    finish(undefined, n);
                }
            };
            stdoutStream.on("data", onData);
            void exited.then(() => {
                // give stderr a moment to drain
                setTimeout(() => {
                    finish(
                        new Error(
                            `policy pack ${dir} failed to start (${describeExit()}) before printing its port` +
                                `\n--- stderr ---\n${tail(stderr)}\n--- stdout ---\n${tail(firstLine + stdout)}`,
                        ),
                    );
                }, 50);
            });
        });
    } catch (err) {
        await killChild();
        cleanupWatchdog();
        throw err;
    }
    const startupMs = Date.now() - t0;

    // Don't let the child or its pipes keep the test process alive.
    child.unref();
    (stdoutStream as unknown as { unref?: () => void }).unref?.();
    (stderrStream as unknown as { unref?: () => void }).unref?.();

    const client = new proto.rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
        "grpc.max_receive_message_length": 400 * 1024 * 1024,
        "grpc.max_send_message_length": 400 * 1024 * 1024,
    });

    const call = async <Req, Res>(name: string, method: UnaryMethod<Req, Res>, req: Req): Promise<Res> => {
        if (exitInfo) {
            throw new Error(`${name}: policy pack process ${describeExit()}\n--- stderr ---\n${tail(stderr)}`);
        }
        const rpc = new Promise<Res>((resolve, reject) => {
            method.call(
                client,
                req,
                new grpc.Metadata(),
                { deadline: new Date(Date.now() + timeoutMs) },
                (err: grpcTypes.ServiceError | null, res: Res) => {
                    if (err) {
                        const e = new Error(
                            `${name} failed (${grpc.status[err.code] ?? err.code}): ${err.details || err.message}` +
                                (stderr.trim() ? `\n--- policy pack stderr ---\n${tail(stderr)}` : ""),
                        ) as Error & { code?: number };
                        e.code = err.code;
                        reject(e);
                    } else {
                        resolve(res);
                    }
                },
            );
        });
        const died = exited.then(() => {
            throw new Error(`${name}: policy pack process ${describeExit()}\n--- stderr ---\n${tail(stderr)}`);
        });
        died.catch(() => undefined);
        return Promise.race([rpc, died]);
    };

    const fail = async (err: unknown): Promise<never> => {
        client.close();
        await killChild();
        cleanupWatchdog();
        throw err;
    };

    try {
        await new Promise<void>((resolve, reject) => {
            client.waitForReady(new Date(Date.now() + timeoutMs), err => (err ? reject(err) : resolve()));
        });
    } catch (err) {
        return fail(new Error(`could not connect to policy pack on port ${port}: ${(err as Error).message}`));
    }

    const versionOverride = policyYaml?.version;

    const getInfo = async (): Promise<PolicyPackInfo> => {
        const res = await call("GetAnalyzerInfo", client.getAnalyzerInfo as UnaryMethod<emptyPbTypes.Empty, analyzerPbTypes.AnalyzerInfo>, new proto.empty.Empty());
        const policies: PolicyInfo[] = res.getPoliciesList().map(p => {
            const schema = p.getConfigschema();
            const severity = severityFromProto(p.getSeverity());
            const type = p.getPolicyType();
            const info: PolicyInfo = {
                name: p.getName(),
                description: p.getDescription(),
                enforcementLevel: enforcementFromProto(p.getEnforcementlevel()),
                policyType:
                    type === pb.PolicyType.POLICY_TYPE_RESOURCE ? "resource" : type === pb.PolicyType.POLICY_TYPE_STACK ? "stack" : "unknown",
            };
            if (p.getDisplayname()) {
                info.displayName = p.getDisplayname();
            }
            if (schema) {
                info.configSchema = {
                    properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
                    required: schema.getRequiredList(),
                };
            }
            if (severity) {
                info.severity = severity;
            }
            return info;
        });
        const initialConfig: Record<string, PolicyConfigEntry> = {};
        res.getInitialconfigMap().forEach((v, k) => {
            const props = v.getProperties()?.toJavaScript();
            initialConfig[k] = props
                ? { enforcementLevel: enforcementFromProto(v.getEnforcementlevel()), properties: props as Record<string, unknown> }
                : { enforcementLevel: enforcementFromProto(v.getEnforcementlevel()) };
        });
        const out: PolicyPackInfo = {
            name: res.getName(),
            version: versionOverride ?? res.getVersion(),
            supportsConfig: res.getSupportsconfig(),
            policies,
            initialConfig,
        };
        if (res.getDisplayname()) {
            out.displayName = res.getDisplayname();
        }
        return out;
    };

    const configure = async (config: PolicyPackConfig | undefined): Promise<void> => {
        const info = await getInfo();
        if (!info.supportsConfig) {
            if (config && Object.keys(config).length > 0) {
                throw new Error(`policy pack "${info.name}" at "${dir}" does not support config`);
            }
            return;
        }
        const reconciled = reconcilePolicyPackConfig(info, config);
        if (Object.keys(reconciled).length === 0) {
            return; // analyzer.Configure returns early with no config
        }
        const req = new pb.ConfigureAnalyzerRequest();
        const map = req.getPolicyconfigMap();
        for (const [k, v] of Object.entries(reconciled)) {
            const pc = new pb.PolicyConfig();
            pc.setEnforcementlevel(enforcementToProto(v.enforcementLevel));
            pc.setProperties(jsonStruct(v.properties));
            map.set(k, pc);
        }
        await call("Configure", client.configure as UnaryMethod<analyzerPbTypes.ConfigureAnalyzerRequest, emptyPbTypes.Empty>, req);
    };

    const urnOf = (r: Pick<AnalyzerResource, "type" | "name" | "parent">): string =>
        deriveUrn(stack, project, r.type, r.name, r.parent);

    const buildOptions = (r: AnalyzerResource): analyzerPbTypes.AnalyzerResourceOptions => {
        const o = r.options ?? {};
        const opt = new pb.AnalyzerResourceOptions();
        opt.setProtect(o.protect ?? false);
        opt.setIgnorechangesList(o.ignoreChanges ?? []);
        if (o.deleteBeforeReplace !== undefined) {
            opt.setDeletebeforereplace(o.deleteBeforeReplace);
            opt.setDeletebeforereplacedefined(true);
        }
        opt.setAdditionalsecretoutputsList(o.additionalSecretOutputs ?? []);
        opt.setAliasesList(o.aliases ?? []);
        const ct = new pb.AnalyzerResourceOptions.CustomTimeouts();
        ct.setCreate(o.customTimeouts?.create ?? 0);
        ct.setUpdate(o.customTimeouts?.update ?? 0);
        ct.setDelete(o.customTimeouts?.delete ?? 0);
        ct.setRead(o.customTimeouts?.read ?? 0);
        opt.setCustomtimeouts(ct);
        opt.setParent(r.parent ?? "");
        return opt;
    };

    const buildProvider = (r: AnalyzerResource): analyzerPbTypes.AnalyzerProviderResource | undefined => {
        if (!r.provider) {
            return undefined;
        }
        const p = new pb.AnalyzerProviderResource();
        p.setType(r.provider.type);
        p.setName(r.provider.name);
        p.setUrn(r.provider.urn ?? deriveUrn(stack, project, r.provider.type, r.provider.name));
        p.setProperties(toStruct(r.provider.properties));
        return p;
    };

    const buildAnalyzeRequest = (r: AnalyzerResource): analyzerPbTypes.AnalyzeRequest => {
        const req = new pb.AnalyzeRequest();
        req.setType(r.type);
        req.setName(r.name);
        req.setUrn(r.urn ?? urnOf(r));
        req.setProperties(toStruct(r.properties));
        req.setOptions(buildOptions(r));
        const prov = buildProvider(r);
        if (prov) {
            req.setProvider(prov);
        }
        return req;
    };

    const convertResponse = (res: analyzerPbTypes.AnalyzeResponse): AnalyzeResult => ({
        diagnostics: res.getDiagnosticsList().map(d => {
            const diag: PolicyDiagnostic = {
                policyName: d.getPolicyname(),
                policyPackName: d.getPolicypackname(),
                policyPackVersion: versionOverride ?? d.getPolicypackversion(),
                message: d.getMessage(),
                enforcementLevel: enforcementFromProto(d.getEnforcementlevel()),
            };
            if (d.getUrn()) {
                diag.urn = d.getUrn();
            }
            if (d.getDescription()) {
                diag.description = d.getDescription();
            }
            const sev = severityFromProto(d.getSeverity());
            if (sev) {
                diag.severity = sev;
            }
            return diag;
        }),
        notApplicable: res.getNotApplicableList().map(n => ({ policyName: n.getPolicyName(), reason: n.getReason() })),
    });

    const analyzeDetailed = async (r: AnalyzerResource): Promise<AnalyzeResult> => {
        const res = await call("Analyze", client.analyze as UnaryMethod<analyzerPbTypes.AnalyzeRequest, analyzerPbTypes.AnalyzeResponse>, buildAnalyzeRequest(r));
        return convertResponse(res);
    };

    const analyzeStackDetailed = async (resources: AnalyzerResource[]): Promise<AnalyzeResult> => {
        const req = new pb.AnalyzeStackRequest();
        req.setResourcesList(
            resources.map(r => {
                const ar = new pb.AnalyzerResource();
                ar.setType(r.type);
                ar.setName(r.name);
                ar.setUrn(r.urn ?? urnOf(r));
                ar.setProperties(toStruct(r.properties));
                ar.setOptions(buildOptions(r));
                const prov = buildProvider(r);
                if (prov) {
                    ar.setProvider(prov);
                }
                ar.setParent(r.parent ?? "");
                ar.setDependenciesList(r.dependencies ?? []);
                const pd = ar.getPropertydependenciesMap();
                for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
                    if (urns.length === 0) {
                        continue; // the engine skips properties without dependencies
                    }
                    const deps = new pb.AnalyzerPropertyDependencies();
                    deps.setUrnsList(urns);
                    pd.set(k, deps);
                }
                return ar;
            }),
        );
        const res = await call("AnalyzeStack", client.analyzeStack as UnaryMethod<analyzerPbTypes.AnalyzeStackRequest, analyzerPbTypes.AnalyzeResponse>, req);
        return convertResponse(res);
    };

    const remediate = async (r: AnalyzerResource): Promise<RemediationResult[]> => {
        // The engine marshals Remediate properties without SkipInternalKeys; close enough for tests.
        const res = await call("Remediate", client.remediate as UnaryMethod<analyzerPbTypes.AnalyzeRequest, analyzerPbTypes.RemediateResponse>, buildAnalyzeRequest(r));
        return res.getRemediationsList().map(x => {
            const out: RemediationResult = {
                policyName: x.getPolicyname(),
                policyPackName: x.getPolicypackname(),
                policyPackVersion: versionOverride ?? x.getPolicypackversion(),
                description: x.getDescription(),
            };
            const props = x.getProperties()?.toJavaScript();
            if (props) {
                out.properties = props as Record<string, unknown>;
            }
            if (x.getDiagnostic()) {
                out.diagnostic = x.getDiagnostic();
            }
            return out;
        });
    };

    // ---- ConfigureStack, as forwarded by the language host's policy proxy.
    try {
        const req = new pb.AnalyzerStackConfigureRequest();
        req.setStack(stack);
        req.setProject(project);
        req.setOrganization(organization);
        req.setDryRun(dryRun);
        const tags = req.getTagsMap();
        for (const [k, v] of Object.entries(opts.tags ?? {})) {
            tags.set(k, v);
        }
        const cfg = req.getConfigMap();
        for (const [k, v] of Object.entries(stackConfig)) {
            cfg.set(k, v);
        }
        req.setConfigSecretKeysList(secretKeys);
        try {
            await call(
                "ConfigureStack",
                client.configureStack as UnaryMethod<analyzerPbTypes.AnalyzerStackConfigureRequest, analyzerPbTypes.AnalyzerStackConfigureResponse>,
                req,
            );
        } catch (err) {
            if ((err as { code?: number }).code !== grpc.status.UNIMPLEMENTED) {
                throw err;
            }
        }
        // ---- GetAnalyzerInfo + reconcile + Configure, as LoadLocalPolicyPackAnalyzers does.
        await configure(opts.policyConfig);
    } catch (err) {
        return fail(err);
    }

    let stopped: Promise<void> | undefined;
    const handle: RunningPolicyPack = {
        packDir: dir,
        pid: child.pid ?? -1,
        port,
        startupMs,
        info: getInfo,
        configure: config => configure(config),
        analyze: async r => (await analyzeDetailed(r)).diagnostics,
        analyzeStack: async rs => (await analyzeStackDetailed(rs)).diagnostics,
        analyzeDetailed,
        analyzeStackDetailed,
        remediate,
        urnOf,
        output: () => ({ stdout, stderr }),
        stop: () => {
            if (!stopped) {
                stopped = (async () => {
                    client.close();
                    await killChild();
                    cleanupWatchdog();
                })();
            }
            return stopped;
        },
    };
    return handle;
}
