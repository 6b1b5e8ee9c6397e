/**
 * Every cluster stack names the role `pulumi up` runs as and how it reaches
 * the API during its first run (config/cluster-access.ts). Tests about
 * something else resolve their configs through `resolveWithAccess`, which
 * adds those two keys where the config leaves them out; tests about cluster
 * access call config/resolve.ts directly.
 */
import { type ResolveOptions, resolvePlatformSpec } from "../../config/resolve";

/** The access keys the test configs get: a deployer role and an egress /32, neither a placeholder the plan warns about. */
export const CLUSTER_ACCESS = {
  deployerRoleArn: "arn:aws:iam::111122223333:role/ml-platform-deployer",
  publicAccessCidrs: ["198.18.0.10/32"],
} as const;

/** `raw` with the cluster access keys added to its `<project>:cluster` value, unless it sets them, deploys no cluster, or the value is not an object. */
export function withClusterAccess(raw: Record<string, string>, project = "ml-platform"): Record<string, string> {
  const key = `${project}:cluster`;
  let cluster: unknown = {};
  if (raw[key] !== undefined) {
    try {
      cluster = JSON.parse(raw[key]);
    } catch {
      return raw;
    }
  }
  if (cluster === null || typeof cluster !== "object" || Array.isArray(cluster)) return raw;
  // A POC deploys no cluster unless the stack turns it on: access keys there would be refused as overrides of nothing.
  if (raw[`${project}:stage`] === "poc" && (cluster as { enabled?: unknown }).enabled !== true) return raw;
  const access = (cluster as { deployFromVpc?: unknown }).deployFromVpc === true ? { deployerRoleArn: CLUSTER_ACCESS.deployerRoleArn } : CLUSTER_ACCESS;
  return { ...raw, [key]: JSON.stringify({ ...access, ...cluster }) };
}

/** resolvePlatformSpec on `raw` with the cluster access keys added. */
export function resolveWithAccess(raw: Record<string, string>, stack: string, options: ResolveOptions = {}) {
  return resolvePlatformSpec(withClusterAccess(raw, options.project), stack, options);
}
