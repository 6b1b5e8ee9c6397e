/**
 * Does everything pinned to the CPU system pool fit on it at its minimum
 * size? Pure arithmetic over requests (what the scheduler counts) and the
 * allocatable capacity of the pool's instance type, so the check runs at
 * config time, before any resource is declared, and tests call it directly.
 *
 * Contract: a workload is `{ name, replicas, cpuMillis,
 * memoryMiB }` with the requests of ONE replica. DaemonSets set `perNode`
 * and count once per node (their `replicas` is ignored). Every component
 * that puts pods on the system pool exports a pure function returning its
 * workloads from its settings (`trackingSystemWorkloads`, `servingSystemWorkloads`, ...).
 */
import { INSTANCE_SHAPES } from "../../lib/instance-types";

export interface SystemWorkload {
  name: string;
  /** Replicas of a Deployment/StatefulSet; ignored for `perNode` workloads. */
  replicas: number;
  /** CPU request of one replica, in millicores. */
  cpuMillis: number;
  /** Memory request of one replica, in MiB. */
  memoryMiB: number;
  /** A DaemonSet: one replica on every node of the pool. */
  perNode?: boolean;
  /** Where the figures come from (chart default, our values, a planning figure). */
  source?: string;
}

/**
 * ENIs and IPv4 addresses per ENI of the instance types the catalogue knows,
 * for the VPC CNI's max-pods formula. Source: the instance-info table the EKS
 * AL2023 node agent embeds (awslabs/amazon-eks-ami,
 * nodeadm/internal/kubelet/instance-info.jsonl, commit 81fec2e of 2026-07-23),
 * which copies EC2 DescribeInstanceTypes; checked 2026-11-23.
 */
export const ENI_LIMITS: Record<string, { enis: number; ipv4PerEni: number }> = {
  "t3.medium": { enis: 3, ipv4PerEni: 6 },
  "t3.large": { enis: 3, ipv4PerEni: 12 },
  "t3.xlarge": { enis: 4, ipv4PerEni: 15 },
  "m5.large": { enis: 3, ipv4PerEni: 10 },
  "m5.xlarge": { enis: 4, ipv4PerEni: 15 },
  "m6i.large": { enis: 3, ipv4PerEni: 10 },
  "m6i.xlarge": { enis: 4, ipv4PerEni: 15 },
  "m7i.large": { enis: 3, ipv4PerEni: 10 },
  "m7i.xlarge": { enis: 4, ipv4PerEni: 15 },
  "c6i.xlarge": { enis: 4, ipv4PerEni: 15 },
  // GPU types (same source and commit), for the GPU pools' capacity check (checkGpuPool).
  "g4dn.xlarge": { enis: 3, ipv4PerEni: 10 },
  "g4dn.2xlarge": { enis: 3, ipv4PerEni: 10 },
  "g4dn.12xlarge": { enis: 8, ipv4PerEni: 30 },
  "g5.xlarge": { enis: 4, ipv4PerEni: 15 },
  "g5.2xlarge": { enis: 4, ipv4PerEni: 15 },
  "g5.4xlarge": { enis: 8, ipv4PerEni: 30 },
  "g5.12xlarge": { enis: 15, ipv4PerEni: 50 },
  "g5.48xlarge": { enis: 7, ipv4PerEni: 50 },
  "g6.xlarge": { enis: 4, ipv4PerEni: 15 },
  "g6.2xlarge": { enis: 4, ipv4PerEni: 15 },
  "g6.12xlarge": { enis: 8, ipv4PerEni: 30 },
  "g6e.xlarge": { enis: 4, ipv4PerEni: 15 },
  "g6e.12xlarge": { enis: 10, ipv4PerEni: 30 },
  "p4d.24xlarge": { enis: 15, ipv4PerEni: 50 },
  "p5.48xlarge": { enis: 2, ipv4PerEni: 50 },
};

/**
 * Pods a node may run with the VPC CNI (no prefix delegation): ENIs x
 * (IPv4 per ENI - 1) + 2, nodeadm's `calculateStandardMaxPods` (source as
 * ENI_LIMITS). Undefined for a type the table does not list.
 */
export function maxPods(instanceType: string): number | undefined {
  const eni = ENI_LIMITS[instanceType];
  return eni ? eni.enis * (eni.ipv4PerEni - 1) + 2 : undefined;
}

/**
 * CPU the AL2023 EKS AMI reserves for the kubelet and runtime
 * (kube-reserved): 6% of the first core, 1% of the second, 0.5% of the
 * third and fourth, 0.25% of every core above four. Source: nodeadm
 * `getCPUMillicoresToReserve` (awslabs/amazon-eks-ami, commit 81fec2e), checked 2026-11-23.
 */
export function kubeReservedCpuMillis(vcpus: number): number {
  const total = vcpus * 1000;
  const bands: [from: number, to: number, basisPoints: number][] = [
    [0, 1000, 600],
    [1000, 2000, 100],
    [2000, 4000, 50],
    [4000, Number.POSITIVE_INFINITY, 25],
  ];
  let reserved = 0;
  for (const [from, to, bp] of bands) if (total > from) reserved += Math.floor(((Math.min(total, to) - from) * bp) / 10000);
  return reserved;
}

/** Memory the AL2023 EKS AMI reserves: 11 MiB per pod the node may run + 255 MiB (nodeadm `getMemoryMebibytesToReserve`, same source). */
export function kubeReservedMemoryMiB(podsPerNode: number): number {
  return 11 * podsPerNode + 255;
}

/** The kubelet's hard eviction threshold on AL2023 nodes: memory.available 100Mi (nodeadm default kubelet config, same source). */
export const EVICTION_HARD_MEMORY_MIB = 100;

/**
 * Share of an instance's nominal memory the kernel and firmware keep, so the
 * kubelet reports less than the EC2 figure. A planning figure: Karpenter's
 * default `vmMemoryOverheadPercent` (0.075) for the same gap
 * (aws/karpenter-provider-aws settings), checked 2026-11-23.
 */
export const VM_MEMORY_OVERHEAD = 0.075;

export interface NodeAllocatable {
  instanceType: string;
  cpuMillis: number;
  memoryMiB: number;
  pods: number;
}

/** What one node of `instanceType` offers to pods; undefined when the catalogue lacks its shape or ENI limits. */
export function allocatablePerNode(instanceType: string): NodeAllocatable | undefined {
  const shape = INSTANCE_SHAPES[instanceType];
  const pods = maxPods(instanceType);
  if (!shape || pods === undefined) return undefined;
  const capacityMiB = Math.floor(shape.memoryGiB * 1024 * (1 - VM_MEMORY_OVERHEAD));
  return {
    instanceType,
    cpuMillis: shape.vcpu * 1000 - kubeReservedCpuMillis(shape.vcpu),
    memoryMiB: capacityMiB - kubeReservedMemoryMiB(pods) - EVICTION_HARD_MEMORY_MIB,
    pods,
  };
}

export interface PoolShape {
  /** The pool's instance types; the smallest (by allocatable CPU, then memory) is what a node is assumed to be. */
  instanceTypes: string[];
  /** Nodes the pool is guaranteed to have: its minimum size. */
  nodes: number;
}

export interface CapacityReport {
  fits: boolean;
  nodes: number;
  node?: NodeAllocatable;
  requested: { cpuMillis: number; memoryMiB: number; pods: number };
  allocatable: { cpuMillis: number; memoryMiB: number; pods: number };
  /** Human-readable reasons it does not fit (empty when it fits). */
  problems: string[];
  workloads: SystemWorkload[];
}

const fmtCpu = (m: number) => `${m.toLocaleString("en-US")}m CPU`;
const fmtMem = (m: number) => `${m.toLocaleString("en-US")} MiB`;

/** The node the check assumes: the least capable of the pool's types (a mixed pool may get it). */
function weakestNode(instanceTypes: string[]): NodeAllocatable | undefined {
  const nodes = instanceTypes.map(allocatablePerNode);
  if (nodes.some((n) => n === undefined)) return undefined;
  return (nodes as NodeAllocatable[]).sort((a, b) => a.cpuMillis - b.cpuMillis || a.memoryMiB - b.memoryMiB)[0];
}

/**
 * Sums the requests of every workload on the pool at `pool.nodes` nodes and
 * compares them with what those nodes offer. Beyond the totals it checks
 * that each pod fits on one node next to the DaemonSets, and that one extra
 * replica of the largest Deployment still fits: a rolling update creates it
 * before it removes an old one.
 */
export function checkSystemPool(pool: PoolShape, workloads: SystemWorkload[]): CapacityReport {
  const node = weakestNode(pool.instanceTypes);
  const requested = { cpuMillis: 0, memoryMiB: 0, pods: 0 };
  for (const w of workloads) {
    const count = w.perNode ? pool.nodes : w.replicas;
    requested.cpuMillis += count * w.cpuMillis;
    requested.memoryMiB += count * w.memoryMiB;
    requested.pods += count;
  }
  if (!node) {
    return {
      fits: false,
      nodes: pool.nodes,
      requested,
      allocatable: { cpuMillis: 0, memoryMiB: 0, pods: 0 },
      problems: [`no allocatable figures for ${pool.instanceTypes.join(", ")} in lib/instance-types.ts and components/compute/capacity.ts (ENI_LIMITS)`],
      workloads,
    };
  }
  const allocatable = { cpuMillis: node.cpuMillis * pool.nodes, memoryMiB: node.memoryMiB * pool.nodes, pods: node.pods * pool.nodes };
  const problems: string[] = [];
  if (requested.cpuMillis > allocatable.cpuMillis)
    problems.push(
      `CPU requests ${fmtCpu(requested.cpuMillis)} exceed the ${fmtCpu(allocatable.cpuMillis)} allocatable on ${pool.nodes} x ${node.instanceType}`,
    );
  if (requested.memoryMiB > allocatable.memoryMiB)
    problems.push(
      `memory requests ${fmtMem(requested.memoryMiB)} exceed the ${fmtMem(allocatable.memoryMiB)} allocatable on ${pool.nodes} x ${node.instanceType}`,
    );
  if (requested.pods > allocatable.pods)
    problems.push(`${requested.pods} pods exceed the ${allocatable.pods} pod slots of ${pool.nodes} x ${node.instanceType}`);

  const perNode = workloads.filter((w) => w.perNode);
  const dsCpu = perNode.reduce((s, w) => s + w.cpuMillis, 0);
  const dsMem = perNode.reduce((s, w) => s + w.memoryMiB, 0);
  const replicated = workloads.filter((w) => !w.perNode && w.replicas > 0);
  for (const w of replicated) {
    if (w.cpuMillis + dsCpu > node.cpuMillis || w.memoryMiB + dsMem > node.memoryMiB)
      problems.push(`one ${w.name} pod (${fmtCpu(w.cpuMillis)}, ${fmtMem(w.memoryMiB)}) does not fit on a ${node.instanceType} next to the DaemonSets`);
  }
  const largest = [...replicated].sort((a, b) => b.cpuMillis + b.memoryMiB - (a.cpuMillis + a.memoryMiB))[0];
  if (largest && problems.length === 0) {
    const freeCpu = allocatable.cpuMillis - requested.cpuMillis;
    const freeMem = allocatable.memoryMiB - requested.memoryMiB;
    if (largest.cpuMillis > freeCpu || largest.memoryMiB > freeMem)
      problems.push(`no room for the extra ${largest.name} pod a rolling update starts (${fmtCpu(freeCpu)} and ${fmtMem(freeMem)} free)`);
  }
  return { fits: problems.length === 0, nodes: pool.nodes, node, requested, allocatable, problems, workloads };
}

/** The fewest nodes (from `pool.nodes` up to `limit`) at which the workloads fit, or undefined. */
export function nodesNeeded(pool: PoolShape, workloads: SystemWorkload[], limit = 20): number | undefined {
  for (let n = Math.max(1, pool.nodes); n <= limit; n++) if (checkSystemPool({ ...pool, nodes: n }, workloads).fits) return n;
  return undefined;
}

// ------------------------------------------------------------------ GPU pools

/**
 * A workload that runs on a GPU pool: `replicas` pods, each with the GPUs,
 * CPU and memory it requests. `replicas` is what `pulumi up` waits for (a
 * Deployment's replicas, or its autoscaler's minimum).
 */
export interface GpuWorkload {
  name: string;
  replicas: number;
  gpus: number;
  cpuMillis: number;
  memoryMiB: number;
  /** Where the figures come from. */
  source?: string;
}

export interface GpuPoolShape {
  /** The pool's name (cluster.gpuNodeGroups[].name). */
  name: string;
  /** Its instance types; the least capable is what a node is assumed to be. */
  instanceTypes: string[];
  /** Nodes the pool has during the run: its minimum where nothing autoscales, its maximum where the Cluster Autoscaler runs. */
  nodes: number;
}

/** What one GPU node offers the GPU workloads once the DaemonSets on it are placed. */
export interface GpuNodeRoom {
  instanceType: string;
  gpus: number;
  cpuMillis: number;
  memoryMiB: number;
  pods: number;
}

export interface GpuPoolReport {
  pool: string;
  fits: boolean;
  nodes: number;
  node?: GpuNodeRoom;
  /** Pods placed on each node, in placement order. */
  placement: string[][];
  problems: string[];
  workloads: GpuWorkload[];
}

/** The GPU node the check assumes: the least capable type of the pool (fewest GPUs, then CPU, then memory), after its DaemonSets. */
export function gpuNodeRoom(instanceTypes: string[], daemonSets: SystemWorkload[]): GpuNodeRoom | undefined {
  const nodes = instanceTypes.map((t) => ({ t, a: allocatablePerNode(t), gpus: INSTANCE_SHAPES[t]?.gpus ?? 0 }));
  if (!nodes.length || nodes.some((n) => !n.a)) return undefined;
  const weakest = nodes.sort((x, y) => x.gpus - y.gpus || x.a!.cpuMillis - y.a!.cpuMillis || x.a!.memoryMiB - y.a!.memoryMiB)[0]!;
  const ds = daemonSets.filter((w) => w.perNode);
  return {
    instanceType: weakest.t,
    gpus: weakest.gpus,
    cpuMillis: weakest.a!.cpuMillis - ds.reduce((sum, w) => sum + w.cpuMillis, 0),
    memoryMiB: weakest.a!.memoryMiB - ds.reduce((sum, w) => sum + w.memoryMiB, 0),
    pods: weakest.a!.pods - ds.length,
  };
}

const describePod = (w: GpuWorkload) => `${w.gpus} GPU, ${fmtCpu(w.cpuMillis)}, ${fmtMem(w.memoryMiB)}`;

/**
 * Can every pod of the GPU workloads be scheduled on `pool.nodes` nodes of
 * the pool, each offering what its least capable instance type has left
 * after the DaemonSets that run on every GPU node? Places pods first-fit,
 * largest first (GPUs, then CPU, then memory), as a scheduler with that many
 * empty nodes could. Pure.
 */
export function checkGpuPool(pool: GpuPoolShape, daemonSets: SystemWorkload[], workloads: GpuWorkload[]): GpuPoolReport {
  const node = gpuNodeRoom(pool.instanceTypes, daemonSets);
  const base = { pool: pool.name, nodes: pool.nodes, workloads };
  if (!node)
    return {
      ...base,
      fits: false,
      placement: [],
      problems: [`no allocatable figures for ${pool.instanceTypes.join(", ")} in lib/instance-types.ts and components/compute/capacity.ts (ENI_LIMITS)`],
    };
  const problems: string[] = [];
  for (const w of workloads.filter((x) => x.replicas > 0)) {
    if (w.gpus > node.gpus || w.cpuMillis > node.cpuMillis || w.memoryMiB > node.memoryMiB)
      problems.push(
        `one ${w.name} pod (${describePod(w)}) does not fit on a ${node.instanceType}, which has ${node.gpus} GPU, ${fmtCpu(node.cpuMillis)} and ${fmtMem(node.memoryMiB)} left after its DaemonSets`,
      );
  }
  const free = Array.from({ length: pool.nodes }, () => ({ ...node }));
  const placement: string[][] = free.map(() => []);
  const pods = workloads
    .flatMap((w) => Array.from({ length: Math.max(0, w.replicas) }, () => w))
    .sort((a, b) => b.gpus - a.gpus || b.cpuMillis - a.cpuMillis || b.memoryMiB - a.memoryMiB);
  const unplaced = new Map<string, number>();
  for (const w of pods) {
    const i = free.findIndex((n) => n.gpus >= w.gpus && n.cpuMillis >= w.cpuMillis && n.memoryMiB >= w.memoryMiB && n.pods >= 1);
    if (i < 0) {
      unplaced.set(w.name, (unplaced.get(w.name) ?? 0) + 1);
      continue;
    }
    const n = free[i]!;
    n.gpus -= w.gpus;
    n.cpuMillis -= w.cpuMillis;
    n.memoryMiB -= w.memoryMiB;
    n.pods -= 1;
    placement[i]!.push(w.name);
  }
  if (problems.length === 0)
    for (const [name, count] of unplaced) {
      const w = workloads.find((x) => x.name === name)!;
      problems.push(
        `${count} of the ${w.replicas} ${name} pod(s) (${describePod(w)} each) find no room on ${pool.nodes} x ${node.instanceType}${pool.nodes === 0 ? " (the pool has no node)" : ""}`,
      );
    }
  return { ...base, fits: problems.length === 0, node, placement, problems };
}

/** The fewest nodes (from `pool.nodes` up to `limit`) on which the GPU workloads fit, or undefined when no number does. */
export function gpuNodesNeeded(pool: GpuPoolShape, daemonSets: SystemWorkload[], workloads: GpuWorkload[], limit = 64): number | undefined {
  for (let n = Math.max(0, pool.nodes); n <= limit; n++) if (checkGpuPool({ ...pool, nodes: n }, daemonSets, workloads).fits) return n;
  return undefined;
}
