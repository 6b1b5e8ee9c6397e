/**
 * What runs in the cluster: containers that own their node, images that can
 * change under a running release, GPU requests Kubernetes refuses, and
 * disruption budgets that forbid every eviction.
 *
 * Kubernetes facts (checked 2026-12-07):
 * - Pod Security Standards, Baseline profile (kubernetes.io/docs/concepts/security/pod-security-standards/):
 *   privileged containers and hostPath volumes are disallowed; a privileged
 *   container, or one that mounts the node's root or its container runtime
 *   socket, can take over the node and every pod on it.
 * - Schedule GPUs (kubernetes.io/docs/tasks/manage-gpus/scheduling-gpus/): GPUs are
 *   specified in `limits`; requests may be given only with equal limits, never alone.
 * - PodDisruptionBudget API (policy/v1): maxUnavailable 0, or minAvailable 100%,
 *   prevents all voluntary evictions; OpenShift's docs add "or equal to the number
 *   of replicas ... can block nodes from being drained". EKS managed node group
 *   updates drain nodes and fail with PodEvictionFailure when pods cannot be evicted
 *   (docs.aws.amazon.com/eks/latest/userguide/managed-node-update-behavior.html).
 * - Images (kubernetes.io/docs/concepts/containers/images/): an image without a tag
 *   means `:latest`; avoid `:latest` in production, it makes the running version
 *   hard to track and to roll back; a digest (`@sha256:...`) pins the content.
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { GPU_RESOURCE, NODE_GROUP_LABEL, kubernetesTaintEffect } from "../../components/compute/labels";
import { HOURS_PER_MONTH, pricesFor } from "../../cost/prices";
import { gpusPerInstance, isAcceleratedType } from "../../lib/instance-types";
import { T, asArray, configSchema, explain, money, regionOf, tagsOf, withDefaults } from "./common";
import { PodSpec, gpusPerPod, podSpecOf, replicasOf, workloadKind } from "./compute";

type Props = Record<string, unknown>;
interface Container {
  name?: string;
  image?: string;
  securityContext?: { privileged?: boolean };
  resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> };
}
type FullPodSpec = PodSpec & {
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: { name?: string; hostPath?: { path?: string } }[];
};
type Meta = { name?: string; namespace?: string; labels?: Record<string, string> };

const metaOf = (props: Props): Meta => (props.metadata ?? {}) as Meta;
const namespaceOf = (props: Props) => metaOf(props).namespace ?? "default";

/** The pod a workload runs and its kind, or undefined for any other object. */
function podOf(type: string, props: Props): { kind: string; pod: FullPodSpec } | undefined {
  const kind = workloadKind(type);
  const pod = kind && (podSpecOf(kind, props) as FullPodSpec | undefined);
  return kind && pod ? { kind, pod } : undefined;
}
const allContainers = (pod: FullPodSpec): Container[] => [...asArray(pod.initContainers), ...asArray(pod.containers), ...asArray(pod.ephemeralContainers)];

// Namespaces of the node's own agents (CNI, kube-proxy, device plugins), which EKS and the chart owners run privileged on purpose.
const NODE_AGENT_DEFAULTS = { exemptNamespaces: ["kube-system"] };
const nodeAgentSchema = configSchema(NODE_AGENT_DEFAULTS, {
  exemptNamespaces: "Namespaces of node agents (CNI, device plugins, log shippers) that may run privileged or mount host paths",
});

export const containersNotPrivileged: ResourceValidationPolicy = {
  name: "containers-not-privileged",
  description: "No workload outside the node agents' namespaces runs a privileged container.",
  enforcementLevel: "mandatory",
  configSchema: nodeAgentSchema,
  validateResource: (args, report) => {
    const found = podOf(args.type, args.props);
    if (!found || withDefaults(NODE_AGENT_DEFAULTS, args.getConfig).exemptNamespaces.includes(namespaceOf(args.props))) return;
    const privileged = allContainers(found.pod).filter((c) => c.securityContext?.privileged === true);
    if (!privileged.length) return;
    report(
      explain(
        `${found.kind} ${args.name} runs privileged container(s): ${privileged.map((c) => c.name ?? "?").join(", ")}.`,
        "a privileged container has every capability and the node's devices: one exploit in it (a model server parsing uploads, a notebook) owns the node, its IAM role and every pod on it. The Pod Security Standards' Baseline profile forbids it. GPUs do not need it: the NVIDIA device plugin hands them to unprivileged pods.",
        "remove securityContext.privileged (set allowPrivilegeEscalation: false and drop ALL capabilities); add back only the one capability the process needs. A node agent that truly needs it belongs in kube-system (exemptNamespaces in the policy config).",
      ),
    );
  },
};

/** Host paths that hand a pod the node: its root, and the container runtime's socket or the directories holding it. */
const HOST_TAKEOVER_PATHS = [
  "/",
  "/var/run/docker.sock",
  "/run/docker.sock",
  "/var/run/containerd/containerd.sock",
  "/run/containerd/containerd.sock",
  "/var/run/crio/crio.sock",
  "/run/crio/crio.sock",
  "/var/run/dockershim.sock",
  "/var/run",
  "/run",
  "/var/run/containerd",
  "/run/containerd",
  "/var/run/crio",
  "/run/crio",
];
const normalise = (p: string) => (p.length > 1 ? p.replace(/\/+$/, "") : p);

export const noHostRuntimeMounts: ResourceValidationPolicy = {
  name: "no-host-runtime-mounts",
  description: "No workload outside the node agents' namespaces mounts the node's root or its container runtime socket (hostPath).",
  enforcementLevel: "mandatory",
  configSchema: nodeAgentSchema,
  validateResource: (args, report) => {
    const found = podOf(args.type, args.props);
    if (!found || withDefaults(NODE_AGENT_DEFAULTS, args.getConfig).exemptNamespaces.includes(namespaceOf(args.props))) return;
    const hits = asArray(found.pod.volumes).filter((v) => typeof v.hostPath?.path === "string" && HOST_TAKEOVER_PATHS.includes(normalise(v.hostPath.path)));
    if (!hits.length) return;
    report(
      explain(
        `${found.kind} ${args.name} mounts ${hits.map((v) => `${v.hostPath!.path} (volume ${v.name ?? "?"})`).join(", ")} from the node.`,
        "the container runtime's socket starts privileged containers on request, and the node's root holds the kubelet's credentials: either one makes the pod root on the node, with its IAM role and every other pod's secrets. The Pod Security Standards' Baseline profile forbids hostPath volumes.",
        "use an emptyDir or a PersistentVolumeClaim; read logs or metrics through a read-only hostPath of that one directory (e.g. /var/log) in a node agent in kube-system; build images with a daemonless builder (BuildKit rootless, Kaniko) instead of the runtime socket.",
      ),
    );
  },
};

export const gpuLimitsMatchRequests: ResourceValidationPolicy = {
  name: "gpu-limits-match-requests",
  description: `Containers that request ${GPU_RESOURCE} set the same number in limits (Kubernetes refuses GPU requests without equal limits).`,
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    const found = podOf(args.type, args.props);
    if (!found) return;
    for (const c of allContainers(found.pod)) {
      const requested = c.resources?.requests?.[GPU_RESOURCE];
      if (requested === undefined) continue;
      const limit = c.resources?.limits?.[GPU_RESOURCE];
      if (limit !== undefined && Number(limit) === Number(requested)) continue;
      report(
        explain(
          `Container ${c.name ?? "?"} of ${found.kind} ${args.name} requests ${String(requested)} ${GPU_RESOURCE} but its limits ${limit === undefined ? "set none" : `set ${String(limit)}`}.`,
          `Kubernetes accepts GPUs in limits, or in requests only with an equal limit: the API server refuses every pod of this workload${found.kind === "Pod" ? "" : ", its controller retries forever with no pod running"}, and \`pulumi up\` waits for a rollout that never comes until it times out.`,
          `set resources.limits["${GPU_RESOURCE}"] to ${String(requested)} (or give the GPU count in limits only; the request follows it).`,
        ),
      );
    }
  },
};

/** The image reference's tag, "" when it has none (Kubernetes then pulls :latest), or undefined when a digest pins it. */
export function imageTag(image: string): string | undefined {
  if (image.includes("@")) return undefined;
  const last = image.slice(image.lastIndexOf("/") + 1);
  const colon = last.lastIndexOf(":");
  return colon < 0 ? "" : last.slice(colon + 1);
}
const MUTABLE_TAGS = ["", "latest"];

const IMAGE_DEFAULTS = { productionEnvironments: ["prod", "production"] };

export const imagesPinnedInProduction: StackValidationPolicy = {
  name: "images-pinned-in-production",
  description: "Production workloads run images by a version tag or a digest, never `:latest` or no tag.",
  enforcementLevel: "mandatory",
  configSchema: configSchema(IMAGE_DEFAULTS, {
    productionEnvironments: "Environments (the object's `environment` label, else the stack's `environment` tag) where images must be pinned",
  }),
  validateStack: (args, report) => {
    const { productionEnvironments } = withDefaults(IMAGE_DEFAULTS, args.getConfig);
    const stackEnvironments = [...new Set(args.resources.filter((r) => r.type.startsWith("aws:")).map((r) => tagsOf(r.props).environment))].filter(
      (e): e is string => typeof e === "string" && e !== "",
    );
    for (const r of args.resources) {
      const found = podOf(r.type, r.props);
      if (!found) continue;
      const own = metaOf(r.props).labels?.environment;
      const environments = own ? [own] : stackEnvironments;
      // No environment stated anywhere: treated as production, and said so.
      const production = environments.length === 0 || environments.some((e) => productionEnvironments.includes(e));
      if (!production) continue;
      const mutable = allContainers(found.pod).filter((c) => typeof c.image === "string" && MUTABLE_TAGS.includes(imageTag(c.image)!));
      if (!mutable.length) continue;
      report(
        explain(
          `${found.kind} ${r.name} runs ${mutable.map((c) => `${c.image} (container ${c.name ?? "?"})`).join(", ")}: a moving tag, in ${environments.length ? `environment ${environments.join("/")}` : "a stack that states no environment, so treated as production"}.`,
          "`:latest` (or no tag, which means it) names whatever was pushed last: each node that pulls it may run a different build, a restart silently upgrades the model server, and a rollback has no version to return to.",
          "use a version tag (models:1.4.0) in an ECR repository with immutable tags, or pin a digest (image@sha256:...).",
        ),
        r.urn,
      );
    }
  },
};

/** Whether a PDB selector's matchLabels select a pod with these labels (matchExpressions are not evaluated: no match). */
function selects(selector: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined, labels: Record<string, string>): boolean {
  if (!selector || asArray(selector.matchExpressions).length) return false;
  const wanted = Object.entries(selector.matchLabels ?? {});
  return wanted.length > 0 && wanted.every(([k, v]) => labels[k] === v);
}

/** A percentage ("50%") of n, rounded up as the disruption controller does for minAvailable, or the number itself. */
const amount = (v: unknown, n: number) => (typeof v === "string" && v.endsWith("%") ? Math.ceil((Number(v.slice(0, -1)) / 100) * n) : Number(v));

export const pdbsAllowEviction: StackValidationPolicy = {
  name: "pdbs-allow-eviction",
  description: "A PodDisruptionBudget lets at least one pod be evicted, so node drains and upgrades can proceed.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const hpas = args.resources.filter((r) => r.type.startsWith("kubernetes:autoscaling/") && r.type.endsWith(":HorizontalPodAutoscaler"));
    for (const pdb of args.resources.filter((r) => r.type.startsWith("kubernetes:policy/") && r.type.endsWith(":PodDisruptionBudget"))) {
      const spec = (pdb.props.spec ?? {}) as { maxUnavailable?: number | string; minAvailable?: number | string; selector?: Parameters<typeof selects>[0] };
      const ns = namespaceOf(pdb.props);
      let why: string | undefined;
      if (spec.maxUnavailable !== undefined) {
        if (amount(spec.maxUnavailable, 1) === 0 || spec.maxUnavailable === "0%")
          why = `maxUnavailable ${String(spec.maxUnavailable)} allows no eviction at all`;
      } else if (spec.minAvailable !== undefined) {
        if (spec.minAvailable === "100%") why = "minAvailable 100% allows no eviction at all";
        else {
          // The fewest replicas the selected workloads can run: their replicas, or their autoscaler's minReplicas.
          const targets = args.resources.filter((r: PolicyResource) => {
            const found = podOf(r.type, r.props);
            const template = (r.props.spec as { template?: { metadata?: Meta } } | undefined)?.template?.metadata?.labels ?? {};
            return found && found.kind !== "Pod" && namespaceOf(r.props) === ns && selects(spec.selector, template);
          });
          const fewest = targets.map((t) => {
            const kind = workloadKind(t.type)!;
            const hpa = hpas.find(
              (h) =>
                namespaceOf(h.props) === ns &&
                (h.props.spec as { scaleTargetRef?: { name?: string } } | undefined)?.scaleTargetRef?.name === metaOf(t.props).name,
            );
            const min = (hpa?.props.spec as { minReplicas?: number } | undefined)?.minReplicas;
            return { name: t.name, replicas: hpa ? (min ?? 1) : replicasOf(kind, t.props) };
          });
          const blocked = fewest.filter((f) => typeof spec.minAvailable === "number" && spec.minAvailable >= f.replicas);
          if (blocked.length)
            why = `minAvailable ${spec.minAvailable} with ${blocked.map((b) => `${b.name} at ${b.replicas} replica(s)`).join(", ")} allows no eviction`;
        }
      }
      if (!why) continue;
      report(
        explain(
          `PodDisruptionBudget ${pdb.name}: ${why}.`,
          "every voluntary eviction is refused: `kubectl drain`, the Cluster Autoscaler's scale-down and EKS node group upgrades wait on these pods forever (a managed node group update fails with PodEvictionFailure), so nodes stay billed and security patches never land.",
          "allow one pod out at a time: maxUnavailable: 1 (or minAvailable below the replica count, with at least 2 replicas for a service that must stay up during drains).",
        ),
        pdb.urn,
      );
    }
  },
};

type Taint = { key?: string; value?: string; effect?: string };
type Toleration = { key?: string; operator?: string; value?: string; effect?: string };

/** Whether a pod's tolerations let it onto a node with this (EKS-spelled) taint. */
function tolerates(tolerations: Toleration[], taint: Taint): boolean {
  const effect =
    taint.effect && taint.effect in { NO_SCHEDULE: 1, NO_EXECUTE: 1, PREFER_NO_SCHEDULE: 1 } ? kubernetesTaintEffect(taint.effect as never) : taint.effect;
  if (effect === "PreferNoSchedule") return true;
  return tolerations.some(
    (t) =>
      (t.key === undefined ? t.operator === "Exists" : t.key === taint.key) &&
      (t.operator === "Exists" || (t.value ?? "") === (taint.value ?? "")) &&
      (t.effect === undefined || t.effect === "" || t.effect === effect),
  );
}

/** The GPU node groups a pod can land on: their labels satisfy its nodeSelector and it tolerates all their taints. */
function poolFor(pod: FullPodSpec & { nodeSelector?: Record<string, string>; tolerations?: Toleration[] }, groups: PolicyResource[]): PolicyResource[] {
  const selector = Object.entries(pod.nodeSelector ?? {});
  return groups.filter((g) => {
    const labels = (g.props.labels ?? {}) as Record<string, string>;
    return selector.every(([k, v]) => labels[k] === v) && asArray(g.props.taints as Taint[] | undefined).every((t) => tolerates(asArray(pod.tolerations), t));
  });
}

export const gpuWorkloadsFitPool: StackValidationPolicy = {
  name: "gpu-workloads-fit-pool",
  description:
    "A GPU workload's replicas (its autoscaler's maxReplicas) x GPUs per pod fit what the GPU node groups it selects (nodeSelector, taints) can start at their maxSize.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const gpuGroups = args.resources.filter(
      (r) => r.type === T.nodeGroup && asArray(r.props.instanceTypes as string[] | undefined).some((t) => typeof t === "string" && isAcceleratedType(t)),
    );
    // The cluster's node groups live in another stack: nothing to compare with.
    if (!gpuGroups.length) return;
    const hpas = args.resources.filter((r) => r.type.startsWith("kubernetes:autoscaling/") && r.type.endsWith(":HorizontalPodAutoscaler"));
    for (const r of args.resources) {
      const found = podOf(r.type, r.props);
      if (!found || found.kind === "DaemonSet") continue;
      const perPod = gpusPerPod(found.pod);
      if (perPod === 0) continue;
      const hpa = hpas.find(
        (h) =>
          namespaceOf(h.props) === namespaceOf(r.props) &&
          (h.props.spec as { scaleTargetRef?: { name?: string } } | undefined)?.scaleTargetRef?.name === metaOf(r.props).name,
      );
      const maxReplicas = (hpa?.props.spec as { maxReplicas?: number } | undefined)?.maxReplicas;
      const replicas = maxReplicas ?? replicasOf(found.kind, r.props);
      const pool = poolFor(found.pod as never, gpuGroups);
      // Per node group: the pods that fit on one node, times its maxSize.
      const slots = pool.map((g) => {
        const type = asArray(g.props.instanceTypes as string[] | undefined)[0] ?? "";
        const perNode = gpusPerInstance(type);
        const max = ((g.props.scalingConfig ?? {}) as { maxSize?: number }).maxSize ?? 0;
        const hourly = pricesFor(regionOf(g.props, g.provider) ?? "")?.ec2[type];
        return { g, type, perNode, max, pods: perNode === undefined ? undefined : Math.floor(perNode / perPod) * max, hourly };
      });
      // A type whose GPU count the table does not know: cannot judge.
      if (slots.some((s) => s.pods === undefined)) continue;
      const startable = slots.reduce((sum, s) => sum + s.pods!, 0);
      if (replicas <= startable) continue;
      const what = `${found.kind} ${r.name} asks for ${replicas} pod(s)${maxReplicas !== undefined ? ` (its autoscaler's maxReplicas)` : ""} x ${perPod} GPU`;
      const poolText = pool.length
        ? `the GPU node groups it can land on (${slots.map((s) => `${s.g.name}: ${s.max} x ${s.type}, ${s.perNode} GPU each`).join("; ")}) can start ${startable} such pod(s)`
        : `no GPU node group in the stack matches its nodeSelector and tolerations (${gpuGroups.map((g) => g.name).join(", ")})`;
      const poolCost =
        slots.every((s) => s.hourly !== undefined) && pool.length ? slots.reduce((sum, s) => sum + s.hourly! * s.max * HOURS_PER_MONTH, 0) : undefined;
      report(
        explain(
          `${what}; ${poolText}.`,
          `the other ${replicas - startable} pod(s) stay Pending forever, so \`pulumi up\` waits on a rollout that cannot finish and then fails; the GPUs that do start ${poolCost === undefined ? "are billed by the hour" : `cost up to ${money(poolCost)}/month (the pool at its maxSize)`}, the Pending ones nothing.`,
          pool.length
            ? `lower replicas (or maxReplicas) to ${startable}, or raise the pool's maxSize (within the stage's node-group caps), or select a larger pool.`
            : `set nodeSelector to a GPU pool's labels (${NODE_GROUP_LABEL}: <pool>) and tolerate its taints.`,
        ),
        r.urn,
      );
    }
  },
};

export const workloadPolicies = [
  gpuWorkloadsFitPool,
  containersNotPrivileged,
  noHostRuntimeMounts,
  gpuLimitsMatchRequests,
  imagesPinnedInProduction,
  pdbsAllowEviction,
];
