/**
 * GPU and compute spend: the mistakes that burn thousands of dollars a month.
 *
 * GPU facts (the taint, the resource name, the pool labels) come from
 * components/compute/labels.ts and prices from cost/prices.ts: no policy restates them.
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { estimateCost, gpusHeldAtMinimum } from "../../cost/model";
import { HOURS_PER_MONTH, PRICES, pricesFor } from "../../cost/prices";
import { GPU_RESOURCE, GPU_TAINT, NODE_GROUP_LABEL, POOL_LABEL, kubernetesTaintEffect } from "../../components/compute/labels";
import { gpusPerInstance, isAcceleratedType, isNvidiaGpuType } from "../../lib/instance-types";
import { Limits, StageConfig, limitsFor, statedStage } from "../stages";
import { T, asArray, configSchema, explain, limitSchema, money, regionOf, resourceLimits, stackLimits, withDefaults } from "./common";

type Props = Record<string, unknown>;

const instanceTypesOf = (props: Props): string[] => asArray(props.instanceTypes as string[] | undefined).filter((t) => typeof t === "string");
const isGpuNodeGroup = (props: Props) => instanceTypesOf(props).some(isAcceleratedType);
const scalingOf = (props: Props) => (props.scalingConfig ?? {}) as { minSize?: number; desiredSize?: number; maxSize?: number };

function monthlyNodePrice(instanceType: string, region: string | undefined): number | undefined {
  const hourly = region === undefined ? undefined : pricesFor(region)?.ec2[instanceType];
  return hourly === undefined ? undefined : hourly * HOURS_PER_MONTH;
}

/** The cheapest GPU the price table knows, per GPU and month: what any GPU a workload holds costs at least. */
function cheapestGpu(): { type: string; region: string; monthly: number } | undefined {
  let best: { type: string; region: string; monthly: number } | undefined;
  for (const table of Object.values(PRICES)) {
    for (const [type, hourly] of Object.entries(table.ec2)) {
      const gpus = gpusPerInstance(type);
      if (!gpus || !isNvidiaGpuType(type)) continue;
      const monthly = (hourly * HOURS_PER_MONTH) / gpus;
      if (!best || monthly < best.monthly) best = { type, region: table.region, monthly };
    }
  }
  return best;
}

export const allowedInstanceTypes: ResourceValidationPolicy = {
  name: "allowed-instance-types",
  description: "Node groups and EC2 instances use only the instance types the stage allows.",
  enforcementLevel: "mandatory",
  configSchema: limitSchema("allowed-instance-types", { allowedInstanceTypes: "EC2 instance types this stage may run" }),
  validateResource: (args, report) => {
    let types: string[];
    if (args.type === T.nodeGroup) types = instanceTypesOf(args.props);
    else if (args.type === T.ec2Instance || args.type === T.launchTemplate) types = asArray(args.props.instanceType as string | undefined);
    else return;
    const { limits, source } = resourceLimits("allowed-instance-types", args);
    const region = regionOf(args.props, args.provider);
    for (const t of types.filter((x) => !limits.allowedInstanceTypes.includes(x))) {
      const monthly = monthlyNodePrice(t, region);
      report(
        explain(
          `${args.name} uses instance type ${t}, which is not on the allowlist (${source}).`,
          `${monthly === undefined ? "Its price is not in the cost model" : `One ${t} costs ${money(monthly)}/month on-demand`}; an unreviewed type is how a GPU bill jumps tenfold.`,
          `use one of ${limits.allowedInstanceTypes.join(", ")}, or add ${t} to allowedInstanceTypes in your --policy-pack-config file after a cost review.`,
        ),
      );
    }
  },
};

/**
 * Node groups of one pool. The cluster splits a pool into one EKS node group
 * per AZ, all labelled with the pool's name, their maxSizes summing to the
 * pool's cap: caps and spend apply to that sum. A group without the label is
 * a pool of its own.
 */
interface Pool {
  name: string;
  groups: PolicyResource[];
  gpu: boolean;
  maxSize: number;
  minSize: number;
}

export function nodePools(resources: PolicyResource[]): Pool[] {
  const pools = new Map<string, Pool>();
  for (const r of resources.filter((x) => x.type === T.nodeGroup)) {
    const labels = (r.props.labels ?? {}) as Record<string, unknown>;
    const poolName = labels[NODE_GROUP_LABEL] ?? (labels[POOL_LABEL] === "system" ? "system" : undefined);
    const key = typeof poolName === "string" ? `pool:${poolName}` : r.urn;
    const pool = pools.get(key) ?? { name: typeof poolName === "string" ? `pool ${poolName}` : r.name, groups: [], gpu: false, maxSize: 0, minSize: 0 };
    pool.groups.push(r);
    pool.gpu ||= isGpuNodeGroup(r.props);
    pool.maxSize += scalingOf(r.props).maxSize ?? 0;
    pool.minSize += scalingOf(r.props).minSize ?? 0;
    pools.set(key, pool);
  }
  return [...pools.values()];
}

const poolWhat = (pool: Pool) =>
  pool.groups.length > 1 ? `${pool.name} (${pool.groups.length} node groups: ${pool.groups.map((g) => g.name).join(", ")})` : pool.groups[0]!.name;

export const nodeGroupSizeCaps: StackValidationPolicy = {
  name: "node-group-size-caps",
  description: "Node groups cannot scale past the stage's caps (GPU groups have their own, lower cap); a pool split across AZs counts as one group.",
  enforcementLevel: "mandatory",
  configSchema: limitSchema("node-group-size-caps", {
    maxNodesPerGroup: "Largest maxSize of a CPU node group (summed over a pool's per-AZ groups)",
    maxGpuNodesPerGroup: "Largest maxSize of a GPU node group (summed over a pool's per-AZ groups)",
  }),
  validateStack: (args, report) => {
    for (const pool of nodePools(args.resources)) {
      const { limits, source } = stackLimits("node-group-size-caps", pool.groups, args.getConfig, args.resources);
      const cap = pool.gpu ? limits.maxGpuNodesPerGroup : limits.maxNodesPerGroup;
      if (pool.maxSize <= cap) continue;
      const first = pool.groups[0]!;
      const t = instanceTypesOf(first.props)[0];
      const monthly = t ? monthlyNodePrice(t, regionOf(first.props, first.provider)) : undefined;
      report(
        explain(
          `${poolWhat(pool)} may scale to ${pool.maxSize} ${pool.gpu ? "GPU " : ""}nodes; the cap is ${cap} (${source}).`,
          `${monthly === undefined ? "Every node is billed by the hour" : `At ${pool.maxSize} x ${t} it costs ${money(pool.maxSize * monthly)}/month`}, and an autoscaler will get there on its own when pods pile up.`,
          `lower maxSize to ${cap} in all, or raise ${pool.gpu ? "maxGpuNodesPerGroup" : "maxNodesPerGroup"} in your --policy-pack-config file.`,
        ),
        first.urn,
      );
    }
  },
};

export const nodeGroupWorstCaseSpend: StackValidationPolicy = {
  name: "node-group-worst-case-spend",
  description: "A node group (a pool split across AZs counts as one) at its maximum size stays within the stage's monthly cap.",
  enforcementLevel: "mandatory",
  configSchema: limitSchema(
    "node-group-worst-case-spend",
    { maxWorstCaseMonthlyUsdPerNodeGroup: "USD a month one node group may cost with every node running on-demand" },
    { region: true },
  ),
  validateStack: (args, report) => {
    const configured = args.getConfig<{ region?: string }>().region;
    const templates = args.resources.filter((r) => r.type === T.launchTemplate);
    for (const pool of nodePools(args.resources)) {
      const { limits, source } = stackLimits("node-group-worst-case-spend", pool.groups, args.getConfig, args.resources);
      const first = pool.groups[0]!;
      // The stack's launch templates come along: a node group's root volume is priced from the template it names.
      const cost = estimateCost(
        [...pool.groups, ...templates].map((g) => ({ urn: g.urn, type: g.type, name: g.name, inputs: g.props })),
        regionOf(first.props, first.provider, configured) ?? "unknown",
      );
      // An unpriced group is cost-fully-priced's (advisory) finding; the size caps still hold.
      if (cost.unpriced.length || cost.worstCaseMonthlyUsd <= limits.maxWorstCaseMonthlyUsdPerNodeGroup) continue;
      report(
        explain(
          `${poolWhat(pool)} costs up to ${money(cost.worstCaseMonthlyUsd)}/month at its maximum size; the cap is ${money(limits.maxWorstCaseMonthlyUsdPerNodeGroup)} (${source}).`,
          `${[...new Set(cost.byResource.map((l) => l.basis))].join("; ")}. The autoscaler does not read budgets.`,
          "lower maxSize or pick a cheaper instance type, or raise maxWorstCaseMonthlyUsdPerNodeGroup in your --policy-pack-config file.",
        ),
        first.urn,
      );
    }
  },
};

export const gpuNodeGroupsTainted: ResourceValidationPolicy = {
  name: "gpu-node-groups-tainted",
  description: `GPU node groups carry the ${GPU_TAINT.key} ${GPU_TAINT.effect} taint, so only GPU workloads land there.`,
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== T.nodeGroup || !isGpuNodeGroup(args.props)) return;
    const taints = asArray(args.props.taints as { key?: string; effect?: string }[] | undefined);
    if (!taints.some((t) => t.key === GPU_TAINT.key && t.effect === GPU_TAINT.effect)) {
      const t = instanceTypesOf(args.props)[0]!;
      const monthly = monthlyNodePrice(t, regionOf(args.props, args.provider));
      report(
        explain(
          `GPU node group ${args.name} has no ${GPU_TAINT.key} ${GPU_TAINT.effect} taint.`,
          `CPU pods then schedule onto GPU nodes and keep them from scaling down: ${monthly === undefined ? `an idle ${t} is billed by the hour` : `an idle ${t} costs ${money(monthly)}/month`}.`,
          `add taints: [${JSON.stringify(GPU_TAINT)}] and give GPU pods the matching toleration.`,
        ),
      );
    }
  },
};

/**
 * A stack policy: a GPU pool's minimum may keep nodes for the GPU workloads
 * that select it (at MVP, where nothing autoscales, the pool is sized to the
 * models it serves: components/compute/capacity.ts checkGpuPool), never
 * beyond them. Workloads count at their minimum (replicas, or the
 * autoscaler's minReplicas), as the cost model's idle-GPU figure does.
 */
export const gpuNodeGroupsScaleToZero: StackValidationPolicy = {
  name: "gpu-node-groups-scale-to-zero",
  description: "GPU node groups scale to zero when no GPU work runs: minSize keeps no GPU node beyond what the GPU workloads on the pool request.",
  enforcementLevel: "mandatory",
  configSchema: limitSchema(
    "gpu-node-groups-scale-to-zero",
    { maxIdleGpuNodesPerGroup: "GPU nodes a pool may keep running with nothing to do (its minSize beyond the GPU workloads on it)" },
    { region: true },
  ),
  validateStack: (args, report) => {
    const held = gpusHeldAtMinimum(args.resources.map((r) => ({ type: r.type, name: r.name, inputs: r.props })));
    for (const pool of nodePools(args.resources).filter((p) => p.gpu)) {
      const first = pool.groups[0]!;
      const t = instanceTypesOf(first.props)[0]!;
      const perNode = gpusPerInstance(t) || 1;
      const label = ((first.props.labels ?? {}) as Record<string, unknown>)[NODE_GROUP_LABEL];
      const working = Math.min(pool.minSize, Math.ceil((typeof label === "string" ? (held.get(label) ?? 0) : 0) / perNode));
      const idle = pool.minSize - working;
      const { limits, source } = stackLimits("gpu-node-groups-scale-to-zero", pool.groups, args.getConfig);
      if (idle <= limits.maxIdleGpuNodesPerGroup) continue;
      const monthly = monthlyNodePrice(t, regionOf(first.props, first.provider, args.getConfig<{ region?: string }>().region));
      report(
        explain(
          `GPU ${poolWhat(pool)} keeps ${idle} node(s) running even when idle (minSize ${pool.minSize}, ${working} of them for the GPU workloads on it; allowed ${limits.maxIdleGpuNodesPerGroup}, ${source}).`,
          `${monthly === undefined ? `Idle ${t} nodes are billed by the hour` : `That is ${money(idle * monthly)}/month for GPUs that may do nothing`}.`,
          `set scalingConfig.minSize to ${working + limits.maxIdleGpuNodesPerGroup} (and desiredSize with it); the autoscaler or a scheduled job starts nodes when work arrives.`,
        ),
        first.urn,
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
const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const SCHEDULE = "aws:scheduler/schedule:Schedule";

/**
 * Whether something in the stack stops this instance on its own: a CloudWatch
 * alarm whose action is the EC2 stop (or terminate) action on it (the classic
 * idle-CPU auto-stop), or an EventBridge Scheduler schedule calling
 * ec2:stopInstances with it. Matched through the engine's property
 * dependencies, or the instance's name in the alarm's InstanceId dimension.
 */
function hasStopSchedule(instance: PolicyResource, resources: PolicyResource[]): boolean {
  const dependsOn = (r: PolicyResource, key: string) => asArray(r.propertyDependencies?.[key]).some((d) => d.urn === instance.urn);
  return resources.some((r) => {
    if (r.type === METRIC_ALARM) {
      const stops = asArray(r.props.alarmActions as string[] | undefined).some((a) => /^arn:aws[\w-]*:automate:[\w-]+:ec2:(stop|terminate)$/.test(String(a)));
      const dims = (r.props.dimensions ?? {}) as Record<string, unknown>;
      return stops && (dependsOn(r, "dimensions") || dims.InstanceId === instance.props.id || dims.InstanceId === instance.name);
    }
    if (r.type === SCHEDULE) {
      const target = (r.props.target ?? {}) as { arn?: string; input?: string };
      return /ec2:stopInstances$/.test(String(target.arn ?? "")) && (dependsOn(r, "target") || String(target.input ?? "").includes(instance.name));
    }
    return false;
  });
}

export const noStandaloneGpuInstances: StackValidationPolicy = {
  name: "no-standalone-gpu-instances",
  description:
    "GPUs run in the cluster's tainted, autoscaled node groups; a loose GPU EC2 instance needs something that stops it (an idle alarm's EC2 stop action, or a stop schedule).",
  enforcementLevel: "mandatory",
  configSchema: configSchema(STRAY_DEFAULTS, { allowStandaloneGpuInstances: "Allow GPU EC2 instances outside the cluster even with nothing to stop them" }),
  validateStack: (args, report) => {
    if (withDefaults(STRAY_DEFAULTS, args.getConfig).allowStandaloneGpuInstances) return;
    for (const r of args.resources) {
      if (r.type !== T.ec2Instance && r.type !== T.launchTemplate) continue;
      const t = String(r.props.instanceType ?? "");
      if (!t || !isAcceleratedType(t)) continue;
      if (r.type === T.ec2Instance && hasStopSchedule(r, args.resources)) continue;
      const monthly = monthlyNodePrice(t, regionOf(r.props, r.provider));
      report(
        explain(
          `${r.name} is a standalone ${t} outside the cluster, and nothing stops it.`,
          `it bills ${monthly === undefined ? "by the hour" : `${money(monthly)}/month`} until someone remembers it: a GPU box left on over a weekend costs ${monthly === undefined ? "hundreds" : money((monthly / 730) * 60)}.`,
          "run the workload on a GPU node group (it scales to zero); or give the instance an auto-stop: a CloudWatch alarm on low CPUUtilization with the EC2 stop action (arn:aws:automate:<region>:ec2:stop), or an EventBridge Scheduler schedule calling ec2:stopInstances every evening; or set allowStandaloneGpuInstances for a deliberate, time-boxed exception.",
        ),
        r.urn,
      );
    }
  },
};

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "ReplicaSet", "Job", "Pod", "CronJob", "DaemonSet"]);
export type PodSpec = {
  containers?: { name?: string; resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> } }[];
  initContainers?: PodSpec["containers"];
  tolerations?: { key?: string; operator?: string; effect?: string }[];
};

/** The kind of a Kubernetes workload, from its type token ("kubernetes:apps/v1:Deployment"). */
export function workloadKind(type: string): string | undefined {
  if (!type.startsWith("kubernetes:")) return undefined;
  const kind = type.split(":")[2]!;
  return WORKLOAD_KINDS.has(kind) ? kind : undefined;
}

export function podSpecOf(kind: string, props: Props): PodSpec | undefined {
  const spec = props.spec as Record<string, unknown> | undefined;
  if (!spec) return undefined;
  if (kind === "Pod") return spec as PodSpec;
  if (kind === "CronJob") return (spec.jobTemplate as { spec?: { template?: { spec?: PodSpec } } })?.spec?.template?.spec;
  return (spec.template as { spec?: PodSpec } | undefined)?.spec;
}

/** GPUs one pod asks for: the larger of its containers' sum and its largest init container. */
export function gpusPerPod(pod: PodSpec): number {
  const gpus = (c: NonNullable<PodSpec["containers"]>[number]) =>
    Number(c.resources?.limits?.[GPU_RESOURCE] ?? c.resources?.requests?.[GPU_RESOURCE] ?? 0) || 0;
  const main = asArray(pod.containers).reduce((sum, c) => sum + gpus(c), 0);
  const init = Math.max(0, ...asArray(pod.initContainers).map(gpus));
  return Math.max(main, init);
}

export function replicasOf(kind: string, props: Props): number {
  const spec = (props.spec ?? {}) as { replicas?: number; parallelism?: number; jobTemplate?: { spec?: { parallelism?: number } } };
  if (kind === "Pod") return 1;
  if (kind === "Job") return spec.parallelism ?? 1;
  if (kind === "CronJob") return spec.jobTemplate?.spec?.parallelism ?? 1;
  return spec.replicas ?? 1;
}

/** What holding GPUs costs, from the price table (for messages). */
export function gpuBill(): string {
  const cheapest = cheapestGpu();
  return cheapest
    ? `each GPU held keeps a GPU node running: at least ${money(cheapest.monthly)}/month (${cheapest.type} in ${cheapest.region}, the cheapest GPU the cost model prices), and the autoscaler adds nodes until the pods fit`
    : "each GPU held keeps a GPU node running, and the autoscaler adds nodes until the pods fit";
}

/**
 * A stack policy, so that an object without the ml-platform/stage label
 * takes the stage the stack's other resources state (Kubernetes objects
 * carry no AWS tags); with no stage anywhere, the config's stage, else NO_STAGE_LIMITS (policies/stages.ts).
 */
export const gpuWorkloadsWithinCaps: StackValidationPolicy = {
  name: "gpu-workloads-within-caps",
  description: "A Kubernetes workload's replicas x GPUs per pod stays within the stage's cap (its ml-platform/stage label, else the stack's stage).",
  enforcementLevel: "mandatory",
  configSchema: limitSchema("gpu-workloads-within-caps", { maxGpusPerWorkload: "GPUs one workload may hold at once (replicas x GPUs per pod)" }),
  validateStack: (args, report) => {
    const stackStages = args.resources.map((r) => statedStage(r.type, r.props, r.provider)).filter((s) => s !== undefined);
    for (const r of args.resources) {
      const kind = workloadKind(r.type);
      const pod = kind && podSpecOf(kind, r.props);
      if (!kind || !pod) continue;
      const perPod = gpusPerPod(pod);
      if (perPod === 0) continue;
      if (kind === "DaemonSet") {
        report(
          explain(
            `DaemonSet ${r.name} requests ${perPod} GPU(s) on every node it runs on.`,
            "a GPU DaemonSet holds a GPU on each GPU node whatever the load, so no node can ever be idle.",
            "run GPU work as a Deployment or Job; keep DaemonSets (device plugin, exporters) free of GPU requests.",
          ),
          r.urn,
        );
        continue;
      }
      const own = statedStage(r.type, r.props);
      const { limits, source } = limitsFor(
        "gpu-workloads-within-caps",
        own !== undefined ? [own] : stackStages,
        args.getConfig<Partial<Limits["gpu-workloads-within-caps"]> & StageConfig>(),
      );
      const total = replicasOf(kind, r.props) * perPod;
      if (total > limits.maxGpusPerWorkload) {
        report(
          explain(
            `${kind} ${r.name} holds ${total} GPUs (${replicasOf(kind, r.props)} replicas x ${perPod}); the cap is ${limits.maxGpusPerWorkload} (${source}${own === undefined ? ", from the stack's stage" : ""}).`,
            `${gpuBill()}.`,
            "lower replicas or GPUs per pod, or raise maxGpusPerWorkload in your --policy-pack-config file.",
          ),
          r.urn,
        );
      }
    }
  },
};

const GPU_TAINT_EFFECT = kubernetesTaintEffect(GPU_TAINT.effect);

export const gpuWorkloadsTolerateTaint: ResourceValidationPolicy = {
  name: "gpu-workloads-tolerate-taint",
  description: `Pods that request GPUs tolerate the ${GPU_TAINT.key} taint of the GPU node groups.`,
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    const kind = workloadKind(args.type);
    const pod = kind && podSpecOf(kind, args.props);
    if (!kind || !pod || gpusPerPod(pod) === 0) return;
    const tolerated = asArray(pod.tolerations).some(
      (t) => (t.key === GPU_TAINT.key || (t.key === undefined && t.operator === "Exists")) && (t.effect === undefined || t.effect === GPU_TAINT_EFFECT),
    );
    if (!tolerated) {
      report(
        explain(
          `${kind} ${args.name} requests GPUs but does not tolerate the ${GPU_TAINT.key} ${GPU_TAINT_EFFECT} taint.`,
          "its pods stay Pending forever: GPU nodes refuse them and no other node has GPUs.",
          `add tolerations: [{ key: "${GPU_TAINT.key}", operator: "Exists", effect: "${GPU_TAINT_EFFECT}" }] to the pod spec (GPU_TOLERATION in components/compute/labels.ts).`,
        ),
      );
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
];
