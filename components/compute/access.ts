import type * as pulumi from "@pulumi/pulumi";

/**
 * Who may reach and use the Kubernetes API: EKS access entries (roles and the
 * access policy each gets) and the security-group rules of the private
 * endpoint, as pure functions.
 */

/** EKS access policies granted through access entries (cluster-wide scope). */
export const ACCESS_POLICY_ARNS = {
  admin: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
  readOnly: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
} as const;

export interface AccessGrant {
  kind: keyof typeof ACCESS_POLICY_ARNS;
  /** "deployer" for the role that runs `pulumi up`, else admin / readonly: the resource name's middle part. */
  role: "deployer" | "admin" | "readonly";
  /** The role's ARN; the deployer's may be an Output (its entry's name does not depend on it). */
  principalArn: pulumi.Input<string>;
  policyArn: string;
  /** Stable, readable suffix for resource names: the role's name ("" for the deployer). */
  slug: string;
}

/** "arn:aws:iam::123456789012:role/teams/platform-admins" -> "platform-admins". */
function roleSlug(arn: string): string {
  const name = arn.split("/").pop() ?? arn;
  return name.replace(/[^A-Za-z0-9-]+/g, "-").toLowerCase();
}

/**
 * One access grant per role. A role may appear once only: EKS allows one
 * access entry per principal, so a role listed twice would fail at deploy
 * time; this fails at preview time instead. The deployer role (the role
 * `pulumi up` runs as, from a laptop or from CI) gets cluster-admin through
 * its own explicit entry, so access never depends on who created the cluster.
 */
export function accessGrants(adminRoleArns: string[], readOnlyRoleArns: string[], deployerRoleArn?: pulumi.Input<string>): AccessGrant[] {
  const listed = [
    ...(deployerRoleArn ? [{ kind: "admin" as const, role: "deployer" as const, principalArn: deployerRoleArn }] : []),
    ...adminRoleArns.map((principalArn) => ({ kind: "admin" as const, role: "admin" as const, principalArn })),
    ...readOnlyRoleArns.map((principalArn) => ({ kind: "readOnly" as const, role: "readonly" as const, principalArn })),
  ];
  const grants: AccessGrant[] = listed.map((g) => ({
    ...g,
    policyArn: ACCESS_POLICY_ARNS[g.kind],
    slug: typeof g.principalArn === "string" && g.role !== "deployer" ? roleSlug(g.principalArn) : "",
  }));
  const seen = new Map<string, string>();
  for (const g of grants) {
    if (typeof g.principalArn !== "string") continue; // an Output deployer role: EKS refuses a repeat at deployment
    const before = seen.get(g.principalArn);
    const as = g.role === "deployer" ? "deployer" : g.kind;
    if (before) throw new Error(`${g.principalArn} is listed twice (as ${before} and ${as}); EKS allows one access entry per role, keep it in one place`);
    seen.set(g.principalArn, as);
  }
  // Two roles with the same name in different accounts or paths: number them.
  const slugCount = new Map<string, number>();
  return grants.map((g) => {
    if (g.role === "deployer") return g;
    const key = `${g.role}/${g.slug}`;
    const n = slugCount.get(key) ?? 0;
    slugCount.set(key, n + 1);
    return n === 0 ? g : { ...g, slug: `${g.slug}-${n + 1}` };
  });
}

/** The resource name suffix of an access grant's entry and association. */
export function accessGrantResourceSuffix(g: AccessGrant): string {
  return g.role === "deployer" ? "deployer" : `${g.role}-${g.slug}`;
}

// ------------------------------------------------------- API endpoint access

/** The Kubernetes API's port. */
export const KUBERNETES_API_PORT = 443;

/** One ingress rule on the cluster security group for the private API endpoint. */
export interface ApiAccessRule {
  /** Resource-name suffix, stable for a given source ("vpc", "cidr-10-8-0-0-16", "sg-0abc"). */
  slug: string;
  description: string;
  cidr?: string;
  securityGroupId?: string;
}

/**
 * Who may reach the private API endpoint on 443. EKS's cluster security
 * group admits only itself (EKS user guide, "Default cluster security group";
 * and "Cluster API server endpoint": hosts in a connected network, a bastion
 * or a CI runner need a 443 ingress rule; checked 2026-11-23), so without
 * these rules every kubectl, Helm release and StorageClass from inside the
 * VPC times out. By default the VPC's own CIDR (a runner or bastion in the
 * VPC); `extraCidrs` for VPN or peered ranges, `securityGroupIds` for
 * sources in the VPC identified by security group.
 */
export function apiAccessRules(extraCidrs: string[], securityGroupIds: string[]): ApiAccessRule[] {
  const slug = (s: string) => s.replace(/[^A-Za-z0-9]+/g, "-").toLowerCase();
  return [
    { slug: "vpc", description: "Kubernetes API from inside the VPC" },
    ...[...new Set(extraCidrs)].map((cidr) => ({ slug: `cidr-${slug(cidr)}`, description: `Kubernetes API from ${cidr}`, cidr })),
    ...[...new Set(securityGroupIds)].map((id) => ({ slug: `sg-${slug(id)}`, description: `Kubernetes API from ${id}`, securityGroupId: id })),
  ];
}
