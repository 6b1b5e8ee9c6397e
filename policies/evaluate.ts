/**
 * Runs the pack in-process the way the policy server does (for the offline
 * plan and unit tests; the integration test checks the real gRPC server
 * agrees): config defaults from each policy's configSchema, the per-policy
 * enforcement level, remediations before validation, resource policies on
 * each resource, then stack policies on the whole graph.
 */
import * as fs from "fs";
import * as path from "path";
import type { EnforcementLevel, Policies, PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { PolicyInput } from "./input";
import { POLICY_PACK_NAME, policies as packPolicies } from "./rules";

export const POLICY_CONFIG_DIR = path.join(__dirname, "config");

/** One policy's config as in a --policy-pack-config file: enforcementLevel plus its properties. */
export type PolicyConfig = Record<string, ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>) | EnforcementLevel>;

/** A resource as the pack evaluates it in process (policies/input.ts). */
export type EvalResource = PolicyInput;

export interface Verdict {
  policy: string;
  enforcementLevel: "mandatory" | "advisory";
  message: string;
  urn?: string;
  resource?: string;
}

export interface PolicyVerdicts {
  pack: string;
  config: string;
  mandatory: Verdict[];
  advisory: Verdict[];
}

/** Reads policies/config/<stage>.json (the file a user passes to --policy-pack-config). */
export function stagePolicyConfig(stage: string): PolicyConfig {
  const file = path.join(POLICY_CONFIG_DIR, `${stage}.json`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as PolicyConfig;
}

interface Resolved {
  level: EnforcementLevel;
  props: Record<string, unknown>;
}

/** What the CLI sends the pack (ReconcilePolicyPackConfig): schema defaults, then `all`'s level, then the policy's own entry. */
function resolveConfig(policy: ResourceValidationPolicy | StackValidationPolicy, config: PolicyConfig): Resolved {
  const props: Record<string, unknown> = {};
  for (const [k, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
    if (schema.default !== undefined) props[k] = structuredClone(schema.default);
  }
  let level: EnforcementLevel = policy.enforcementLevel ?? "advisory";
  // `all` sets every policy's level (only the level); the policy's own entry wins over it.
  for (const [entry, isAll] of [
    [config.all, true],
    [config[policy.name], false],
  ] as const) {
    if (entry === undefined) continue;
    if (typeof entry === "string") level = entry;
    else {
      const { enforcementLevel, ...rest } = entry;
      if (enforcementLevel) level = enforcementLevel;
      if (!isAll) Object.assign(props, rest);
    }
  }
  return { level, props };
}

/** The server's isType: a resource class matches when its Pulumi type token does. */
const isTypeOf = (type: string, resourceClass: unknown) => (resourceClass as { __pulumiType?: string } | undefined)?.__pulumiType === type;

/** Resource options as the server builds them from the request. */
const optionsOf = (r: EvalResource) =>
  ({
    protect: r.protect ?? false,
    ignoreChanges: [],
    aliases: [],
    additionalSecretOutputs: [],
    customTimeouts: {},
  }) as unknown as ResourceValidationArgs["opts"];

class NotApplicable extends Error {}
const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

export function evaluatePolicies(
  resources: EvalResource[],
  config: PolicyConfig = {},
  opts: { policies?: Policies; configName?: string; stackTags?: Record<string, string> } = {},
): PolicyVerdicts {
  const policies = opts.policies ?? packPolicies;
  const stackTags = new Map(Object.entries(opts.stackTags ?? {}));
  const verdicts: PolicyVerdicts = {
    pack: POLICY_PACK_NAME,
    config: opts.configName ?? "no config file: each resource's stage limits",
    mandatory: [],
    advisory: [],
  };
  const resolved = new Map(policies.map((p) => [p.name, resolveConfig(p, config)]));
  const push = (policy: string, level: EnforcementLevel, message: string, r?: { urn: string; name: string }) => {
    if (level === "disabled") return;
    const v: Verdict = { policy, enforcementLevel: level === "advisory" ? "advisory" : "mandatory", message, urn: r?.urn, resource: r?.name };
    (v.enforcementLevel === "mandatory" ? verdicts.mandatory : verdicts.advisory).push(v);
  };
  const resourcePolicies = policies.filter((p): p is ResourceValidationPolicy => "validateResource" in p || "remediateResource" in p);
  const stackPolicies = policies.filter((p): p is StackValidationPolicy => "validateStack" in p);

  // stackTags and notApplicable are in ResourceValidationArgs from @pulumi/policy 1.20 on; the assertion
  // keeps this file compiling against the older releases the peer range admits (their policies never read them).
  const argsFor = (r: EvalResource, props: Record<string, unknown>, policy: string) =>
    ({
      type: r.type,
      props,
      urn: r.urn,
      name: r.name,
      opts: optionsOf(r),
      provider: r.provider,
      stackTags,
      isType: (cls: unknown) => isTypeOf(r.type, cls),
      asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as ResourceValidationArgs["asType"],
      getConfig: <T extends object>() => resolved.get(policy)!.props as T,
      notApplicable,
    }) as ResourceValidationArgs;

  // 1. Remediations first, as the engine does; later policies see the remediated props.
  const remediated = resources.map((r) => {
    let props = r.props;
    for (const p of resourcePolicies) {
      if (resolved.get(p.name)!.level !== "remediate" || !p.remediateResource) continue;
      try {
        const out = p.remediateResource(argsFor(r, props, p.name));
        if (out && !(out instanceof Promise)) props = out as Record<string, unknown>;
      } catch (e) {
        if (!(e instanceof NotApplicable)) throw e;
      }
    }
    return { ...r, props };
  });

  // 2. Resource policies on each resource.
  for (const r of remediated) {
    for (const p of resourcePolicies) {
      const { level } = resolved.get(p.name)!;
      if (level === "disabled" || !p.validateResource) continue;
      const effective = level === "remediate" ? "mandatory" : level;
      for (const validate of Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource]) {
        try {
          void validate(argsFor(r, r.props, p.name), (message, urn) => push(p.name, effective, message, { urn: urn ?? r.urn, name: r.name }));
        } catch (e) {
          if (!(e instanceof NotApplicable)) throw e;
        }
      }
    }
  }

  // 3. Stack policies on the whole graph, with parents and dependencies resolved to resources.
  const byUrn = new Map<string, PolicyResource>();
  const graph: PolicyResource[] = remediated.map((r) => {
    const pr: PolicyResource = {
      type: r.type,
      props: r.props,
      urn: r.urn,
      name: r.name,
      opts: optionsOf(r),
      provider: r.provider,
      dependencies: [],
      propertyDependencies: {},
      isType: (cls: unknown) => isTypeOf(r.type, cls),
      asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? r.props : undefined)) as PolicyResource["asType"],
    };
    byUrn.set(r.urn, pr);
    return pr;
  });
  remediated.forEach((r, i) => {
    const pr = graph[i]!;
    pr.parent = r.parent ? byUrn.get(r.parent) : undefined;
    pr.dependencies = (r.dependencies ?? []).map((u) => byUrn.get(u)).filter((x): x is PolicyResource => !!x);
    pr.propertyDependencies = Object.fromEntries(
      Object.entries(r.propertyDependencies ?? {}).map(([k, urns]) => [k, urns.map((u) => byUrn.get(u)).filter((x): x is PolicyResource => !!x)]),
    );
  });
  for (const p of stackPolicies) {
    const { level } = resolved.get(p.name)!;
    if (level === "disabled") continue;
    const effective = level === "remediate" ? "mandatory" : level;
    try {
      void p.validateStack(
        { resources: graph, stackTags, getConfig: <T extends object>() => resolved.get(p.name)!.props as T, notApplicable } as Parameters<
          StackValidationPolicy["validateStack"]
        >[0],
        (message, urn) => push(p.name, effective, message, urn ? { urn, name: byUrn.get(urn)?.name ?? urn } : undefined),
      );
    } catch (e) {
      if (!(e instanceof NotApplicable)) throw e;
    }
  }
  return verdicts;
}
