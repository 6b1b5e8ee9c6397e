/**
 * Model serving's settings as a stack file gives them, their defaults, and
 * what follows from them: the colours a model runs, its worst-case pods and
 * GPUs, and the serving pieces' footprint on the system pool.
 *
 * Blue/green in one paragraph: each model has two Deployments, `<model>-blue`
 * and `<model>-green`, that differ only in their colour label and, during a
 * release, in image and model URI. The live Service `<model>` selects
 * `activeColor`; the preview Service `<model>-preview` selects the other one.
 * A release changes the idle colour only; a flip changes the two selectors
 * only; a rollback is a flip back, instant because the old colour still runs.
 */
import type { SystemWorkload } from "../compute/capacity";


// ------------------------------------------------------------------ settings

export const COLORS = ["blue", "green"] as const;
export type Color = (typeof COLORS)[number];
export const otherColor = (c: Color): Color => (c === "blue" ? "green" : "blue");

/** Placeholder for this stack's ECR registry in image references: `<registry>/models:1.4.0`. */
export const REGISTRY_PLACEHOLDER = "<registry>";
/** Placeholder for this stack's models bucket in model URIs: `s3://<models-bucket>/classifier/1.4.0/`. */
export const MODELS_BUCKET_PLACEHOLDER = "<models-bucket>";

/** One colour of a blue/green model: what it runs and how many replicas. */
export interface ColorRelease {
  /** Image reference: `<registry>/<repository>:<tag>` or a full reference with a tag or digest. */
  image?: string;
  /** Model artifacts: `s3://<models-bucket>/<model prefix>...`. */
  modelUri?: string;
  /** Replicas; 0 keeps the colour's Deployment at zero pods (no GPU cost). */
  replicas: number;
}

export type ExposureType = "cluster" | "internal" | "public";

export interface ModelExposure {
  /**
   * "cluster": a ClusterIP Service only (default). "internal": an internal
   * NLB through the AWS Load Balancer Controller. "public": an
   * internet-facing NLB, allowed only with `sourceRanges`.
   */
  type: ExposureType;
  /** CIDRs allowed to reach the load balancer (required for "public"). */
  sourceRanges: string[];
}

export interface ModelSettings {
  /** DNS label: names the Deployments, Services and the IRSA role. */
  name: string;
  /** MVP (no blue/green): the image, model URI and replica count. */
  image?: string;
  modelUri?: string;
  replicas?: number;
  /** Series B: the colour the live Service selects. */
  activeColor?: Color;
  blue?: ColorRelease;
  green?: ColorRelease;
  /** Container port the model server listens on. Default 8080. */
  port: number;
  /** CPU request per pod, Kubernetes quantity ("2", "500m"). */
  cpu: string;
  /** Memory request per pod ("8Gi"). */
  memory: string;
  /** CPU limit; default equal to the request. */
  cpuLimit?: string;
  /** Memory limit; default equal to the request (no overcommit, no surprise OOM). */
  memoryLimit?: string;
  /** NVIDIA GPUs per pod; 0 runs the model on the CPU system pool. */
  gpus: number;
  /** GPU node group (cluster.gpuNodeGroups[].name) the pods run on when gpus > 0. Default: the cluster's first GPU node group. */
  gpuPool?: string;
  /** HTTP path for liveness and the startup probe. Default "/health". */
  healthPath: string;
  /** HTTP path for readiness. Default: healthPath. */
  readinessPath?: string;
  /** Longest a pod may take to load its model before it is restarted. Default 600 s. */
  startupTimeoutSeconds: number;
  /** preStop pause: time for endpoints and load balancers to stop sending new requests. Default 15 s. */
  drainSeconds: number;
  /** Time the server gets after SIGTERM to finish in-flight requests. Default 30 s. */
  shutdownSeconds: number;
  /** HPA maximum per colour (Series B). Default: twice the largest colour's replicas. */
  maxReplicas?: number;
  /** HPA target: average CPU utilisation of the requests, percent. Default 70. */
  targetCpuUtilization: number;
  exposure: ModelExposure;
  /** Prefix in the models bucket the model's role may read. Default "<name>/". */
  prefix: string;
}

export interface ServingSettings {
  /** Namespace of every serving object. */
  namespace: string;
  /** Two Deployments per model (blue/green) and a preview Service. */
  blueGreen: boolean;
  /** A PodDisruptionBudget and a HorizontalPodAutoscaler per running colour. */
  autoscaling: boolean;
  /** GPUs the serving namespace may request at once: its ResourceQuota on requests.nvidia.com/gpu. */
  maxGpus: number;
  /** Sentry DSN for error reporting (a Pulumi secret); none when unset. */
  sentryDsn?: string;
  /** IAM roles given read-only access to the serving namespace (EKS access entries, namespace scope). */
  viewerRoleArns: string[];
  models: ModelSettings[];
}

export type ModelInput = Partial<Omit<ModelSettings, "exposure" | "name">> & { name: string; exposure?: Partial<ModelExposure> };

/** Serving settings as a caller may give them: every field has a default (components/serving/model-serving.schema.ts). */
export interface ServingSettingsInput {
  /** Namespace of every serving object. Default "serving". */
  namespace?: string;
  /** Blue/green Deployments and a preview Service. Default false. */
  blueGreen?: boolean;
  /** A PDB and an HPA per running colour. Default false. */
  autoscaling?: boolean;
  /** The namespace's GPU quota. Default 0. */
  maxGpus?: number;
  /** Sentry DSN (a secret). Default none. */
  sentryDsn?: string;
  /** IAM roles with read-only access to the namespace. Default []. */
  viewerRoleArns?: string[];
  /** The models; each needs only a name (and what its stage requires). Default []. */
  models?: ModelInput[];
}

/** Fills a model's optional fields with their defaults. */
export function withModelDefaults(m: ModelInput): ModelSettings {
  return {
    ...m,
    name: m.name,
    port: m.port ?? 8080,
    cpu: m.cpu ?? "1",
    memory: m.memory ?? "4Gi",
    gpus: m.gpus ?? 0,
    healthPath: m.healthPath ?? "/health",
    startupTimeoutSeconds: m.startupTimeoutSeconds ?? 600,
    drainSeconds: m.drainSeconds ?? 15,
    shutdownSeconds: m.shutdownSeconds ?? 30,
    targetCpuUtilization: m.targetCpuUtilization ?? 70,
    exposure: { type: m.exposure?.type ?? "cluster", sourceRanges: m.exposure?.sourceRanges ?? [] },
    prefix: m.prefix ?? `${m.name}/`,
  };
}

/**
 * Defaults that depend on the stage and the cluster, applied after the
 * stack's settings are merged:
 * - a GPU model without `gpuPool` runs on the cluster's first GPU node group
 *   (MVP `gpu`, Series B `inference`), so a stack file need not name a pool
 *   that changes with the stage;
 * - at Series B a model still written in the MVP shape (`image`, `modelUri`,
 *   `replicas`, as when a stack grows by its stage key alone) is served as
 *   the blue colour, live, with green at 0 replicas: the first release then
 *   writes the blue/green shape with its `activeColor`;
 * - with autoscaling, `maxReplicas` defaults to twice the largest colour's
 *   replicas (the HPA always states both bounds; the quota and pool checks
 *   see the result).
 */
export function withStageDefaults(settings: ServingSettings, firstGpuPool: string | undefined): ServingSettings {
  const models = settings.models.map((input) => {
    let m: ModelSettings = { ...input };
    if (m.gpus > 0 && m.gpuPool === undefined && firstGpuPool !== undefined) m.gpuPool = firstGpuPool;
    const mvpShape = m.image !== undefined || m.modelUri !== undefined;
    if (settings.blueGreen && mvpShape && m.activeColor === undefined && !m.blue && !m.green) {
      const { image, modelUri, replicas, ...rest } = m;
      m = { ...rest, activeColor: "blue", blue: { image, modelUri, replicas: replicas ?? 1 }, green: { replicas: 0 } };
    }
    if (settings.autoscaling && m.maxReplicas === undefined) {
      const most = Math.max(1, ...colorsOf(settings).map((c) => releaseOf(m, c).replicas));
      m.maxReplicas = 2 * most;
    }
    return m;
  });
  return { ...settings, models };
}

// ------------------------------------------------------------ quantities

/** "500m" -> 500, "2" -> 2000, "1.5" -> 1500; undefined when not a CPU quantity. */
export function cpuMillis(q: string | number): number | undefined {
  const s = String(q).trim();
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(s);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Math.round(m[2] ? n : n * 1000);
}

const MEMORY_UNITS: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024, K: 1000 / 1048576, M: 1e6 / 1048576, G: 1e9 / 1048576 };

/** "512Mi" -> 512, "8Gi" -> 8192, "1G" -> 953.67...; undefined when not a memory quantity with a unit. */
export function memoryMiB(q: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G)$/.exec(q.trim());
  if (!m) return undefined;
  return Number(m[1]) * MEMORY_UNITS[m[2]!]!;
}

/** The colours a model runs with: ["blue", "green"] at Series B, [undefined] (one uncoloured Deployment) before. */
export function colorsOf(settings: Pick<ServingSettings, "blueGreen">): (Color | undefined)[] {
  return settings.blueGreen ? [...COLORS] : [undefined];
}

/** The release a colour (or the uncoloured MVP Deployment) runs. */
export function releaseOf(model: ModelSettings, color: Color | undefined): ColorRelease {
  if (color) return model[color] ?? { replicas: 0 };
  return { image: model.image, modelUri: model.modelUri, replicas: model.replicas ?? 1 };
}

/**
 * Pods a model can run at once in the worst case: every colour at the HPA
 * maximum (a release window runs both colours), or its replicas where
 * nothing autoscales. Rollouts of GPU models never surge (see
 * rolloutStrategy), so no extra pod is counted for them.
 */
export function worstCasePods(model: ModelSettings, settings: Pick<ServingSettings, "blueGreen" | "autoscaling">): number {
  const colors = colorsOf(settings);
  if (settings.autoscaling && model.maxReplicas !== undefined) return colors.length * Math.max(model.maxReplicas, ...colors.map((c) => releaseOf(model, c).replicas));
  return colors.reduce((s, c) => s + releaseOf(model, c).replicas, 0);
}

/** GPUs a model can hold at once in the worst case (worstCasePods x GPUs per pod). */
export function worstCaseGpus(model: ModelSettings, settings: Pick<ServingSettings, "blueGreen" | "autoscaling">): number {
  return model.gpus === 0 ? 0 : worstCasePods(model, settings) * model.gpus;
}

// ------------------------------------------------------------ capacity, cost

/**
 * The models that run on the CPU system pool (CPU-only models), every
 * colour at its maximum. ModelServing adds its add-ons' pods
 * (components/serving/model-serving.ts servingSystemWorkloads).
 */
export function modelSystemWorkloads(settings: ServingSettings): SystemWorkload[] {
  const workloads: SystemWorkload[] = [];
  for (const m of settings.models.filter((x) => x.gpus === 0)) {
    const replicas = worstCasePods(m, settings);
    if (replicas > 0) workloads.push({ name: `model ${m.name}`, replicas, cpuMillis: cpuMillis(m.cpu) ?? 0, memoryMiB: Math.round(memoryMiB(m.memory) ?? 0), source: "serving.models (every colour at its maximum)" });
  }
  return workloads;
}

/**
 * GPU-hours one release costs at a stage: while both colours run (from the
 * idle colour's scale-up to its scale-down after the confirmation window)
 * the idle colour holds `replicas x gpus` extra GPUs.
 */
export function releaseGpuHours(model: Pick<ModelSettings, "gpus">, idleReplicas: number, windowHours: number): number {
  return model.gpus * idleReplicas * windowHours;
}