/** The recorded resources as the policy engine takes them (no SDK: plan/report.ts loads this without Pulumi). */
import type { PolicyInput } from "../policies/input";
import type { PlannedResource } from "./record";

/**
 * The resources as the policy engine receives them in a real preview: all
 * of them (the root stack and components included), plus the default AWS
 * provider the engine adds, which carries the region that cost-based
 * policies price with.
 */
export function policyInputs(resources: PlannedResource[], where: { stack: string; project: string; region: string }): PolicyInput[] {
  const provider = {
    type: "pulumi:providers:aws",
    name: "default",
    urn: `urn:pulumi:${where.stack}::${where.project}::pulumi:providers:aws::default`,
    props: { region: where.region },
  };
  return [
    { ...provider },
    ...resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      props: r.inputs,
      protect: r.protect,
      parent: r.parent,
      dependencies: r.dependencies,
      propertyDependencies: r.propertyDependencies,
      provider: r.type.startsWith("aws:") && !r.provider ? provider : undefined,
    })),
  ];
}
