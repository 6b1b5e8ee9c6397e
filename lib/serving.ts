/**
 * Model serving as pure functions: the settings a stack file gives, the
 * checks that refuse a bad release before anything changes, and every
 * Kubernetes object and IAM document ModelServing declares. No Pulumi engine
 * is needed: tests call these directly, and the component only wires their
 * results into resources. Values that are Pulumi outputs at deploy time
 * (role ARNs, resolved image and model URIs) are type parameters, so no
 * `apply` is needed to build the objects.
 *
 * Blue/green in one paragraph: each model has two Deployments, `<model>-blue`
 * and `<model>-green`, that differ only in their colour label and, during a
 * release, in image and model URI. The live Service `<model>` selects
 * `activeColor`; the preview Service `<model>-preview` selects the other one.
 * A release changes the idle colour only; a flip changes the two selectors
 * only; a rollback is a flip back, instant because the old colour still runs.
 */
import type { PolicyDocument, Statement } from "./iam";
import { GPU_RESOURCE, GPU_TOLERATION, NODE_GROUP_LABEL, Toleration, systemNodeLabels } from "./eks";
import type { SystemWorkload } from "./capacity";

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

// ------------------------------------------------------------------ checks

export interface ServingProblem {
  /** Path under `ml-platform:serving`, e.g. ["models", 0, "activeColor"]. */
  path: (string | number)[];
  value: unknown;
  message: string;
}

export interface GpuPoolCapacity {
  /** GPUs per node, when the pool's instance types agree on one number. */
  gpusPerNode?: number;
  /** GPUs the pool can supply at its maximum size. */
  maxGpus?: number;
}

export interface ServingContext {
  /** GPU node groups of the cluster, by name; undefined when unknown (a ClusterHandle does not list them): pools are then not checked. */
  gpuPools?: Record<string, GpuPoolCapacity>;
  /** Repositories of this stack's registry (for `<registry>/<repo>:tag`), "any" when a registry is given but its repositories are not known, or undefined when there is none. */
  repositories?: string[] | "any";
}

const MODEL_NAME = /^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$/;
const IMAGE_WITH_TAG = /^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/;
const WORLD = ["0.0.0.0/0", "::/0"];

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

/** `<registry>/models:1.4.0` -> `models`; undefined when the image does not use the placeholder. */
export function placeholderRepository(image: string): string | undefined {
  if (!image.startsWith(`${REGISTRY_PLACEHOLDER}/`)) return undefined;
  const rest = image.slice(REGISTRY_PLACEHOLDER.length + 1);
  return rest.split(/[:@]/)[0];
}

function imageProblem(image: string, ctx: ServingContext): string | undefined {
  const concrete = image.startsWith(`${REGISTRY_PLACEHOLDER}/`) ? `registry.invalid${image.slice(REGISTRY_PLACEHOLDER.length)}` : image;
  if (!IMAGE_WITH_TAG.test(concrete)) return `must be an image reference with a tag or digest, such as ${REGISTRY_PLACEHOLDER}/models:1.4.0 or 123456789012.dkr.ecr.us-east-1.amazonaws.com/mlp-prod-registry/models:1.4.0`;
  if (/:latest$/.test(image)) return "must not use the tag latest: a release must name exactly what it runs, and ECR tags here are immutable";
  const repo = placeholderRepository(image);
  if (repo !== undefined) {
    if (!ctx.repositories) return `uses ${REGISTRY_PLACEHOLDER}, but this stack deploys no registry; give a full image reference`;
    if (ctx.repositories !== "any" && !ctx.repositories.includes(repo)) return `names repository "${repo}", which this stack's registry does not have (it has ${ctx.repositories.join(", ")})`;
  }
  return undefined;
}

function modelUriProblem(uri: string, model: ModelSettings): string | undefined {
  const head = `s3://${MODELS_BUCKET_PLACEHOLDER}/`;
  if (!uri.startsWith(head)) return `must point into this stack's models bucket: ${head}${model.prefix}<version>/`;
  if (!uri.slice(head.length).startsWith(model.prefix))
    return `must lie under the model's prefix ${head}${model.prefix}: the model's IAM role can read nothing else`;
  return undefined;
}

/**
 * Every mistake in the serving settings, with the path of the key, before
 * anything is declared. The refusals a release relies on: a flip
 * (`activeColor`) to a colour that has no image, no model URI or 0
 * replicas; GPU demand beyond the namespace quota or the pool.
 */
export function servingProblems(settings: ServingSettings, ctx: ServingContext): ServingProblem[] {
  const problems: ServingProblem[] = [];
  const add = (path: (string | number)[], value: unknown, message: string) => problems.push({ path, value, message });
  const names = new Set<string>();
  const poolDemand = new Map<string, { gpus: number; first: number }>();
  let totalGpus = 0;

  settings.models.forEach((m, i) => {
    const at = (...p: (string | number)[]) => ["models", i, ...p];
    if (!MODEL_NAME.test(m.name)) add(at("name"), m.name, "must be 1-32 lower-case letters, digits and '-', starting with a letter (it names Services and Deployments)");
    if (names.has(m.name)) add(at("name"), m.name, "model names must be unique");
    names.add(m.name);
    if (!m.prefix.endsWith("/") || m.prefix.startsWith("/")) add(at("prefix"), m.prefix, 'must be a key prefix ending in "/", such as "classifier/"');

    if (settings.blueGreen) {
      for (const k of ["image", "modelUri", "replicas"] as const)
        if (m[k] !== undefined) add(at(k), m[k], "at this stage every release goes through blue/green: put image, modelUri and replicas under blue: and green:");
      if (m.activeColor === undefined) add(at("activeColor"), undefined, "is required: the colour (blue or green) the live Service sends traffic to");
      for (const c of COLORS) if (!m[c]) add(at(c), undefined, `is required: give the ${c} colour at least { replicas: 0 }`);
      const active = m.activeColor;
      if (active && m[active]) {
        const r = m[active]!;
        const missing = [r.image ? undefined : "no image", r.modelUri ? undefined : "no modelUri", r.replicas >= 1 ? undefined : "0 replicas"].filter(Boolean);
        if (missing.length)
          add(at("activeColor"), active, `cannot send live traffic to ${active}: it has ${missing.join(", ")}. Release it first (set models[${i}].${active}.image, modelUri and replicas, run pulumi up, test it through the preview Service), then flip`);
      }
    } else {
      if (m.activeColor !== undefined || m.blue || m.green)
        add(at(m.activeColor !== undefined ? "activeColor" : m.blue ? "blue" : "green"), m.activeColor ?? m.blue ?? m.green, "blue/green releases start at Series B (serving.blueGreen); at this stage give image, modelUri and replicas directly");
      if (!m.image) add(at("image"), m.image, "is required: the model server image");
      if (!m.modelUri) add(at("modelUri"), m.modelUri, `is required: s3://${MODELS_BUCKET_PLACEHOLDER}/${m.prefix}<version>/`);
      if ((m.replicas ?? 1) < 1) add(at("replicas"), m.replicas, "must be at least 1 (remove the model to stop serving it)");
    }
    for (const c of colorsOf(settings)) {
      const r = releaseOf(m, c);
      const key = (k: string) => (c ? at(c, k) : at(k));
      if (r.image !== undefined) {
        const p = imageProblem(r.image, ctx);
        if (p) add(key("image"), r.image, p);
      }
      if (r.modelUri !== undefined) {
        const p = modelUriProblem(r.modelUri, m);
        if (p) add(key("modelUri"), r.modelUri, p);
      }
      if (c && r.replicas > 0 && (!r.image || !r.modelUri)) add(key(r.image ? "modelUri" : "image"), undefined, `is required while ${c}.replicas is ${r.replicas}`);
    }

    const cpu = cpuMillis(m.cpu);
    const mem = memoryMiB(m.memory);
    if (cpu === undefined || cpu <= 0) add(at("cpu"), m.cpu, 'must be a CPU quantity such as "500m" or "2"');
    if (mem === undefined || mem <= 0) add(at("memory"), m.memory, 'must be a memory quantity with a unit, such as "512Mi" or "8Gi"');
    if (m.cpuLimit !== undefined && cpu !== undefined && (cpuMillis(m.cpuLimit) ?? -1) < cpu) add(at("cpuLimit"), m.cpuLimit, `must be a CPU quantity of at least the request (${m.cpu})`);
    if (m.memoryLimit !== undefined && mem !== undefined && (memoryMiB(m.memoryLimit) ?? -1) < mem) add(at("memoryLimit"), m.memoryLimit, `must be a memory quantity of at least the request (${m.memory})`);

    if (m.gpus > 0) {
      const pools = ctx.gpuPools ?? {};
      const pool = m.gpuPool === undefined ? undefined : pools[m.gpuPool];
      if (m.gpuPool === undefined) add(at("gpuPool"), undefined, `is required when gpus > 0: one of the cluster's GPU node groups (${Object.keys(pools).join(", ") || "none"})`);
      else if (!pool && ctx.gpuPools) add(at("gpuPool"), m.gpuPool, `is not a GPU node group of this cluster (${Object.keys(pools).join(", ") || "it has none"})`);
      else if (pool && pool.gpusPerNode !== undefined && m.gpus > pool.gpusPerNode) add(at("gpus"), m.gpus, `a ${m.gpuPool} node has ${pool.gpusPerNode} GPU(s); a pod cannot use more than one node has`);
      if (pool) {
        const d = poolDemand.get(m.gpuPool!) ?? { gpus: 0, first: i };
        d.gpus += worstCaseGpus(m, settings);
        poolDemand.set(m.gpuPool!, d);
      }
    } else if (m.gpuPool !== undefined) {
      add(at("gpuPool"), m.gpuPool, "only GPU models (gpus > 0) take a gpuPool; CPU models run on the system pool");
    }
    totalGpus += worstCaseGpus(m, settings);

    if (settings.autoscaling) {
      if (m.maxReplicas === undefined) add(at("maxReplicas"), undefined, "is required at this stage: the HorizontalPodAutoscaler's explicit maximum per colour");
      else {
        for (const c of colorsOf(settings)) {
          const r = releaseOf(m, c).replicas;
          if (r > m.maxReplicas) add(c ? at(c, "replicas") : at("replicas"), r, `cannot exceed maxReplicas (${m.maxReplicas}): replicas is the autoscaler's minimum`);
        }
      }
    } else if (m.maxReplicas !== undefined) {
      add(at("maxReplicas"), m.maxReplicas, "autoscaling starts at Series B (serving.autoscaling); at this stage set replicas by hand");
    }

    const ex = m.exposure;
    if (ex.type === "public") {
      if (ex.sourceRanges.length === 0) add(at("exposure", "sourceRanges"), [], "is required for a public endpoint: list the callers' CIDRs (an open model endpoint invites GPU-burning traffic)");
      ex.sourceRanges.forEach((r, j) => {
        if (WORLD.includes(r)) add(at("exposure", "sourceRanges", j), r, "opens the endpoint to the whole internet; list the callers' CIDRs");
      });
    } else if (ex.type === "cluster" && ex.sourceRanges.length) {
      add(at("exposure", "sourceRanges"), ex.sourceRanges, 'only applies to a load balancer (exposure.type "internal" or "public")');
    }
    if (m.drainSeconds < 0 || m.shutdownSeconds < 0) add(at("drainSeconds"), m.drainSeconds, "cannot be negative");
    if (m.startupTimeoutSeconds < 10) add(at("startupTimeoutSeconds"), m.startupTimeoutSeconds, "must be at least 10 (seconds a model may take to load)");
  });

  if (totalGpus > settings.maxGpus) {
    add(["maxGpus"], settings.maxGpus, `the models can hold ${totalGpus} GPUs at once (every colour at its maximum during a release), more than the namespace quota allows; raise maxGpus or lower replicas/maxReplicas`);
  }
  for (const [pool, d] of poolDemand) {
    const cap = ctx.gpuPools?.[pool]?.maxGpus;
    if (cap !== undefined && d.gpus > cap)
      add(["models", d.first, "gpuPool"], pool, `the models on ${pool} can hold ${d.gpus} GPUs at once, but the pool has ${cap} at its maximum size: pods would wait forever; raise the pool's maxSize or lower replicas/maxReplicas`);
  }
  return problems;
}

// ------------------------------------------------------- Kubernetes objects

export type Labels = Record<string, string>;
export const MODEL_LABEL = "ml-platform/model";
export const COLOR_LABEL = "ml-platform/color";

/** Labels of a model's pods: the selector of its Deployments, PDBs and Services. */
export function podLabels(model: string, color: Color | undefined): Labels {
  return {
    "app.kubernetes.io/name": model,
    "app.kubernetes.io/component": "model-server",
    "app.kubernetes.io/part-of": "ml-platform",
    [MODEL_LABEL]: model,
    ...(color ? { [COLOR_LABEL]: color } : {}),
  };
}

/** What a Deployment, PDB or Service selects: the model, and the colour when there is one. */
export function selectorOf(model: string, color: Color | undefined): Labels {
  return { [MODEL_LABEL]: model, ...(color ? { [COLOR_LABEL]: color } : {}) };
}

export const deploymentName = (model: string, color: Color | undefined) => (color ? `${model}-${color}` : model);
export const serviceAccountName = (model: string) => `${model}-model`;
export const previewServiceName = (model: string) => `${model}-preview`;
export const SENTRY_SECRET = { name: "sentry", key: "dsn" } as const;
export const GPU_QUOTA_NAME = "gpu";

export function namespaceManifest(name: string, labels: Labels = {}) {
  return { apiVersion: "v1" as const, kind: "Namespace" as const, metadata: { name, labels: { "app.kubernetes.io/part-of": "ml-platform", ...labels } } };
}

/**
 * The namespace's GPU ResourceQuota: the API server refuses any pod that
 * would take the namespace past `maxGpus` requested GPUs, so a runaway
 * `kubectl scale` fails at once instead of waiting for nodes. Extended
 * resources take only the `requests.` form in a quota (Kubernetes docs,
 * "Resource quota for extended resources", checked 2026-11-23).
 */
export function gpuQuotaManifest(namespace: string, maxGpus: number) {
  return {
    apiVersion: "v1" as const,
    kind: "ResourceQuota" as const,
    metadata: { name: GPU_QUOTA_NAME, namespace },
    spec: { hard: { [`requests.${GPU_RESOURCE}`]: String(maxGpus) } },
  };
}

export function serviceAccountManifest<T>(model: string, namespace: string, roleArn: T) {
  return {
    apiVersion: "v1" as const,
    kind: "ServiceAccount" as const,
    metadata: { name: serviceAccountName(model), namespace, labels: podLabels(model, undefined), annotations: { "eks.amazonaws.com/role-arn": roleArn } },
  };
}

export function sentrySecretManifest<T>(namespace: string, dsn: T) {
  return {
    apiVersion: "v1" as const,
    kind: "Secret" as const,
    metadata: { name: SENTRY_SECRET.name, namespace },
    type: "Opaque",
    stringData: { [SENTRY_SECRET.key]: dsn },
  };
}

/**
 * How a Deployment replaces its pods. GPU pods never surge: an extra GPU pod
 * needs an extra GPU node (none is idle at MVP, where nothing autoscales) and
 * would count against the namespace quota, so the rollout could hang. They
 * replace one pod at a time instead; at Series B that only happens on the
 * idle colour, which takes no traffic. CPU pods surge one and keep all
 * serving until the new one is Ready.
 */
export function rolloutStrategy(gpus: number) {
  return gpus > 0
    ? { type: "RollingUpdate" as const, rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } }
    : { type: "RollingUpdate" as const, rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
}

/** The tag (or digest) of an image reference, for SENTRY_RELEASE. */
export function imageTag(image: string): string {
  const at = image.lastIndexOf("@");
  if (at >= 0) return image.slice(at + 1);
  const colon = image.lastIndexOf(":");
  return colon > image.lastIndexOf("/") ? image.slice(colon + 1) : "untagged";
}

export interface DeploymentInputs<S> {
  model: ModelSettings;
  color: Color | undefined;
  namespace: string;
  /** Replicas to run: the colour's (or the model's) replicas, which is also the HPA minimum. */
  replicas: number;
  /** The image with `<registry>` resolved. */
  image: S;
  /** The model URI with `<models-bucket>` resolved. */
  modelUri: S;
  /** The image as written in the stack file, for SENTRY_RELEASE. */
  imageAsWritten: string;
  /** Environment name, for SENTRY_ENVIRONMENT. */
  environment: string;
  /** Reference SENTRY_DSN from the namespace's sentry Secret. */
  sentry: boolean;
}

const PROBE_PERIOD = 10;

/**
 * A model server Deployment. Loading a model can take minutes, so a startup
 * probe holds off liveness until the first success (up to
 * startupTimeoutSeconds); without it, liveness would kill the pod in a loop.
 * On shutdown the preStop `sleep` action (GA in Kubernetes 1.34, KEP-3960;
 * no shell needed in the image) keeps the pod serving while endpoints and
 * load balancers drop it, then SIGTERM leaves `shutdownSeconds` for
 * in-flight requests: terminationGracePeriodSeconds covers both. Pods spread
 * over zones and nodes as a preference, not a rule: a hard zone rule would
 * leave a replica Pending whenever one AZ has no GPU capacity.
 */
export function deploymentManifest<S>(i: DeploymentInputs<S>) {
  const m = i.model;
  const labels = podLabels(m.name, i.color);
  const selector = selectorOf(m.name, i.color);
  const cpu = `${cpuMillis(m.cpu)}m`;
  const memory = `${Math.round(memoryMiB(m.memory)!)}Mi`;
  const limits: Record<string, string> = {
    cpu: m.cpuLimit ? `${cpuMillis(m.cpuLimit)}m` : cpu,
    memory: m.memoryLimit ? `${Math.round(memoryMiB(m.memoryLimit)!)}Mi` : memory,
  };
  const requests: Record<string, string> = { cpu, memory };
  if (m.gpus > 0) {
    limits[GPU_RESOURCE] = String(m.gpus);
    requests[GPU_RESOURCE] = String(m.gpus);
  }
  const env: ({ name: string; value: S | string } | { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } })[] = [
    { name: "MODEL_NAME", value: m.name },
    { name: "MODEL_URI", value: i.modelUri },
    { name: "PORT", value: String(m.port) },
  ];
  if (i.sentry) {
    env.push(
      { name: "SENTRY_DSN", valueFrom: { secretKeyRef: { name: SENTRY_SECRET.name, key: SENTRY_SECRET.key } } },
      { name: "SENTRY_ENVIRONMENT", value: i.environment },
      { name: "SENTRY_RELEASE", value: `${m.name}@${imageTag(i.imageAsWritten)}` },
    );
  }
  const http = (path: string) => ({ httpGet: { path, port: "http" as const } });
  const tolerations: Toleration[] = m.gpus > 0 ? [GPU_TOLERATION] : [];
  const nodeSelector = m.gpus > 0 ? { [NODE_GROUP_LABEL]: m.gpuPool! } : systemNodeLabels();
  const spread = (topologyKey: string) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: "ScheduleAnyway" as const, labelSelector: { matchLabels: selector } });
  return {
    apiVersion: "apps/v1" as const,
    kind: "Deployment" as const,
    metadata: { name: deploymentName(m.name, i.color), namespace: i.namespace, labels },
    spec: {
      replicas: i.replicas,
      revisionHistoryLimit: 5,
      // The rollout may take the model's load time before it progresses at all.
      progressDeadlineSeconds: m.startupTimeoutSeconds + 300,
      selector: { matchLabels: selector },
      strategy: rolloutStrategy(m.gpus),
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: serviceAccountName(m.name),
          terminationGracePeriodSeconds: m.drainSeconds + m.shutdownSeconds,
          nodeSelector,
          tolerations,
          topologySpreadConstraints: [spread("topology.kubernetes.io/zone"), spread("kubernetes.io/hostname")],
          securityContext: { seccompProfile: { type: "RuntimeDefault" as const } },
          containers: [
            {
              name: "model-server",
              image: i.image,
              ports: [{ name: "http", containerPort: m.port, protocol: "TCP" as const }],
              env,
              resources: { requests, limits },
              startupProbe: { ...http(m.healthPath), periodSeconds: PROBE_PERIOD, timeoutSeconds: 5, failureThreshold: Math.ceil(m.startupTimeoutSeconds / PROBE_PERIOD) },
              readinessProbe: { ...http(m.readinessPath ?? m.healthPath), periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
              livenessProbe: { ...http(m.healthPath), periodSeconds: PROBE_PERIOD, timeoutSeconds: 5, failureThreshold: 3 },
              lifecycle: { preStop: { sleep: { seconds: m.drainSeconds } } },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
            },
          ],
        },
      },
    },
  };
}

/** Annotations and fields of a LoadBalancer Service served by the AWS Load Balancer Controller. */
export const NLB_CLASS = "service.k8s.aws/nlb";

/**
 * A model's Service. ClusterIP by default; "internal"/"public" exposure makes
 * it an NLB owned by the AWS Load Balancer Controller (`loadBalancerClass`
 * service.k8s.aws/nlb; IP targets, so traffic goes straight to pods), with
 * the scheme and source ranges set explicitly and health checks on the
 * model's readiness path. Annotations per the controller's Service
 * annotation guide (kubernetes-sigs/aws-load-balancer-controller
 * docs/guide/service, v3.5.0), checked 2026-11-23.
 */
export function serviceManifest(args: { model: ModelSettings; name: string; namespace: string; color: Color | undefined; exposed: boolean }) {
  const m = args.model;
  const lb = args.exposed && m.exposure.type !== "cluster";
  const annotations: Record<string, string> = lb
    ? {
        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
        "service.beta.kubernetes.io/aws-load-balancer-scheme": m.exposure.type === "public" ? "internet-facing" : "internal",
        "service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol": "http",
        "service.beta.kubernetes.io/aws-load-balancer-healthcheck-path": m.readinessPath ?? m.healthPath,
      }
    : {};
  return {
    apiVersion: "v1" as const,
    kind: "Service" as const,
    metadata: { name: args.name, namespace: args.namespace, labels: podLabels(m.name, undefined), ...(lb ? { annotations } : {}) },
    spec: {
      type: lb ? ("LoadBalancer" as const) : ("ClusterIP" as const),
      ...(lb ? { loadBalancerClass: NLB_CLASS } : {}),
      ...(lb && m.exposure.sourceRanges.length ? { loadBalancerSourceRanges: m.exposure.sourceRanges } : {}),
      selector: selectorOf(m.name, args.color),
      ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" as const }],
    },
  };
}

/**
 * At most one pod of a colour down at a time for voluntary disruptions
 * (node drains, scale-down, upgrades). maxUnavailable, not minAvailable: a
 * one-replica colour must not block node drains forever.
 */
export function pdbManifest(model: string, color: Color | undefined, namespace: string) {
  return {
    apiVersion: "policy/v1" as const,
    kind: "PodDisruptionBudget" as const,
    metadata: { name: deploymentName(model, color), namespace, labels: podLabels(model, color) },
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorOf(model, color) } },
  };
}

/**
 * A colour's autoscaler, with explicit bounds: minReplicas is the colour's
 * replicas (the Deployment states the same number, so the two agree), and
 * maxReplicas the model's cap, which the cost model's worst case counts.
 * CPU utilisation through metrics-server is the signal Kubernetes has
 * without a metrics adapter. Scale-down waits 10 minutes: a GPU node freed
 * too eagerly is a GPU node started again minutes later.
 */
export function hpaManifest(model: ModelSettings, color: Color | undefined, namespace: string, minReplicas: number) {
  return {
    apiVersion: "autoscaling/v2" as const,
    kind: "HorizontalPodAutoscaler" as const,
    metadata: { name: deploymentName(model.name, color), namespace, labels: podLabels(model.name, color) },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deploymentName(model.name, color) },
      minReplicas,
      maxReplicas: model.maxReplicas!,
      metrics: [{ type: "Resource" as const, resource: { name: "cpu", target: { type: "Utilization" as const, averageUtilization: model.targetCpuUtilization } } }],
      behavior: { scaleDown: { stabilizationWindowSeconds: 600 } },
    },
  };
}

// -------------------------------------------------------------------- IAM

/**
 * Read-only access to one prefix of the models bucket: list keys under the
 * prefix and get objects there, nothing else. With an SSE-KMS bucket the
 * key's Decrypt is granted too, only through S3 (kms:ViaService).
 */
export function modelReadPolicy(bucketArn: string, prefix: string, opts: { kmsKeyArn?: string; region: string }): PolicyDocument {
  const statements: Statement[] = [
    { Sid: "ListModelPrefix", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn, Condition: { StringLike: { "s3:prefix": [`${prefix}*`] } } },
    { Sid: "ReadModelObjects", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: `${bucketArn}/${prefix}*` },
  ];
  if (opts.kmsKeyArn)
    statements.push({ Sid: "DecryptThroughS3", Effect: "Allow", Action: "kms:Decrypt", Resource: opts.kmsKeyArn, Condition: { StringEquals: { "kms:ViaService": `s3.${opts.region}.amazonaws.com` } } });
  return { Version: "2012-10-17", Statement: statements };
}

// ------------------------------------------------------------ capacity, cost

/**
 * Requests of the serving pieces that run on the CPU system pool: CPU-only
 * models, the AWS Load Balancer Controller (only when a model is exposed),
 * and metrics-server (only when autoscaling). The two add-ons' figures are
 * the requests their add-on files set (LOAD_BALANCER_CONTROLLER_RESOURCES,
 * METRICS_SERVER_RESOURCES).
 */
export function servingSystemWorkloads(settings: ServingSettings): SystemWorkload[] {
  const workloads: SystemWorkload[] = [];
  for (const m of settings.models.filter((x) => x.gpus === 0)) {
    const replicas = worstCasePods(m, settings);
    if (replicas > 0) workloads.push({ name: `model ${m.name}`, replicas, cpuMillis: cpuMillis(m.cpu) ?? 0, memoryMiB: Math.round(memoryMiB(m.memory) ?? 0), source: "serving.models (every colour at its maximum)" });
  }
  if (needsLoadBalancerController(settings))
    workloads.push({ name: "aws-load-balancer-controller", replicas: LOAD_BALANCER_CONTROLLER_RESOURCES.replicas, cpuMillis: LOAD_BALANCER_CONTROLLER_RESOURCES.cpuMillis, memoryMiB: LOAD_BALANCER_CONTROLLER_RESOURCES.memoryMiB, source: "our chart values" });
  if (needsMetricsServer(settings))
    workloads.push({ name: "metrics-server", replicas: METRICS_SERVER_RESOURCES.replicas, cpuMillis: METRICS_SERVER_RESOURCES.cpuMillis, memoryMiB: METRICS_SERVER_RESOURCES.memoryMiB, source: "metrics-server chart 3.13.1 default" });
  return workloads;
}

/** The AWS Load Balancer Controller is installed only when some model asks for a load balancer. */
export function needsLoadBalancerController(settings: Pick<ServingSettings, "models">): boolean {
  return settings.models.some((m) => m.exposure.type !== "cluster");
}

/** metrics-server (the HPA's CPU signal) is installed only when something autoscales. */
export function needsMetricsServer(settings: Pick<ServingSettings, "models" | "autoscaling">): boolean {
  return settings.autoscaling && settings.models.length > 0;
}

/**
 * Requests we set on the AWS Load Balancer Controller (its chart sets none,
 * `resources: {}`; 100m/128Mi is the chart's commented suggestion), and its
 * replica count (chart default 2, for leader-elected failover).
 */
export const LOAD_BALANCER_CONTROLLER_RESOURCES = { replicas: 2, cpuMillis: 100, memoryMiB: 128 } as const;
/** metrics-server chart 3.13.1 defaults: 1 replica, requests 100m / 200Mi (kubernetes-sigs/metrics-server charts/metrics-server/values.yaml), checked 2026-11-23. */
export const METRICS_SERVER_RESOURCES = { replicas: 1, cpuMillis: 100, memoryMiB: 200 } as const;

/**
 * GPU-hours one release costs at a stage: while both colours run (from the
 * idle colour's scale-up to its scale-down after the confirmation window)
 * the idle colour holds `replicas x gpus` extra GPUs.
 */
export function releaseGpuHours(model: Pick<ModelSettings, "gpus">, idleReplicas: number, windowHours: number): number {
  return model.gpus * idleReplicas * windowHours;
}
