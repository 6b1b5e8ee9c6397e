/**
 * Model serving: the GPU spend an autoscaler can reach, the cluster-side GPU
 * quota, and model servers that would restart in a loop while loading.
 * (Public load balancers without source ranges are blocked for every
 * Service by `public-load-balancers-restricted`.)
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { measurementVerdict } from "../../lib/rollout-analysis";
import { statedStage } from "../stages";
import { asArray, explain, limitSchema, stackLimits } from "./common";
import { gpuBill, gpusPerPod } from "./compute";

type Props = Record<string, unknown>;
type Meta = { name?: string; namespace?: string };
type PodSpec = Parameters<typeof gpusPerPod>[0] & {
  containers?: { livenessProbe?: unknown; startupProbe?: unknown; name?: string }[];
};

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const STATEFULSET = "kubernetes:apps/v1:StatefulSet";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const QUOTA = "kubernetes:core/v1:ResourceQuota";
const GPU_QUOTA_KEYS = ["requests.nvidia.com/gpu", "nvidia.com/gpu"];

const metaOf = (props: Props): Meta => (props.metadata ?? {}) as Meta;
const namespaceOf = (props: Props) => metaOf(props).namespace ?? "default";
const podOf = (props: Props): PodSpec => (props.spec as { template?: { spec?: PodSpec } } | undefined)?.template?.spec ?? {};
const isWorkload = (r: PolicyResource) => r.type === DEPLOYMENT || r.type === STATEFULSET;

export const hpaGpuWithinCaps: StackValidationPolicy = {
  name: "hpa-gpu-within-caps",
  description: "An autoscaler's maxReplicas x the GPUs per pod of its target stays within the stage's per-workload GPU cap.",
  enforcementLevel: "mandatory",
  configSchema: limitSchema("hpa-gpu-within-caps", { maxGpusPerWorkload: "GPUs one workload may hold at once when its autoscaler is at maxReplicas" }),
  validateStack: (args, report) => {
    for (const hpa of args.resources.filter((r) => r.type === HPA)) {
      const spec = (hpa.props.spec ?? {}) as { maxReplicas?: number; scaleTargetRef?: { kind?: string; name?: string } };
      const ns = namespaceOf(hpa.props);
      const target = args.resources.find((r) => isWorkload(r) && metaOf(r.props).name === spec.scaleTargetRef?.name && namespaceOf(r.props) === ns);
      if (!target || spec.maxReplicas === undefined) continue;
      const perPod = gpusPerPod(podOf(target.props));
      const total = spec.maxReplicas * perPod;
      // The stage: the target's or the autoscaler's ml-platform/stage label, else the stack's (policies/stages.ts).
      const { limits, source } = stackLimits("hpa-gpu-within-caps", [target, hpa], args.getConfig, args.resources);
      const cap = limits.maxGpusPerWorkload;
      if (total > cap) {
        report(
          explain(
            `Autoscaler ${hpa.name} may scale ${target.name} to ${spec.maxReplicas} replicas x ${perPod} GPU = ${total} GPUs; the cap is ${cap} (${source}).`,
            `the replica count a workload declares is checked at \`pulumi up\`, but its autoscaler reaches maxReplicas on its own under load: ${gpuBill()}.`,
            "lower maxReplicas (ml-platform:serving.models[].maxReplicas) or GPUs per pod, or raise maxGpusPerWorkload for hpa-gpu-within-caps in policies/config/<stage>.json.",
          ),
          hpa.urn,
        );
      }
    }
  },
};

export const gpuNamespacesHaveQuota: StackValidationPolicy = {
  name: "gpu-namespaces-have-quota",
  description: "Every namespace running GPU workloads has a ResourceQuota on requests.nvidia.com/gpu.",
  // The node groups' maxSize already bounds spend; the quota decides who gets the GPUs.
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const quotaNamespaces = new Set(
      args.resources
        .filter((r) => r.type === QUOTA && Object.keys(((r.props.spec ?? {}) as { hard?: Props }).hard ?? {}).some((k) => GPU_QUOTA_KEYS.includes(k)))
        .map((r) => namespaceOf(r.props)),
    );
    for (const w of args.resources.filter(isWorkload)) {
      const ns = namespaceOf(w.props);
      if (gpusPerPod(podOf(w.props)) > 0 && !quotaNamespaces.has(ns)) {
        report(
          explain(
            `${w.name} requests GPUs in namespace ${ns}, which has no GPU ResourceQuota.`,
            `without it a \`kubectl scale\` or a runaway autoscaler in this namespace takes every GPU the pools can start, starving training and serving elsewhere (${gpuBill()}); the cluster, not only this policy pack, should refuse it.`,
            `add a ResourceQuota in ${ns} with spec.hard["requests.nvidia.com/gpu"] (ModelServing sizes it from ml-platform:serving.maxGpus).`,
          ),
          w.urn,
        );
      }
    }
  },
};

export const modelServersHaveStartupProbes: ResourceValidationPolicy = {
  name: "model-servers-have-startup-probes",
  description: "GPU workloads with a liveness probe also have a startup probe, so loading a model does not end in a restart loop.",
  enforcementLevel: "advisory",
  validateResource: (args, report) => {
    if (args.type !== DEPLOYMENT && args.type !== STATEFULSET) return;
    const pod = podOf(args.props);
    if (gpusPerPod(pod) === 0) return;
    for (const c of asArray(pod.containers)) {
      if (c.livenessProbe && !c.startupProbe) {
        report(
          explain(
            `Container ${c.name ?? "?"} of ${args.name} has a liveness probe but no startup probe.`,
            "a model takes minutes to load; the liveness probe fails meanwhile and the kubelet restarts the pod before it ever serves, holding a GPU the whole time.",
            "add a startupProbe on the health path with failureThreshold x periodSeconds longer than the model's load time (ml-platform:serving.models[].startupTimeoutSeconds).",
          ),
        );
      }
    }
  },
};

const ROLLOUT = "kubernetes:argoproj.io/v1alpha1:Rollout";
const ANALYSIS_TEMPLATES = ["kubernetes:argoproj.io/v1alpha1:AnalysisTemplate", "kubernetes:argoproj.io/v1alpha1:ClusterAnalysisTemplate"];

type CanaryStrategy = { analysis?: { templates?: unknown[] }; steps?: { analysis?: unknown }[] };

export const canaryHasAnalysis: ResourceValidationPolicy = {
  name: "canary-has-analysis",
  description: "A production (Series B) canary Rollout runs an analysis that can abort it.",
  // Without analysis a canary is a slow rollout that promotes itself; no worse than a blue/green flip, so flagged, not blocked.
  enforcementLevel: "advisory",
  validateResource: (args, report) => {
    if (args.type !== ROLLOUT) return;
    const canary = ((args.props.spec ?? {}) as { strategy?: { canary?: CanaryStrategy } }).strategy?.canary;
    if (!canary) return;
    // Production: the Series B stage its label states. An unstated stage gets no finding (stage-stated reports it).
    if (statedStage(args.type, args.props) !== "seriesb") return;
    const analysed = asArray(canary.analysis?.templates).length > 0 || asArray(canary.steps).some((s) => s.analysis !== undefined);
    if (!analysed)
      report(
        explain(
          `Canary Rollout ${args.name} runs no analysis: nothing aborts it.`,
          "each step's pause simply runs out and the new version takes all traffic, however many requests it fails; the release's safety is a person watching the dashboards for the whole pause.",
          "turn the analysis on (ml-platform:serving.models[].canary.analysis: true, the default), or add a background analysis or an analysis step to the Rollout.",
        ),
      );
  },
};

/** Result values a metric of this kind can return: a share of requests stays within [0, 1]; anything else may grow without bound. */
function probesFor(metric: { name?: string; provider?: { prometheus?: { query?: string } } }): number[][] {
  const ratio = /ratio|rate|share|percent/i.test(metric.name ?? "");
  const values = ratio ? [0, 0.01, 0.1, 0.5, 0.99, 1] : [0, 0.01, 0.1, 1, 10, 1e3, 1e6, 1e9];
  return values.map((v) => [v]);
}

/** Why a metric of an AnalysisTemplate can never fail, or undefined when it can (or its conditions are not simple enough to tell). */
export function neverFails(metric: Record<string, unknown>): string | undefined {
  const m = metric as {
    name?: string;
    count?: number | string;
    failureLimit?: number | string;
    successCondition?: string;
    failureCondition?: string;
    provider?: Record<string, unknown> & { prometheus?: { query?: string } };
  };
  const provider = m.provider ?? {};
  if (Object.keys(provider).length === 0) return "it names no provider: nothing is measured";
  if (provider.prometheus !== undefined && !String(provider.prometheus.query ?? "").trim()) return "its Prometheus provider has no query";
  if (!m.successCondition && !m.failureCondition) return "it has neither a success nor a failure condition, so every measurement counts as successful";
  const count = Number(m.count);
  const limit = Number(m.failureLimit ?? 0);
  if (m.count !== undefined && Number.isFinite(count) && Number.isFinite(limit) && limit >= count)
    return `its failureLimit (${limit}) is at least its count (${count}): it stops measuring before it may fail`;
  const verdicts = probesFor(m).map((r) => measurementVerdict(m, r));
  if (verdicts.some((v) => v === undefined)) return undefined;
  if (verdicts.every((v) => v !== "Failed"))
    return `no value it can return fails it (${[m.successCondition && `successCondition "${m.successCondition}"`, m.failureCondition && `failureCondition "${m.failureCondition}"`].filter(Boolean).join(", ")})`;
  return undefined;
}

export const canaryAnalysisCanFail: ResourceValidationPolicy = {
  name: "canary-analysis-can-fail",
  description: "Every metric of a canary's analysis can fail: it measures something, and some value it can return fails it.",
  // An analysis that cannot fail promotes every release while everyone believes it is guarded: an expert blocks it.
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (!ANALYSIS_TEMPLATES.includes(args.type)) return;
    const metrics = asArray(((args.props.spec ?? {}) as { metrics?: Record<string, unknown>[] }).metrics);
    if (metrics.length === 0)
      report(
        explain(
          `AnalysisTemplate ${args.name} has no metrics.`,
          "an analysis with nothing to measure succeeds at once.",
          "give it the metrics that should abort a release.",
        ),
      );
    for (const metric of metrics) {
      const why = neverFails(metric);
      if (why)
        report(
          explain(
            `Metric ${String(metric.name ?? "?")} of AnalysisTemplate ${args.name} can never fail: ${why}.`,
            "the analysis then passes every release, a bad one too, and the canary promotes itself while it looks guarded.",
            "give it a query and a threshold its values can cross (ml-platform:serving.models[].canary.maxErrorRatio is a share below 1; maxLatencySeconds a positive number of seconds), and a failureLimit below its count.",
          ),
        );
    }
  },
};

export const servingPolicies = [hpaGpuWithinCaps, gpuNamespacesHaveQuota, modelServersHaveStartupProbes, canaryHasAnalysis, canaryAnalysisCanFail];
