/**
 * A resource as the policy pack evaluates it in process (policies/evaluate.ts
 * EvalResource): what the engine sends a policy about a resource. Written
 * without `@pulumi/policy`'s types, so that the package's testing
 * declarations never reach those, which need skipLibCheck.
 */
export interface PolicyInput {
  urn: string;
  type: string;
  name: string;
  props: Record<string, unknown>;
  protect?: boolean;
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  provider?: { type: string; name: string; urn: string; props: Record<string, unknown> };
}
