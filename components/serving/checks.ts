/** The checks that refuse a bad serving setup or release before anything changes, as pure functions. */
import { parseImageReference } from "../../lib/image-ref";
import {
  COLORS,
  MODELS_BUCKET_PLACEHOLDER,
  type ModelSettings,
  REGISTRY_PLACEHOLDER,
  type ServingSettings,
  cpuMillis,
  isCanary,
  memoryMiB,
  modelColors,
  releaseOf,
  worstCaseGpus,
} from "./settings";

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
  /**
   * The models bucket as a component's caller gave it: `name` when a plain
   * value (a model URI may then name the bucket itself), undefined when a
   * pulumi Output. Absent: the stack's own bucket, auto-named, so model URIs
   * name it by its placeholder only.
   */
  modelsBucket?: { name: string | undefined };
}

const MODEL_NAME = /^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$/;
const WORLD = ["0.0.0.0/0", "::/0"];

/** `<registry>/models:1.4.0` -> `models`; undefined when the image does not use the placeholder. */
export function placeholderRepository(image: string): string | undefined {
  if (!image.startsWith(`${REGISTRY_PLACEHOLDER}/`)) return undefined;
  const rest = image.slice(REGISTRY_PLACEHOLDER.length + 1);
  return rest.split(/[:@]/)[0];
}

function imageProblem(image: string, ctx: ServingContext): string | undefined {
  const concrete = image.startsWith(`${REGISTRY_PLACEHOLDER}/`) ? `registry.invalid${image.slice(REGISTRY_PLACEHOLDER.length)}` : image;
  const parsed = parseImageReference(concrete);
  if ("error" in parsed || (!parsed.tag && !parsed.digest))
    return `must be an image reference with a tag or digest, such as ${REGISTRY_PLACEHOLDER}/models:1.4.0 or 123456789012.dkr.ecr.us-east-1.amazonaws.com/mlp-prod-registry/models:1.4.0${"error" in parsed ? ` (${parsed.error})` : ""}`;
  if (parsed.tag === "latest") return "must not use the tag latest: a release must name exactly what it runs, and ECR tags here are immutable";
  const repo = placeholderRepository(image);
  if (repo !== undefined) {
    if (!ctx.repositories) return `uses ${REGISTRY_PLACEHOLDER}, but this stack deploys no registry; give a full image reference`;
    if (ctx.repositories !== "any" && !ctx.repositories.includes(repo))
      return `names repository "${repo}", which this stack's registry does not have (it has ${ctx.repositories.join(", ")})`;
  }
  return undefined;
}

/**
 * A model URI names the models bucket, by its placeholder or (for a caller
 * who gave the bucket's name as a plain value) by that name, and lies under
 * the model's prefix: the model's IAM role reads that prefix of that bucket
 * and nothing else (components/serving/iam.ts). A bucket name given as an
 * Output cannot be compared with the URI's before deployment, so the URI
 * must use the placeholder, which resolves to it.
 */
function modelUriProblem(uri: string, model: ModelSettings, ctx: ServingContext): string | undefined {
  const placeholder = `s3://${MODELS_BUCKET_PLACEHOLDER}/`;
  const known = ctx.modelsBucket?.name;
  const bucket = /^s3:\/\/([^/]+)\//.exec(uri)?.[1];
  const head = uri.startsWith(placeholder) ? placeholder : known !== undefined && bucket === known ? `s3://${known}/` : undefined;
  if (head === undefined) {
    if (!ctx.modelsBucket) return `must point into this stack's models bucket: ${placeholder}${model.prefix}<version>/`;
    if (bucket === undefined) return `must point into the models bucket: ${known === undefined ? placeholder : `s3://${known}/`}${model.prefix}<version>/`;
    if (known === undefined)
      return `names bucket "${bucket}", but the models bucket's name is a pulumi Output, unknown until deployment, so the two cannot be compared at plan time; write ${placeholder}${model.prefix}<version>/, which resolves to the models bucket`;
    return `names bucket "${bucket}", but the models bucket is "${known}" and the model's IAM role can read only that bucket; write s3://${known}/${model.prefix}<version>/`;
  }
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
  const poolDemand = new Map<string, { gpus: number; first: number; canary: boolean }>();
  let totalGpus = 0;

  settings.models.forEach((m, i) => {
    const at = (...p: (string | number)[]) => ["models", i, ...p];
    if (!MODEL_NAME.test(m.name))
      add(at("name"), m.name, "must be 1-32 lower-case letters, digits and '-', starting with a letter (it names Services and Deployments)");
    if (names.has(m.name)) add(at("name"), m.name, "model names must be unique");
    names.add(m.name);
    if (!m.prefix.endsWith("/") || m.prefix.startsWith("/")) add(at("prefix"), m.prefix, 'must be a key prefix ending in "/", such as "classifier/"');

    const canary = isCanary(settings, m);
    if (m.release === "canary" && !settings.blueGreen)
      add(
        at("release"),
        m.release,
        'canary releases start at Series B (serving.blueGreen); at this stage a release is a rolling update: remove release: "canary"',
      );
    if (canary) {
      for (const k of ["activeColor", "blue", "green"] as const)
        if (m[k] !== undefined)
          add(at(k), m[k], "a canary model has no colours: give image, modelUri and replicas directly (a release changes image or modelUri)");
      if (!m.image) add(at("image"), m.image, "is required: the model server image (a canary release changes it)");
      if (!m.modelUri) add(at("modelUri"), m.modelUri, `is required: s3://${MODELS_BUCKET_PLACEHOLDER}/${m.prefix}<version>/`);
      if ((m.replicas ?? 1) < 1) add(at("replicas"), m.replicas, "must be at least 1 (remove the model to stop serving it)");
      m.canary.steps.forEach((step, j) => {
        const before = m.canary.steps[j - 1];
        if (before && step.weight <= before.weight)
          add(
            at("canary", "steps", j, "weight"),
            step.weight,
            `must be above the step before it (${before.weight}): each step gives the new version more traffic`,
          );
      });
    } else if (settings.blueGreen) {
      for (const k of ["image", "modelUri", "replicas"] as const)
        if (m[k] !== undefined)
          add(at(k), m[k], "at this stage every release goes through blue/green: put image, modelUri and replicas under blue: and green:");
      if (m.activeColor === undefined) add(at("activeColor"), undefined, "is required: the colour (blue or green) the live Service sends traffic to");
      for (const c of COLORS) if (!m[c]) add(at(c), undefined, `is required: give the ${c} colour at least { replicas: 0 }`);
      const active = m.activeColor;
      if (active && m[active]) {
        const r = m[active]!;
        const missing = [r.image ? undefined : "no image", r.modelUri ? undefined : "no modelUri", r.replicas >= 1 ? undefined : "0 replicas"].filter(Boolean);
        if (missing.length)
          add(
            at("activeColor"),
            active,
            `cannot send live traffic to ${active}: it has ${missing.join(", ")}. Release it first (set models[${i}].${active}.image, modelUri and replicas, run pulumi up, test it through the preview Service), then flip`,
          );
      }
    } else {
      if (m.activeColor !== undefined || m.blue || m.green)
        add(
          at(m.activeColor !== undefined ? "activeColor" : m.blue ? "blue" : "green"),
          m.activeColor ?? m.blue ?? m.green,
          "blue/green releases start at Series B (serving.blueGreen); at this stage give image, modelUri and replicas directly",
        );
      if (!m.image) add(at("image"), m.image, "is required: the model server image");
      if (!m.modelUri) add(at("modelUri"), m.modelUri, `is required: s3://${MODELS_BUCKET_PLACEHOLDER}/${m.prefix}<version>/`);
      if ((m.replicas ?? 1) < 1) add(at("replicas"), m.replicas, "must be at least 1 (remove the model to stop serving it)");
    }
    for (const c of modelColors(settings, m)) {
      const r = releaseOf(m, c);
      const key = (k: string) => (c ? at(c, k) : at(k));
      if (r.image !== undefined) {
        const p = imageProblem(r.image, ctx);
        if (p) add(key("image"), r.image, p);
      }
      if (r.modelUri !== undefined) {
        const p = modelUriProblem(r.modelUri, m, ctx);
        if (p) add(key("modelUri"), r.modelUri, p);
      }
      if (c && r.replicas > 0 && (!r.image || !r.modelUri))
        add(key(r.image ? "modelUri" : "image"), undefined, `is required while ${c}.replicas is ${r.replicas}`);
    }

    const cpu = cpuMillis(m.cpu);
    const mem = memoryMiB(m.memory);
    if (cpu === undefined || cpu <= 0) add(at("cpu"), m.cpu, 'must be a CPU quantity such as "500m" or "2"');
    if (mem === undefined || mem <= 0) add(at("memory"), m.memory, 'must be a memory quantity with a unit, such as "512Mi" or "8Gi"');
    if (m.cpuLimit !== undefined && cpu !== undefined && (cpuMillis(m.cpuLimit) ?? -1) < cpu)
      add(at("cpuLimit"), m.cpuLimit, `must be a CPU quantity of at least the request (${m.cpu})`);
    if (m.memoryLimit !== undefined && mem !== undefined && (memoryMiB(m.memoryLimit) ?? -1) < mem)
      add(at("memoryLimit"), m.memoryLimit, `must be a memory quantity of at least the request (${m.memory})`);

    if (m.gpus > 0) {
      const pools = ctx.gpuPools ?? {};
      const pool = m.gpuPool === undefined ? undefined : pools[m.gpuPool];
      if (m.gpuPool === undefined)
        add(at("gpuPool"), undefined, `is required when gpus > 0: one of the cluster's GPU node groups (${Object.keys(pools).join(", ") || "none"})`);
      else if (!pool && ctx.gpuPools)
        add(at("gpuPool"), m.gpuPool, `is not a GPU node group of this cluster (${Object.keys(pools).join(", ") || "it has none"})`);
      else if (pool && pool.gpusPerNode !== undefined && m.gpus > pool.gpusPerNode)
        add(at("gpus"), m.gpus, `a ${m.gpuPool} node has ${pool.gpusPerNode} GPU(s); a pod cannot use more than one node has`);
      if (pool) {
        const d = poolDemand.get(m.gpuPool!) ?? { gpus: 0, first: i, canary: false };
        d.gpus += worstCaseGpus(m, settings);
        d.canary ||= isCanary(settings, m);
        poolDemand.set(m.gpuPool!, d);
      }
    } else if (m.gpuPool !== undefined) {
      add(at("gpuPool"), m.gpuPool, "only GPU models (gpus > 0) take a gpuPool; CPU models run on the system pool");
    }
    totalGpus += worstCaseGpus(m, settings);

    if (settings.autoscaling) {
      if (m.maxReplicas === undefined)
        add(at("maxReplicas"), undefined, "is required at this stage: the HorizontalPodAutoscaler's explicit maximum per colour");
      else {
        for (const c of modelColors(settings, m)) {
          const r = releaseOf(m, c).replicas;
          if (r > m.maxReplicas)
            add(c ? at(c, "replicas") : at("replicas"), r, `cannot exceed maxReplicas (${m.maxReplicas}): replicas is the autoscaler's minimum`);
        }
      }
    } else if (m.maxReplicas !== undefined) {
      add(at("maxReplicas"), m.maxReplicas, "autoscaling starts at Series B (serving.autoscaling); at this stage set replicas by hand");
    }

    const ex = m.exposure;
    if (ex.type === "public") {
      if (ex.sourceRanges.length === 0)
        add(
          at("exposure", "sourceRanges"),
          [],
          "is required for a public endpoint: list the callers' CIDRs (an open model endpoint invites GPU-burning traffic)",
        );
      ex.sourceRanges.forEach((r, j) => {
        if (WORLD.includes(r)) add(at("exposure", "sourceRanges", j), r, "opens the endpoint to the whole internet; list the callers' CIDRs");
      });
    } else if (ex.type === "cluster" && ex.sourceRanges.length) {
      add(at("exposure", "sourceRanges"), ex.sourceRanges, 'only applies to a load balancer (exposure.type "internal" or "public")');
    }
    if (m.drainSeconds < 0 || m.shutdownSeconds < 0) add(at("drainSeconds"), m.drainSeconds, "cannot be negative");
    if (m.startupTimeoutSeconds < 10) add(at("startupTimeoutSeconds"), m.startupTimeoutSeconds, "must be at least 10 (seconds a model may take to load)");
  });

  // Each model names objects after itself: its Service `<name>`, at Series B `<name>-preview` and the
  // Deployments `<name>-blue`/`-green`, or a canary's `<name>-canary` and `<name>-metrics` Services.
  // Two models must not name one object twice.
  const owners = new Map<string, number>();
  settings.models.forEach((m, i) => {
    const named = [
      m.name,
      ...(isCanary(settings, m)
        ? [`${m.name}-canary`, `${m.name}-metrics`]
        : settings.blueGreen
          ? [`${m.name}-preview`, `${m.name}-blue`, `${m.name}-green`]
          : []),
    ];
    for (const object of named) {
      const first = owners.get(object);
      if (first !== undefined && first !== i)
        add(
          ["models", Math.max(first, i), "name"],
          settings.models[Math.max(first, i)]!.name,
          `names the object "${object}", which model ${settings.models[Math.min(first, i)]!.name} names too (its Services and Deployments are <name>, <name>-preview, <name>-blue, <name>-green, or <name>-canary and <name>-metrics for a canary); rename one`,
        );
      else owners.set(object, i);
    }
  });
  if (totalGpus > settings.maxGpus) {
    add(
      ["maxGpus"],
      settings.maxGpus,
      `the models can hold ${totalGpus} GPUs at once (every colour, or a canary's stable and new version, at its maximum during a release), more than the namespace quota allows; raise maxGpus or lower replicas/maxReplicas`,
    );
  }
  for (const [pool, d] of poolDemand) {
    const cap = ctx.gpuPools?.[pool]?.maxGpus;
    if (cap !== undefined && d.gpus > cap)
      add(
        ["models", d.first, "gpuPool"],
        pool,
        `the models on ${pool} can hold ${d.gpus} GPUs at once${d.canary ? " (a canary's release runs its new version at full size beside the stable one)" : ""}, but the pool has ${cap} at its maximum size: pods would wait forever; raise the pool's maxSize or lower replicas/maxReplicas`,
      );
  }
  return problems;
}
