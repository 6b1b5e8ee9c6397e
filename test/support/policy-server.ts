/**
 * The engine's side of the Analyzer protocol, for tests: starts a policy pack
 * the way the Pulumi CLI starts a Node.js pack, and speaks to it over gRPC.
 *
 * What the CLI does (pulumi/pulumi sdk/go/common/resource/plugin/analyzer_plugin.go,
 * NewPolicyAnalyzer and constructEnv; pkg/resource/analyzer/config.go,
 * ReconcilePolicyPackConfig; checked 2026-11-23):
 * - runs `@pulumi/pulumi/cmd/run-policy-pack <engine> .` with the pack directory as
 *   working directory, PULUMI_NODEJS_{PROJECT,STACK,ORGANIZATION,DRY_RUN} in the
 *   environment, and reads the gRPC port from the first line of stdout
 *   (run-policy-pack type-checks the pack with ts-node);
 * - ConfigureStack, then GetAnalyzerInfo, then Configure with, for every policy,
 *   its own enforcement level and schema defaults, overridden by the config
 *   file's `all` entry and then by the policy's own entry (a policy named without
 *   an enforcementLevel keeps its level), checked against the policy's schema;
 * - per resource Remediate, then Analyze on the remediated inputs; at the end
 *   AnalyzeStack on every resource.
 */
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as grpcTypes from "@grpc/grpc-js";
import type { PolicyInput } from "../../policies/input";
import type * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import type * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import type * as structPb from "google-protobuf/google/protobuf/struct_pb";
import type * as emptyPb from "google-protobuf/google/protobuf/empty_pb";

// Loaded next to the generated code, so grpc-js and google-protobuf are the instances it uses.
const protoDir = path.dirname(require.resolve("@pulumi/pulumi/proto/analyzer_grpc_pb"));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved from the proto directory at run time, so a static import cannot name it
const fromProto = <T>(id: string): T => require(require.resolve(id, { paths: [protoDir] })) as T;
const pb = fromProto<typeof analyzerPb>(path.join(protoDir, "analyzer_pb"));
const rpc = fromProto<typeof analyzerGrpc>(path.join(protoDir, "analyzer_grpc_pb"));
const grpc = fromProto<typeof grpcTypes>("@grpc/grpc-js");
const { Struct } = fromProto<typeof structPb>("google-protobuf/google/protobuf/struct_pb");
const { Empty } = fromProto<typeof emptyPb>("google-protobuf/google/protobuf/empty_pb");

export type Level = "advisory" | "mandatory" | "remediate" | "disabled";
const LEVELS: Level[] = ["advisory", "mandatory", "disabled", "remediate"]; // the proto enum's order
/** A --policy-pack-config file: policy name (or "all") to a level, or to { enforcementLevel?, ...properties }. */
export type PolicyConfigFile = Record<string, Level | ({ enforcementLevel?: Level } & Record<string, unknown>)>;

/** What the engine sends about a resource: the shape the in-process evaluator takes too. */
export type Resource = PolicyInput;
export interface Diagnostic {
  policyName: string;
  enforcementLevel: Level;
  message: string;
  urn?: string;
}
export interface PolicyInfo {
  name: string;
  enforcementLevel: Level;
  configSchema: Record<string, { type?: string; default?: unknown }>;
}

/** A value the engine does not know yet during a preview (its sentinel for a string). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const struct = (value: unknown) => Struct.fromJavaScript(JSON.parse(JSON.stringify(value ?? {})));

/** The config the CLI sends to Configure: each policy's own level and defaults, then the file's `all`, then its own entry. */
export function reconcile(policies: PolicyInfo[], file: PolicyConfigFile = {}): Record<string, { level: Level; props: Record<string, unknown> }> {
  const out: Record<string, { level: Level; props: Record<string, unknown> }> = {};
  const entry = (e: PolicyConfigFile[string] | undefined) => (typeof e === "string" ? { enforcementLevel: e } : (e ?? {}));
  for (const p of policies) {
    const defaults = Object.entries(p.configSchema).filter(([, s]) => s.default !== undefined);
    const { enforcementLevel, ...props } = entry(file[p.name]);
    out[p.name] = {
      level: enforcementLevel ?? entry(file.all).enforcementLevel ?? p.enforcementLevel,
      props: { ...Object.fromEntries(defaults.map(([k, s]) => [k, s.default])), ...props },
    };
    for (const [k, v] of Object.entries(out[p.name]!.props)) {
      const want = p.configSchema[k]?.type;
      const got = Array.isArray(v) ? "array" : typeof v;
      if (want && want !== got && !(want === "integer" && got === "number"))
        throw new Error(`validating policy config: ${p.name}.${k}: expected ${want}, got ${got}`);
    }
  }
  return out;
}

function options(r: Resource) {
  const o = new pb.AnalyzerResourceOptions();
  o.setProtect(r.protect ?? false);
  o.setParent(r.parent ?? "");
  return o;
}

function provider(r: Resource) {
  if (!r.provider) return undefined;
  const p = new pb.AnalyzerProviderResource();
  p.setUrn(r.provider.urn);
  p.setType(r.provider.type);
  p.setName(r.provider.name);
  p.setProperties(struct(r.provider.props));
  return p;
}

function analyzeRequest(r: Resource) {
  const req = new pb.AnalyzeRequest();
  req.setUrn(r.urn);
  req.setType(r.type);
  req.setName(r.name);
  req.setProperties(struct(r.props));
  req.setOptions(options(r));
  const p = provider(r);
  if (p) req.setProvider(p);
  return req;
}

const diagnostics = (res: analyzerPb.AnalyzeResponse): Diagnostic[] =>
  res
    .getDiagnosticsList()
    .map((d) => ({ policyName: d.getPolicyname(), enforcementLevel: LEVELS[d.getEnforcementlevel()]!, message: d.getMessage(), urn: d.getUrn() || undefined }));

/** The gRPC port a pack prints as the first line of stdout; rejects with its stderr if it dies first. */
function readPort(child: childProcess.ChildProcess): Promise<number> {
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) resolve(Number(out.split("\n")[0]));
    });
    child.once("exit", (code) => reject(new Error(`policy pack exited (${code}) before printing its port:\n${stderr}`)));
  });
}

export async function startPolicyPack(packDir: string, stack = { project: "ml-platform", stack: "test", dryRun: true }) {
  const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
  if (!fs.existsSync(path.join(packDir, "PulumiPolicy.yaml"))) throw new Error(`${packDir} has no PulumiPolicy.yaml: the CLI would refuse it`);
  const env = {
    ...process.env,
    PULUMI_NODEJS_PROJECT: stack.project,
    PULUMI_NODEJS_STACK: stack.stack,
    PULUMI_NODEJS_ORGANIZATION: "organization",
    PULUMI_NODEJS_DRY_RUN: String(stack.dryRun),
  };
  const child = childProcess.spawn(process.execPath, [runner, "127.0.0.1:0", "."], { cwd: packDir, env, stdio: ["ignore", "pipe", "pipe"] });
  const port = await readPort(child);
  const client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": 64 << 20 });
  const call = <Q, R>(method: (q: Q, cb: (e: grpcTypes.ServiceError | null, r: R) => void) => unknown, q: Q) =>
    new Promise<R>((resolve, reject) => method.call(client, q, (e, r) => (e ? reject(e) : resolve(r))));

  const stackConfig = new pb.AnalyzerStackConfigureRequest();
  stackConfig.setStack(stack.stack);
  stackConfig.setProject(stack.project);
  stackConfig.setOrganization("organization");
  stackConfig.setDryRun(stack.dryRun);
  await call(client.configureStack, stackConfig);

  const info = async () => {
    const res = await call<emptyPb.Empty, analyzerPb.AnalyzerInfo>(client.getAnalyzerInfo, new Empty());
    const policies: PolicyInfo[] = res.getPoliciesList().map((p) => ({
      name: p.getName(),
      enforcementLevel: LEVELS[p.getEnforcementlevel()]!,
      configSchema: (p.getConfigschema()?.getProperties()?.toJavaScript() ?? {}) as PolicyInfo["configSchema"],
    }));
    return { name: res.getName(), policies };
  };

  const configure = async (file: PolicyConfigFile = {}) => {
    const req = new pb.ConfigureAnalyzerRequest();
    for (const [name, c] of Object.entries(reconcile((await info()).policies, file))) {
      const pc = new pb.PolicyConfig();
      pc.setEnforcementlevel(LEVELS.indexOf(c.level) as analyzerPb.EnforcementLevel);
      pc.setProperties(struct(c.props));
      req.getPolicyconfigMap().set(name, pc);
    }
    await call(client.configure, req);
  };

  const analyze = async (r: Resource) => diagnostics(await call<analyzerPb.AnalyzeRequest, analyzerPb.AnalyzeResponse>(client.analyze, analyzeRequest(r)));

  /** The props after every remediating policy ran (the engine analyzes those). */
  const remediate = async (r: Resource): Promise<Resource> => {
    const res = await call<analyzerPb.AnalyzeRequest, analyzerPb.RemediateResponse>(client.remediate, analyzeRequest(r));
    const last = res
      .getRemediationsList()
      .filter((x) => x.getProperties())
      .pop();
    return last ? { ...r, props: last.getProperties()!.toJavaScript() as Record<string, unknown> } : r;
  };

  const analyzeStack = async (resources: Resource[]) => {
    const req = new pb.AnalyzeStackRequest();
    req.setResourcesList(
      resources.map((r) => {
        const a = new pb.AnalyzerResource();
        a.setUrn(r.urn);
        a.setType(r.type);
        a.setName(r.name);
        a.setProperties(struct(r.props));
        a.setOptions(options(r));
        a.setParent(r.parent ?? "");
        a.setDependenciesList(r.dependencies ?? []);
        const p = provider(r);
        if (p) a.setProvider(p);
        for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
          if (!urns.length) continue; // the engine leaves out properties without dependencies
          const deps = new pb.AnalyzerPropertyDependencies();
          deps.setUrnsList(urns);
          a.getPropertydependenciesMap().set(k, deps);
        }
        return a;
      }),
    );
    return diagnostics(await call<analyzerPb.AnalyzeStackRequest, analyzerPb.AnalyzeResponse>(client.analyzeStack, req));
  };

  /** What `pulumi preview --policy-pack` does with a stack's resources: remediate and analyze each, then the stack. */
  const preview = async (resources: Resource[]) => {
    const remediated = await Promise.all(resources.map(remediate));
    const found = (await Promise.all(remediated.map(analyze))).flat();
    return [...found, ...(await analyzeStack(remediated))];
  };

  /** Closes the client and kills the pack, resolving once it has exited (its pipes would otherwise hold the jest worker open). */
  const stop = () =>
    new Promise<void>((resolve) => {
      client.close();
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  return { info, configure, analyze, analyzeStack, remediate, preview, stop };
}

export type PolicyPackServer = Awaited<ReturnType<typeof startPolicyPack>>;
