/**
 * What GpuCluster (and each of its GpuNodePools) accepts, as zod schemas: the
 * single source of truth for their Args (validated in their constructors),
 * defaults and descriptions, and the `cluster` stack-config overrides
 * (config/schema.ts).
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { CONTROL_PLANE_ZONE_COUNT } from "./zones";
import { ipv4Cidr, logRetentionDays, roleArn } from "../../lib/fields";
import { AUTONAME_SUFFIX_LENGTH, NAME_LIMITS, NamedKind } from "../../lib/naming";
import { controlPlaneRoleName, eksClusterName, gpuNodeGroupName, nodeRoleName, systemNodeGroupName } from "./names";
import { isAwsRegion } from "../../lib/regions";
import { KUBERNETES_VERSION, REFUSED_KUBERNETES_VERSIONS, SUPPORTED_KUBERNETES_VERSIONS } from "../../lib/versions";
import { ArgProblem, awsTags, stageArg, schemaMatches, withType, planTime, pulumiInput, PLANNED_FIGURE, PULUMI_STRING } from "../../lib/validate";
import type { GpuClusterArgs } from "./gpu-cluster.args";
import type { GpuNodePoolArgs } from "./gpu-node-pool.args";
import { GpuPoolSettings, SystemPoolSettings, poolSizeProblems } from "./node-pool.schema";
import { addonRoleNames } from "./addons/addon";
import { CLUSTER_ADDONS, ClusterAddonArgs } from "./addons/registry";

/** The IAM roles of the add-ons the cluster's settings enable. */
export function clusterAddonRoleNames(name: string, settings: Required<ClusterAddonArgs>): string[] {
  return addonRoleNames<Required<ClusterAddonArgs>>(CLUSTER_ADDONS, name, settings);
}

/** A zod schema with a default, typed by what it accepts and gives. */
type SettingSchema<T> = z.ZodDefault<z.ZodType<T, T>>;

/**
 * The fields the cluster's add-ons add to its settings, each a zod schema
 * with a description and a default, declared in the add-on's file.
 */
function addonSettings(): { [K in keyof ClusterAddonArgs]-?: SettingSchema<Exclude<ClusterAddonArgs[K], undefined>> } {
  const fields: Record<string, z.ZodType> = {};
  for (const addon of CLUSTER_ADDONS) {
    for (const [key, field] of Object.entries(addon.settings)) {
      if (!(field instanceof z.ZodDefault)) throw new Error(`cluster setting ${key} of add-on ${addon.id} must be a zod schema with a default`);
      if (key in fields) throw new Error(`cluster setting ${key} is declared twice`);
      fields[key] = field;
    }
  }
  return fields as ReturnType<typeof addonSettings>;
}

const DEPLOYER_ROLE_DESCRIPTION =
  "The IAM role `pulumi up` runs as (from a laptop and from CI alike): cluster-admin through its own access entry, the only way in for `pulumi up`. The cluster is created without EKS's implicit admin entry for its creator, so nobody is admin just for creating it and no entry collides with this one.";

// EC2 ids are 8 hex digits (older resources) or 17 (EC2 user guide, "Resource IDs"; checked 2026-12-07).
const securityGroupId = z
  .string()
  .regex(/^sg-([0-9a-f]{8}|[0-9a-f]{17})$/, "must be a security group ID: sg- and 8 or 17 hex digits, such as sg-0123456789abcdef0");

// What arguments that must be plain decide (an Output there is refused by key; docs/guides/library.md).
const ACCESS_ENTRIES = "the EKS access entries declared, each named after its role";
const API_RULES = "the API endpoint's security-group rules declared, each named after its source";
const ZONES = "how many zones the node groups spread over (one node group per subnet and pool)";

/** The settings of a GpuCluster: the single source of truth for its Args and for the `cluster` stack config. */
export const GpuClusterSettings = z.strictObject({
  kubernetesVersion: z
    .string()
    .superRefine((v, ctx) => {
      if ((SUPPORTED_KUBERNETES_VERSIONS as readonly string[]).includes(v)) return;
      const why = REFUSED_KUBERNETES_VERSIONS[v];
      ctx.addIssue({
        code: "custom",
        message: `must be a Kubernetes minor this version of the platform pins its add-ons for: ${SUPPORTED_KUBERNETES_VERSIONS.join(", ")}${why ? ` (${v}: ${why})` : ""}`,
      });
    })
    .describe(
      `Kubernetes minor of the control plane and nodes: ${SUPPORTED_KUBERNETES_VERSIONS.join(" or ")}. Changing it on a running cluster is an in-place EKS upgrade, one minor at a time.`,
    )
    .default(KUBERNETES_VERSION),
  publicAccessCidrs: planTime(
    z.array(
      ipv4Cidr().refine(
        (c) => c !== "0.0.0.0/0",
        "opens the Kubernetes API to the whole internet; list your office, VPN or CI egress ranges, or leave the list empty (private endpoint)",
      ),
    ),
    "whether the API endpoint is public at all",
  )
    .describe("CIDRs allowed to reach the public API endpoint; empty: the endpoint is private only.")
    .default([]),
  privateAccessCidrs: planTime(
    z.array(
      ipv4Cidr().refine(
        (c) => c !== "0.0.0.0/0",
        "admits every address to the API on 443; list the VPN or peered ranges that deploy (the VPC's own block is always admitted)",
      ),
    ),
    API_RULES,
  )
    .describe("Extra CIDRs (VPN, peered networks) admitted on 443 to the private endpoint; the VPC's own block always is.")
    .default([]),
  privateAccessSecurityGroupIds: planTime(z.array(securityGroupId), API_RULES)
    .describe("Security groups (CI runner, bastion) admitted on 443 to the private endpoint.")
    .default([]),
  logRetentionDays: logRetentionDays.describe("Days CloudWatch keeps the control-plane logs (a CloudWatch retention period).").default(30),
  // Optional in the settings (a stage preset names no role); required by the component's Args and by a cluster stack.
  deployerRoleArn: roleArn.optional().describe(DEPLOYER_ROLE_DESCRIPTION),
  adminRoleArns: planTime(z.array(roleArn), ACCESS_ENTRIES).describe("IAM roles given cluster-admin through EKS access entries.").default([]),
  readOnlyRoleArns: planTime(z.array(roleArn), ACCESS_ENTRIES).describe("IAM roles given read-only (view) access through EKS access entries.").default([]),
  systemNodeGroup: planTime(SystemPoolSettings, "the system node group's instance types and sizes, which the cost model prices")
    .prefault({})
    .describe("The CPU system pool (over all AZs)."),
  gpuNodeGroups: planTime(z.array(GpuPoolSettings), "the GPU node groups declared, their names, and the instance types the cost model prices")
    .describe("GPU pools: tainted, labelled, one node group per AZ whose sizes sum to the pool's.")
    .default([]),
  // The settings the cluster's add-ons declare (components/compute/addons/), last.
  ...addonSettings(),
});
export type GpuClusterSettings = z.output<typeof GpuClusterSettings>;
planTime(GpuClusterSettings.shape.kubernetesVersion, "the chart and image pins of the cluster's add-ons (lib/versions.ts)");

const input = <T>(what: string) =>
  withType(
    z.custom<pulumi.Input<T>>((v) => v !== undefined && v !== null, `${what} is required`),
    PULUMI_STRING,
  );

/** Everything GpuCluster accepts: the settings plus where it runs and tags. */
export const GpuClusterArgsSchema = GpuClusterSettings.extend({
  deployerRoleArn: pulumiInput(roleArn).describe(DEPLOYER_ROLE_DESCRIPTION),
  vpcId: input<string>("vpcId").describe("VPC the private subnets belong to."),
  vpcCidrBlock: input<string>("vpcCidrBlock").describe("The VPC's IPv4 block, admitted to the private endpoint on 443."),
  privateSubnetIds: planTime(
    z
      .array(withType(z.custom<pulumi.Input<string>>(), PULUMI_STRING))
      .min(CONTROL_PLANE_ZONE_COUNT, `give private subnets in at least ${CONTROL_PLANE_ZONE_COUNT} AZs: EKS places the control plane in two`),
    ZONES,
  ).describe("Private subnets, one per AZ, in the network's stable zone order."),
  controlPlaneSubnetIds: planTime(
    z.array(withType(z.custom<pulumi.Input<string>>(), PULUMI_STRING)).min(CONTROL_PLANE_ZONE_COUNT, `give at least ${CONTROL_PLANE_ZONE_COUNT} subnets`),
    `that the control plane spans ${CONTROL_PLANE_ZONE_COUNT} zones at least, checked before it is declared`,
  )
    .optional()
    .describe("Subnets of the control plane. Default: the first two private subnets."),
  nodeDependsOn: z
    .array(withType(z.custom<pulumi.Resource>(), { type: "pulumi.Resource", imports: { pulumi: "@pulumi/pulumi" } }))
    .optional()
    .describe("What nodes wait for besides the cluster's own prerequisites: the private subnets' routes to a NAT gateway (Network.egressReady). Default none."),
  region: pulumiInput(z.string().refine(isAwsRegion, "must be an AWS region such as us-east-1 (lib/regions.ts)")).describe("AWS region of the cluster."),
  expectedLogGbPerMonth: planTime(z.number().min(0, "must be 0 or more GB"), PLANNED_FIGURE)
    .optional()
    .describe(
      "GB of control-plane logs expected a month, for cost planning: the log group carries it as the `ml-platform/planned-ingest-gb-month` tag. Unset: ingestion is listed as usage-based, not priced.",
    ),
  tags: awsTags.default({}),
  stage: stageArg,
});

// tsc proves the interface (gpu-cluster.ts) and the schema accept the same arguments.
schemaMatches<GpuClusterArgs, z.input<typeof GpuClusterArgsSchema>>(true);

/** Everything GpuNodePool accepts. */
export const GpuNodePoolArgsSchema = z.strictObject({
  clusterName: input<string>("clusterName").describe("Name of the EKS cluster."),
  clusterComponent: z.string().min(1).describe("The cluster component's name: node groups are named `<clusterComponent>-gpu-<pool>-<zone index>`."),
  kubernetesVersion: input<string>("kubernetesVersion").describe("Kubernetes version the nodes run (the control plane's)."),
  nodeRoleArn: input<string>("nodeRoleArn").describe("IAM role of the nodes."),
  subnetIds: planTime(z.array(withType(z.custom<pulumi.Input<string>>(), PULUMI_STRING)).min(1, "give at least one private subnet"), ZONES).describe(
    "Private subnets, one per AZ, in zone order.",
  ),
  pool: planTime(GpuPoolSettings, "the node groups declared, their names, and the instance types the cost model prices").describe(
    "The pool: name, instance types, capacity type, disk, and sizes for the whole pool.",
  ),
  dependsOn: z
    .array(withType(z.custom<pulumi.Resource>(), { type: "pulumi.Resource", imports: { pulumi: "@pulumi/pulumi" } }))
    .optional()
    .describe("What nodes need before they boot. Default none."),
  sizedOutside: z
    .boolean()
    .describe(
      "Something outside the program (an add-on that adds nodes, or a human) sizes the pool after creation, so `pulumi up` leaves each group's desiredSize alone; false: the program keeps it at the pool's stated size. Default true.",
    )
    .default(true),
  tags: awsTags.default({}),
  stage: stageArg,
});

schemaMatches<GpuNodePoolArgs, z.input<typeof GpuNodePoolArgsSchema>>(true);

function nameProblem(path: string, kind: NamedKind, name: string, autoNamed: boolean): ArgProblem[] {
  const length = name.length + (autoNamed ? AUTONAME_SUFFIX_LENGTH : 0);
  if (length <= NAME_LIMITS[kind]) return [];
  const what = { eksCluster: "EKS cluster", eksNodeGroup: "EKS node group", iamRole: "IAM role" }[kind as "eksCluster"] ?? kind;
  return [
    {
      path,
      value: name,
      message: `makes the ${what} name "${name}"${autoNamed ? " plus Pulumi's 8-character suffix" : ""} ${length} characters long; the limit is ${NAME_LIMITS[kind]}`,
    },
  ];
}

/** A GPU pool's own rules (sizes together, its node group names within EKS's limit). */
export function gpuPoolProblems(clusterComponent: string, pool: z.output<typeof GpuPoolSettings>, path = "pool"): ArgProblem[] {
  return [
    ...poolSizeProblems(path, pool),
    // Zone indexes are single digits: the name of the group in zone 0 is as long as any.
    ...nameProblem(`${path}.name`, "eksNodeGroup", gpuNodeGroupName(clusterComponent, pool.name, 0), true),
  ];
}

export function gpuNodePoolProblems(_name: string, s: z.output<typeof GpuNodePoolArgsSchema>): ArgProblem[] {
  return gpuPoolProblems(s.clusterComponent, s.pool);
}

/** Rules that involve several settings or the component's name (pure; config/resolve.ts runs them too). */
export function gpuClusterProblems(
  name: string,
  s: Omit<GpuClusterSettings, "systemNodeGroup" | "deployerRoleArn"> & {
    systemNodeGroup: GpuClusterSettings["systemNodeGroup"];
    deployerRoleArn?: pulumi.Input<string> | undefined;
  },
): ArgProblem[] {
  const problems: ArgProblem[] = [];
  // One access entry per IAM role (EKS CreateAccessEntry refuses a second): a role gets one kind of access.
  // A deployer role given as an Output cannot be compared before deployment (EKS would refuse the repeat then).
  const seen = new Map<string, string>();
  const roles: [string, string][] = [
    ...(typeof s.deployerRoleArn === "string" && s.deployerRoleArn ? [["deployerRoleArn", s.deployerRoleArn] as [string, string]] : []),
    ...s.adminRoleArns.map((a, i): [string, string] => [`adminRoleArns[${i}]`, a]),
    ...s.readOnlyRoleArns.map((a, i): [string, string] => [`readOnlyRoleArns[${i}]`, a]),
  ];
  for (const [path, arn] of roles) {
    const before = seen.get(arn);
    if (before) problems.push({ path, value: arn, message: `is also ${before}; EKS gives a role one access entry per cluster, so give it one kind of access` });
    else seen.set(arn, path);
  }
  problems.push(...poolSizeProblems("systemNodeGroup", s.systemNodeGroup));
  const pools = new Map<string, number>();
  s.gpuNodeGroups.forEach((pool, i) => {
    if (pools.has(pool.name))
      problems.push({
        path: `gpuNodeGroups[${i}].name`,
        value: pool.name,
        message: `repeats gpuNodeGroups[${pools.get(pool.name)}].name; pool names name node groups and a node label, so each must be unique`,
      });
    else pools.set(pool.name, i);
    problems.push(...gpuPoolProblems(name, pool, `gpuNodeGroups[${i}]`));
  });
  const clusterName = eksClusterName(name);
  problems.push(
    ...nameProblem("(name)", "eksCluster", clusterName, false),
    ...nameProblem("(name)", "eksNodeGroup", systemNodeGroupName(name), true),
    ...[controlPlaneRoleName(name), nodeRoleName(name)].flatMap((role) => nameProblem("(name)", "iamRole", role, true)),
    ...clusterAddonRoleNames(name, s).flatMap((role) => nameProblem("(name)", "iamRole", role, true)),
  );
  return problems;
}
