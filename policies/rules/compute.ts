/**
 * GPU and compute spend: the mistakes that burn thousands of dollars a month.
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { estimateCost } from "../../cost/model";
import { HOURS_PER_MONTH, pricesFor } from "../../cost/prices";
import { isAcceleratedType, isNvidiaGpuType } from "../../lib/instance-types";
import { T, asArray, configSchema, explain, money, regionOf, withDefaults } from "./common";

type Props = Record<string, unknown>;

const instanceTypesOf = (props: Props): string[] => asArray(props.instanceTypes as string[] | undefined).filter((t) => typeof t === "string");
const isGpuNodeGroup = (props: Props) => instanceTypesOf(props).some(isAcceleratedType);
const scalingOf = (props: Props) => (props.scalingConfig ?? {}) as { minSize?: number; desiredSize?: number; maxSize?: number };

function monthlyNodePrice(instanceType: string, region: string): number | undefined {
  const hourly = pricesFor(region)?.ec2[instanceType];
  return hourly === undefined ? undefined : hourly * HOURS_PER_MONTH;
}

const ALLOWED_DEFAULTS = {
  allowedInstanceTypes: ["t3.medium", "t3.large", "m6i.large", "m7i.large", "g4dn.xlarge", "g5.xlarge", "g6.xlarge"],
};
export const allowedInstanceTypes: ResourceValidationPolicy = {
  name: "allowed-instance-types",
  description: "Node groups and EC2 instances use only the instance types the stage allows.",
  enforcementLevel: "mandatory",
  configSchema: configSchema(ALLOWED_DEFAULTS, { allowedInstanceTypes: "EC2 instance types this stage may run" }),
  validateResource: (args, report) => {
    let types: string[];
    if (args.type === T.nodeGroup) types = instanceTypesOf(args.props);
    else if (args.type === T.ec2Instance || args.type === T.launchTemplate) types = asArray(args.props.instanceType as string | undefined);
    else return;
    const { allowedInstanceTypes: allowed } = withDefaults(ALLOWED_DEFAULTS, args.getConfig);
    const region = regionOf(args.props, args.provider, "us-east-1");
    for (const t of types.filter((x) => !allowed.includes(x))) {
      const monthly = monthlyNodePrice(t, region);
      report(
        explain(
          `${args.name} uses instance type ${t}, which is not on this stage's allowlist.`,
          `${monthly === undefined ? "Its price is not in the cost model" : `One ${t} costs ${money(monthly)}/month on-demand`}; an unreviewed type is how a GPU bill jumps tenfold.`,
          `use one of ${allowed.join(", ")}, or add ${t} to allowedInstanceTypes in policies/config/<stage>.json after a cost review.`,
        ),
      );
    }
  },
};

const SIZE_DEFAULTS = { maxNodesPerGroup: 3, maxGpuNodesPerGroup: 1 };
export const nodeGroupSizeCaps: ResourceValidationPolicy = {
  name: "node-group-size-caps",
  description: "Node groups cannot scale past the stage's caps (GPU groups have their own, lower cap).",
  enforcementLevel: "mandatory",
  configSchema: configSchema(SIZE_DEFAULTS, { maxNodesPerGroup: "Largest maxSize of a CPU node group", maxGpuNodesPerGroup: "Largest maxSize of a GPU node group" }),
  validateResource: (args, report) => {
    if (args.type !== T.nodeGroup) return;
    const cfg = withDefaults(SIZE_DEFAULTS, args.getConfig);
    const gpu = isGpuNodeGroup(args.props);
    const cap = gpu ? cfg.maxGpuNodesPerGroup : cfg.maxNodesPerGroup;
    const max = scalingOf(args.props).maxSize ?? 0;
    if (max > cap) {
      const t = instanceTypesOf(args.props)[0];
      const monthly = t ? monthlyNodePrice(t, regionOf(args.props, args.provider, "us-east-1")) : undefined;
      report(
        explain(
          `${args.name} may scale to ${max} ${gpu ? "GPU " : ""}nodes; the cap is ${cap}.`,
          `${monthly === undefined ? "Every node is billed by the hour" : `At ${max} x ${t} the group costs ${money(max * monthly)}/month`}, and an autoscaler will get there on its own when pods pile up.`,
          `lower maxSize to ${cap}, or raise ${gpu ? "maxGpuNodesPerGroup" : "maxNodesPerGroup"} in policies/config/<stage>.json.`,
        ),
      );
    }
  },
};

const SPEND_DEFAULTS = { maxWorstCaseMonthlyUsdPerNodeGroup: 1000, region: "us-east-1" };
export const nodeGroupWorstCaseSpend: ResourceValidationPolicy = {
  name: "node-group-worst-case-spend",
  description: "A node group at its maximum size stays within the stage's monthly cap.",
  enforcementLevel: "mandatory",
  configSchema: configSchema(SPEND_DEFAULTS, {
    maxWorstCaseMonthlyUsdPerNodeGroup: "USD a month one node group may cost with every node running on-demand",
    region: "Region whose prices apply when the resource and its provider do not say",
  }),
  validateResource: (args, report) => {
    if (args.type !== T.nodeGroup) return;
    const cfg = withDefaults(SPEND_DEFAULTS, args.getConfig);
    const region = regionOf(args.props, args.provider, cfg.region);
    const cost = estimateCost([{ urn: args.urn, type: args.type, name: args.name, inputs: args.props }], region);
    if (cost.unpriced.length) {
      report(
        explain(
          `${args.name} cannot be priced: ${cost.unpriced[0]!.reason}.`,
          "a node group nobody can price has no spending limit anyone checked.",
          `use an instance type the cost model prices (cost/prices.ts) or add its ${region} price there with a source.`,
        ),
      );
      return;
    }
    if (cost.worstCaseMonthlyUsd > cfg.maxWorstCaseMonthlyUsdPerNodeGroup) {
      report(
        explain(
          `${args.name} costs up to ${money(cost.worstCaseMonthlyUsd)}/month at its maximum size; the cap is ${money(cfg.maxWorstCaseMonthlyUsdPerNodeGroup)}.`,
          `${cost.byResource[0]!.basis}. The autoscaler does not read budgets.`,
          "lower maxSize or pick a cheaper instance type, or raise maxWorstCaseMonthlyUsdPerNodeGroup in policies/config/<stage>.json.",
        ),
      );
    }
  },
};

export const gpuNodeGroupsTainted: ResourceValidationPolicy = {
  name: "gpu-node-groups-tainted",
  description: "GPU node groups carry the nvidia.com/gpu NoSchedule taint, so only GPU workloads land there.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== T.nodeGroup || !isGpuNodeGroup(args.props)) return;
    const taints = asArray(args.props.taints as { key?: string; effect?: string }[] | undefined);
    if (!taints.some((t) => t.key === "nvidia.com/gpu" && t.effect === "NO_SCHEDULE")) {
      report(
        explain(
          `GPU node group ${args.name} has no nvidia.com/gpu NO_SCHEDULE taint.`,
          "CPU pods then schedule onto GPU nodes and keep them from scaling down: an idle g5.xlarge is $734/month, a p4d.24xlarge $16,029.",
          'add taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }] and give GPU pods the matching toleration.',
        ),
      );
    }
  },
};

const IDLE_DEFAULTS = { maxIdleGpuNodesPerGroup: 0, region: "us-east-1" };
export const gpuNodeGroupsScaleToZero: ResourceValidationPolicy = {
  name: "gpu-node-groups-scale-to-zero",
  description: "GPU node groups scale to zero when no GPU work runs (minSize 0 unless the stage allows warm GPUs).",
  enforcementLevel: "mandatory",
  configSchema: configSchema(IDLE_DEFAULTS, {
    maxIdleGpuNodesPerGroup: "GPU nodes a group may keep running with nothing to do (its minSize)",
    region: "Region whose prices apply when the resource and its provider do not say",
  }),
  validateResource: (args, report) => {
    if (args.type !== T.nodeGroup || !isGpuNodeGroup(args.props)) return;
    const cfg = withDefaults(IDLE_DEFAULTS, args.getConfig);
    const min = scalingOf(args.props).minSize ?? 0;
    if (min > cfg.maxIdleGpuNodesPerGroup) {
      const t = instanceTypesOf(args.props)[0]!;
      const monthly = monthlyNodePrice(t, regionOf(args.props, args.provider, cfg.region));
      report(
        explain(
          `GPU node group ${args.name} keeps ${min} node(s) running even when idle (minSize ${min}; allowed ${cfg.maxIdleGpuNodesPerGroup}).`,
          `${monthly === undefined ? `Idle ${t} nodes are billed by the hour` : `That is ${money(min * monthly)}/month for GPUs that may do nothing`}.`,
          `set scalingConfig.minSize to ${cfg.maxIdleGpuNodesPerGroup} (and desiredSize with it); the autoscaler or a scheduled job starts nodes when work arrives.`,
        ),
      );
    }
  },
};

export const gpuNodeGroupsUseNvidiaAmi: ResourceValidationPolicy = {
  name: "gpu-node-groups-use-nvidia-ami",
  description: "GPU node groups boot an AMI with NVIDIA drivers (AL2023_x86_64_NVIDIA or Bottlerocket NVIDIA).",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== T.nodeGroup || !instanceTypesOf(args.props).some(isNvidiaGpuType)) return;
    const ami = String(args.props.amiType ?? "AL2023_x86_64_STANDARD");
    if (!/NVIDIA|_GPU$/.test(ami) && !args.props.launchTemplate) {
      report(
        explain(
          `GPU node group ${args.name} boots ${ami}, which has no NVIDIA driver.`,
          "the nodes start and are billed at GPU prices, but no pod can use a GPU on them.",
          'set amiType: "AL2023_x86_64_NVIDIA" (AL2_x86_64_GPU reached end of support on 2025-11-26).',
        ),
      );
    }
  },
};

const STRAY_DEFAULTS = { allowStandaloneGpuInstances: false };
export const noStandaloneGpuInstances: ResourceValidationPolicy = {
  name: "no-standalone-gpu-instances",
  description: "GPUs run in the cluster's tainted, autoscaled node groups, not as loose EC2 instances.",
  enforcementLevel: "mandatory",
  configSchema: configSchema(STRAY_DEFAULTS, { allowStandaloneGpuInstances: "Allow GPU EC2 instances outside the cluster" }),
  validateResource: (args, report) => {
    if (args.type !== T.ec2Instance && args.type !== T.launchTemplate) return;
    const t = String(args.props.instanceType ?? "");
    if (!t || !isAcceleratedType(t) || withDefaults(STRAY_DEFAULTS, args.getConfig).allowStandaloneGpuInstances) return;
    const monthly = monthlyNodePrice(t, regionOf(args.props, args.provider, "us-east-1"));
    report(
      explain(
        `${args.name} is a standalone ${t} outside the cluster.`,
        `nothing scales it down: it bills ${monthly === undefined ? "by the hour" : `${money(monthly)}/month`} until someone remembers it.`,
        "run the workload on a GPU node group (it scales to zero), or set allowStandaloneGpuInstances for a deliberate, time-boxed exception.",
      ),
    );
  },
};

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "ReplicaSet", "Job", "Pod", "CronJob", "DaemonSet"]);
type PodSpec = {
  containers?: { name?: string; resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> } }[];
  initContainers?: PodSpec["containers"];
  tolerations?: { key?: string; operator?: string; effect?: string }[];
};

/** The kind of a Kubernetes workload, from its type token ("kubernetes:apps/v1:Deployment"). */
function workloadKind(type: string): string | undefined {
  if (!type.startsWith("kubernetes:")) return undefined;
  const kind = type.split(":")[2]!;
  return WORKLOAD_KINDS.has(kind) ? kind : undefined;
}

function podSpecOf(kind: string, props: Props): PodSpec | undefined {
  const spec = props.spec as Record<string, unknown> | undefined;
  if (!spec) return undefined;
  if (kind === "Pod") return spec as PodSpec;
  if (kind === "CronJob") return ((spec.jobTemplate as { spec?: { template?: { spec?: PodSpec } } })?.spec?.template?.spec);
  return (spec.template as { spec?: PodSpec } | undefined)?.spec;
}

/** GPUs one pod asks for: the larger of its containers' sum and its largest init container. */
export function gpusPerPod(pod: PodSpec): number {
  const gpus = (c: NonNullable<PodSpec["containers"]>[number]) =>
    Number(c.resources?.limits?.["nvidia.com/gpu"] ?? c.resources?.requests?.["nvidia.com/gpu"] ?? 0) || 0;
  const main = asArray(pod.containers).reduce((sum, c) => sum + gpus(c), 0);
  const init = Math.max(0, ...asArray(pod.initContainers).map(gpus));
  return Math.max(main, init);
}

function replicasOf(kind: string, props: Props): number {
  const spec = (props.spec ?? {}) as { replicas?: number; parallelism?: number; jobTemplate?: { spec?: { parallelism?: number } } };
  if (kind === "Pod") return 1;
  if (kind === "Job") return spec.parallelism ?? 1;
  if (kind === "CronJob") return spec.jobTemplate?.spec?.parallelism ?? 1;
  return spec.replicas ?? 1;
}

const WORKLOAD_DEFAULTS = { maxGpusPerWorkload: 1 };
export const gpuWorkloadsWithinCaps: ResourceValidationPolicy = {
  name: "gpu-workloads-within-caps",
  description: "A Kubernetes workload's replicas x GPUs per pod stays within the stage's cap.",
  enforcementLevel: "mandatory",
  configSchema: configSchema(WORKLOAD_DEFAULTS, { maxGpusPerWorkload: "GPUs one workload may hold at once (replicas x GPUs per pod)" }),
  validateResource: (args, report) => {
    const kind = workloadKind(args.type);
    const pod = kind && podSpecOf(kind, args.props);
    if (!kind || !pod) return;
    const perPod = gpusPerPod(pod);
    if (perPod === 0) return;
    const cap = withDefaults(WORKLOAD_DEFAULTS, args.getConfig).maxGpusPerWorkload;
    if (kind === "DaemonSet") {
      report(
        explain(
          `DaemonSet ${args.name} requests ${perPod} GPU(s) on every node it runs on.`,
          "a GPU DaemonSet holds a GPU on each GPU node whatever the load, so no node can ever be idle.",
          "run GPU work as a Deployment or Job; keep DaemonSets (device plugin, exporters) free of GPU requests.",
        ),
      );
      return;
    }
    const total = replicasOf(kind, args.props) * perPod;
    if (total > cap) {
      report(
        explain(
          `${kind} ${args.name} holds ${total} GPUs (${replicasOf(kind, args.props)} replicas x ${perPod}); the cap is ${cap}.`,
          "each GPU is a node-sized bill: at g5.xlarge prices every GPU is about $734/month, and the autoscaler will add nodes until the pods fit.",
          `lower replicas or GPUs per pod, or raise maxGpusPerWorkload in policies/config/<stage>.json.`,
        ),
      );
    }
  },
};

export const gpuWorkloadsTolerateTaint: ResourceValidationPolicy = {
  name: "gpu-workloads-tolerate-taint",
  description: "Pods that request GPUs tolerate the nvidia.com/gpu taint of the GPU node groups.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    const kind = workloadKind(args.type);
    const pod = kind && podSpecOf(kind, args.props);
    if (!kind || !pod || gpusPerPod(pod) === 0) return;
    const tolerated = asArray(pod.tolerations).some(
      (t) => (t.key === "nvidia.com/gpu" || (t.key === undefined && t.operator === "Exists")) && (t.effect === undefined || t.effect === "NoSchedule"),
    );
    if (!tolerated) {
      report(
        explain(
          `${kind} ${args.name} requests GPUs but does not tolerate the nvidia.com/gpu NoSchedule taint.`,
          "its pods stay Pending forever: GPU nodes refuse them and no other node has GPUs.",
          'add tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }] to the pod spec.',
        ),
      );
    }
  },
};

/**
 * GPU pools are split into one node group per AZ (components/compute/gpu-node-pool.ts);
 * every group of a pool carries this label with the pool's name, so a pool is
 * summed back up by it. A group without the label is a pool of its own.
 */
const POOL_NAME_LABEL = "ml-platform/node-group";

function gpuPoolsOf(resources: PolicyResource[]): Map<string, PolicyResource[]> {
  const pools = new Map<string, PolicyResource[]>();
  for (const r of resources) {
    if (r.type !== T.nodeGroup || !isGpuNodeGroup(r.props)) continue;
    const label = (r.props.labels as Record<string, string> | undefined)?.[POOL_NAME_LABEL];
    const key = label ?? r.name;
    pools.set(key, [...(pools.get(key) ?? []), r]);
  }
  return pools;
}

const POOL_DEFAULTS = { maxGpuNodesPerPool: 1, maxWorstCaseMonthlyUsdPerPool: 1000, region: "us-east-1" };
export const gpuPoolCaps: StackValidationPolicy = {
  name: "gpu-pool-caps",
  description:
    "A GPU pool split into per-AZ node groups stays, summed over its groups (by the ml-platform/node-group label), within the stage's node and spend caps (a one-group pool is judged by node-group-size-caps and node-group-worst-case-spend).",
  enforcementLevel: "mandatory",
  configSchema: configSchema(POOL_DEFAULTS, {
    maxGpuNodesPerPool: "Largest sum of maxSize over a GPU pool's node groups",
    maxWorstCaseMonthlyUsdPerPool: "USD a month one GPU pool may cost with all its node groups at maxSize on-demand",
    region: "Region whose prices apply when no AWS provider says",
  }),
  validateStack: (args, report) => {
    const cfg = withDefaults(POOL_DEFAULTS, args.getConfig);
    const templates = args.resources.filter((r) => r.type === T.launchTemplate);
    for (const [pool, groups] of gpuPoolsOf(args.resources)) {
      if (groups.length < 2) continue; // the per-group policies already judge it, with the same figures
      const nodes = groups.reduce((sum, g) => sum + (scalingOf(g.props).maxSize ?? 0), 0);
      if (nodes > cfg.maxGpuNodesPerPool) {
        report(
          explain(
            `GPU pool ${pool} may scale to ${nodes} nodes over its ${groups.length} node group(s) (${groups.map((g) => `${g.name}: ${scalingOf(g.props).maxSize ?? 0}`).join(", ")}); the cap is ${cfg.maxGpuNodesPerPool}.`,
            "the per-AZ groups of a pool scale independently; their maximums add up, and so do their bills.",
            `lower the pool's maxSize (it is split over the AZs), or raise maxGpuNodesPerPool in policies/config/<stage>.json.`,
          ),
          groups[0]!.urn,
        );
      }
      const region = regionOf(groups[0]!.props, groups[0]!.provider, cfg.region);
      const cost = estimateCost([...groups, ...templates].map((r) => ({ urn: r.urn, type: r.type, name: r.name, inputs: r.props })), region);
      if (!cost.unpriced.length && cost.worstCaseMonthlyUsd > cfg.maxWorstCaseMonthlyUsdPerPool) {
        report(
          explain(
            `GPU pool ${pool} costs up to ${money(cost.worstCaseMonthlyUsd)}/month with all its node groups at their maximum; the cap is ${money(cfg.maxWorstCaseMonthlyUsdPerPool)}.`,
            `per node group: ${[...new Set(cost.byResource.map((l) => l.basis))].join("; ")}. The autoscaler does not read budgets.`,
            "lower the pool's maxSize or pick a cheaper instance type, or raise maxWorstCaseMonthlyUsdPerPool in policies/config/<stage>.json.",
          ),
          groups[0]!.urn,
        );
      }
    }
  },
};

export const computePolicies = [
  allowedInstanceTypes,
  nodeGroupSizeCaps,
  nodeGroupWorstCaseSpend,
  gpuNodeGroupsTainted,
  gpuNodeGroupsScaleToZero,
  gpuNodeGroupsUseNvidiaAmi,
  noStandaloneGpuInstances,
  gpuWorkloadsWithinCaps,
  gpuWorkloadsTolerateTaint,
  gpuPoolCaps,
];

