/**
 * Canary releases (components/serving/canary.ts) in the real program: the
 * fixture stack canary-seriesb serves one GPU model by canary. Its plan is
 * checked for what Argo Rollouts needs (the controller's release, the
 * Rollout and its steps, the ALB's Ingress and the Services, the analysis),
 * every object is validated (the custom resources against the CRDs the
 * vendored argo-rollouts chart renders), a release is shown to change
 * nothing but the Rollout's pod template, and the release's surge is shown
 * in the GPU quota, the pool check and the worst-case cost.
 */
import { ROLLOUTS_API_VERSION, canaryQueries, ingressManifest, releaseGpuHours } from "../../components/serving/canary";
import { cpuQuantity, memoryQuantity } from "../../components/serving/manifests";
import { cpuMillis, memoryMiB } from "../../components/serving/settings";
import { ConfigError } from "../../config/resolve";
import { estimateCost } from "../../cost/model";
import { PlanRun, PlannedResource } from "../../plan/engine";
import { policyOf } from "../../plan/report";
import { resolveWithAccess } from "../support/cluster-access";
import { LiveObject, PULUMI, planned, up } from "../support/field-ownership";
import { CrdSchemas, objectProblems } from "../support/k8s-schemas";
import { FIXTURE_STACKS, ofType, one, plan, planDiff, planEdited } from "../support/plan";
import { HELM_RELEASE, K8sObject, renderRelease } from "../support/releases";

const STACK = "canary-seriesb";
const ROLLOUT = "kubernetes:argoproj.io/v1alpha1:Rollout";
const ANALYSIS = "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate";
const inputs = (r: PlannedResource) => r.inputs as K8sObject;
const copy = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

let run: PlanRun;
let crds: CrdSchemas;
beforeAll(async () => {
  run = await plan(STACK, FIXTURE_STACKS);
  const release = ofType(run, HELM_RELEASE).find((r) => String(inputs(r).chart).includes("argo-rollouts"))!;
  const rendered = renderRelease(run, release, `fixture ${STACK}`);
  crds = new CrdSchemas(rendered.objects.filter((o) => o.kind === "CustomResourceDefinition"));
});

const servingObjects = () => run.resources.filter((r) => r.type.startsWith("kubernetes:") && inputs(r).metadata?.namespace === "serving");
const firstInference = () => run.resources.findIndex((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && String(r.name).includes("inference"));
const named = (type: string, name: string) => ofType(run, type).find((r) => inputs(r).metadata?.name === name)!;

describe("a canary model's objects", () => {
  it("the plan has the rollouts controller, the Rollout with its steps, the ALB Ingress and Services, and the analysis", () => {
    const controller = ofType(run, HELM_RELEASE).filter((r) => String(inputs(r).chart).includes("argo-rollouts"));
    expect(controller.map((r) => ({ chart: inputs(r).chart, version: inputs(r).version }))).toEqual([
      { chart: "charts/argo-rollouts-2.41.0.tgz", version: "2.41.0" },
    ]);
    const rollout = inputs(one(run, ROLLOUT));
    // A new version that never becomes ready is aborted, but only after the model's load time (600 s) plus 600 s
    // for a GPU node from zero and the image pull: the time `pulumi up` gives a Deployment.
    expect([rollout.spec.progressDeadlineAbort, rollout.spec.progressDeadlineSeconds]).toEqual([true, 1200]);
    expect(rollout.spec.template.spec.containers[0].startupProbe.failureThreshold * 10).toBe(600);
    expect(rollout.spec.strategy.canary).toMatchObject({
      stableService: "ranker",
      canaryService: "ranker-canary",
      trafficRouting: { alb: { ingress: "ranker", servicePort: 80 } },
      steps: [{ setWeight: 10 }, { pause: { duration: "10m" } }, { setWeight: 50 }, { pause: { duration: "10m" } }],
      analysis: { templates: [{ templateName: "ranker-health" }], startingStep: 1 },
    });
    // The Rollout, its analysis and Services wait for the controller's release (the CRDs) and the ALB controller.
    const rolloutsRelease = controller[0]!.urn;
    expect(one(run, ROLLOUT).dependencies).toContain(rolloutsRelease);
    expect(one(run, ANALYSIS).dependencies).toContain(rolloutsRelease);
    const ingress = named("kubernetes:networking.k8s.io/v1:Ingress", "ranker");
    expect(ingress.dependencies).toContain(ofType(run, HELM_RELEASE).find((r) => String(inputs(r).chart).includes("aws-load-balancer-controller"))!.urn);
    // The Services exist before the Rollout (the controller needs them) and are not awaited (their pods come from the Rollout);
    // so does the Ingress: its ALB comes up at once with a fixed 503 until the controller writes the weights (which it
    // does only once the stable pods are available), and a Rollout whose Ingress is missing is InvalidSpec.
    for (const service of ofType(run, "kubernetes:core/v1:Service").filter((x) => inputs(x).metadata.namespace === "serving")) {
      expect(one(run, ROLLOUT).dependencies.includes(service.urn) || inputs(service).metadata.name === "ranker-metrics").toBe(true);
      expect(inputs(service).metadata.annotations).toMatchObject({ "pulumi.com/skipAwait": "true" });
    }
    expect(one(run, ROLLOUT).dependencies).toContain(ingress.urn);
    expect(ingress.dependencies).not.toContain(one(run, ROLLOUT).urn);
    expect(run.resources.indexOf(ingress)).toBeLessThan(run.resources.indexOf(one(run, ROLLOUT)));
    expect(inputs(ingress).spec).toEqual({
      ingressClassName: "alb",
      rules: [{ http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "ranker", port: { name: "use-annotation" } } } }] } }],
    });
    expect(inputs(ingress).metadata.annotations).toMatchObject({
      "alb.ingress.kubernetes.io/scheme": "internal",
      "alb.ingress.kubernetes.io/target-type": "ip",
      // The ALB's idle timeout as long as the NLB's a blue/green model gets (350 s), not the ALB's 60 s.
      "alb.ingress.kubernetes.io/load-balancer-attributes": "idle_timeout.timeout_seconds=350",
    });
    const services = ofType(run, "kubernetes:core/v1:Service").filter((s) => inputs(s).metadata.namespace === "serving");
    expect(services.map((s) => inputs(s).metadata.name).sort()).toEqual(["ranker", "ranker-canary", "ranker-metrics"]);
    // Pods behind the ALB get the load balancer controller's readiness gate.
    expect(inputs(named("kubernetes:core/v1:Namespace", "serving")).metadata.labels).toMatchObject({ "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" });
    // No Deployment for the model: the Rollout is its workload.
    expect(ofType(run, "kubernetes:apps/v1:Deployment").filter((d) => inputs(d).metadata.namespace === "serving")).toEqual([]);
  });

  it("every object validates: the Rollout and AnalysisTemplate against the vendored chart's CRDs, the others against Kubernetes' schemas", () => {
    const objects = servingObjects().map((r) => inputs(r));
    const custom = objects.filter((o) => crds.has(o.apiVersion, o.kind));
    expect(custom.map((o) => o.kind).sort()).toEqual(["AnalysisTemplate", "Rollout"]);
    expect(objects.flatMap((o) => objectProblems(o, crds).map((p) => `${o.kind} ${o.metadata.name}: ${p}`))).toEqual([]);
  });

  it("the validation fails on a field the CRD does not declare, and on a wrong type", () => {
    const rollout = copy(inputs(one(run, ROLLOUT)));
    rollout.spec.strategy.canary.steps[0].setWeigth = 20;
    expect(objectProblems(rollout, crds).join()).toMatch(/additional properties: setWeigth/);
    const analysis = copy(inputs(one(run, ANALYSIS)));
    analysis.spec.metrics[0].provider.prometheus.query = 5;
    expect(objectProblems(analysis, crds).join()).toMatch(/query must be string/);
  });

  it("Pulumi states none of the fields the rollouts controller writes; only the Rollout is forced", () => {
    const rollout = inputs(one(run, ROLLOUT));
    // Under the autoscaler the Rollout states no replicas (the HPA owns them), and the HPA targets the Rollout.
    expect(rollout.spec.replicas).toBeUndefined();
    expect(inputs(one(run, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "ranker")).spec.scaleTargetRef).toEqual({
      apiVersion: ROLLOUTS_API_VERSION,
      kind: "Rollout",
      name: "ranker",
    });
    for (const o of servingObjects().map((r) => inputs(r))) {
      expect(Object.keys(o.metadata.annotations ?? {}).filter((k) => k.startsWith("alb.ingress.kubernetes.io/actions."))).toEqual([]);
      expect([o.kind, o.metadata.annotations?.["pulumi.com/patchForce"]]).toEqual([o.kind, o.kind === "Rollout" ? "true" : undefined]);
      expect(JSON.stringify(o)).not.toContain("rollouts-pod-template-hash");
      expect(JSON.stringify(o)).not.toContain("managed-alb-actions");
    }
    expect(rollout.status).toBeUndefined();
  });

  it("the policy pack finds nothing to block in the stack, and nothing to advise about the canary", () => {
    const found = policyOf(run);
    expect(found.mandatory).toEqual([]);
    expect(found.advisory.filter((v) => v.policy.startsWith("canary-"))).toEqual([]);
  });

  it("a public canary model's ALB is internet-facing and admits only its source ranges; any other is internal", () => {
    const model = run.spec.serving.settings.models[0]!;
    const annotations = (m: typeof model) => ingressManifest(m, "serving").metadata.annotations;
    expect(annotations({ ...model, exposure: { type: "public", sourceRanges: ["203.0.113.0/24", "198.51.100.0/24"] } })).toMatchObject({
      "alb.ingress.kubernetes.io/scheme": "internet-facing",
      "alb.ingress.kubernetes.io/inbound-cidrs": "203.0.113.0/24,198.51.100.0/24",
    });
    for (const type of ["cluster", "internal"] as const) {
      expect(annotations({ ...model, exposure: { type, sourceRanges: [] } })["alb.ingress.kubernetes.io/scheme"]).toBe("internal");
      expect(annotations({ ...model, exposure: { type, sourceRanges: [] } })["alb.ingress.kubernetes.io/inbound-cidrs"]).toBeUndefined();
    }
  });

  it("the analysis queries are the serving alerts' expressions, on the new version's series, with the stack's thresholds", () => {
    const rules = inputs(one(run, "kubernetes:monitoring.coreos.com/v1:PrometheusRule")).spec.groups.flatMap((g: K8sObject) => g.rules) as K8sObject[];
    const alertExpr = (name: string) => String(rules.find((r) => r.alert === name)!.expr).replace(/ > [\d.]+$/, "");
    const analysis = inputs(one(run, ANALYSIS)).spec.metrics as K8sObject[];
    const canaryOf = (expr: string) =>
      expr
        .replaceAll(
          '{ml_platform_component="serving"',
          '{ml_platform_component="serving", namespace="serving", model="ranker", rollouts_pod_template_hash="{{args.canary-hash}}"',
        )
        .replaceAll("by (model, color", "by (model, rollouts_pod_template_hash");
    expect(analysis.map((m) => [m.name, m.provider.prometheus.query])).toEqual([
      ["error-ratio", canaryOf(alertExpr("ServingHighErrorRate"))],
      ["latency-p95", canaryOf(alertExpr("ServingHighLatency"))],
    ]);
    expect(analysis.map((m) => [m.successCondition, m.failureCondition, m.failureLimit])).toEqual([
      ["len(result) > 0 && result[0] <= 0.02", "len(result) > 0 && result[0] > 0.02", 1],
      ["len(result) > 0 && result[0] <= 0.5", "len(result) > 0 && result[0] > 0.5", 1],
    ]);
    expect(analysis[0]!.provider.prometheus.address).toBe("http://kube-prometheus-stack-prometheus.monitoring.svc:9090");
    expect(canaryQueries("ranker", "serving").errorRatio).toBe(analysis[0]!.provider.prometheus.query);
  });
});

// ------------------------------------------------------------ field ownership

/** The fixture with a release: a new image (each edited plan costs seconds, so it is made once). */
let releasedRun: Promise<PlanRun> | undefined;
const released = () =>
  (releasedRun ??= planEdited(STACK, (t) => t.replace("image: <registry>/models:2.0.0", "image: <registry>/models:2.1.0"), FIXTURE_STACKS));

describe("Pulumi's applies after the rollouts controller's writes (test/support/field-ownership.ts)", () => {
  const SERVICE = "kubernetes:core/v1:Service";
  const CONTROLLER = "argo-rollouts";
  /** The quantities of the Rollout's containers as the controller re-serialises them (canonical, manifests.ts cpuQuantity). */
  const reserialised = (o: K8sObject): K8sObject => {
    const canonical = (key: string, v: string) =>
      key === "cpu" ? cpuQuantity(cpuMillis(v)!) : key === "memory" || key === "ephemeral-storage" ? memoryQuantity(memoryMiB(v)!) : v;
    const copied = copy(o);
    for (const c of copied.spec.template.spec.containers as K8sObject[])
      for (const kind of ["requests", "limits"])
        for (const [k, v] of Object.entries(c.resources[kind] as object)) c.resources[kind][k] = canonical(k, v as string);
    return copied;
  };
  /** The controller's first sync of a Rollout without replicas: its re-parsed copy, with replicas 1, written back by Update. */
  const firstSync = (live: LiveObject) => live.update(CONTROLLER, reserialised({ ...live.object, spec: { ...live.object.spec, replicas: 1 } }));

  it("the Rollout: the controller's write-back changes none of Pulumi's fields, so a later release applies even unforced", async () => {
    const live = new LiveObject();
    expect(up(live, run, ROLLOUT, "ranker")).toEqual([]);
    firstSync(live);
    expect(live.replicas).toBe(1);
    const { manifest } = planned(run, ROLLOUT, "ranker");
    // Unforced: the quantities alone keep Pulumi the owner of every field it states.
    expect(live.apply(PULUMI, manifest, false)).toEqual([]);
    // The Rollout is forced all the same (pulumi.com/patchForce), and never takes the replicas back.
    expect(planned(run, ROLLOUT, "ranker").force).toBe(true);
    expect(up(live, await released(), ROLLOUT, "ranker")).toEqual([]);
    expect(live.replicas).toBe(1);
  });

  it('the simulation finds the conflict quantities written as "2000m" / "8192Mi" meet after the write-back', () => {
    const live = new LiveObject();
    const { manifest } = planned(run, ROLLOUT, "ranker");
    const uncanonical = copy(manifest);
    uncanonical.spec.template.spec.containers[0].resources.requests.cpu = "2000m";
    uncanonical.spec.template.spec.containers[0].resources.limits.memory = "8192Mi";
    expect(live.apply(PULUMI, uncanonical, false)).toEqual([]);
    firstSync(live);
    expect(live.apply(PULUMI, uncanonical, false)).toEqual([
      "conflict with argo-rollouts: .spec.template.spec.containers.[name=model-server].resources.limits.memory",
      "conflict with argo-rollouts: .spec.template.spec.containers.[name=model-server].resources.requests.cpu",
    ]);
  });

  it("the traffic Services: once the controller owns the (atomic) selector, Pulumi leaves it out and applies; a blue/green move takes it back", async () => {
    for (const name of ["ranker", "ranker-canary"]) {
      const live = new LiveObject(["spec.selector"]);
      expect(up(live, run, SERVICE, name)).toEqual([]);
      live.patch(CONTROLLER, { spec: { selector: { ...live.object.spec.selector, "rollouts-pod-template-hash": "5d8c7f9b6" } } });
      expect(planned(run, SERVICE, name).ignoreChanges).toEqual(["spec.selector"]);
      expect(up(live, run, SERVICE, name)).toEqual([]);
      expect(live.object.spec.selector["rollouts-pod-template-hash"]).toBe("5d8c7f9b6");
      // Without ignoreChanges the same apply conflicts.
      expect(live.apply(PULUMI, planned(run, SERVICE, name).manifest, false)).toEqual(["conflict with argo-rollouts: .spec.selector"]);
    }
    // Moved to blue/green, the model's `<model>` Service (the same resource) selects a colour and is forced: it takes
    // the selector back. Shown with seriesb-prod's blue/green model (its plan is already made).
    const live = new LiveObject(["spec.selector"]);
    up(live, run, SERVICE, "ranker");
    live.patch(CONTROLLER, { spec: { selector: { ...live.object.spec.selector, "rollouts-pod-template-hash": "5d8c7f9b6" } } });
    const blueGreen = await plan("seriesb-prod");
    expect(planned(blueGreen, SERVICE, "classifier").force).toBe(true);
    expect(up(live, blueGreen, SERVICE, "classifier")).toEqual([]);
    expect(live.object.spec.selector).toEqual({ "ml-platform/model": "classifier", "ml-platform/color": "blue" });
  });
});

// ------------------------------------------------------------ a release

describe("a canary release", () => {
  // One edited plan (each costs seconds); a model URI release differs only in the env value it sets (MODEL_URI).
  it("changing only the image changes nothing in the plan but the Rollout's pod template", async () => {
    expect(planDiff(run, await released())).toEqual({ "mlp-canary-serving-ranker-rollout": ["spec.template.spec.containers.0.image"] });
    expect(inputs(one(await released(), ROLLOUT)).spec.template.spec.containers[0].image).toMatch(/models:2\.1\.0$/);
  });
});

// ------------------------------------------------------------ capacity and cost

describe("a canary's surge counts in the quota, the pool check and the cost", () => {
  it("the GPU quota and the worst-case cost hold the stable and the new version, each at its maximum; the plan says what a release costs in GPU hours", () => {
    // 1 GPU per pod, up to 2 replicas: 2 of the stable version and 2 of the new one at the last step.
    expect(inputs(one(run, "kubernetes:core/v1:ResourceQuota")).spec.hard).toEqual({ "requests.nvidia.com/gpu": "4" });
    const rolloutLine = (resources: PlannedResource[]) =>
      estimateCost(resources, run.spec.region).byResource.find((l) => l.name === "mlp-canary-serving-ranker-rollout")!;
    expect(rolloutLine(run.resources).basis).toMatch(
      /2 versions during a canary release x autoscaler max 2 x 1 GPU = 4 GPU at worst, within the pool's 4-GPU maximum/,
    );
    // On a pool capped at 1 GPU, the worst case prices 3 GPUs beyond it; the same workload without the canary strategy 1.
    const capped = run.resources.map((r, i) =>
      r.type === "aws:eks/nodeGroup:NodeGroup" && String(r.name).includes("inference")
        ? { ...r, inputs: { ...r.inputs, scalingConfig: { minSize: 0, desiredSize: 0, maxSize: i === firstInference() ? 1 : 0 } } }
        : r,
    );
    const withoutCanary = capped.map((r) => (r.type === ROLLOUT ? { ...r, inputs: { ...r.inputs, spec: { ...inputs(r).spec, strategy: {} } } } : r));
    expect(rolloutLine(capped).worstCaseMonthlyUsd).toBeCloseTo(3 * rolloutLine(withoutCanary).worstCaseMonthlyUsd, 1);
    expect(rolloutLine(withoutCanary).worstCaseMonthlyUsd).toBeGreaterThan(0);
    const serving = run.spec.serving;
    const cost = releaseGpuHours(serving.settings.models[0]!);
    // 10 % and 50 % of 1 replica are 1 pod each, 10 minutes each; then 1 pod for the load (600 s) and the scale-down delay (120 s).
    expect(cost).toMatchObject({ stepGpuHours: 0.33, surgeGpuHours: 0.2, gpuHours: 0.53 });
    expect(serving.why).toContain("A canary release of ranker holds about 0.53 GPU hours beyond the stable version");
  });

  const config = (serving: object, cluster?: object): Record<string, string> => ({
    "aws:region": "us-east-1",
    "ml-platform:stage": "seriesb",
    "ml-platform:environment": "canary",
    "ml-platform:tags": JSON.stringify({ owner: "t", costCenter: "t" }),
    ...(cluster ? { "ml-platform:cluster": JSON.stringify(cluster) } : {}),
    "ml-platform:serving": JSON.stringify(serving),
  });
  const model = (extra: object) => ({
    name: "ranker",
    release: "canary",
    image: "<registry>/models:2.0.0",
    modelUri: "s3://<models-bucket>/ranker/2.0.0/",
    replicas: 1,
    gpus: 1,
    gpuPool: "inference",
    ...extra,
  });
  const problems = (raw: Record<string, string>) => {
    try {
      resolveWithAccess(raw, STACK);
    } catch (e) {
      return (e as ConfigError).problems;
    }
    return [];
  };

  it("fits at maxReplicas 2 on the 4-GPU inference pool", () => {
    expect(problems(config({ models: [model({ maxReplicas: 2 })] }))).toEqual([]);
  });

  it("a canary that cannot fit its pool is refused by key, naming the value and what is allowed", () => {
    // maxReplicas 3: 6 GPUs during a release; the quota and the pool hold 4. Without the canary's surge, 3 would fit.
    const refused = problems(config({ maxGpus: 8, models: [model({ maxReplicas: 3 })] }));
    expect(refused).toContainEqual({
      key: "ml-platform:serving.models[0].gpuPool",
      value: "inference",
      message: expect.stringMatching(
        /can hold 6 GPUs at once \(a canary's release runs its new version at full size beside the stable one\), but the pool has 4 at its maximum size/,
      ),
    });
    expect(problems(config({ models: [model({ maxReplicas: 3 })] }))).toContainEqual({
      key: "ml-platform:serving.maxGpus",
      value: 4,
      message: expect.stringMatching(/can hold 6 GPUs at once .*more than the namespace quota allows/),
    });
    expect(
      problems(
        config({
          maxGpus: 8,
          models: [
            model({
              maxReplicas: 3,
              release: "blueGreen",
              activeColor: "blue",
              blue: { image: "<registry>/models:2.0.0", modelUri: "s3://<models-bucket>/ranker/2.0.0/", replicas: 1 },
              green: { replicas: 0 },
              image: undefined,
              modelUri: undefined,
              replicas: undefined,
            }),
          ],
        }),
      ),
    ).toContainEqual(expect.objectContaining({ key: "ml-platform:serving.models[0].gpuPool" }));
  });

  it("the pool check counts the new version at full size beside the stable one", () => {
    // Series B's pool grows on demand up to its cap: 3 stable pods fit on 4 GPUs, 3 + 3 during a release do not.
    const refused = problems(config({ maxGpus: 8, models: [model({ replicas: 3, maxReplicas: 3 })] }));
    expect(refused.map((p) => p.key)).toEqual(expect.arrayContaining(["ml-platform:serving.models[0].gpuPool"]));
  });

  it("a canary before Series B, a canary with colours, or steps that do not grow are refused by key", () => {
    const mvp = { ...config({ models: [model({ gpuPool: "gpu" })] }), "ml-platform:stage": "mvp" };
    expect(problems(mvp)).toContainEqual(expect.objectContaining({ key: "ml-platform:serving.models[0].release", value: "canary" }));
    expect(problems(config({ models: [model({ maxReplicas: 2, activeColor: "blue" })] }))).toContainEqual(
      expect.objectContaining({ key: "ml-platform:serving.models[0].activeColor" }),
    );
    const steps = [
      { weight: 50, pauseMinutes: 5 },
      { weight: 20, pauseMinutes: 5 },
    ];
    expect(problems(config({ models: [model({ maxReplicas: 2, canary: { steps } })] }))).toContainEqual({
      key: "ml-platform:serving.models[0].canary.steps[1].weight",
      value: 20,
      message: "must be above the step before it (50): each step gives the new version more traffic",
    });
  });
});
