/**
 * EKS facts and documents as pure functions: node labels and taints, the
 * Cluster Autoscaler's scale-from-zero tags, the kubeconfig, Helm values and
 * Kubernetes manifests. No Pulumi engine is needed, so tests call them directly
 * and the GpuCluster component only wires their results into resources.
 */
import type { GpuNodeGroupSettings } from "../config/presets";
import type { PolicyDocument } from "./iam";
import { gpusPerInstance } from "./instance-types";

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
 * AWS managed policies for the nodes' role: join the cluster, let the VPC CNI
 * (which runs with the node role) assign pod IPs, and pull images from ECR
 * (PullOnly is the read-only successor of ReadOnly, without list/describe).
 */
export const NODE_ROLE_POLICY_ARNS = [
  `${AWS_POLICY}/AmazonEKSWorkerNodePolicy`,
  `${AWS_POLICY}/AmazonEKS_CNI_Policy`,
  `${AWS_POLICY}/AmazonEC2ContainerRegistryPullOnly`,
] as const;

/** AWS managed policy for the EBS CSI controller (create, attach and delete volumes). */
export const EBS_CSI_POLICY_ARN = `${AWS_POLICY}/service-role/AmazonEBSCSIDriverPolicy`;

/** EKS access policies granted through access entries (cluster-wide scope). */
export const ACCESS_POLICY_ARNS = {
  admin: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
  readOnly: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
} as const;

export interface AccessGrant {
  kind: keyof typeof ACCESS_POLICY_ARNS;
  principalArn: string;
  policyArn: string;
  /** Stable, readable suffix for resource names: the role's name. */
  slug: string;
}

/** "arn:aws:iam::123456789012:role/teams/platform-admins" -> "platform-admins". */
function roleSlug(arn: string): string {
  const name = arn.split("/").pop() ?? arn;
  return name.replace(/[^A-Za-z0-9-]+/g, "-").toLowerCase();
}

/**
 * One access grant per role. A role may appear once only: EKS allows one
 * access entry per principal, so a role in both lists would fail at deploy
 * time; this fails at preview time instead. (The deploying identity already
 * gets admin through `bootstrapClusterCreatorAdminPermissions`; listing it
 * again fails the same way.)
 */
export function accessGrants(adminRoleArns: string[], readOnlyRoleArns: string[]): AccessGrant[] {
  const grants: AccessGrant[] = [
    ...adminRoleArns.map((principalArn) => ({ kind: "admin" as const, principalArn })),
    ...readOnlyRoleArns.map((principalArn) => ({ kind: "readOnly" as const, principalArn })),
  ].map((g) => ({ ...g, policyArn: ACCESS_POLICY_ARNS[g.kind], slug: roleSlug(g.principalArn) }));
  const seen = new Map<string, string>();
  for (const g of grants) {
    const before = seen.get(g.principalArn);
    if (before) throw new Error(`${g.principalArn} is listed twice (as ${before} and ${g.kind}); EKS allows one access entry per role, keep it in one list`);
    seen.set(g.principalArn, g.kind);
  }
  // Two roles with the same name in different accounts or paths: number them.
  const slugCount = new Map<string, number>();
  return grants.map((g) => {
    const n = slugCount.get(g.slug) ?? 0;
    slugCount.set(g.slug, n + 1);
    return n === 0 ? g : { ...g, slug: `${g.slug}-${n + 1}` };
  });
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
/** Node label naming the GPU node group a node belongs to. */
export const NODE_GROUP_LABEL = "ml-platform/node-group";
/**
 * Label the NVIDIA device plugin chart's default node affinity requires. The
 * AL2023 NVIDIA AMI sets it on 1.35 too; setting it on the node group makes it
 * true from the node's first second and visible to the autoscaler at zero.
 */
export const GPU_PRESENT_LABEL = "nvidia.com/gpu.present";

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

export function gpuNodeLabels(group: Pick<GpuNodeGroupSettings, "name">): Record<string, string> {
  return { [POOL_LABEL]: "gpu", [NODE_GROUP_LABEL]: group.name, [GPU_PRESENT_LABEL]: "true" };
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

// ----------------------------------------------- Cluster Autoscaler ASG tags

export const AUTOSCALER_TAG_PREFIX = "k8s.io/cluster-autoscaler";

/**
 * Auto Scaling group tags that let the Cluster Autoscaler scale a GPU node
 * group up from zero nodes. With no node to look at, the autoscaler builds a
 * "template node" from these tags to decide whether a pending pod would fit:
 * the labels its nodeSelector needs, the taint it tolerates, and the GPUs it
 * requests. EKS does not copy node group labels and taints to the ASG.
 * (Recent autoscalers can also ask eks:DescribeNodegroup; the tags keep
 * scale-from-zero working without that call.)
 *
 * `enabled` and `<cluster>=owned` are the auto-discovery tags. EKS adds them
 * too, but the autoscaler's IAM policy (lib/iam.ts clusterAutoscalerPolicy)
 * only allows scaling groups tagged `owned`, so they are set explicitly.
 */
export function nodeTemplateTags(group: GpuNodeGroupSettings, clusterName: string): Record<string, string> {
  const template = `${AUTOSCALER_TAG_PREFIX}/node-template`;
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(gpuNodeLabels(group))) tags[`${template}/label/${key}`] = value;
  // Taint tags use Kubernetes' effect spelling: "true:NoSchedule", not NO_SCHEDULE.
  tags[`${template}/taint/${GPU_TAINT.key}`] = `${GPU_TAINT.value}:${kubernetesTaintEffect(GPU_TAINT.effect)}`;
  const gpus = gpusPerNode(group.instanceTypes);
  if (gpus !== undefined) tags[`${template}/resources/${GPU_RESOURCE}`] = String(gpus);
  tags[`${AUTOSCALER_TAG_PREFIX}/enabled`] = "true";
  tags[`${AUTOSCALER_TAG_PREFIX}/${clusterName}`] = "owned";
  return tags;
}

/** Short resource-name suffix for an autoscaler tag key ("label-ml-platform-pool", "owner"). */
export function autoscalerTagSlug(key: string, clusterName: string): string {
  const rest = key.replace(`${AUTOSCALER_TAG_PREFIX}/`, "").replace(/^node-template\//, "");
  if (rest === clusterName) return "owner";
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

export interface DevicePluginValues {
  tolerations: Toleration[];
  nodeSelector: Record<string, string>;
}

/**
 * NVIDIA device plugin values. It must tolerate the GPU taint (or it could
 * never run where the GPUs are); the nodeSelector keeps it on the GPU pool and
 * ANDs with the chart's default affinity on nvidia.com/gpu.present=true.
 */
export function devicePluginValues(): DevicePluginValues {
  return {
    tolerations: [GPU_TOLERATION, { key: "CriticalAddonsOnly", operator: "Exists" }],
    nodeSelector: { [POOL_LABEL]: "gpu" },
  };
}

export interface ClusterAutoscalerValues<T> {
  cloudProvider: "aws";
  awsRegion: string;
  autoDiscovery: { clusterName: string };
  image: { tag: string };
  rbac: { serviceAccount: { create: true; name: string; annotations: Record<string, T> } };
  extraArgs: Record<string, string | boolean>;
  nodeSelector: Record<string, string>;
  priorityClassName: string;
}

/** The service account the Cluster Autoscaler runs as (its IRSA role trusts exactly this one). */
export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = { namespace: "kube-system", name: "cluster-autoscaler" } as const;

/**
 * Cluster Autoscaler values. `roleArn` may be a Pulumi output (T), so no
 * apply is needed to build them.
 */
export function clusterAutoscalerValues<T = string>(args: { clusterName: string; region: string; roleArn: T; imageTag: string }): ClusterAutoscalerValues<T> {
  return {
    cloudProvider: "aws",
    awsRegion: args.region,
    autoDiscovery: { clusterName: args.clusterName },
    image: { tag: args.imageTag },
    rbac: {
      serviceAccount: {
        create: true,
        name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.name,
        annotations: { "eks.amazonaws.com/role-arn": args.roleArn },
      },
    },
    extraArgs: {
      // Node groups of the same shape (say, one per AZ) are kept the same size.
      "balance-similar-node-groups": true,
      // Nodes running only kube-system DaemonSets may still be removed: otherwise an idle GPU node stays forever.
      "skip-nodes-with-system-pods": false,
      // A GPU node idle for 10 minutes is removed (the GPU pool returns to 0).
      "scale-down-unneeded-time": "10m",
      "scale-down-delay-after-add": "10m",
      // Pick the node group that leaves the fewest idle CPUs/GPUs: the cheapest fit.
      expander: "least-waste",
    },
    // The autoscaler must not run on (and keep alive) a node it may remove.
    nodeSelector: systemNodeLabels(),
    priorityClassName: "system-cluster-critical",
  };
}
