import { GPU_RESOURCE, NODE_GROUP_LABEL } from "../components/compute/labels";
import { gpusPerInstance, isAcceleratedType } from "../lib/instance-types";
import { PLANNED_INGEST_GB_TAG, PLANNED_STORAGE_GB_TAG, plannedGbOf } from "../lib/tags";
import { kubePrometheusStackVolumes } from "../components/monitoring/values";
import { HOURS_PER_MONTH, PRICES, RegionPrices, SPOT_PRICE_FACTOR, pricesFor } from "./prices";
import { OPERATIONS_FREE_TYPES, priceOperations } from "./operations";
import type { CostInput, Outcome, UsageAssumptions } from "./rule";
import { helmChartName } from "../lib/versions";

/** The monthly cost of one priced resource, and how it was computed. */
export interface CostLine {
  urn: string;
  type: string;
  name: string;
  component?: string;
  expectedMonthlyUsd: number;
  worstCaseMonthlyUsd: number;
  /** Monthly cost of GPU capacity kept running with no GPU work (node group minimums). */
  idleGpuMonthlyUsd: number;
  /** How the figure was computed, in words a reviewer can check. */
  basis: string;
}

/** A resource the cost model has no price for, and why; never counted as $0. */
export interface UnpricedItem {
  urn: string;
  type: string;
  name: string;
  reason: string;
}

/** A resource billed by traffic or volume: its rate, listed apart from the monthly totals. */
export interface UsageItem {
  urn: string;
  type: string;
  name: string;
  /** The rate that applies to traffic or volume, e.g. "$0.045 per GB processed". */
  rate: string;
}

/** A month of the declared resources: expected and worst case totals, by resource and by component, and what could not be priced. */
export interface CostReport {
  region: string;
  priceTableAsOf?: string;
  expectedMonthlyUsd: number;
  worstCaseMonthlyUsd: number;
  idleGpuMonthlyUsd: number;
  byResource: CostLine[];
  byComponent: { component: string; expectedMonthlyUsd: number; worstCaseMonthlyUsd: number }[];
  unpriced: UnpricedItem[];
  usageBased: UsageItem[];
  /** Resource types that AWS does not charge for (IAM, subnets, S3 settings, ...): counted as $0 on purpose. */
  freeResources: number;
}

const FREE_TYPES = new Set([
  "aws:ec2/vpc:Vpc",
  "aws:ec2/subnet:Subnet",
  "aws:ec2/routeTable:RouteTable",
  "aws:ec2/routeTableAssociation:RouteTableAssociation",
  "aws:ec2/route:Route",
  "aws:ec2/internetGateway:InternetGateway",
  "aws:ec2/securityGroup:SecurityGroup",
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  "aws:ec2/securityGroupRule:SecurityGroupRule",
  "aws:ec2/flowLog:FlowLog",
  "aws:iam/role:Role",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/policy:Policy",
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
  "aws:iam/instanceProfile:InstanceProfile",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketVersioning:BucketVersioning",
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  "aws:s3/bucketPolicy:BucketPolicy",
  "aws:ecr/lifecyclePolicy:LifecyclePolicy",
  "aws:ecr/repositoryPolicy:RepositoryPolicy",
  "aws:rds/subnetGroup:SubnetGroup",
  "aws:rds/parameterGroup:ParameterGroup",
  "aws:secretsmanager/secretVersion:SecretVersion",
  "aws:kms/alias:Alias",
  "aws:eks/addon:Addon",
  "aws:eks/accessEntry:AccessEntry",
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
  "aws:eks/podIdentityAssociation:PodIdentityAssociation",
  "aws:autoscaling/tag:Tag",
  "aws:ec2/launchTemplate:LaunchTemplate",
  "random:index/randomPassword:RandomPassword",
  "random:index/randomId:RandomId",
  "random:index/randomString:RandomString",
  "random:index/randomId:RandomId",
  ...OPERATIONS_FREE_TYPES,
]);

const monthly = (perHour: number) => perHour * HOURS_PER_MONTH;
/** "$0.045", "$0.10", "$1.006": as many decimals as the price has, at least two. */
const usd = (n: number) => `$${n >= 1 ? n.toFixed(2) : n.toFixed(4).replace(/0{1,2}$/, "")}`;
const num = (v: unknown, fallback: number): number => (typeof v === "number" && Number.isFinite(v) ? v : fallback);

/**
 * Root volume size (GB) of a node group. With a launch template (every node
 * group this platform declares), EKS refuses `diskSize` and the size is the
 * template's first block device mapping; the node group names its template,
 * and `launchTemplates` holds the templates of the same stack by name.
 * Undefined when the template is not among the resources priced together.
 */
export function nodeGroupDiskGb(inputs: Record<string, unknown>, launchTemplates: ReadonlyMap<string, Record<string, unknown>>): number | undefined {
  const ref = inputs.launchTemplate as { name?: unknown } | undefined;
  if (!ref) return num(inputs.diskSize, 20); // EKS's default root volume is 20 GB
  const lt = typeof ref.name === "string" ? launchTemplates.get(ref.name) : undefined;
  const mappings = lt?.blockDeviceMappings as { ebs?: { volumeSize?: unknown } }[] | undefined;
  const size = mappings?.[0]?.ebs?.volumeSize;
  return typeof size === "number" ? size : undefined;
}

function priceNodeGroup(r: CostInput, p: RegionPrices, launchTemplates: ReadonlyMap<string, Record<string, unknown>>): Outcome {
  const types = (r.inputs.instanceTypes as string[] | undefined)?.length ? (r.inputs.instanceTypes as string[]) : ["t3.medium"];
  const missing = types.filter((t) => p.ec2[t] === undefined);
  if (missing.length) return { kind: "unpriced", reason: `no ${p.region} price for ${missing.join(", ")}` };
  const scaling = (r.inputs.scalingConfig ?? {}) as { minSize?: number; desiredSize?: number; maxSize?: number };
  const min = num(scaling.minSize, 0);
  const desired = num(scaling.desiredSize, min);
  const max = num(scaling.maxSize, desired);
  const spot = r.inputs.capacityType === "SPOT";
  const factor = spot ? SPOT_PRICE_FACTOR : 1;
  const first = p.ec2[types[0]!]!;
  const dearest = Math.max(...types.map((t) => p.ec2[t]!));
  const diskGb = nodeGroupDiskGb(r.inputs, launchTemplates);
  const disk = p.ebsGp3PerGbMonth !== undefined && diskGb !== undefined ? diskGb * p.ebsGp3PerGbMonth : 0;
  const perNodeExpected = monthly(first * factor) + disk;
  const perNodeWorst = monthly(dearest) + disk;
  const gpu = isAcceleratedType(types[0]!);
  const basis =
    `${desired} x ${types[0]} ${spot ? `Spot (~${Math.round(SPOT_PRICE_FACTOR * 100)}% of ` : "("}${usd(first)}/h) expected, ` +
    `${max} x ${dearest === first ? types[0] : "the dearest type"} on-demand at worst` +
    (disk
      ? `, + ${diskGb} GB gp3 root volume per node`
      : diskGb === undefined
        ? ", root volumes unpriced (launch template not in the priced set)"
        : ", root volumes unpriced");
  return {
    kind: "priced",
    expected: desired * perNodeExpected,
    worst: max * perNodeWorst,
    idleGpu: gpu ? min * perNodeExpected : 0,
    basis,
  };
}

function priceDatabase(r: CostInput, p: RegionPrices): Outcome {
  const cls = String(r.inputs.instanceClass ?? "");
  const hourly = p.rdsPostgres[cls];
  if (hourly === undefined) return { kind: "unpriced", reason: `no ${p.region} RDS PostgreSQL price for ${cls || "an unset class"}` };
  const copies = r.inputs.multiAz === true ? 2 : 1;
  const storageType = String(r.inputs.storageType ?? "gp3");
  const perGb =
    storageType === "gp3" || storageType === "gp2"
      ? p.rdsStorage.gp3PerGbMonth
      : storageType === "io1"
        ? p.rdsStorage.io1PerGbMonth
        : storageType === "io2"
          ? p.rdsStorage.io2PerGbMonth
          : undefined;
  const perIops = storageType === "io1" ? p.rdsStorage.io1PerIopsMonth : storageType === "io2" ? p.rdsStorage.io2PerIopsMonth : 0;
  if (perGb === undefined || perIops === undefined) return { kind: "unpriced", reason: `no ${p.region} price for RDS ${storageType} storage` };
  const gb = num(r.inputs.allocatedStorage, 20);
  const maxGb = Math.max(gb, num(r.inputs.maxAllocatedStorage, gb));
  const iops = storageType === "gp3" ? 0 : num(r.inputs.iops, 0);
  const instance = monthly(hourly) * copies;
  const storage = (g: number) => (g * perGb + iops * perIops) * copies;
  return {
    kind: "priced",
    expected: instance + storage(gb),
    worst: instance + storage(maxGb),
    basis: `${cls} ${usd(hourly)}/h${copies === 2 ? " x2 (Multi-AZ)" : ""} + ${gb} GB ${storageType}${iops ? ` + ${iops} IOPS` : ""}; worst case at the ${maxGb} GB autoscaling ceiling`,
    usage: "backup storage beyond the database's size",
  };
}

function priceService(r: CostInput, p: RegionPrices): Outcome {
  const spec = (r.inputs.spec ?? {}) as { type?: string };
  if (spec.type !== "LoadBalancer") return { kind: "free" };
  const annotations = ((r.inputs.metadata ?? {}) as { annotations?: Record<string, string> }).annotations ?? {};
  const lbType = annotations["service.beta.kubernetes.io/aws-load-balancer-type"];
  // The AWS Load Balancer Controller's class (or the legacy annotations) makes an NLB; anything else gets the in-tree Classic LB.
  const nlb = lbType === "nlb" || lbType === "external" || (r.inputs.spec as { loadBalancerClass?: string }).loadBalancerClass === "service.k8s.aws/nlb";
  const hourly = nlb ? p.loadBalancer.nlbPerHour : p.loadBalancer.classicPerHour;
  if (hourly === undefined) return { kind: "unpriced", reason: `no ${p.region} price for a ${nlb ? "Network" : "Classic"} Load Balancer` };
  return {
    kind: "priced",
    expected: monthly(hourly),
    worst: monthly(hourly),
    basis: `${nlb ? "NLB" : "Classic LB"} ${usd(hourly)}/h`,
    usage: nlb
      ? p.loadBalancer.nlbPerNlcuHour === undefined
        ? "NLCU-hours (no per-NLCU price in the table)"
        : `NLCU-hours at ${usd(p.loadBalancer.nlbPerNlcuHour)}`
      : "data processed",
  };
}

/**
 * A Helm release costs nothing itself (its pods run on nodes priced above),
 * but the persistent volumes its values ask for are EBS volumes billed per
 * GB-month. kube-prometheus-stack's are read from its values; any other chart
 * whose values mention persistent volumes is reported unpriced, not $0.
 */
function priceHelmRelease(r: CostInput, p: RegionPrices): Outcome {
  const chart = helmChartName(r.inputs.chart);
  const values = (r.inputs.values ?? {}) as Record<string, unknown>;
  if (chart === "kube-prometheus-stack") {
    const volumes = kubePrometheusStackVolumes(values);
    if (volumes.length === 0) return { kind: "free" };
    const unreadable = volumes.filter((v) => !Number.isFinite(v.gb));
    if (unreadable.length)
      return { kind: "unpriced", reason: `cannot read the ${unreadable.map((v) => v.role).join(", ")} volume size from the release values` };
    const notGp3 = volumes.filter((v) => v.storageClass !== "gp3");
    if (notGp3.length)
      return { kind: "unpriced", reason: `${notGp3.map((v) => `${v.role} (${v.storageClass})`).join(", ")}: the cost model prices gp3 volumes only` };
    if (p.ebsGp3PerGbMonth === undefined) return { kind: "unpriced", reason: `no ${p.region} price for EBS gp3` };
    const gb = volumes.reduce((s, v) => s + v.gb * v.replicas, 0);
    const monthlyCost = gb * p.ebsGp3PerGbMonth;
    const parts = volumes.map((v) => `${v.role} ${v.replicas > 1 ? `${v.replicas} x ` : ""}${v.gb} GB`).join(" + ");
    // Fixed-size volumes: they only grow when someone resizes them, so worst case = expected.
    return { kind: "priced", expected: monthlyCost, worst: monthlyCost, basis: `gp3 volumes ${parts} at ${usd(p.ebsGp3PerGbMonth)} per GB-month` };
  }
  if (/"(persistence|volumeClaimTemplate|storageSpec|persistentVolume)"/.test(JSON.stringify(values))) {
    return { kind: "unpriced", reason: `chart ${chart || "(unnamed)"} may claim persistent volumes and the cost model cannot read their size from its values` };
  }
  return { kind: "free" };
}

// ------------------------------------------------------------ GPU workloads

type K8sMeta = { name?: string; namespace?: string };
type PodTemplateSpec = {
  nodeSelector?: Record<string, string>;
  containers?: { resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> } }[];
};

/** An Argo Rollouts Rollout: a canary model's workload (components/serving/canary.ts). */
const ROLLOUT_TYPE = "kubernetes:argoproj.io/v1alpha1:Rollout";

/**
 * GPUs one pod of a Deployment, StatefulSet or Rollout requests, the GPU
 * pool its nodeSelector names, and how many versions of it may run at once
 * at full size: 2 for a canary Rollout (the new version at full size beside
 * the stable one until the old is scaled down), 1 otherwise.
 */
function gpuDemandOf(r: CostInput): { gpus: number; replicas?: number; pool?: string; namespace: string; name: string; versions: number } | undefined {
  if (r.type !== "kubernetes:apps/v1:Deployment" && r.type !== "kubernetes:apps/v1:StatefulSet" && r.type !== ROLLOUT_TYPE) return undefined;
  const spec = (r.inputs.spec ?? {}) as { replicas?: number; template?: { spec?: PodTemplateSpec }; strategy?: { canary?: unknown } };
  const pod = spec.template?.spec ?? {};
  const gpus = (pod.containers ?? []).reduce(
    (sum, c) => sum + (Number(c.resources?.limits?.[GPU_RESOURCE] ?? c.resources?.requests?.[GPU_RESOURCE] ?? 0) || 0),
    0,
  );
  if (gpus === 0) return undefined;
  const meta = (r.inputs.metadata ?? {}) as K8sMeta;
  return {
    gpus,
    // Absent while an autoscaler owns the count (components/serving/manifests.ts replicaOwnership).
    replicas: typeof spec.replicas === "number" ? spec.replicas : undefined,
    pool: pod.nodeSelector?.[NODE_GROUP_LABEL],
    namespace: meta.namespace ?? "default",
    name: meta.name ?? r.name,
    versions: r.type === ROLLOUT_TYPE && spec.strategy?.canary !== undefined ? 2 : 1,
  };
}

/**
 * GPUs the stack's GPU workloads hold at their minimum, by the GPU pool
 * (`ml-platform/node-group`) their nodeSelector names: each Deployment or
 * StatefulSet at its replicas, or its autoscaler's minimum when it states
 * none. Nodes a pool keeps for these are working, not idle: the idle-GPU
 * figure (and the policies gpu-node-groups-scale-to-zero and
 * stack-monthly-budget) count only the minimum beyond them.
 */
export function gpusHeldAtMinimum(resources: Pick<CostInput, "type" | "name" | "inputs">[]): Map<string, number> {
  const hpaMin = new Map<string, number>();
  for (const r of resources.filter((x) => x.type === "kubernetes:autoscaling/v2:HorizontalPodAutoscaler")) {
    const meta = (r.inputs.metadata ?? {}) as K8sMeta;
    const spec = (r.inputs.spec ?? {}) as { scaleTargetRef?: { name?: string }; minReplicas?: number };
    if (spec.scaleTargetRef?.name) hpaMin.set(`${meta.namespace ?? "default"}/${spec.scaleTargetRef.name}`, num(spec.minReplicas, 1));
  }
  const held = new Map<string, number>();
  for (const r of resources) {
    const d = gpuDemandOf({ urn: "", ...r });
    if (!d?.pool) continue;
    const replicas = d.replicas ?? hpaMin.get(`${d.namespace}/${d.name}`) ?? 1;
    held.set(d.pool, (held.get(d.pool) ?? 0) + replicas * d.gpus);
  }
  return held;
}

interface GpuPool {
  /** $/hour of one GPU as declared (first type, Spot discount applied) and at worst (dearest type, on-demand). */
  expectedPerGpuHour: number;
  worstPerGpuHour: number;
  instanceType: string;
  /** GPUs the pool's node groups already count: at their desired size (expected) and maximum (worst case). */
  desiredGpus: number;
  maxGpus: number;
}

/** GPU pools of the stack, by the `ml-platform/node-group` label their node groups carry (per-AZ groups of one pool add up). */
function gpuPools(resources: CostInput[], p: RegionPrices, unpricedPools: Set<string>): Map<string, GpuPool> {
  const pools = new Map<string, GpuPool>();
  for (const r of resources.filter((x) => x.type === "aws:eks/nodeGroup:NodeGroup")) {
    const pool = (r.inputs.labels as Record<string, string> | undefined)?.[NODE_GROUP_LABEL];
    const types = (r.inputs.instanceTypes as string[] | undefined) ?? [];
    const perNode = types.length ? gpusPerInstance(types[0]!) : undefined;
    if (!pool) continue;
    if (!perNode || types.some((t) => p.ec2[t] === undefined)) {
      unpricedPools.add(pool);
      continue;
    }
    const scaling = (r.inputs.scalingConfig ?? {}) as { minSize?: number; desiredSize?: number; maxSize?: number };
    const desired = num(scaling.desiredSize, num(scaling.minSize, 0));
    const factor = r.inputs.capacityType === "SPOT" ? SPOT_PRICE_FACTOR : 1;
    const current = pools.get(pool);
    pools.set(pool, {
      expectedPerGpuHour: (p.ec2[types[0]!]! * factor) / perNode,
      worstPerGpuHour: Math.max(...types.map((t) => p.ec2[t]! / (gpusPerInstance(t) || perNode))),
      instanceType: types[0]!,
      desiredGpus: (current?.desiredGpus ?? 0) + desired * perNode,
      maxGpus: (current?.maxGpus ?? 0) + num(scaling.maxSize, desired) * perNode,
    });
  }
  return pools;
}

/**
 * Kubernetes workloads that request GPUs keep GPU nodes running: their
 * replicas x GPUs per pod are priced at the per-GPU price of the pool they
 * select, and an autoscaler's maxReplicas x GPUs per pod counts toward the
 * worst case. The pool's node groups already count GPUs at their desired
 * size (expected) and maximum (worst case), so a workload line adds only the
 * GPUs beyond those: a pool costs the larger of its node groups and the
 * workloads on it, never both.
 */
function priceGpuWorkloads(resources: CostInput[], p: RegionPrices): Map<string, Outcome> {
  const outcomes = new Map<string, Outcome>();
  const unpricedPools = new Set<string>();
  const pools = gpuPools(resources, p, unpricedPools);
  const hpaMax = new Map<string, number>();
  const hpaMin = new Map<string, number>();
  for (const r of resources.filter((x) => x.type === "kubernetes:autoscaling/v2:HorizontalPodAutoscaler")) {
    const meta = (r.inputs.metadata ?? {}) as K8sMeta;
    const spec = (r.inputs.spec ?? {}) as { scaleTargetRef?: { name?: string }; minReplicas?: number; maxReplicas?: number };
    const target = `${meta.namespace ?? "default"}/${spec.scaleTargetRef?.name ?? ""}`;
    if (spec.scaleTargetRef?.name && spec.maxReplicas !== undefined) hpaMax.set(target, spec.maxReplicas);
    if (spec.scaleTargetRef?.name) hpaMin.set(target, num(spec.minReplicas, 1));
  }
  const left = new Map([...pools].map(([k, v]) => [k, { desired: v.desiredGpus, max: v.maxGpus }]));
  for (const r of resources) {
    const d = gpuDemandOf(r);
    if (!d) continue;
    const pool = d.pool === undefined ? undefined : pools.get(d.pool);
    if (!pool) {
      const reason = !d.pool
        ? "it requests GPUs without selecting a GPU pool (ml-platform/node-group)"
        : unpricedPools.has(d.pool) && !pools.has(d.pool)
          ? `its GPUs run on node group "${d.pool}", whose instance types have no ${p.region} price`
          : `its GPUs run on node group "${d.pool}", which this stack does not declare, so their price is unknown`;
      outcomes.set(r.urn, { kind: "unpriced", reason });
      continue;
    }
    const max = hpaMax.get(`${d.namespace}/${d.name}`);
    // A Deployment an autoscaler owns states no replicas: it runs the autoscaler's minimum (the API's default 1 without one).
    const replicas = d.replicas ?? hpaMin.get(`${d.namespace}/${d.name}`) ?? 1;
    const expectedGpus = replicas * d.gpus;
    const worstGpus = d.versions * Math.max(replicas, max ?? 0) * d.gpus;
    const room = left.get(d.pool!)!;
    const extraExpected = Math.max(0, expectedGpus - room.desired);
    const extraWorst = Math.max(0, worstGpus - room.max);
    room.desired = Math.max(0, room.desired - expectedGpus);
    room.max = Math.max(0, room.max - worstGpus);
    const cap = pool.maxGpus;
    outcomes.set(r.urn, {
      kind: "priced",
      expected: monthly(extraExpected * pool.expectedPerGpuHour),
      worst: monthly(extraWorst * pool.worstPerGpuHour),
      idleGpu: 0,
      basis:
        `${replicas} replica(s) x ${d.gpus} GPU on ${d.pool} (${pool.instanceType}, ${usd(pool.expectedPerGpuHour)}/h per GPU) expected; ` +
        `${d.versions > 1 ? `${d.versions} versions during a canary release x ` : ""}${max !== undefined ? `autoscaler max ${max}` : `${replicas}`} x ${d.gpus} GPU = ${worstGpus} GPU at worst` +
        (extraWorst === 0
          ? `, within the pool's ${cap}-GPU maximum already priced on its node groups`
          : `, ${extraWorst} GPU beyond the pool's ${cap}-GPU maximum`),
    });
  }
  return outcomes;
}

function fixed(perMonth: number | undefined, what: string, region: string): Outcome {
  return perMonth === undefined
    ? { kind: "unpriced", reason: `no ${region} price for ${what}` }
    : { kind: "priced", expected: perMonth, worst: perMonth, basis: `${what} ${usd(perMonth)}/month` };
}

function storage(perGbMonth: number | undefined, gb: number | undefined, what: string, region: string): Outcome {
  if (perGbMonth === undefined) return { kind: "unpriced", reason: `no ${region} price for ${what}` };
  const rate = `${usd(perGbMonth)} per GB-month`;
  if (gb === undefined) return { kind: "usage", usage: `${what} at ${rate} (no expected volume given)` };
  // Storage has no ceiling: the worst case is the expected volume, and the usage line says so.
  return {
    kind: "priced",
    expected: gb * perGbMonth,
    worst: gb * perGbMonth,
    basis: `${gb} GB expected x ${rate}`,
    usage: `volume beyond ${gb} GB at ${rate}`,
  };
}

function priceOne(r: CostInput, p: RegionPrices, usage: UsageAssumptions, launchTemplates: ReadonlyMap<string, Record<string, unknown>>): Outcome {
  if (FREE_TYPES.has(r.type)) return { kind: "free" };
  if (r.type.startsWith("pulumi:providers:")) return { kind: "free" };
  if (r.type === "kubernetes:helm.sh/v3:Release") return priceHelmRelease(r, p);
  if (r.type.startsWith("kubernetes:")) return r.type === "kubernetes:core/v1:Service" ? priceService(r, p) : { kind: "free" };
  const operations = priceOperations(r, p, usage);
  if (operations) return operations;
  switch (r.type) {
    case "aws:eks/cluster:Cluster": {
      const standard = p.eksControlPlanePerHour.standard;
      const pinnedStandard = (r.inputs.upgradePolicy as { supportType?: string } | undefined)?.supportType === "STANDARD";
      return {
        kind: "priced",
        expected: monthly(standard),
        worst: monthly(pinnedStandard ? standard : p.eksControlPlanePerHour.extended),
        basis: pinnedStandard
          ? `control plane ${usd(standard)}/h, standard support only (upgradePolicy STANDARD)`
          : `control plane ${usd(standard)}/h; ${usd(p.eksControlPlanePerHour.extended)}/h once the version enters extended support (upgradePolicy is not STANDARD)`,
      };
    }
    case "aws:eks/nodeGroup:NodeGroup":
      return priceNodeGroup(r, p, launchTemplates);
    case "aws:ec2/instance:Instance": {
      const t = String(r.inputs.instanceType ?? "");
      const hourly = p.ec2[t];
      if (hourly === undefined) return { kind: "unpriced", reason: `no ${p.region} price for ${t || "an unset instance type"}` };
      return {
        kind: "priced",
        expected: monthly(hourly),
        worst: monthly(hourly),
        basis: `${t} ${usd(hourly)}/h`,
        idleGpu: (gpusPerInstance(t) ?? 1) > 0 ? monthly(hourly) : 0,
      };
    }
    case "aws:ec2/natGateway:NatGateway": {
      const o = fixed(p.natGateway.perHour === undefined ? undefined : monthly(p.natGateway.perHour), "a NAT gateway", p.region);
      const perGb = p.natGateway.perGbProcessed;
      return o.kind === "priced"
        ? {
            ...o,
            basis: `NAT gateway ${usd(p.natGateway.perHour!)}/h`,
            usage: perGb === undefined ? `data processed (no ${p.region} per-GB price in the table)` : `${usd(perGb)} per GB processed`,
          }
        : o;
    }
    case "aws:ec2/eip:Eip":
      return fixed(p.publicIpv4PerHour === undefined ? undefined : monthly(p.publicIpv4PerHour), "a public IPv4 address", p.region);
    case "aws:ec2/vpcEndpoint:VpcEndpoint": {
      if ((r.inputs.vpcEndpointType ?? "Gateway") === "Gateway") return { kind: "free" };
      const azs = ((r.inputs.subnetIds as unknown[]) ?? []).length || 1;
      const hourly = p.interfaceEndpointPerAzHour;
      if (hourly === undefined) return { kind: "unpriced", reason: `no ${p.region} price for interface endpoints` };
      return {
        kind: "priced",
        expected: monthly(hourly) * azs,
        worst: monthly(hourly) * azs,
        basis: `interface endpoint in ${azs} AZ(s) at ${usd(hourly)}/h`,
        usage: "data processed",
      };
    }
    case "aws:lb/loadBalancer:LoadBalancer": {
      const network = r.inputs.loadBalancerType === "network";
      const hourly = network ? p.loadBalancer.nlbPerHour : p.loadBalancer.albPerHour;
      if (hourly === undefined) return { kind: "unpriced", reason: `no ${p.region} price for ${network ? "an NLB" : "an ALB"}` };
      return {
        kind: "priced",
        expected: monthly(hourly),
        worst: monthly(hourly),
        basis: `${network ? "NLB" : "ALB"} ${usd(hourly)}/h`,
        usage: network ? "NLCU-hours" : "LCU-hours",
      };
    }
    case "aws:rds/instance:Instance":
      return priceDatabase(r, p);
    case "aws:sns/topic:Topic":
      // No charge per topic; publishes and deliveries are billed by volume (AWS SNS pricing page, standard topics, checked 2026-11-23).
      // The same rates in all nine regions of the price table: the SNS pricing feed (b0.p.awsstatic.com meteredUnitMaps sns,
      // published 2025-08-28, copy in lamngockhuong/aws-price lib/data/pricing/sns.json at commit 115fdc61) has API requests
      // $0.0000005, email $0.00002 and HTTP $0.0000006 per notification in each of them (checked 2026-11-23).
      return {
        kind: "usage",
        usage: "$0.50 per million publishes (first million a month free) + deliveries: email $2.00 per 100,000, HTTP/S $0.60 per million, SMS by country",
      };
    case "aws:kms/key:Key":
      return fixed(p.kmsKeyPerMonth, "a customer managed KMS key", p.region);
    case "aws:secretsmanager/secret:Secret":
      return fixed(p.secretsManagerSecretPerMonth, "a Secrets Manager secret", p.region);
    case "aws:s3/bucket:Bucket":
      return storage(
        p.s3StandardPerGbMonth,
        usage.storageGbByUrn?.[r.urn] ?? usage.s3StorageGbPerBucket ?? plannedGbOf(r.inputs.tags, PLANNED_STORAGE_GB_TAG),
        "S3 Standard storage",
        p.region,
      );
    case "aws:ecr/repository:Repository":
      return storage(p.ecrPerGbMonth, usage.ecrStorageGbPerRepository ?? plannedGbOf(r.inputs.tags, PLANNED_STORAGE_GB_TAG), "ECR image storage", p.region);
    case "aws:cloudwatch/logGroup:LogGroup": {
      const { ingestPerGb, storagePerGbMonth } = p.cloudwatchLogs;
      if (ingestPerGb === undefined || storagePerGbMonth === undefined) return { kind: "unpriced", reason: `no ${p.region} price for CloudWatch Logs` };
      const retention = Number(r.inputs.retentionInDays ?? 0);
      const rate = `${usd(ingestPerGb)} per GB ingested + ${usd(storagePerGbMonth)} per GB-month kept (${retention ? `${retention} days` : "kept forever"})`;
      const gb = usage.logIngestGbPerMonth?.[r.urn] ?? plannedGbOf(r.inputs.tags, PLANNED_INGEST_GB_TAG);
      if (gb === undefined || !retention) return { kind: "usage", usage: rate };
      // Steady state: a month's ingestion, plus retention/30 months of it stored
      // (CloudWatch bills stored data compressed, so this is an upper bound).
      const monthlyCost = gb * ingestPerGb + gb * (retention / 30) * storagePerGbMonth;
      return {
        kind: "priced",
        expected: monthlyCost,
        worst: monthlyCost,
        basis: `${gb} GB/month expected at ${rate}`,
        usage: `volume beyond ${gb} GB/month at ${rate}`,
      };
    }
    default:
      return { kind: "unpriced", reason: `the cost model has no rule for ${r.type}` };
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** A report of nothing: zero everywhere (a stack that is new or gone, in a diff). */
export function emptyCostReport(region = ""): CostReport {
  return {
    region,
    expectedMonthlyUsd: 0,
    worstCaseMonthlyUsd: 0,
    idleGpuMonthlyUsd: 0,
    byResource: [],
    byComponent: [],
    unpriced: [],
    usageBased: [],
    freeResources: 0,
  };
}

/**
 * A GPU node group's idle cost once the workloads of its pool have taken
 * their GPUs out of its minimum (`held`, consumed as the pool's per-AZ
 * groups are priced in turn).
 */
function idleBeyondWorkloads(r: CostInput, idle: number, held: Map<string, number>): number {
  const pool = (r.inputs.labels as Record<string, string> | undefined)?.[NODE_GROUP_LABEL];
  const types = (r.inputs.instanceTypes as string[] | undefined) ?? [];
  const perNode = types.length ? gpusPerInstance(types[0]!) : undefined;
  const min = num(((r.inputs.scalingConfig ?? {}) as { minSize?: number }).minSize, 0);
  if (!pool || !perNode || min === 0) return idle;
  const left = held.get(pool) ?? 0;
  const working = Math.min(min, Math.ceil(left / perNode));
  held.set(pool, Math.max(0, left - working * perNode));
  return (idle * (min - working)) / min;
}

/** Prices every resource; custom resources only (components cost nothing themselves). */
export function estimateCost(resources: CostInput[], region: string, usage: UsageAssumptions = {}): CostReport {
  const prices = pricesFor(region);
  const report: CostReport = { ...emptyCostReport(region), priceTableAsOf: prices?.asOf };
  const components = new Map<string, { expected: number; worst: number }>();
  // Node groups read their root volume size from their launch template (by its explicit name).
  const launchTemplates = new Map<string, Record<string, unknown>>();
  for (const r of resources) {
    if (r.type === "aws:ec2/launchTemplate:LaunchTemplate" && typeof r.inputs.name === "string") launchTemplates.set(r.inputs.name, r.inputs);
  }
  const gpuWorkloads = prices ? priceGpuWorkloads(resources, prices) : new Map<string, Outcome>();
  // GPU nodes a pool's minimum keeps for its workloads are not idle (gpusHeldAtMinimum).
  const heldGpus = gpusHeldAtMinimum(resources);
  for (const r of resources) {
    const outcome: Outcome = prices
      ? (gpuWorkloads.get(r.urn) ?? priceOne(r, prices, usage, launchTemplates))
      : FREE_TYPES.has(r.type) || r.type.startsWith("pulumi:providers:")
        ? { kind: "free" }
        : { kind: "unpriced", reason: `no price table for region ${region} (priced regions: ${Object.keys(PRICES).join(", ")})` };
    const ref = { urn: r.urn, type: r.type, name: r.name };
    if (outcome.kind === "free") {
      report.freeResources++;
      continue;
    }
    if (outcome.kind === "unpriced") {
      report.unpriced.push({ ...ref, reason: outcome.reason });
      continue;
    }
    if (outcome.usage) report.usageBased.push({ ...ref, rate: outcome.usage });
    if (outcome.kind === "usage") continue;
    if (outcome.idleGpu && r.type === "aws:eks/nodeGroup:NodeGroup") outcome.idleGpu = idleBeyondWorkloads(r, outcome.idleGpu, heldGpus);
    const line: CostLine = {
      ...ref,
      component: r.component,
      expectedMonthlyUsd: round2(outcome.expected),
      worstCaseMonthlyUsd: round2(outcome.worst),
      idleGpuMonthlyUsd: round2(outcome.idleGpu ?? 0),
      basis: outcome.basis,
    };
    report.byResource.push(line);
    report.expectedMonthlyUsd += outcome.expected;
    report.worstCaseMonthlyUsd += outcome.worst;
    report.idleGpuMonthlyUsd += outcome.idleGpu ?? 0;
    const key = r.component ?? "(stack)";
    const c = components.get(key) ?? { expected: 0, worst: 0 };
    c.expected += outcome.expected;
    c.worst += outcome.worst;
    components.set(key, c);
  }
  report.expectedMonthlyUsd = round2(report.expectedMonthlyUsd);
  report.worstCaseMonthlyUsd = round2(report.worstCaseMonthlyUsd);
  report.idleGpuMonthlyUsd = round2(report.idleGpuMonthlyUsd);
  report.byComponent = [...components].map(([component, c]) => ({ component, expectedMonthlyUsd: round2(c.expected), worstCaseMonthlyUsd: round2(c.worst) }));
  return report;
}
