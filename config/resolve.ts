/**
 * Config at the edge: the raw key/value map Pulumi hands the program becomes
 * one typed PlatformSpec (stage preset + the stack's overrides), or a
 * ConfigError that names every bad key, its value and what is allowed.
 * Pure: no Pulumi engine needed, so tests call it directly.
 */
import { instanceTypeNotOfferedReason } from "../cost/prices";
import { isAcceleratedType } from "../lib/instance-types";
import { CapacityReport, GpuPoolReport, checkGpuPool, checkSystemPool, gpuNodesNeeded, nodesNeeded } from "../components/compute/capacity";
import { gpuClusterGpuNodeWorkloads, gpuClusterSystemWorkloads, gpuPoolsGrowOnDemand } from "../components/compute/gpu-cluster.footprint";
import { gpusPerNode } from "../components/compute/labels";
import { ServingSettings, cpuMillis, isCanary, memoryMiB, modelGpuWorkloads, withStageDefaults } from "../components/serving/settings";
import { releaseGpuHours } from "../components/serving/canary";
import { withModelDefaults } from "../components/serving/model-defaults";
import { servingSystemWorkloads } from "../components/serving/model-serving.footprint";
import { servingProblems } from "../components/serving/checks";
import { TrackingSettings, trackingSystemWorkloads } from "../components/tracking/settings";
import { monitoringGpuNodeWorkloads, monitoringSystemWorkloads } from "../components/monitoring/monitoring.footprint";
import { nodePoolCaps } from "../components/monitoring/rules";
import { MONITORING_NAMESPACE } from "../components/monitoring/charts";
import { PREDICTION_MONITORING_NAMESPACE } from "../components/operations/prediction-monitoring/manifests";
import {
  AlertSettings,
  ArtifactSettings,
  BackupSettings,
  HealthCheckSettings,
  PredictionMonitoringSettings,
  ClusterSettings,
  DatabaseSettings,
  MonitoringSettings,
  NetworkSettings,
  PIECES,
  PIECE_NEEDS,
  Piece,
  RegistrySettings,
  STAGE_PRESETS,
} from "./presets";
import { Stage } from "../lib/stages";
import { StackConfig } from "./schema";
import type { PieceDecision, PlatformSpec } from "./spec";
import { AWS_REGIONS, isAwsRegion } from "../lib/regions";
import { didYouMean } from "../lib/suggest";
import { COMPONENT_TAG_KEYS, reservedTagKeyProblem, tagKeyProblem } from "../lib/tags";
import { ConfigError, ConfigProblem } from "./errors";
import { arnPlacementProblems, clusterAccessProblems } from "./cluster-access";
import { duplicateProblems } from "./lists";
import { namespaceProblems } from "./namespaces";
import { COMPONENT_PIECES, componentName, stackPhysicalNames } from "./naming-input";
import { PhysicalName, describeNameOverLimit } from "../lib/naming";
import { type ArgProblem, issueProblems, valueAt } from "../lib/validate";
import { networkProblems } from "../components/network/network.schema";
import { artifactStoreProblems } from "../components/data/artifact-store.schema";
import { containerRegistryProblems } from "../components/data/container-registry.schema";
import { metadataStoreProblems } from "../components/data/metadata-store.schema";
import { gpuClusterProblems } from "../components/compute/gpu-cluster.schema";
import { experimentTrackingSettingsProblems } from "../components/tracking/experiment-tracking.schema";
import { monitoringSettingsProblems } from "../components/monitoring/monitoring.schema";
import { receiverProblems } from "../components/operations/alerting/alerting.schema";
import { databaseBackupSettingsProblems } from "../components/operations/backup/database-backup.schema";
import { healthChecksSettingsProblems } from "../components/operations/health-checks/health-checks.schema";
import { predictionMonitoringSettingsProblems } from "../components/operations/prediction-monitoring/prediction-monitoring.schema";

export { ConfigError } from "./errors";
export type { ConfigProblem } from "./errors";
import { parseSnapshotReference } from "../components/data/snapshot";
import { postgresMaxConnections } from "../components/operations/alerting/alarms";

/**
 * The project's name as shipped in Pulumi.yaml. The program (pulumi.getProject())
 * and the plan (plan/engine.ts reads Pulumi.yaml) pass the real name in, so a
 * renamed project keeps working; callers that pass none (tests) get this one.
 */
export const PROJECT = "ml-platform";

/**
 * Tags the program computes for every resource from the stack's settings.
 * A user tag with one of these keys would be silently overwritten, so config refuses it.
 */
export const STACK_TAG_KEYS = ["project", "stage", "environment", "managed-by"] as const;

/**
 * The namespace of the platform's keys while resolvePlatformSpec runs (it is
 * synchronous, and restores the default when it returns), so that every
 * check's keyOf names the keys as the stack file spells them.
 */
/**
 * `<project>:`. Spelled with a lower-case variable: `pulumi new` replaces the
 * text dollar-brace-PROJECT-brace in every file it copies (pulumi/pulumi
 * sdk/go/common/workspace/templates.go transform; checked 2026-12-07).
 */
function namespaceOf(project: string): string {
  return `${project}:`;
}

let NAMESPACE = namespaceOf(PROJECT);

/** Turns Pulumi's string map (objects arrive as JSON text) into plain values. */
function parseRawValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `["cluster", "gpuNodeGroups", 0, "name"]` -> `ml-platform:cluster.gpuNodeGroups[0].name`. */
export function keyOf(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path;
  let key = `${NAMESPACE}${String(head ?? "")}`;
  for (const part of rest) key += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
  return key;
}

/** Shallow merge of the defined override fields over the preset's settings. */
function overlay<T extends object>(base: T, override: object | undefined): T {
  const result: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(override ?? {})) {
    if (k !== "enabled" && v !== undefined) result[k] = v;
  }
  return result as T;
}

function decide<T extends object>(
  piece: Piece,
  stage: Stage,
  override: ({ enabled?: boolean } & object) | undefined,
  merge: (base: T, override: object | undefined) => T = overlay,
): PieceDecision<T> {
  const preset = STAGE_PRESETS[stage][piece] as unknown as { enabled: boolean; why: string; settings: T };
  const stackSaysEnabled = override?.enabled;
  if (stackSaysEnabled === undefined) {
    return { enabled: preset.enabled, why: preset.why, decidedBy: "preset", settings: merge(preset.settings, override) };
  }
  const why =
    stackSaysEnabled === preset.enabled
      ? preset.why
      : `Turned ${stackSaysEnabled ? "on" : "off"} by the stack file (the ${stage} preset has it ${preset.enabled ? "on" : "off"}: ${preset.why})`;
  return { enabled: stackSaysEnabled, why, decidedBy: stackSaysEnabled === preset.enabled ? "preset" : "stack", settings: merge(preset.settings, override) };
}

function mergeCluster(base: ClusterSettings, override: object | undefined): ClusterSettings {
  const o = (override ?? {}) as NonNullable<StackConfig["cluster"]>;
  const merged = overlay(base, { ...o, systemNodeGroup: undefined, gpuNodeGroups: undefined });
  merged.systemNodeGroup = overlay(base.systemNodeGroup, o.systemNodeGroup);
  // A pool in the stack file is complete: its schema (node-pool.schema.ts) applied every default.
  // Copies: the capacity check may grow a pool for this stack (gpuPoolCheck), never the preset.
  merged.gpuNodeGroups = (o.gpuNodeGroups ?? base.gpuNodeGroups).map((pool) => ({ ...pool }));
  return merged;
}

function mergeServing(base: ServingSettings, override: object | undefined): ServingSettings {
  const o = (override ?? {}) as NonNullable<StackConfig["serving"]>;
  const merged = overlay(base, { ...o, models: undefined });
  merged.models = (o.models ?? base.models).map((m) => withModelDefaults(m));
  return merged;
}

function servingChecks(cfg: StackConfig, spec: Omit<PlatformSpec, "stageTitle">, secretKeys: string[] | undefined): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const serving = spec.serving;
  if (cfg.sentryDsn !== undefined) {
    if (!serving.enabled)
      problems.push({ key: keyOf(["sentryDsn"]), value: "[secret]", message: "nothing reports to Sentry: this stack does not deploy serving" });
    if (secretKeys && !secretKeys.includes(keyOf(["sentryDsn"])))
      problems.push({
        key: keyOf(["sentryDsn"]),
        value: "(plain text)",
        message: `must be stored encrypted: pulumi config set --secret ${keyOf(["sentryDsn"])} <dsn>`,
      });
  }
  for (const piece of ["serving", "tracking"] as const) {
    if (spec[piece].enabled && spec.artifacts.enabled && !spec.artifacts.settings.buckets.includes("models"))
      problems.push({
        key: keyOf(["artifacts", "buckets"]),
        value: spec.artifacts.settings.buckets,
        message: `the ${piece} needs a "models" bucket; add it to the list`,
      });
  }
  // Each component creates and, on destroy, deletes its namespace: two must not share one.
  if (serving.enabled) {
    const taken: [string, string][] = [
      ...(spec.tracking.enabled ? [[spec.tracking.settings.namespace, keyOf(["tracking", "namespace"])] as [string, string]] : []),
      ...(spec.monitoring.enabled ? [[MONITORING_NAMESPACE, "monitoring"] as [string, string]] : []),
      ...(spec.predictionMonitoring.enabled ? [[PREDICTION_MONITORING_NAMESPACE, "prediction monitoring"] as [string, string]] : []),
    ];
    const clash = taken.find(([ns]) => ns === serving.settings.namespace);
    if (clash)
      problems.push({
        key: keyOf(["serving", "namespace"]),
        value: serving.settings.namespace,
        message: `is also the namespace of ${clash[1]}; each component creates its namespace and deletes it on destroy, so give serving its own`,
      });
  }
  if (serving.enabled) {
    const s = serving.settings;
    const c = spec.cluster.settings;
    const gpuPools = Object.fromEntries(
      c.gpuNodeGroups.map((g) => {
        const perNode = gpusPerNode(g.instanceTypes);
        return [g.name, { gpusPerNode: perNode, maxGpus: perNode === undefined ? undefined : perNode * g.maxSize }];
      }),
    );
    const repositories = spec.registry.enabled ? spec.registry.settings.repositories : undefined;
    for (const p of servingProblems(s, { gpuPools, repositories })) problems.push({ key: keyOf(["serving", ...p.path]), value: p.value, message: p.message });
    s.models.forEach((m, i) => {
      if (isCanary(s, m) && m.canary.analysis && !spec.monitoring.enabled)
        problems.push({
          key: keyOf(["serving", "models", i, "canary", "analysis"]),
          value: true,
          message:
            "queries Prometheus, which this stack does not deploy (monitoring is off): turn monitoring on, or set analysis: false (a canary nothing watches)",
        });
    });
  }
  return problems;
}

/**
 * What each canary release of a GPU model costs in GPU hours beyond the
 * stable version (components/serving/canary.ts releaseGpuHours), for the
 * plan to say next to serving.
 */
function canaryReleaseCosts(s: ServingSettings): string {
  return s.models
    .filter((m) => isCanary(s, m) && m.gpus > 0)
    .map((m) => {
      const c = releaseGpuHours(m);
      return ` A canary release of ${m.name} holds about ${c.gpuHours} GPU hours beyond the stable version (${c.basis}); more while the HorizontalPodAutoscaler runs more replicas or a step is paused.`;
    })
    .join("");
}

function mergeHealthChecks(base: HealthCheckSettings, override: object | undefined): HealthCheckSettings {
  const o = (override ?? {}) as NonNullable<StackConfig["healthChecks"]>;
  const merged = overlay(base, { ...o, publicEndpoints: undefined });
  if (o.publicEndpoints) merged.publicEndpoints = o.publicEndpoints.map((e) => ({ name: e.name, host: e.host, path: e.path ?? "/", port: e.port ?? 443 }));
  return merged;
}

/** Operations pieces: cross-checks between them and the pieces they watch. */
function operationsChecks(cfg: StackConfig, spec: Omit<PlatformSpec, "stageTitle">): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const d = spec.database.settings;
  if (spec.database.enabled && d.restoreFromSnapshot !== undefined) {
    const parsed = parseSnapshotReference(d.restoreFromSnapshot, spec.region);
    if ("error" in parsed) problems.push({ key: keyOf(["database", "restoreFromSnapshot"]), value: d.restoreFromSnapshot, message: parsed.error });
  }
  const a = spec.alerts.settings;
  if (
    spec.alerts.enabled &&
    a.databaseAlarms &&
    spec.database.enabled &&
    a.databaseMaxConnections === undefined &&
    postgresMaxConnections(d.instanceClass) === undefined
  ) {
    problems.push({
      key: keyOf(["alerts", "databaseMaxConnections"]),
      value: undefined,
      message: `the connections alarm needs max_connections, and the default for ${d.instanceClass} is not in components/operations/alerting/alarms.ts; set it (or alerts.databaseAlarms: false)`,
    });
  }
  const h = spec.healthChecks.settings;
  if (spec.healthChecks.enabled) {
    if (h.internalUrls.length && !spec.network.enabled)
      problems.push({
        key: keyOf(["healthChecks", "internalUrls"]),
        value: h.internalUrls.map((u) => u.url),
        message: "the canary runs in the VPC's private subnets; this stage has no network (check public endpoints with publicEndpoints instead)",
      });
    // Names once each: healthChecksSettingsProblems, in componentProblems.
    // Route 53 checks a public host: one of this stack's models must be served there, or the check fails forever.
    const publicModels = spec.serving.enabled ? spec.serving.settings.models.filter((m) => m.exposure.type === "public") : [];
    if (h.publicEndpoints.length && publicModels.length === 0)
      problems.push({
        key: keyOf(["healthChecks", "publicEndpoints"]),
        value: h.publicEndpoints.map((e) => e.host),
        message:
          `no model of this stack is exposed to the internet (${keyOf(["serving", "models"])}[].exposure.type: public), so Route 53 would check a host nothing here serves, and the alarm would page for ever; ` +
          "expose the model first (docs/guides/serving-and-tracking.md), or remove the check",
      });
  }
  const p = spec.predictionMonitoring.settings;
  const pOverride = cfg.predictionMonitoring;
  if (spec.predictionMonitoring.enabled) {
    if (spec.artifacts.enabled && !spec.artifacts.settings.buckets.includes(p.bucket))
      problems.push({
        key: keyOf(["predictionMonitoring", "bucket"]),
        value: p.bucket,
        message: `must be one of the artifact buckets: ${spec.artifacts.settings.buckets.join(", ")}`,
      });
  } else if (pOverride && !p.image && Object.keys(pOverride).some((k) => k !== "enabled") && STAGE_PRESETS[spec.stage].predictionMonitoring.enabled) {
    problems.push({
      key: keyOf(["predictionMonitoring", "image"]),
      value: undefined,
      message: "prediction monitoring runs only with a report image; set the image, or drop these settings",
    });
  }
  return problems;
}

/**
 * Everything pinned to the system pool must fit on it at its minimum size.
 * When it does not, the preset's pool grows to the fewest nodes that fit
 * (and says so in the cluster's `why`); a minSize the stack file set itself
 * is never changed behind its back: that is a config error instead.
 */
function systemPoolCheck(cfg: StackConfig, spec: Omit<PlatformSpec, "stageTitle">): { problems: ConfigProblem[]; report?: CapacityReport } {
  if (!spec.cluster.enabled) return { problems: [] };
  const c = spec.cluster.settings;
  const workloads = [
    ...gpuClusterSystemWorkloads(c),
    ...(spec.serving.enabled ? servingSystemWorkloads(spec.serving.settings) : []),
    ...(spec.tracking.enabled ? trackingSystemWorkloads(spec.tracking.settings) : []),
    ...(spec.monitoring.enabled ? monitoringSystemWorkloads({ pools: nodePoolCaps(c) }) : []),
  ];
  const pool = c.systemNodeGroup;
  const report = checkSystemPool({ instanceTypes: pool.instanceTypes, nodes: pool.minSize }, workloads);
  if (report.fits || !report.node) return { problems: [], report }; // no figures for an uncatalogued type: nothing to check against
  // A CPU model or MLflow whose one pod no system node can hold: refused at its own request's key.
  const node = report.node;
  const daemonSets = workloads.filter((w) => w.perNode);
  const room = {
    cpuMillis: node.cpuMillis - daemonSets.reduce((s, w) => s + w.cpuMillis, 0),
    memoryMiB: node.memoryMiB - daemonSets.reduce((s, w) => s + w.memoryMiB, 0),
  };
  const oversized: ConfigProblem[] = [];
  const tooBig = (cpu: number, mem: number) => (mem > room.memoryMiB ? "memory" : cpu > room.cpuMillis ? "cpu" : undefined);
  const roomText = `a ${node.instanceType} of the system pool has ${room.cpuMillis.toLocaleString("en-US")}m CPU and ${room.memoryMiB.toLocaleString("en-US")} MiB left after its DaemonSets`;
  if (spec.serving.enabled)
    spec.serving.settings.models.forEach((m, i) => {
      if (m.gpus > 0) return;
      const field = tooBig(cpuMillis(m.cpu) ?? 0, memoryMiB(m.memory) ?? 0);
      if (field)
        oversized.push({
          key: keyOf(["serving", "models", i, field]),
          value: m[field],
          message: `one pod of ${m.name} does not fit on any node: ${roomText}; lower it, or use a larger system instance type`,
        });
    });
  if (spec.tracking.enabled) {
    const t = spec.tracking.settings;
    const field = tooBig(cpuMillis(t.cpu) ?? 0, memoryMiB(t.memory) ?? 0);
    if (field)
      oversized.push({
        key: keyOf(["tracking", field]),
        value: t[field],
        message: `one MLflow pod does not fit on any node: ${roomText}; lower it, or use a larger system instance type`,
      });
  }
  if (oversized.length) return { problems: oversized, report };
  const needed = nodesNeeded({ instanceTypes: pool.instanceTypes, nodes: pool.minSize }, workloads);
  const setByStack = cfg.cluster?.systemNodeGroup?.minSize !== undefined;
  if (needed === undefined || setByStack) {
    const advice =
      needed === undefined ? "use a larger instance type (cluster.systemNodeGroup.instanceTypes)" : `set minSize to ${needed} or use a larger instance type`;
    return {
      problems: [
        {
          key: keyOf(["cluster", "systemNodeGroup", "minSize"]),
          value: pool.minSize,
          message: `the pods pinned to the system pool do not fit on ${pool.minSize} x ${report.node.instanceType}: ${report.problems.join("; ")}; ${advice}`,
        },
      ],
      report,
    };
  }
  const before = pool.minSize;
  pool.minSize = needed;
  pool.desiredSize = Math.max(pool.desiredSize, needed);
  pool.maxSize = Math.max(pool.maxSize, needed);
  spec.cluster.why += ` The system pool starts at ${needed} nodes instead of ${before}: ${report.problems[0]} (components/compute/capacity.ts).`;
  return { problems: [], report: checkSystemPool({ instanceTypes: pool.instanceTypes, nodes: needed }, workloads) };
}

/**
 * Every GPU workload `pulumi up` waits for (a model's Deployment, each
 * released colour at its replicas) must find a node during that run: on the
 * pool's minimum size where nothing autoscales (MVP: the Deployment's await
 * would time out after 20 minutes and the live Service would never be
 * created), on its maximum where the Cluster Autoscaler adds nodes. Each node
 * offers its GPUs, CPU and memory less the DaemonSets every GPU node runs.
 * Where nothing autoscales, the preset's pool grows to the fewest nodes that
 * hold the models (so its cost is what the models really keep running, and
 * the plan says so); a minSize the stack file set itself is refused instead,
 * as is a pod no node of the pool can hold, naming the model's key.
 */
function gpuPoolCheck(rawCluster: unknown, spec: Omit<PlatformSpec, "stageTitle">): { problems: ConfigProblem[]; reports: GpuPoolReport[] } {
  if (!spec.cluster.enabled || !spec.serving.enabled) return { problems: [], reports: [] };
  const c = spec.cluster.settings;
  const daemonSets = [...gpuClusterGpuNodeWorkloads(c), ...(spec.monitoring.enabled ? monitoringGpuNodeWorkloads({ pools: nodePoolCaps(c) }) : [])];
  const rawPools = (rawCluster as { gpuNodeGroups?: { minSize?: unknown }[] } | undefined)?.gpuNodeGroups;
  const problems: ConfigProblem[] = [];
  const reports: GpuPoolReport[] = [];
  const byPool = modelGpuWorkloads(spec.serving.settings);
  const grows = gpuPoolsGrowOnDemand(c);
  c.gpuNodeGroups.forEach((pool, j) => {
    const workloads = byPool.get(pool.name);
    if (!workloads?.length) return;
    const nodes = grows ? pool.maxSize : pool.minSize;
    const shape = { name: pool.name, instanceTypes: pool.instanceTypes, nodes };
    let report = checkGpuPool(shape, daemonSets, workloads);
    if (!report.fits && report.node) {
      const room = report.node;
      const tooBig = workloads.find((w) => w.gpus > room.gpus || w.cpuMillis > room.cpuMillis || w.memoryMiB > room.memoryMiB);
      const needed = gpuNodesNeeded(shape, daemonSets, workloads);
      // A pool the stack file lists without a minSize grows like the preset's; a minSize it wrote is never changed behind its back.
      const setByStack = rawPools?.[j]?.minSize !== undefined;
      if (tooBig) {
        const m = spec.serving.settings.models[tooBig.model]!;
        const field = tooBig.gpus > room.gpus ? "gpus" : tooBig.memoryMiB > room.memoryMiB ? "memory" : "cpu";
        problems.push({
          key: keyOf(["serving", "models", tooBig.model, field]),
          value: m[field],
          message: `${report.problems[0]}; lower the model's requests, or give the ${pool.name} pool a larger instance type (${keyOf(["cluster", "gpuNodeGroups", j, "instanceTypes"])})`,
        });
      } else if (grows || setByStack || needed === undefined) {
        const key = grows ? "maxSize" : "minSize";
        problems.push({
          key: keyOf(["cluster", "gpuNodeGroups", j, key]),
          value: pool[key],
          message:
            `the GPU pods \`pulumi up\` waits for do not fit on the ${pool.name} pool's ${nodes} node(s) ` +
            `(${grows ? "its maximum: nodes are added up to it while pods wait" : "its minimum: nothing adds nodes at this stage, so that is what runs"}): ` +
            `${report.problems.join("; ")}; ${needed === undefined ? "lower the models' replicas" : `set ${key} to ${needed}${grows ? "" : " (and maxSize at least that)"}, or lower the models' replicas`}`,
        });
      } else {
        const before = pool.minSize;
        pool.minSize = needed;
        pool.desiredSize = Math.max(pool.desiredSize, needed);
        pool.maxSize = Math.max(pool.maxSize, needed);
        spec.cluster.why += ` The ${pool.name} GPU pool runs ${needed} node(s) instead of ${before}: nothing autoscales at this stage, and the models on it (${workloads.map((w) => `${w.name} ${w.replicas} x ${w.gpus} GPU`).join(", ")}) wait for a node during \`pulumi up\` (components/compute/capacity.ts checkGpuPool).`;
        report = checkGpuPool({ ...shape, nodes: needed }, daemonSets, workloads);
      }
    }
    reports.push(report);
  });
  return { problems, reports };
}

/**
 * Prediction monitoring is on at Series B, but there is nothing to run until
 * the team names its report image: without one the piece stays off, and the
 * plan says so.
 */
function withoutImageOff(d: PieceDecision<PredictionMonitoringSettings>): PieceDecision<PredictionMonitoringSettings> {
  if (!d.enabled || d.settings.image) return d;
  return { ...d, enabled: false, decidedBy: "preset", why: `Off until a report image is configured (${keyOf(["predictionMonitoring", "image"])}). ${d.why}` };
}

/** Health checks on, but no endpoint listed: the plan says there is nothing to check yet. */
function nothingToCheckYet(d: PieceDecision<HealthCheckSettings>): PieceDecision<HealthCheckSettings> {
  if (!d.enabled || d.settings.publicEndpoints.length || d.settings.internalUrls.length) return d;
  return { ...d, why: `Nothing is checked until endpoints are listed (${keyOf(["healthChecks", "publicEndpoints"])} or internalUrls). ${d.why}` };
}

function crossChecks(cfg: StackConfig, spec: Omit<PlatformSpec, "stageTitle">): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const piece of PIECES) {
    const override = cfg[piece];
    const decision = spec[piece];
    const imagelessMonitoring = piece === "predictionMonitoring" && STAGE_PRESETS[spec.stage].predictionMonitoring.enabled && override?.enabled !== false;
    if (!decision.enabled && !imagelessMonitoring && override && Object.keys(override).some((k) => k !== "enabled")) {
      problems.push({
        key: keyOf([piece]),
        value: override,
        message: `the ${spec.stage} stage does not deploy the ${piece}, so these overrides would do nothing; remove them, or add \`enabled: true\` to deploy it`,
      });
    }
    if (decision.enabled) {
      for (const need of PIECE_NEEDS[piece]) {
        if (!spec[need].enabled) {
          problems.push({ key: keyOf([piece, "enabled"]), value: true, message: `the ${piece} needs the ${need}; also set ${keyOf([need, "enabled"])}: true` });
        }
      }
    }
  }
  if (spec.cluster.enabled && spec.network.enabled && spec.network.settings.natGateways === "none") {
    problems.push({
      key: keyOf(["network", "natGateways"]),
      value: "none",
      message: "EKS nodes live in private subnets and need a NAT gateway to pull images; use single or perAz",
    });
  }
  problems.push(...clusterAccessProblems(spec.cluster, spec.network, keyOf), ...arnPlacementProblems(spec, keyOf));
  const c = spec.cluster.settings;
  if (spec.cluster.enabled) {
    // An instance type the region does not offer would fail at `pulumi up`, after the network and database exist.
    const pools: { path: PropertyKey[]; types: string[] }[] = [
      { path: ["cluster", "systemNodeGroup", "instanceTypes"], types: c.systemNodeGroup.instanceTypes },
      ...c.gpuNodeGroups.map((g, i) => ({ path: ["cluster", "gpuNodeGroups", i, "instanceTypes"] as PropertyKey[], types: g.instanceTypes })),
    ];
    for (const { path, types } of pools)
      types.forEach((t, j) => {
        const why = instanceTypeNotOfferedReason(spec.region, t, isAcceleratedType);
        if (why) problems.push({ key: keyOf([...path, j]), value: t, message: why });
      });
  }
  if (spec.allowDestroyWithData && spec.protectStatefulResources)
    problems.push({
      key: keyOf(["allowDestroyWithData"]),
      value: true,
      message:
        "contradicts protectStatefulResources: true (production data is protected from destroy); allow destroying data only in a non-production stack that sets protectStatefulResources: false",
    });
  problems.push(...operationsChecks(cfg, spec));
  return problems;
}

/** "gpuNodeGroups[0].name" -> ["gpuNodeGroups", 0, "name"]. */
function pathParts(dotted: string): (string | number)[] {
  return dotted
    .split(/\.|\[(\d+)\]/)
    .filter((x) => x)
    .map((x) => (/^\d+$/.test(x) ? Number(x) : x));
}

/**
 * The same pure checks the components run on their arguments (their
 * `xProblems(name, settings)`, next to each component's schema), run here on
 * the settings index.ts will pass, so that a component's refusal surfaces as
 * a config error naming the key, before any resource is declared. A problem
 * with the component's name (derived from the environment) names
 * `environment`.
 */
function componentProblems(spec: Omit<PlatformSpec, "stageTitle">): ConfigProblem[] {
  const env = spec.environment;
  const checks: { piece: keyof typeof COMPONENT_PIECES & Piece; run: (name: string) => ArgProblem[] }[] = [
    { piece: "network", run: (name) => networkProblems(name, spec.network.settings) },
    { piece: "artifacts", run: (name) => artifactStoreProblems(name, spec.artifacts.settings) },
    { piece: "registry", run: (name) => containerRegistryProblems(name, spec.registry.settings) },
    { piece: "database", run: (name) => metadataStoreProblems(name, spec.database.settings) },
    { piece: "cluster", run: (name) => gpuClusterProblems(name, spec.cluster.settings) },
    { piece: "tracking", run: () => experimentTrackingSettingsProblems(spec.tracking.settings) },
    { piece: "monitoring", run: () => monitoringSettingsProblems(spec.monitoring.settings) },
    { piece: "alerts", run: () => receiverProblems(spec.alerts.settings) },
    { piece: "backup", run: () => databaseBackupSettingsProblems(spec.backup.settings) },
    { piece: "healthChecks", run: () => healthChecksSettingsProblems(spec.healthChecks.settings) },
    { piece: "predictionMonitoring", run: () => predictionMonitoringSettingsProblems(spec.predictionMonitoring.settings) },
  ];
  const problems: ConfigProblem[] = [];
  for (const { piece, run } of checks) {
    if (!spec[piece].enabled) continue;
    for (const p of run(componentName(env, piece))) {
      problems.push(
        p.path === "(name)"
          ? { key: keyOf(["environment"]), value: env, message: `names the ${piece} component "${componentName(env, piece)}", which ${p.message}` }
          : { key: keyOf([piece, ...pathParts(p.path)]), value: p.value, message: p.message },
      );
    }
  }
  return problems;
}

/**
 * Names over AWS's limits, as each deployed component names its children
 * (config/naming-input.ts) with Pulumi's random suffix: one problem per set
 * of contributing keys (a pool's name over 3 AZs is one mistake, not six),
 * at the most specific key, naming every key that makes up the name and by
 * how much to shorten it.
 */
function nameLengthProblems(spec: Parameters<typeof stackPhysicalNames>[0]): ConfigProblem[] {
  const worst = new Map<string, PhysicalName>();
  for (const n of stackPhysicalNames(spec).filter((name) => name.length > name.limit)) {
    const id = n.drivenBy.join(" ");
    const before = worst.get(id);
    if (!before || n.length - n.limit > before.length - before.limit) worst.set(id, n);
  }
  const pathOf = pathParts;
  return [...worst.values()].map((n) => {
    const keys = n.drivenBy.map((d) => keyOf(pathOf(d)));
    const [piece, ...rest] = pathOf(n.drivenBy[n.drivenBy.length - 1]!);
    const settings = (spec as unknown as Record<string, { settings?: unknown }>)[String(piece)]?.settings;
    const others = keys.slice(0, -1);
    return {
      key: keys[keys.length - 1]!,
      value: piece === "environment" ? spec.environment : valueAt(settings, rest),
      message: `${others.length ? `with ${others.join(" and ")}, ` : ""}${describeNameOverLimit(n)}; shorten ${keys.length > 1 ? `${keys.join(" or ")}` : "it"} by ${n.length - n.limit} characters`,
    };
  });
}

/** `first`, then those of `second` at keys `first` has no problem at (a name too long is one mistake, said once). */
function withoutKeysOf(first: ConfigProblem[], second: ConfigProblem[]): ConfigProblem[] {
  const keys = new Set(first.map((p) => p.key));
  return [...first, ...second.filter((p) => !keys.has(p.key))];
}

/** Tags a user may not set: AWS's, the program's own, and keys AWS refuses (the schema checks the values). */
function tagProblems(tags: unknown): ConfigProblem[] {
  if (tags === null || typeof tags !== "object" || Array.isArray(tags)) return [];
  const setByProgram = [...STACK_TAG_KEYS, ...COMPONENT_TAG_KEYS];
  const problems: ConfigProblem[] = [];
  for (const [key, value] of Object.entries(tags)) {
    const why = tagKeyProblem(key) ?? reservedTagKeyProblem(key, setByProgram);
    if (why) problems.push({ key: keyOf(["tags", key]), value, message: `tag key "${key}": ${why}` });
  }
  return problems;
}

function regionProblems(region: string | undefined): ConfigProblem[] {
  if (!region) return [{ key: "aws:region", value: undefined, message: "is required: the AWS region to deploy to, e.g. us-east-1" }];
  if (isAwsRegion(region)) return [];
  return [
    {
      key: "aws:region",
      value: region,
      message: `is not an AWS region${didYouMean(region, AWS_REGIONS) || " (lib/regions.ts lists them, e.g. us-east-1 or eu-west-1)"}`,
    },
  ];
}

export interface ResolveOptions {
  /** The project's name (Pulumi.yaml `name`, pulumi.getProject()): the namespace of the platform's keys. Default PROJECT. */
  project?: string;
  /** Where the config came from, for the error's first line. */
  source?: string;
  /** Keys stored encrypted (`secure:`), for checks that a secret is not in plain text. */
  secretKeys?: string[];
}

/**
 * Resolves the stack's configuration. `raw` is Pulumi's config map
 * (`pulumi.runtime.allConfig()`: "namespace:key" -> string or JSON text).
 * Throws ConfigError listing every problem; returns a complete PlatformSpec.
 */
export function resolvePlatformSpec(raw: Record<string, string>, stack: string, options: ResolveOptions = {}): PlatformSpec {
  const project = options.project ?? PROJECT;
  NAMESPACE = namespaceOf(project);
  try {
    return resolve(raw, stack, project, options.source, options.secretKeys);
  } finally {
    NAMESPACE = namespaceOf(PROJECT);
  }
}

function resolve(raw: Record<string, string>, stack: string, project: string, source: string | undefined, secretKeys: string[] | undefined): PlatformSpec {
  const own: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    // An empty value is an unset key: Pulumi.yaml declares each optional scalar key with the default "",
    // which the Pulumi CLI copies into every stack that lacks the key (pulumi/pulumi
    // pkg/workspace/config.go mergeConfig, checked 2026-12-07; docs/generator/project-file.ts).
    if (k.startsWith(NAMESPACE) && v !== "") own[k.slice(NAMESPACE.length)] = parseRawValue(v);
  }
  const region = raw["aws:region"];
  // Every problem that needs no resolved spec, reported together.
  const parsedRaw = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, parseRawValue(v)]));
  const problems: ConfigProblem[] = [...namespaceProblems(parsedRaw, project), ...regionProblems(region)];
  const parsed = StackConfig.safeParse(own);
  if (!parsed.success) problems.push(...issueProblems(parsed.error, own, StackConfig).map((p) => ({ key: keyOf(p.path), value: p.value, message: p.message })));
  problems.push(...tagProblems(own.tags), ...duplicateProblems(own, keyOf));
  if (problems.length || !parsed.success) throw new ConfigError(problems, source);
  const cfg = parsed.data;
  const preset = STAGE_PRESETS[cfg.stage];

  const spec = {
    project,
    stack,
    stage: cfg.stage,
    environment: cfg.environment,
    region: region!,
    namePrefix: `mlp-${cfg.environment}`,
    tags: {
      ...cfg.tags,
      project,
      stage: cfg.stage,
      environment: cfg.environment,
      "managed-by": "pulumi",
    },
    protectStatefulResources: cfg.protectStatefulResources ?? preset.protectStatefulResources,
    allowDestroyWithData: cfg.allowDestroyWithData ?? preset.allowDestroyWithData,
    network: decide<NetworkSettings>("network", cfg.stage, cfg.network),
    artifacts: decide<ArtifactSettings>("artifacts", cfg.stage, cfg.artifacts),
    registry: decide<RegistrySettings>("registry", cfg.stage, cfg.registry),
    database: decide<DatabaseSettings>("database", cfg.stage, cfg.database),
    cluster: decide<ClusterSettings>("cluster", cfg.stage, cfg.cluster, mergeCluster),
    serving: decide<ServingSettings>("serving", cfg.stage, cfg.serving, mergeServing),
    tracking: decide<TrackingSettings>("tracking", cfg.stage, cfg.tracking),
    monitoring: decide<MonitoringSettings>("monitoring", cfg.stage, cfg.monitoring),
    alerts: decide<AlertSettings>("alerts", cfg.stage, cfg.alerts),
    backup: decide<BackupSettings>("backup", cfg.stage, cfg.backup),
    healthChecks: nothingToCheckYet(decide<HealthCheckSettings>("healthChecks", cfg.stage, cfg.healthChecks, mergeHealthChecks)),
    predictionMonitoring: withoutImageOff(decide<PredictionMonitoringSettings>("predictionMonitoring", cfg.stage, cfg.predictionMonitoring)),
  };
  if (cfg.sentryDsn !== undefined) spec.serving.settings.sentryDsn = cfg.sentryDsn;
  // Stage-dependent serving defaults (components/serving/settings.ts withStageDefaults): a GPU model that
  // names no pool runs on the cluster's first GPU pool ("gpu" at MVP, "inference" at
  // Series B), so a stack grown by its stage key keeps planning.
  spec.serving.settings = withStageDefaults(spec.serving.settings, spec.cluster.settings.gpuNodeGroups[0]?.name);
  if (spec.serving.enabled) spec.serving.why += canaryReleaseCosts(spec.serving.settings);
  const crossProblems = [
    ...crossChecks(cfg, spec),
    ...servingChecks(cfg, spec, secretKeys),
    ...withoutKeysOf(nameLengthProblems(spec), componentProblems(spec)),
  ];
  if (crossProblems.length) throw new ConfigError(crossProblems, source);
  const gpu = gpuPoolCheck(own.cluster, spec);
  const capacity = systemPoolCheck(cfg, spec);
  if (gpu.problems.length || capacity.problems.length) throw new ConfigError([...gpu.problems, ...capacity.problems], source);
  return { ...spec, systemPool: capacity.report, gpuPools: gpu.reports, stageTitle: preset.title };
}
