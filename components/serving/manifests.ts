import { GPU_RESOURCE, GPU_TOLERATION, NODE_GROUP_LABEL, Toleration, systemNodeLabels } from "../compute/labels";
import { type Color, type ModelSettings, cpuMillis, memoryMiB } from "./settings";

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
  /**
   * Replicas to run: the colour's (or the model's) replicas. Undefined while an
   * autoscaler owns the colour (autoscaledReplicas below): the Deployment then
   * states no `spec.replicas` at all.
   */
  replicas: number | undefined;
  /**
   * How `spec.replicas` relates to a HorizontalPodAutoscaler (hpaReplicaOwnership):
   * "hpa" while one scales the colour, "taken-back" when the colour is set to a
   * fixed count where one may have scaled it before, "none" where nothing autoscales.
   */
  replicaOwnership?: ReplicaOwnership;
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
 * Shared memory for the model server: a container's /dev/shm is 64 MiB by
 * default, too little for PyTorch's DataLoader workers or NCCL, which then
 * fail with "bus error". A memory-backed emptyDir; what it holds counts
 * against the container's memory limit.
 */
export const SHM_SIZE = "1Gi";

/**
 * Node-local disk each model pod reserves for its image layers' writes, the
 * model files it downloads and its logs: the scheduler then does not put more
 * pods on a node than its disk holds (the GPU pools' root volumes are 100 GB).
 */
export const MODEL_EPHEMERAL_STORAGE = "20Gi";

/**
 * Seconds a model's new pod may need before its model even starts loading:
 * a GPU node started from zero by the Cluster Autoscaler, the device plugin,
 * and the image pull. `pulumi up` waits startupTimeoutSeconds + this for a
 * Deployment (model-serving.ts), and a canary's Rollout gives its new version
 * as long before it aborts it (canary.ts rolloutManifest).
 */
export const POD_READY_MARGIN_SECONDS = 600;

/** Who owns a Deployment's `spec.replicas` (see DeploymentInputs.replicaOwnership). */
export type ReplicaOwnership = "none" | "hpa" | "taken-back";

/** Pulumi's Kubernetes provider forces a server-side apply over other field managers when an object carries it. */
export const PATCH_FORCE_ANNOTATION = "pulumi.com/patchForce";

/**
 * Who owns `.spec.replicas` of a model's Deployment. Once a
 * HorizontalPodAutoscaler scales a Deployment, the field belongs to the
 * field manager "kube-controller-manager" (subresource scale), and a
 * server-side apply that states the field conflicts with it: Pulumi's next
 * update of that Deployment fails ("Apply failed with 1 conflict: conflict
 * with kube-controller-manager with subresource scale: .spec.replicas",
 * pulumi-kubernetes #2491, #2569, #3312). So:
 * - "hpa": while an autoscaler runs for the colour, the Deployment states no
 *   replicas at all (Kubernetes docs, "Server-Side Apply", "Transferring
 *   ownership": leave `replicas` to the HPA). A new Deployment starts at the
 *   API's default of 1 and the HPA raises it to its minimum within a sync
 *   period; an update (a new image, a changed probe) never touches the
 *   replica count the HPA chose.
 * - "taken-back": at Series B a colour set to a fixed count (0, the idle
 *   colour at rest) has no autoscaler any more, but the HPA's manager may still
 *   own the field from before: the Deployment states the count and carries
 *   `pulumi.com/patchForce: "true"`, so Pulumi's apply takes the field back
 *   instead of failing. (An HPA does nothing while its target has 0 replicas.)
 * - "none": nothing autoscales (MVP): the count is Pulumi's alone.
 */
export function replicaOwnership(autoscaling: boolean, replicas: number): ReplicaOwnership {
  if (!autoscaling) return "none";
  return replicas > 0 ? "hpa" : "taken-back";
}

/**
 * Kubernetes' canonical text of a quantity (k8s.io/apimachinery
 * pkg/api/resource/quantity.go CanonicalizeBytes, checked 2026-12-07): the
 * largest suffix of the quantity's own format (decimal for a CPU count,
 * binary for "Mi") that leaves a whole number: 2000m is "2", 1500m stays
 * "1500m", 8192Mi is "8Gi", 1536Mi stays "1536Mi". The API server stores a
 * built-in object's quantities in this form, but a custom resource's as
 * sent; the rollouts controller re-serialises a Rollout it writes back in
 * this form (see canary.ts), so the pod template states it already and
 * Pulumi's apply never differs from what the controller wrote.
 */
function canonicalQuantity(amount: number, unit: number, suffixes: readonly string[]): string {
  let n = Math.round(amount);
  let i = 0;
  while (n !== 0 && n % unit === 0 && i < suffixes.length - 1) {
    n /= unit;
    i++;
  }
  return n === 0 ? "0" : `${n}${suffixes[i]}`;
}

/** A CPU quantity from millicores, in canonical form: 2000 -> "2", 500 -> "500m". */
export const cpuQuantity = (millis: number) => canonicalQuantity(millis, 1000, ["m", "", "k", "M", "G", "T", "P", "E"]);

/** A memory quantity from MiB (rounded to a whole MiB), in canonical form: 8192 -> "8Gi", 1536 -> "1536Mi". */
export const memoryQuantity = (mib: number) => canonicalQuantity(mib, 1024, ["Mi", "Gi", "Ti", "Pi", "Ei"]);

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
  const cpu = cpuQuantity(cpuMillis(m.cpu)!);
  const memory = memoryQuantity(memoryMiB(m.memory)!);
  const limits: Record<string, string> = {
    cpu: m.cpuLimit ? cpuQuantity(cpuMillis(m.cpuLimit)!) : cpu,
    memory: m.memoryLimit ? memoryQuantity(memoryMiB(m.memoryLimit)!) : memory,
  };
  const requests: Record<string, string> = { cpu, memory, "ephemeral-storage": MODEL_EPHEMERAL_STORAGE };
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
    metadata: {
      name: deploymentName(m.name, i.color),
      namespace: i.namespace,
      labels,
      ...(i.replicaOwnership === "taken-back" ? { annotations: { [PATCH_FORCE_ANNOTATION]: "true" } } : {}),
    },
    spec: {
      // No replicas while an autoscaler owns them (replicaOwnership).
      ...(i.replicaOwnership === "hpa" || i.replicas === undefined ? {} : { replicas: i.replicas }),
      revisionHistoryLimit: 5,
      // The rollout may take the model's load time before it progresses at all.
      progressDeadlineSeconds: m.startupTimeoutSeconds + 300,
      selector: { matchLabels: selector },
      strategy: rolloutStrategy(m.gpus),
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: serviceAccountName(m.name),
          // No Kubernetes API token in the model server: it never calls the API. IRSA's AWS token is
          // another projected volume, which EKS's pod identity webhook adds either way.
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: m.drainSeconds + m.shutdownSeconds,
          nodeSelector,
          tolerations,
          topologySpreadConstraints: [spread("topology.kubernetes.io/zone"), spread("kubernetes.io/hostname")],
          // The image must run as a non-root user (a numeric USER in its Dockerfile), or the kubelet refuses to start it.
          securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" as const } },
          volumes: [{ name: "shm", emptyDir: { medium: "Memory", sizeLimit: SHM_SIZE } }],
          containers: [
            {
              name: "model-server",
              image: i.image,
              ports: [{ name: "http", containerPort: m.port, protocol: "TCP" as const }],
              env,
              resources: { requests, limits },
              startupProbe: {
                ...http(m.healthPath),
                periodSeconds: PROBE_PERIOD,
                timeoutSeconds: 5,
                failureThreshold: Math.ceil(m.startupTimeoutSeconds / PROBE_PERIOD),
              },
              readinessProbe: { ...http(m.readinessPath ?? m.healthPath), periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
              livenessProbe: { ...http(m.healthPath), periodSeconds: PROBE_PERIOD, timeoutSeconds: 5, failureThreshold: 3 },
              lifecycle: { preStop: { sleep: { seconds: m.drainSeconds } } },
              volumeMounts: [{ name: "shm", mountPath: "/dev/shm" }],
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
 * The namespace label that makes the AWS Load Balancer Controller add a
 * readiness gate to every pod behind one of its load balancers: a pod counts
 * as Ready (and a rolling update moves on) only once the NLB reports it
 * healthy, so an update never removes the last healthy target (controller
 * docs, "Pod readiness gate", v3.5.0; checked 2026-12-07).
 */
export const READINESS_GATE_LABEL = { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" } as const;

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
        // The NLB keeps a deregistering target's connections this long: within the pod's grace period
        // (drain + shutdown), not the target group's default of 300 s, after the pod is gone.
        "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": `deregistration_delay.timeout_seconds=${m.drainSeconds + m.shutdownSeconds}`,
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
 * replicas (the Deployment states none: the autoscaler owns the count, see
 * replicaOwnership), and
 * maxReplicas the model's cap, which the cost model's worst case counts.
 * CPU utilisation through metrics-server is the signal Kubernetes has
 * without a metrics adapter. Scale-down waits 10 minutes: a GPU node freed
 * too eagerly is a GPU node started again minutes later.
 */
export function hpaManifest(
  model: ModelSettings,
  color: Color | undefined,
  namespace: string,
  minReplicas: number,
  // A canary model's Rollout has the scale subresource an HPA needs (argo-rollouts docs, "HPA").
  target: { apiVersion: string; kind: string } = { apiVersion: "apps/v1", kind: "Deployment" },
) {
  return {
    apiVersion: "autoscaling/v2" as const,
    kind: "HorizontalPodAutoscaler" as const,
    metadata: { name: deploymentName(model.name, color), namespace, labels: podLabels(model.name, color) },
    spec: {
      scaleTargetRef: { ...target, name: deploymentName(model.name, color) },
      minReplicas,
      maxReplicas: model.maxReplicas!,
      metrics: [
        { type: "Resource" as const, resource: { name: "cpu", target: { type: "Utilization" as const, averageUtilization: model.targetCpuUtilization } } },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 600 } },
    },
  };
}
