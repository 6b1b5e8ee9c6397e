/**
 * Canary releases, as Kubernetes objects for Argo Rollouts (chart
 * argo-rollouts 2.41.0, controller v1.9.0): a model that releases by canary
 * runs as one `Rollout` instead of blue and green Deployments. A release (a
 * new image or model URI, nothing else) makes the controller start the new
 * version beside the stable one and move traffic to it step by step (each
 * step a share of traffic held `pauseMinutes`), while an AnalysisRun queries
 * Prometheus every minute with the serving alerts' own expressions; after
 * the last step the new version takes all traffic and becomes stable. A
 * failed analysis aborts the release: the controller sends all traffic back
 * to the stable version, which never stopped running, without a `pulumi up`.
 *
 * The traffic split is an ALB's weighted target groups, through the AWS Load
 * Balancer Controller: Argo Rollouts writes the weights into the Ingress's
 * `alb.ingress.kubernetes.io/actions.<stable Service>` annotation (argo-rollouts
 * v1.9.0 docs/features/traffic-management/alb.md, checked 2026-12-07). Weights
 * are exact whatever the replica count, so a 1-replica GPU model still sends
 * the new version its 10 %, where a replica-ratio canary could only send 50 %.
 *
 * Who owns what (Pulumi's Kubernetes provider applies server-side, with its
 * own field manager, and states only the fields it declares; Kubernetes docs
 * "Server-Side Apply", "Field management"):
 * - Pulumi: the Rollout's spec (no `replicas` under an autoscaler, as for
 *   Deployments: manifests.ts replicaOwnership), the Services' ports, the
 *   Ingress's rule and its other annotations, the AnalysisTemplate.
 * - the rollouts controller: the Rollout's status (where promote, abort and
 *   retry write) and its `spec.replicas`, the two traffic Services' whole
 *   `spec.selector`, the Ingress's actions annotation and
 *   `rollouts.argoproj.io/managed-alb-actions` (a merge patch,
 *   rollout/trafficrouting/alb/alb.go), all at v1.9.0.
 * Two of those need care:
 * - The Rollout: on its first sync of a Rollout without `spec.replicas` the
 *   controller sets it and writes back its whole re-parsed copy with an
 *   Update (rollout/controller.go: remarshalRollout, then `if
 *   rollout.Spec.Replicas == nil` ... Update). Every field it changes by
 *   re-serialising becomes its own: a quantity such as "2000m" comes back as
 *   "2" (a custom resource is stored as sent, so the API server does not
 *   canonicalise it first), and Pulumi's next apply of "2000m" would
 *   conflict. So the pod template states quantities in canonical form
 *   (manifests.ts cpuQuantity, memoryQuantity), and the Rollout carries
 *   `pulumi.com/patchForce`: Pulumi states none of the controller's fields on
 *   it, so forcing takes nothing the controller needs.
 * - The Services: a Service's selector is an atomic map
 *   (`x-kubernetes-map-type: atomic`); the controller's patch adding
 *   `rollouts-pod-template-hash` (a strategic merge patch, rollout/service.go)
 *   makes it the owner of the whole selector. The traffic Services therefore
 *   ignore changes to `spec.selector` (TRAFFIC_SERVICE_IGNORE_CHANGES below),
 *   and a model moved back to blue/green takes its `<model>` Service's
 *   selector back with `pulumi.com/patchForce` (model-serving.ts).
 * Checked 2026-12-07.
 */
import { DEFAULT_SERVING_METRICS, SERIES_LABELS, type ServingMetrics } from "../monitoring/contract";
import { SERVING_RATE_WINDOW_MINUTES, SERVING_SERIES_MATCHER, promNumber, servingHealthQueries } from "../monitoring/rules";
import {
  type DeploymentInputs,
  type Labels,
  PATCH_FORCE_ANNOTATION,
  POD_READY_MARGIN_SECONDS,
  deploymentManifest,
  podLabels,
  selectorOf,
  serviceManifest,
} from "./manifests";
import type { CanarySettings, ModelSettings } from "./model-serving.args";

export const ROLLOUTS_API_VERSION = "argoproj.io/v1alpha1";

export const canaryServiceName = (model: string) => `${model}-canary`;
export const metricsServiceName = (model: string) => `${model}-metrics`;
export const analysisTemplateName = (model: string) => `${model}-health`;
/** The Ingress the ALB is built from and Argo Rollouts writes the weights into: the model's name. */
export const ingressName = (model: string) => model;

/** The analysis argument that names the new version: its pod template hash (argo-rollouts AnalysisTemplate `valueFrom.podTemplateHashValue`). */
export const CANARY_HASH_ARG = "canary-hash";
/** The ALB's IngressClass: the one the AWS Load Balancer Controller chart creates (3.5.0 values.yaml ingressClass, createIngressClassResource). */
export const ALB_INGRESS_CLASS = "alb";
/** Port of every model Service (manifests.ts serviceManifest). */
export const MODEL_SERVICE_PORT = 80;
/**
 * Seconds an ALB keeps an idle connection open. The ALB's default is 60 s,
 * which cuts a model request that runs longer than a minute before its
 * first byte (a long generation); a blue/green model behind an NLB gets the
 * NLB's default of 350 s for TCP, so a canary's ALB gets the same
 * (aws-load-balancer-controller docs/guide/ingress/annotations.md,
 * load-balancer-attributes; ELB docs, "idle_timeout.timeout_seconds";
 * checked 2026-12-07).
 */
export const ALB_IDLE_TIMEOUT_SECONDS = 350;
/** Seconds between two measurements of the analysis. */
export const ANALYSIS_INTERVAL_SECONDS = 60;

/**
 * Seconds the old version keeps running after all traffic has moved to the
 * new one. Argo Rollouts waits this long before it scales the old
 * ReplicaSet down, so the ALB has applied the new weights and let the old
 * targets drain (its deregistration delay, the pod's drain + shutdown
 * seconds) before they go. At least 120 s: the controller's default of 30 s
 * for the weights to propagate (argo-rollouts pull request 1056) is too short
 * for an ALB's listener rules, and 120 s is the delay with which 503s on the
 * old target group were no longer seen (argo-rollouts issue 4595, with the
 * stable version kept at full size as here); checked 2026-12-07.
 */
export function scaleDownDelaySeconds(model: Pick<ModelSettings, "drainSeconds" | "shutdownSeconds">): number {
  return Math.max(120, model.drainSeconds + model.shutdownSeconds + 30);
}

/** The steps: each share of traffic, then a pause of its minutes; after the last, the controller moves all traffic. */
export function canarySteps(canary: CanarySettings) {
  return canary.steps.flatMap((s) => [{ setWeight: s.weight }, { pause: { duration: `${s.pauseMinutes}m` } }]);
}

/**
 * A canary model's Rollout: the Deployment the model would have (the same
 * pod template, probes, spread, replica ownership), with the canary
 * strategy instead of a rolling update. The analysis runs in the background
 * from the first share of traffic to the end of the release; a failed
 * measurement beyond `failureLimit` aborts it. progressDeadlineAbort: a new
 * version whose pods never become ready (a model that does not load) is
 * aborted too, instead of holding a GPU forever; its deadline is the
 * model's load time plus POD_READY_MARGIN_SECONDS (a GPU node from zero and
 * the image pull), as long as `pulumi up` waits for a Deployment, so a slow
 * but healthy GPU canary is not aborted.
 */
export function rolloutManifest<S>(i: DeploymentInputs<S>) {
  const m = i.model;
  const d = deploymentManifest(i);
  const { strategy: _rollingUpdate, ...spec } = d.spec;
  return {
    apiVersion: ROLLOUTS_API_VERSION,
    kind: "Rollout" as const,
    // Forced: the controller's first write-back owns fields Pulumi states (the header's "Who owns what").
    metadata: { ...d.metadata, annotations: { ...d.metadata.annotations, [PATCH_FORCE_ANNOTATION]: "true" } },
    spec: {
      ...spec,
      progressDeadlineSeconds: m.startupTimeoutSeconds + POD_READY_MARGIN_SECONDS,
      progressDeadlineAbort: true,
      strategy: {
        canary: {
          stableService: m.name,
          canaryService: canaryServiceName(m.name),
          scaleDownDelaySeconds: scaleDownDelaySeconds(m),
          trafficRouting: { alb: { ingress: ingressName(m.name), servicePort: MODEL_SERVICE_PORT } },
          ...(m.canary.analysis
            ? {
                analysis: {
                  templates: [{ templateName: analysisTemplateName(m.name) }],
                  // From the first share of traffic on (step 0 sets it).
                  startingStep: 1,
                  args: [{ name: CANARY_HASH_ARG, valueFrom: { podTemplateHashValue: "Latest" as const } }],
                },
              }
            : {}),
          steps: canarySteps(m.canary),
        },
      },
    },
  };
}

/** Labels of a canary model's traffic Services: the model's, without the component label the ServiceMonitor selects (metricsServiceManifest carries it). */
function trafficLabels(model: string): Labels {
  return { ...podLabels(model, undefined), "app.kubernetes.io/component": "model-traffic" };
}

/**
 * The stable Service (`<model>`, what in-cluster callers use: it reaches
 * the stable version only, never a canary) or the canary Service
 * (`<model>-canary`, the new version during a release). Both select the
 * model; the controller adds the version's pod template hash to each
 * selector. ClusterIP: the ALB reaches the pods directly (target type ip).
 */
export function canaryTrafficServiceManifest(model: ModelSettings, namespace: string, role: "stable" | "canary") {
  const s = serviceManifest({ model, name: role === "stable" ? model.name : canaryServiceName(model.name), namespace, color: undefined, exposed: false });
  return { ...s, metadata: { ...s.metadata, labels: trafficLabels(model.name), annotations: NO_AWAIT } };
}

/**
 * Resource options of the two traffic Services. The rollouts controller owns
 * their whole `spec.selector` once it has added the version's hash (the
 * header's "Who owns what"), so Pulumi leaves the selector out of every
 * apply after the first: pulumi-kubernetes drops a field named in
 * `ignoreChanges` from its server-side apply when another manager owns it
 * and Pulumi does not (provider/pkg/await/await.go handleSSAIgnoreFields,
 * checked 2026-12-07). The model's selector never changes, so nothing is
 * lost; the first apply (the create) still states it.
 */
export const TRAFFIC_SERVICE_IGNORE_CHANGES = ["spec.selector"];

/**
 * Pulumi waits for a Service's endpoints to target live pods (pulumi-kubernetes
 * Service await logic; its API docs, "Service"). A canary model's Services
 * are created before the Rollout that starts their pods (the controller
 * needs them), so they are not awaited: `pulumi.com/skipAwait`.
 */
const NO_AWAIT = { "pulumi.com/skipAwait": "true" } as const;

/**
 * The Service Prometheus scrapes a canary model through: every pod of the
 * model, whichever version, exactly once (the stable and canary Services
 * select the same pods at rest). Headless: nothing sends traffic to it.
 */
export function metricsServiceManifest(model: ModelSettings, namespace: string) {
  const s = serviceManifest({ model, name: metricsServiceName(model.name), namespace, color: undefined, exposed: false });
  return { ...s, metadata: { ...s.metadata, annotations: NO_AWAIT }, spec: { ...s.spec, clusterIP: "None" } };
}

/**
 * The ALB in front of a canary model, from an Ingress the AWS Load Balancer
 * Controller turns into one (annotations per its Ingress annotation guide,
 * kubernetes-sigs/aws-load-balancer-controller docs/guide/ingress/annotations.md,
 * v3.5.0, checked 2026-12-07):
 * - scheme: internet-facing for a public model (only its sourceRanges may
 *   call it), internal otherwise: an in-cluster model's callers that should
 *   see the canary's share use the ALB's address; the `<model>` Service
 *   reaches the stable version only;
 * - target type ip (pods are targets), health checks on the readiness
 *   path, and a deregistration delay of the pod's drain + shutdown seconds
 *   instead of the default 300 s. The namespace's readiness gate label does
 *   not protect a canary's new pods: the controller injects the gate only
 *   into a pod that an ALB's Service selects when the pod is created, and
 *   Argo Rollouts points the canary Service at the new pods only once they
 *   are available (argo-rollouts v1.9.0 docs/features/traffic-management/
 *   alb.md, "Pod readiness gate injection"). The end-of-release 503 risk
 *   that leaves is in the runbook (docs/guides/serving-and-tracking.md);
 * - an idle timeout of ALB_IDLE_TIMEOUT_SECONDS instead of the ALB's 60 s
 *   (`load-balancer-attributes: idle_timeout.timeout_seconds`);
 * - one rule to the stable Service's port `use-annotation`: the weights are
 *   in the actions annotation Argo Rollouts writes (and Pulumi never states).
 * `pulumi.com/waitFor`: Pulumi's Ingress await would look for a Service
 * port named `use-annotation` and never find it; it waits for the ALB's
 * address instead (pulumi-kubernetes 4.18+, "waitFor" annotation).
 */
export function ingressManifest(model: ModelSettings, namespace: string) {
  const m = model;
  const publicEndpoint = m.exposure.type === "public";
  const annotations: Record<string, string> = {
    "alb.ingress.kubernetes.io/scheme": publicEndpoint ? "internet-facing" : "internal",
    "alb.ingress.kubernetes.io/target-type": "ip",
    "alb.ingress.kubernetes.io/healthcheck-path": m.readinessPath ?? m.healthPath,
    "alb.ingress.kubernetes.io/target-group-attributes": `deregistration_delay.timeout_seconds=${m.drainSeconds + m.shutdownSeconds}`,
    "alb.ingress.kubernetes.io/load-balancer-attributes": `idle_timeout.timeout_seconds=${ALB_IDLE_TIMEOUT_SECONDS}`,
    ...(publicEndpoint ? { "alb.ingress.kubernetes.io/inbound-cidrs": m.exposure.sourceRanges.join(",") } : {}),
    "pulumi.com/waitFor": "jsonpath={.status.loadBalancer.ingress[0].hostname}",
  };
  return {
    apiVersion: "networking.k8s.io/v1" as const,
    kind: "Ingress" as const,
    metadata: { name: ingressName(m.name), namespace, labels: trafficLabels(m.name), annotations },
    spec: {
      ingressClassName: ALB_INGRESS_CLASS,
      rules: [
        {
          http: {
            paths: [{ path: "/", pathType: "Prefix" as const, backend: { service: { name: m.name, port: { name: "use-annotation" } } } }],
          },
        },
      ],
    },
  };
}

/**
 * The analysis queries of one model's new version: the serving alerts'
 * expressions (monitoring/rules.ts servingHealthQueries) on the series of
 * this model's pods with the new version's pod template hash, which the
 * AnalysisRun substitutes for `{{args.canary-hash}}`.
 */
export function canaryQueries(model: string, namespace: string, metrics: ServingMetrics = DEFAULT_SERVING_METRICS) {
  return servingHealthQueries(
    metrics,
    [SERVING_SERIES_MATCHER, `namespace="${namespace}"`, `${SERIES_LABELS.model}="${model}"`, `${SERIES_LABELS.revision}="{{args.${CANARY_HASH_ARG}}}"`],
    [SERIES_LABELS.model, SERIES_LABELS.revision],
  );
}

/**
 * A measurement's verdict from its result (a vector: one value, or none
 * when the version has no series yet): success at or within the threshold,
 * failure beyond it. No value, or NaN (no request in the window), is
 * neither: the measurement
 * is Inconclusive and the release pauses for a person instead of being
 * promoted on no evidence (argo-rollouts v1.9.0 utils/evaluate/evaluate.go
 * EvaluateResult: neither condition true is Inconclusive).
 */
export function analysisConditions(threshold: number) {
  const t = promNumber(threshold);
  return { successCondition: `len(result) > 0 && result[0] <= ${t}`, failureCondition: `len(result) > 0 && result[0] > ${t}` };
}

/** The AnalysisTemplate a canary model's Rollout runs: the error ratio and the p95 latency of its new version against the model's thresholds. */
export function analysisTemplateManifest(model: ModelSettings, namespace: string, prometheusUrl: string, metrics: ServingMetrics = DEFAULT_SERVING_METRICS) {
  const q = canaryQueries(model.name, namespace, metrics);
  const c = model.canary;
  const metric = (name: string, query: string, threshold: number) => ({
    name,
    // The first measurement waits for a full rate window of the new version's series.
    initialDelay: `${SERVING_RATE_WINDOW_MINUTES}m`,
    interval: `${ANALYSIS_INTERVAL_SECONDS}s`,
    failureLimit: c.failureLimit,
    ...analysisConditions(threshold),
    provider: { prometheus: { address: prometheusUrl, query } },
  });
  return {
    apiVersion: ROLLOUTS_API_VERSION,
    kind: "AnalysisTemplate" as const,
    metadata: { name: analysisTemplateName(model.name), namespace, labels: podLabels(model.name, undefined) },
    spec: {
      args: [{ name: CANARY_HASH_ARG }],
      metrics: [metric("error-ratio", q.errorRatio, c.maxErrorRatio), metric("latency-p95", q.latencyP95, c.maxLatencySeconds)],
    },
  };
}

/** The selector of a canary model's Rollout, Services and PDB: the model (the controller adds the version). */
export const canarySelector = (model: string) => selectorOf(model, undefined);

// ------------------------------------------------------------ what a release costs

export interface ReleaseCost {
  /** GPU hours the new version holds during the steps: each step's pause x its pods x GPUs per pod. */
  stepGpuHours: number;
  /** GPU hours of the full surge: the new version at full size (loading, then scaleDownDelaySeconds) beside the old one. */
  surgeGpuHours: number;
  gpuHours: number;
  /** The figures, in words, for the plan. */
  basis: string;
}

/**
 * What one canary release of a GPU model costs in GPU hours beyond the
 * stable version, at `replicas` (the model's replicas, or the HPA's count
 * during the release): during each step the new version runs
 * ceil(weight % x replicas) pods (Argo Rollouts scales the canary to its
 * share of the replicas while the stable version stays at full size, with
 * traffic routing and no dynamicStableScale), then at full size for the
 * longest its pods may take to load plus scaleDownDelaySeconds. An aborted
 * release costs less (its steps so far); a paused one more.
 */
export function releaseGpuHours(model: ModelSettings, replicas = model.replicas ?? 1): ReleaseCost {
  const steps = model.canary.steps.map((s) => ({ ...s, pods: Math.ceil((s.weight / 100) * replicas) }));
  const stepGpuHours = steps.reduce((sum, s) => sum + (s.pauseMinutes / 60) * s.pods * model.gpus, 0);
  const surgeHours = (model.startupTimeoutSeconds + scaleDownDelaySeconds(model)) / 3600;
  const surgeGpuHours = surgeHours * replicas * model.gpus;
  const round = (n: number) => Math.round(n * 100) / 100;
  const basis =
    steps.map((s) => `${s.weight} %: ${s.pods} pod(s) x ${s.pauseMinutes} min`).join(", ") +
    `, then ${replicas} pod(s) x ${round(surgeHours * 60)} min at full size (load + scale-down delay), x ${model.gpus} GPU per pod`;
  return { stepGpuHours: round(stepGpuHours), surgeGpuHours: round(surgeGpuHours), gpuHours: round(stepGpuHours + surgeGpuHours), basis };
}
