/**
 * Who can reach and use the cluster's Kubernetes API during a `pulumi up`,
 * checked on the stack's settings before anything is declared. Pure.
 *
 * The same run that creates the VPC creates the StorageClass, namespaces and
 * Helm releases, so the machine running `pulumi up` must reach the API
 * endpoint during the stack's first run, when no VPN, peering or runner
 * inside the VPC can exist yet. EKS offers two endpoints: the private one,
 * reachable only from the VPC and connected networks (and only from sources
 * the cluster security group admits), and the public one, reachable from the
 * internet but only from `publicAccessCidrs` when that list is set; with both
 * on, nodes keep using the private one (EKS user guide, "Cluster API server
 * endpoint": "Public and private" access; checked 2026-12-07). So the first
 * run needs the operator's egress address in `publicAccessCidrs`; once a
 * runner inside the VPC deploys, the stack says so (`deployFromVpc`) and the
 * public list may go.
 */
import type { ConfigProblem } from "./errors";
import { partitionOf } from "../lib/regions";
import type { ClusterSettings, NetworkSettings } from "./presets";

type KeyOf = (path: readonly PropertyKey[]) => string;

/** Every way the stack's `pulumi up` would be locked out of its own cluster. */
export function clusterAccessProblems(
  cluster: { enabled: boolean; settings: ClusterSettings },
  network: { enabled: boolean; settings: Pick<NetworkSettings, "cidrBlock"> },
  keyOf: KeyOf,
): ConfigProblem[] {
  if (!cluster.enabled) return [];
  const c = cluster.settings;
  const problems: ConfigProblem[] = [];
  if (c.publicAccessCidrs.length === 0 && !c.deployFromVpc) {
    problems.push({
      key: keyOf(["cluster", "publicAccessCidrs"]),
      value: c.publicAccessCidrs,
      message:
        "is empty, so the Kubernetes API endpoint is private, but this stack creates the VPC in the same `pulumi up` that creates the Kubernetes objects: " +
        "no VPN, peering or runner inside the VPC exists during the first run, and every Kubernetes resource would time out. " +
        `List the egress address of the machine that runs \`pulumi up\` (a /32 such as 203.0.113.10/32; never 0.0.0.0/0), or, once the VPC exists and \`pulumi up\` runs from inside it ` +
        `(a runner, bastion or VPN that the VPC rule, ${keyOf(["cluster", "privateAccessCidrs"])} or ${keyOf(["cluster", "privateAccessSecurityGroupIds"])} admit), set ${keyOf(["cluster", "deployFromVpc"])}: true`,
    });
  }
  if (!c.deployerRoleArn) {
    problems.push({
      key: keyOf(["cluster", "deployerRoleArn"]),
      value: undefined,
      message:
        "is required: clusters are created without EKS's implicit admin entry for their creator (nobody is admin just for creating the cluster), " +
        "so `pulumi up` reaches Kubernetes only through this role's access entry; give the IAM role your laptop and CI assume to deploy, such as arn:aws:iam::<account>:role/ml-platform-deployer",
    });
  }
  c.privateAccessCidrs.forEach((cidr, i) => {
    if (network.enabled && cidr === network.settings.cidrBlock)
      problems.push({
        key: keyOf(["cluster", "privateAccessCidrs", i]),
        value: cidr,
        message: `is the VPC's own block (${keyOf(["network", "cidrBlock"])}), which is always admitted: a second identical rule is refused by EC2 (InvalidPermission.Duplicate); remove it`,
      });
  });
  return problems;
}

/**
 * ARNs the stack hands AWS must live where the stack does: an IAM role of
 * another partition (GovCloud, China) cannot be given an access entry on this
 * cluster, and Alertmanager publishes only to SNS topics of the stack's
 * region and partition (its IRSA policy and the topic's KMS key are
 * regional).
 */
export function arnPlacementProblems(
  spec: {
    region: string;
    cluster: { enabled: boolean; settings: Pick<ClusterSettings, "deployerRoleArn" | "adminRoleArns" | "readOnlyRoleArns"> };
    serving: { enabled: boolean; settings: { viewerRoleArns: string[] } };
    monitoring: { enabled: boolean; settings: { receivers: { topicArn?: string | undefined }[] } };
  },
  keyOf: KeyOf,
): ConfigProblem[] {
  const partition = partitionOf(spec.region);
  const problems: ConfigProblem[] = [];
  const roles: [PropertyKey[], string][] = [];
  if (spec.cluster.enabled) {
    const c = spec.cluster.settings;
    if (c.deployerRoleArn) roles.push([["cluster", "deployerRoleArn"], c.deployerRoleArn]);
    c.adminRoleArns.forEach((a, i) => roles.push([["cluster", "adminRoleArns", i], a]));
    c.readOnlyRoleArns.forEach((a, i) => roles.push([["cluster", "readOnlyRoleArns", i], a]));
  }
  if (spec.serving.enabled) spec.serving.settings.viewerRoleArns.forEach((a, i) => roles.push([["serving", "viewerRoleArns", i], a]));
  for (const [path, arn] of roles) {
    const p = arn.split(":")[1];
    if (p !== partition)
      problems.push({
        key: keyOf(path),
        value: arn,
        message: `is a role of partition ${p}, but the stack deploys to ${spec.region} (partition ${partition}); use arn:${partition}:iam::...`,
      });
  }
  if (spec.monitoring.enabled)
    spec.monitoring.settings.receivers.forEach((r, i) => {
      if (!r.topicArn) return;
      const [, p, , region] = r.topicArn.split(":");
      if (p !== partition || region !== spec.region)
        problems.push({
          key: keyOf(["monitoring", "receivers", i, "topicArn"]),
          value: r.topicArn,
          message: `is a topic in ${region} (partition ${p}); Alertmanager publishes only to topics of the stack's region, ${spec.region} (partition ${partition})`,
        });
    });
  return problems;
}
