/**
 * The cost of a whole stack, from the resources as the policy engine sees
 * them. The one function behind both the plan's cost table and the pack's
 * stack-monthly-budget and cost-fully-priced policies, so the two can never
 * disagree: same resources, same region, same planning volumes (the
 * resources' own planning tags, lib/tags.ts).
 */
import { CostReport, estimateCost } from "./model";

/** The fields of a resource the cost of a stack depends on (a PolicyResource or the plan's EvalResource both fit). */
export interface StackCostResource {
  urn: string;
  type: string;
  name: string;
  props: Record<string, unknown>;
  /** Parent URN (the plan) or parent resource (the policy engine). */
  parent?: string | { urn: string };
  provider?: { type?: string; props?: Record<string, unknown> };
}

const STACK_TYPE = "pulumi:pulumi:Stack";
const AWS_PROVIDER = "pulumi:providers:aws";

const parentUrn = (r: StackCostResource) => (typeof r.parent === "string" ? r.parent : r.parent?.urn);
const regionIn = (props: Record<string, unknown> | undefined) => (typeof props?.region === "string" && props.region ? props.region : undefined);

/**
 * The stack's AWS region: the default AWS provider's, else the provider of
 * any AWS resource, else undefined (nothing can then be priced, and the
 * report says so instead of guessing a region).
 */
export function stackRegion(resources: StackCostResource[]): string | undefined {
  const provider = resources.find((r) => r.type === AWS_PROVIDER && regionIn(r.props));
  if (provider) return regionIn(provider.props);
  for (const r of resources) {
    const region = r.type.startsWith("aws:") ? (regionIn(r.props) ?? regionIn(r.provider?.props)) : undefined;
    if (region) return region;
  }
  return undefined;
}

/**
 * The whole stack through the cost model. The engine also sends the root
 * stack, providers and every component; those cost nothing themselves (their
 * children do), so they are left out rather than reported as unpriced.
 */
export function stackCost(resources: StackCostResource[], opts: { componentOf?: (urn: string) => string | undefined; region?: string } = {}): CostReport {
  const parents = new Set(resources.map(parentUrn).filter((u): u is string => !!u));
  // Provider resource types read "pkg:module/resource:Name"; component types ("mlplatform:compute:GpuCluster") have no "/".
  const component = (r: StackCostResource) => parents.has(r.urn) || !(r.type.split(":")[1] ?? "").includes("/");
  const billable = resources.filter((r) => r.type !== STACK_TYPE && !r.type.startsWith("pulumi:providers:") && !component(r));
  const region = opts.region ?? stackRegion(resources) ?? "unknown (no AWS provider names one)";
  return estimateCost(
    billable.map((r) => ({ urn: r.urn, type: r.type, name: r.name, inputs: r.props, component: opts.componentOf?.(r.urn) })),
    region,
  );
}
