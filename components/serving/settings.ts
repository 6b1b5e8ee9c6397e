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
import type { GpuWorkload, SystemWorkload } from "../compute/capacity";

// ------------------------------------------------------------------ settings

import type { ColorRelease, ModelSettings, ServingSettings } from "./model-serving.args";

export type { CanaryInput, CanarySettings, CanaryStep, ColorRelease, ModelExposure, ModelInput, ModelSettings, ServingSettings } from "./model-serving.args";

export const COLORS = ["blue", "green"] as const;
export type Color = (typeof COLORS)[number];
export const otherColor = (c: Color): Color => (c === "blue" ? "green" : "blue");

/** Placeholder for this stack's ECR registry in image references: `<registry>/models:1.4.0`. */
export const REGISTRY_PLACEHOLDER = "<registry>";
/** Placeholder for this stack's models bucket in model URIs: `s3://<models-bucket>/classifier/1.4.0/`. */
export const MODELS_BUCKET_PLACEHOLDER = "<models-bucket>";

/**
 * How a new version of a model reaches traffic at Series B: "blueGreen", two
 * colours and a flip of the live Service (the default), or "canary", one
 * Argo Rollouts Rollout that gives the new version a small share of traffic,
 * analyses it, and either moves all traffic to it or aborts by itself
 * (components/serving/canary.ts).
 */
export const RELEASE_STRATEGIES = ["blueGreen", "canary"] as const;

/** Whether a model releases by canary: only at Series B (blue/green stage), where it asked to. */
export function isCanary(settings: Pick<ServingSettings, "blueGreen">, model: Pick<ModelSettings, "release">): boolean {
  return settings.blueGreen && model.release === "canary";
}

/** How a model can be reached: inside the cluster only, an internal NLB, or an internet-facing NLB. */
export const EXPOSURE_TYPES = ["cluster", "internal", "public"] as const;

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
    if (settings.blueGreen && !isCanary(settings, m) && mvpShape && m.activeColor === undefined && !m.blue && !m.green) {
      const { image, modelUri, replicas, ...rest } = m;
      m = { ...rest, activeColor: "blue", blue: { image, modelUri, replicas: replicas ?? 1 }, green: { replicas: 0 } };
    }
    if (settings.autoscaling && m.maxReplicas === undefined) {
      const most = Math.max(1, ...modelColors(settings, m).map((c) => releaseOf(m, c).replicas));
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

/** The colours one model runs with: a canary model has none (one Rollout), whatever the stage. */
export function modelColors(settings: Pick<ServingSettings, "blueGreen">, model: Pick<ModelSettings, "release">): (Color | undefined)[] {
  return isCanary(settings, model) ? [undefined] : colorsOf(settings);
}

/** The release a colour (or the uncoloured MVP Deployment or canary Rollout) runs. */
export function releaseOf(model: ModelSettings, color: Color | undefined): ColorRelease {
  if (color) return model[color] ?? { replicas: 0 };
  return { image: model.image, modelUri: model.modelUri, replicas: model.replicas ?? 1 };
}

/**
 * Pods a model can run at once in the worst case: every colour at the HPA
 * maximum (a release window runs both colours), or its replicas where
 * nothing autoscales. A canary model's release runs the new version beside
 * the stable one: the new version's share grows step by step, and after the
 * last step it runs at full size until the old version is scaled down
 * (Argo Rollouts keeps the stable ReplicaSet at full size while traffic
 * routing moves the weight), so it counts twice its maximum, like two
 * colours. Rolling updates of GPU Deployments never surge (see
 * rolloutStrategy), so no extra pod is counted for them.
 */
export function worstCasePods(model: ModelSettings, settings: Pick<ServingSettings, "blueGreen" | "autoscaling">): number {
  const colors = modelColors(settings, model);
  const versions = isCanary(settings, model) ? 2 : colors.length;
  if (settings.autoscaling && model.maxReplicas !== undefined)
    return versions * Math.max(model.maxReplicas, ...colors.map((c) => releaseOf(model, c).replicas));
  return (versions / colors.length) * colors.reduce((s, c) => s + releaseOf(model, c).replicas, 0);
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
    if (replicas > 0)
      workloads.push({
        name: `model ${m.name}`,
        replicas,
        cpuMillis: cpuMillis(m.cpu) ?? 0,
        memoryMiB: Math.round(memoryMiB(m.memory) ?? 0),
        source: "serving.models (every colour at its maximum)",
      });
  }
  return workloads;
}

/**
 * The GPU models' pods that must find a node, by GPU pool: each released
 * colour (or the MVP Deployment) at its replicas, which is also its
 * autoscaler's minimum, and `pulumi up` waits for them; for a canary model,
 * the stable version at its replicas and, during a release, the new version
 * at full size beside it (`<model>-canary`, its last step before the old
 * version is scaled down). The capacity check (config/resolve.ts
 * gpuPoolCheck) places them on the nodes the pool has during the run.
 */
export function modelGpuWorkloads(settings: ServingSettings): Map<string, (GpuWorkload & { model: number })[]> {
  const byPool = new Map<string, (GpuWorkload & { model: number })[]>();
  settings.models.forEach((m, i) => {
    if (m.gpus === 0 || m.gpuPool === undefined) return;
    for (const c of modelColors(settings, m)) {
      const r = releaseOf(m, c);
      if (!r.image || !r.modelUri || r.replicas === 0) continue;
      const list = byPool.get(m.gpuPool) ?? [];
      const workload = (name: string, source: string) => ({
        name,
        model: i,
        replicas: r.replicas,
        gpus: m.gpus,
        cpuMillis: cpuMillis(m.cpu) ?? 0,
        memoryMiB: Math.round(memoryMiB(m.memory) ?? 0),
        source,
      });
      list.push(workload(c ? `${m.name}-${c}` : m.name, "serving.models"));
      if (isCanary(settings, m)) list.push(workload(`${m.name}-canary`, "serving.models (a canary release's new version at full size)"));
      byPool.set(m.gpuPool, list);
    }
  });
  return byPool;
}
