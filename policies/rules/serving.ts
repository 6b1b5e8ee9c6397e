/**
 * Model serving: the GPU spend an autoscaler can reach, the cluster-side GPU
 * quota, and model servers that would restart in a loop while loading.
 * (Public load balancers without source ranges are blocked for every
 * Service by `public-load-balancers-restricted`.)
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
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

export const servingPolicies = [hpaGpuWithinCaps, gpuNamespacesHaveQuota, modelServersHaveStartupProbes];
