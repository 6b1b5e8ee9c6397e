/**
 * EKS facts and documents as pure functions: node labels and taints, the
 * zones a cluster may use and how a GPU pool is split over them, node launch
 * templates, the Cluster Autoscaler's scale-from-zero tags, access grants,
 * the kubeconfig and Kubernetes manifests. No Pulumi engine is needed, so tests
 * call them directly and the components only wire their results into resources.
 * Add-on specifics (chart pins, Helm values, their IAM) live with each add-on
 * in components/compute/addons/.
 */
import type { GpuNodeGroupSettings, NodeGroupSettings } from "./domain";
import type { PolicyDocument } from "./iam";
import { INSTANCE_SHAPES, gpusPerInstance } from "./instance-types";

// ---------------------------------------------------------------- AWS names

/** Control-plane log types sent to CloudWatch (all five; audit is the one security reviews ask for). */
export const CLUSTER_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** The log group EKS writes control-plane logs to; it must exist before the cluster to get a retention. */
export function controlPlaneLogGroupName(clusterName: string): string {
  return `/aws/eks/${clusterName}/cluster`;
}

const AWS_POLICY = "arn:aws:iam::aws:policy";

/** AWS managed policy for the EKS control plane's role. */
export const CLUSTER_ROLE_POLICY_ARN = `${AWS_POLICY}/AmazonEKSClusterPolicy`;

/**
 * AWS managed policies for the nodes' role: join the cluster and pull images
 * from ECR (PullOnly is the read-only successor of ReadOnly, without
 * list/describe). The VPC CNI's permissions (assign and release ENIs and IPs)
 * are NOT on the node role: the vpc-cni add-on has its own IRSA role
 * (components/compute/addons/vpc-cni.ts), as the EKS user guide recommends
 * ("Configure Amazon VPC CNI plugin to use IRSA", checked 2026-11-23), so a pod
 * that reaches the node's credentials cannot rewire the VPC's network interfaces.
 */
export const NODE_ROLE_POLICY_ARNS = [
  `${AWS_POLICY}/AmazonEKSWorkerNodePolicy`,
  `${AWS_POLICY}/AmazonEC2ContainerRegistryPullOnly`,
] as const;

/** AWS managed policy the VPC CNI needs on an IPv4 cluster (attached to its IRSA role). */
export const VPC_CNI_POLICY_ARN = `${AWS_POLICY}/AmazonEKS_CNI_Policy`;

/** AWS managed policy for the EBS CSI controller (create, attach and delete volumes). */
export const EBS_CSI_POLICY_ARN = `${AWS_POLICY}/service-role/AmazonEBSCSIDriverPolicy`;

/** EKS access policies granted through access entries (cluster-wide scope). */
export const ACCESS_POLICY_ARNS = {
  admin: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
  readOnly: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
} as const;

export interface AccessGrant {
  kind: keyof typeof ACCESS_POLICY_ARNS;
  /** "deployer" for the role that runs `pulumi up`, else admin / readonly: the resource name's middle part. */
  role: "deployer" | "admin" | "readonly";
  principalArn: string;
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
export function accessGrants(adminRoleArns: string[], readOnlyRoleArns: string[], deployerRoleArn?: string): AccessGrant[] {
  const listed = [
    ...(deployerRoleArn ? [{ kind: "admin" as const, role: "deployer" as const, principalArn: deployerRoleArn }] : []),
    ...adminRoleArns.map((principalArn) => ({ kind: "admin" as const, role: "admin" as const, principalArn })),
    ...readOnlyRoleArns.map((principalArn) => ({ kind: "readOnly" as const, role: "readonly" as const, principalArn })),
  ];
  const grants: AccessGrant[] = listed.map((g) => ({ ...g, policyArn: ACCESS_POLICY_ARNS[g.kind], slug: g.role === "deployer" ? "" : roleSlug(g.principalArn) }));
  const seen = new Map<string, string>();
  for (const g of grants) {
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

/**
 * Lets the control-plane role use the secrets-encryption key. EKS also works
 * through the grant it creates at cluster creation; this inline policy keeps
 * the role working if that grant is ever revoked, and is scoped to one key.
 */
export function secretsEncryptionPolicy(keyArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], Resource: keyArn }],
  };
}

// ------------------------------------------------------- node labels, taints

/** Node label telling the pools apart: "system" or "gpu". Workloads select on it. */
export const POOL_LABEL = "ml-platform/pool";
/** Node label naming the GPU pool a node belongs to: the same on all of the pool's per-AZ node groups, so a pool is summed by it. */
export const NODE_GROUP_LABEL = "ml-platform/node-group";
/**
 * Label the NVIDIA device plugin chart's default node affinity requires. The
 * AL2023 NVIDIA AMI sets it on 1.35 too; setting it on the node group makes it
 * true from the node's first second and visible to the autoscaler at zero.
 */
export const GPU_PRESENT_LABEL = "nvidia.com/gpu.present";

/**
 * The GPU label of the Cluster Autoscaler's AWS provider (>= 1.15):
 * `k8s.amazonaws.com/accelerator=<gpu type>`. A node carrying it is known to
 * have GPUs before the device plugin advertises them; without it, a new GPU
 * node counts as Ready with 0 GPUs, the pending pod still does not fit, and
 * the autoscaler starts another (billed) node. Sources (checked 2026-11-23):
 * kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/README.md
 * ("Special note on GPU instances") and aws_cloud_provider.go (GPULabel).
 */
export const ACCELERATOR_LABEL = "k8s.amazonaws.com/accelerator";

/**
 * Accelerator label values by NVIDIA GPU model (INSTANCE_SHAPES gpuModel),
 * spelled as the autoscaler's AWS provider lists its GPU types
 * (aws_cloud_provider.go availableGPUTypes: nvidia-tesla-k80/p100/v100/t4/a100,
 * nvidia-a10g, nvidia-l4, nvidia-l40s; checked 2026-11-23). H100 is not in that
 * list; it gets the same naming pattern.
 */
export const ACCELERATOR_LABEL_VALUES: Record<string, string> = {
  T4: "nvidia-tesla-t4",
  V100: "nvidia-tesla-v100",
  A100: "nvidia-tesla-a100",
  A10G: "nvidia-a10g",
  L4: "nvidia-l4",
  L40S: "nvidia-l40s",
  H100: "nvidia-h100",
};

/**
 * The accelerator label value of a pool. A node group's labels apply to all
 * its nodes, so a pool that mixes GPU models (g5 A10G with g6 L4, for Spot
 * diversity) cannot name one model: its value joins the models' values with
 * "_" (e.g. "nvidia-a10g_nvidia-l4"), a valid label value that says "one of
 * these". The autoscaler only needs the label to exist (to wait for the
 * device plugin); the value feeds its GPU-type metrics and `--gpu-total`
 * limits, which this platform does not use. Select GPU pools by
 * `ml-platform/node-group`, never by this label. Unknown types give "nvidia".
 */
export function acceleratorLabelValue(instanceTypes: string[]): string {
  const values = [...new Set(instanceTypes.map((t) => {
    const model = INSTANCE_SHAPES[t]?.gpuModel;
    return (model && ACCELERATOR_LABEL_VALUES[model]) || "nvidia";
  }))].sort();
  return values.join("_").slice(0, 63);
}

/** The extended resource GPUs are requested as, and the taint key that keeps other pods off GPU nodes. */
export const GPU_RESOURCE = "nvidia.com/gpu";

/** Taint in the EKS API's spelling (node group `taints`). */
export interface EksTaint {
  key: string;
  value: string;
  effect: "NO_SCHEDULE" | "NO_EXECUTE" | "PREFER_NO_SCHEDULE";
}

/**
 * GPU nodes are tainted so that only pods which tolerate the taint (GPU jobs,
 * the device plugin, DaemonSets that tolerate everything) run there. Without
 * it, a CPU pod could land on a $1/hour GPU node and keep it from scaling back
 * to zero.
 */
export const GPU_TAINT: EksTaint = { key: GPU_RESOURCE, value: "true", effect: "NO_SCHEDULE" };

/** The Kubernetes spelling of an EKS taint effect ("NO_SCHEDULE" -> "NoSchedule"). */
export function kubernetesTaintEffect(effect: EksTaint["effect"]): "NoSchedule" | "NoExecute" | "PreferNoSchedule" {
  const map = { NO_SCHEDULE: "NoSchedule", NO_EXECUTE: "NoExecute", PREFER_NO_SCHEDULE: "PreferNoSchedule" } as const;
  return map[effect];
}

export function systemNodeLabels(): Record<string, string> {
  return { [POOL_LABEL]: "system" };
}

/**
 * Labels of every node in a GPU pool (all its per-AZ node groups): the pool
 * kind, the pool's name (what workloads select on, and what policies and the
 * cost model sum a pool by), the device plugin's affinity label and the
 * autoscaler's accelerator label.
 */
export function gpuNodeLabels(group: Pick<GpuNodeGroupSettings, "name" | "instanceTypes">): Record<string, string> {
  return {
    [POOL_LABEL]: "gpu",
    [NODE_GROUP_LABEL]: group.name,
    [GPU_PRESENT_LABEL]: "true",
    [ACCELERATOR_LABEL]: acceleratorLabelValue(group.instanceTypes),
  };
}

/**
 * GPUs per node of a group: known only when every instance type is in the
 * catalogue with the same count. Mixed counts would make any single number
 * wrong for some nodes, so the autoscaler is left to read the instance type.
 */
export function gpusPerNode(instanceTypes: string[]): number | undefined {
  const counts = new Set(instanceTypes.map(gpusPerInstance));
  if (counts.size !== 1) return undefined;
  const [count] = [...counts];
  return count === undefined || count === 0 ? undefined : count;
}

// ------------------------------------------------------ zones and GPU pools

/**
 * Zone IDs that cannot host an EKS cluster's subnets (EKS user guide,
 * "Subnet requirements for clusters": us-east-1 use1-az3, us-west-1 usw1-az2,
 * ca-central-1 cac1-az3; checked 2026-11-23). Zone IDs, not names: AZ names
 * map to different physical zones in each account, IDs do not.
 */
export const EKS_UNSUPPORTED_ZONE_IDS = ["use1-az3", "usw1-az2", "cac1-az3"] as const;

/** Shape of an AZ ID: "use1-az1", "euw1-az3", "apse2-az2", "usgw1-az1". */
export const ZONE_ID_PATTERN = /^[a-z]{2,5}[0-9]-az[0-9]{1,2}$/;

/** "use1-az10" -> ["use1", 10], for a numeric sort (az10 after az9, not after az1). */
function zoneIdKey(zoneId: string): [string, number] {
  const [prefix = "", n = "0"] = zoneId.split("-az");
  return [prefix, Number(n)];
}

/**
 * The zones a VPC uses, chosen so the choice never changes between runs: the
 * region's AZ IDs sorted by number, without the EKS-incapable ones, first
 * `count` of them. The input must be every AZ of the region whatever its
 * current state (an "impaired" zone that disappeared from a state=available
 * list would shift every later subnet to another AZ and replace it), so the
 * result depends only on which zones exist. Growing from 2 to 3 AZs keeps the
 * first two. Throws when the region has too few usable zones.
 */
export function chooseZoneIds(allZoneIds: string[], count: number): string[] {
  const excluded = new Set<string>(EKS_UNSUPPORTED_ZONE_IDS);
  const usable = [...new Set(allZoneIds)].filter((z) => !excluded.has(z)).sort((a, b) => {
    const [pa, na] = zoneIdKey(a);
    const [pb, nb] = zoneIdKey(b);
    return pa === pb ? na - nb : pa < pb ? -1 : 1;
  });
  if (usable.length < count) {
    throw new Error(`the region has ${usable.length} availability zones EKS can use (${usable.join(", ") || "none"}); ${count} are needed`);
  }
  return usable.slice(0, count);
}

/**
 * How many AZs the EKS control plane uses, always: the private subnets of the
 * first two zones. EKS accepts new control-plane subnets only in the AZs
 * chosen at creation (EKS user guide, "VPC requirements": "All subnets that
 * you add must be in the same set of AZs as originally provided when you
 * created the cluster"; checked 2026-11-23), so this set must not grow when a
 * stage adds a third AZ: nodes use all AZs, the control plane two.
 */
export const CONTROL_PLANE_ZONE_COUNT = 2;

/** One per-AZ node group of a GPU pool: which zone (index into the network's zones) and its sizes. */
export interface ZonalGroupSize {
  zoneIndex: number;
  minSize: number;
  desiredSize: number;
  maxSize: number;
}

/** `total` split into `parts` near-equal whole numbers, larger ones first (5 over 3 -> 2, 2, 1). */
function splitEvenly(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const extra = total % parts;
  return [...Array(parts).keys()].map((i) => base + (i < extra ? 1 : 0));
}

/**
 * Splits a GPU pool over the AZs: one EKS node group per AZ, because a pod
 * bound to a zonal EBS volume can only run in that volume's AZ, and the
 * autoscaler picks the zone by picking the node group (EKS user guide,
 * "Managed node groups": one node group per AZ plus
 * --balance-similar-node-groups for EBS-backed workloads; checked 2026-11-23).
 *
 * The pool's caps are for the pool, so the per-AZ sizes SUM to them: a pool
 * capped at 4 nodes over 3 AZs gets maxSize 2, 1, 1, never 4 per AZ (which
 * would triple its worst-case bill). An EKS node group needs maxSize >= 1, so
 * a pool capped below the AZ count uses only the first `maxSize` AZs (a
 * 1-node pool lives in one AZ). minSize and desiredSize are split the same way
 * and never exceed a group's max.
 */
export function splitPoolAcrossZones(pool: Pick<NodeGroupSettings, "minSize" | "desiredSize" | "maxSize">, zoneCount: number): ZonalGroupSize[] {
  if (zoneCount < 1) throw new Error(`a GPU pool needs at least one zone, got ${zoneCount}`);
  if (pool.maxSize < 1) throw new Error(`a GPU pool's maxSize must be at least 1, got ${pool.maxSize}`);
  const groups = Math.min(zoneCount, pool.maxSize);
  const max = splitEvenly(pool.maxSize, groups);
  const min = splitEvenly(Math.min(pool.minSize, pool.maxSize), groups);
  const desired = splitEvenly(Math.min(Math.max(pool.desiredSize, pool.minSize), pool.maxSize), groups);
  return max.map((m, zoneIndex) => ({ zoneIndex, maxSize: m, minSize: Math.min(min[zoneIndex]!, m), desiredSize: Math.min(Math.max(desired[zoneIndex]!, min[zoneIndex]!), m) }));
}

// ------------------------------------------------------- node launch template

/**
 * The root volume's device name on the EKS-optimized AL2023 AMIs (standard
 * and NVIDIA), which the launch template's block device mapping must match to
 * resize the root volume rather than add a second one.
 */
export const AL2023_ROOT_DEVICE = "/dev/xvda";

/** Launch template contents for a managed node group, in the Pulumi AWS provider's spelling. */
export interface NodeLaunchTemplateSpec {
  metadataOptions: { httpEndpoint: "enabled"; httpTokens: "required"; httpPutResponseHopLimit: number; instanceMetadataTags: "disabled" };
  blockDeviceMappings: { deviceName: string; ebs: { volumeSize: number; volumeType: "gp3"; encrypted: "true"; deleteOnTermination: "true" } }[];
  tagSpecifications: { resourceType: "instance" | "volume" | "network-interface"; tags: Record<string, string> }[];
}

/**
 * What every node group's launch template sets, and nothing more: EKS still
 * chooses the AMI, writes the bootstrap user data and attaches the cluster
 * security group (a launch template with security groups or an AMI would
 * take those over).
 *
 * - IMDSv2 only, hop limit 1: a pod (one network hop behind the node) cannot
 *   get an IMDS token, so it cannot read the node role's credentials; node
 *   agents on the host network still can. Without a launch template, EKS's
 *   default one allows hop limit 2 (EKS user guide, "Customize managed nodes
 *   with launch templates", and EKS security best practices, "Restrict access
 *   to the instance profile assigned to the worker node"; checked 2026-11-23).
 *   Pods that need AWS use IRSA; the AWS Load Balancer Controller must then
 *   be given `region` and `vpcId` explicitly.
 * - The root volume: encrypted gp3 of `diskSizeGb`. With a launch template,
 *   a managed node group refuses `diskSize`; the size goes here.
 * - Cost tags on the instances, their volumes and network interfaces: EKS
 *   does not copy node group tags to the instances it launches.
 */
export function nodeLaunchTemplate(args: { diskSizeGb: number; tags: Record<string, string> }): NodeLaunchTemplateSpec {
  return {
    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
    blockDeviceMappings: [
      { deviceName: AL2023_ROOT_DEVICE, ebs: { volumeSize: args.diskSizeGb, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
    ],
    tagSpecifications: (["instance", "volume", "network-interface"] as const).map((resourceType) => ({ resourceType, tags: { ...args.tags } })),
  };
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

// ----------------------------------------------- Cluster Autoscaler ASG tags

export const AUTOSCALER_TAG_PREFIX = "k8s.io/cluster-autoscaler";

/**
 * Auto Scaling group tags that let the Cluster Autoscaler scale a GPU node
 * group up from zero nodes. With no node to look at, the autoscaler builds a
 * "template node" from these tags to decide whether a pending pod would fit:
 * the labels its nodeSelector needs (including the accelerator label), the
 * taint it tolerates, and the GPUs it requests. EKS does not copy node group
 * labels and taints to the ASG; the autoscaler's eks:DescribeNodegroup
 * fallback only runs for a group that never had a node (autoscaler AWS
 * README, checked 2026-11-23), so the tags are what makes scale-from-zero
 * reliable.
 *
 * The auto-discovery tags `k8s.io/cluster-autoscaler/enabled` and
 * `k8s.io/cluster-autoscaler/<cluster>=owned` are NOT here: EKS puts them on
 * every managed node group's ASG itself (EKS user guide, "Managed node
 * groups": "Amazon EKS tags managed node group resources so that they are
 * configured to use the Kubernetes Cluster Autoscaler"; checked 2026-11-23).
 * Managing them as Tag resources as well would mean that deleting such a
 * resource (a pool renamed, the autoscaler turned off) strips the tag EKS set
 * from a live group, and the autoscaler stops seeing it. See EKS_MANAGED_ASG_TAGS.
 */
export function nodeTemplateTags(group: Pick<GpuNodeGroupSettings, "name" | "instanceTypes">): Record<string, string> {
  const template = `${AUTOSCALER_TAG_PREFIX}/node-template`;
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(gpuNodeLabels(group))) tags[`${template}/label/${key}`] = value;
  // Taint tags use Kubernetes' effect spelling: "true:NoSchedule", not NO_SCHEDULE.
  tags[`${template}/taint/${GPU_TAINT.key}`] = `${GPU_TAINT.value}:${kubernetesTaintEffect(GPU_TAINT.effect)}`;
  const gpus = gpusPerNode(group.instanceTypes);
  if (gpus !== undefined) tags[`${template}/resources/${GPU_RESOURCE}`] = String(gpus);
  return tags;
}

/**
 * The ASG tags EKS itself sets on a managed node group's Auto Scaling group
 * for autoscaler discovery. The program must never manage these keys; the
 * autoscaler's IAM policy (addons/cluster-autoscaler.ts) relies on the
 * `owned` one.
 */
export function eksManagedAsgTags(clusterName: string): Record<string, string> {
  return { [`${AUTOSCALER_TAG_PREFIX}/enabled`]: "true", [`${AUTOSCALER_TAG_PREFIX}/${clusterName}`]: "owned" };
}

/** Short resource-name suffix for a node-template tag key ("label-ml-platform-pool", "taint-nvidia-com-gpu"). */
export function autoscalerTagSlug(key: string): string {
  const rest = key.replace(`${AUTOSCALER_TAG_PREFIX}/`, "").replace(/^node-template\//, "");
  return rest.replace(/[^A-Za-z0-9]+/g, "-");
}

// ---------------------------------------------------------------- kubeconfig

/** The subset of a kubeconfig the Pulumi Kubernetes provider and kubectl need. */
export interface Kubeconfig {
  apiVersion: "v1";
  kind: "Config";
  clusters: { name: string; cluster: { server: string; "certificate-authority-data": string } }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  "current-context": string;
  users: {
    name: string;
    user: {
      exec: {
        apiVersion: "client.authentication.k8s.io/v1beta1";
        command: string;
        args: string[];
        interactiveMode: "Never";
      };
    };
  }[];
}

/**
 * A kubeconfig that authenticates with short-lived tokens from
 * `aws eks get-token` (the AWS CLI must be on the deployer's PATH): whoever
 * uses it gets the access of their own AWS identity. It holds no password,
 * but it is still exported as a secret: it maps the cluster's endpoint and
 * CA, and stack outputs are readable by anyone who can read the stack.
 */
export function kubeconfig(clusterName: string, endpoint: string, caData: string, region: string): Kubeconfig {
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": caData } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
    "current-context": clusterName,
    users: [
      {
        name: clusterName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"],
            interactiveMode: "Never",
          },
        },
      },
    ],
  };
}

// ------------------------------------------------- Kubernetes objects, values

/** A pod toleration (Kubernetes spelling). */
export interface Toleration {
  key: string;
  operator: "Exists" | "Equal";
  value?: string;
  effect?: "NoSchedule" | "NoExecute" | "PreferNoSchedule";
}

export interface StorageClassManifest {
  apiVersion: "storage.k8s.io/v1";
  kind: "StorageClass";
  metadata: { name: string; annotations: Record<string, string> };
  provisioner: string;
  parameters: Record<string, string>;
  reclaimPolicy: "Delete" | "Retain";
  volumeBindingMode: "Immediate" | "WaitForFirstConsumer";
  allowVolumeExpansion: boolean;
}

/**
 * The default StorageClass: encrypted gp3 through the EBS CSI driver (gp3 is
 * 20% cheaper than gp2 and includes 3,000 IOPS). WaitForFirstConsumer creates
 * the volume in the AZ the pod is scheduled to, so a GPU node started in
 * another AZ can still attach it. EKS 1.30+ no longer marks gp2 as default,
 * so this is the only default class.
 */
export function gp3StorageClass(): StorageClassManifest {
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
    provisioner: "ebs.csi.aws.com",
    parameters: { type: "gp3", encrypted: "true" },
    reclaimPolicy: "Delete",
    volumeBindingMode: "WaitForFirstConsumer",
    allowVolumeExpansion: true,
  };
}

/** The toleration every GPU workload needs to run on the GPU pool. */
export const GPU_TOLERATION: Toleration = { key: GPU_TAINT.key, operator: "Exists", effect: kubernetesTaintEffect(GPU_TAINT.effect) };
