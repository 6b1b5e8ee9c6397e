/**
 * Serving and tracking in the real program, planned under the mock engine
 * with the shipped stack files: what seriesb-prod and mvp deploy, what a
 * colour flip and a release change (and do not), that no password leaks,
 * and that every Kubernetes object validates. Each stack is planned once
 * (test/support/plan.ts); the flip and the release plan edited copies of
 * stacks/Pulumi.seriesb-prod.yaml from a temporary stacks directory.
 */
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { StorageClass } from "kubernetes-models/storage.k8s.io/v1/StorageClass";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ResourceQuota } from "kubernetes-models/v1/ResourceQuota";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import { PlanRun, PlannedResource, SECRET_PLACEHOLDER } from "../../plan/engine";
import { costOf, policyOf } from "../../plan/report";
import { helmChartName } from "../../lib/versions";
import { LiveObject, up as upObject } from "../support/field-ownership";
import { FIXTURE_STACKS, changedPaths, ofType, one, plan, planDiff, planEdited } from "../support/plan";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SERVICE = "kubernetes:core/v1:Service";
const MOCK_PASSWORD = "mock-password-not-a-secret";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifests are untyped nested data
const inputs = (r: PlannedResource) => r.inputs as Obj;
const servingDeployments = (run: PlanRun) => ofType(run, DEPLOYMENT).filter((d) => inputs(d).metadata.namespace === "serving");
const byName = (run: PlanRun, name: string) => run.resources.find((r) => r.name === name)!;

describe("seriesb-prod: blue/green", () => {
  it("runs both colours on the same release, differing only by colour, the idle one at 0 pods", async () => {
    const run = await plan("seriesb-prod");
    const deployments = servingDeployments(run);
    expect(deployments.map((d) => inputs(d).metadata.name).sort()).toEqual(["classifier-blue", "classifier-green"]);
    const [blue, green] = ["classifier-blue", "classifier-green"].map((n) => deployments.find((d) => inputs(d).metadata.name === n)!);
    expect(changedPaths(blue!.inputs, green!.inputs).sort()).toEqual([
      "metadata.annotations",
      "metadata.labels.ml-platform/color",
      "metadata.name",
      "spec.replicas",
      "spec.selector.matchLabels.ml-platform/color",
      "spec.template.metadata.labels.ml-platform/color",
      "spec.template.spec.topologySpreadConstraints.0.labelSelector.matchLabels.ml-platform/color",
      "spec.template.spec.topologySpreadConstraints.1.labelSelector.matchLabels.ml-platform/color",
    ]);
    // The shipped file is at rest between releases: live blue serves (its autoscaler owns the count, so
    // the Deployment states none), idle green holds no GPU (0, taken back from any autoscaler by force).
    expect([inputs(blue!).spec.replicas, inputs(green!).spec.replicas]).toEqual([undefined, 0]);
    expect([inputs(blue!).metadata.annotations, inputs(green!).metadata.annotations]).toEqual([undefined, { "pulumi.com/patchForce": "true" }]);
    const pod = inputs(blue!).spec.template.spec;
    expect(pod.containers[0].image).toBe(`${(run.outputs.repositoryUrls as Obj).models}:1.4.0`);
    expect(pod.containers[0].resources.limits["nvidia.com/gpu"]).toBe("1");
    expect(pod.nodeSelector).toEqual({ "ml-platform/node-group": "inference" });
    expect(pod.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    expect(pod.containers[0].env).toContainEqual({ name: "MODEL_URI", value: `s3://${(run.outputs.buckets as Obj).models}/classifier/1.4.0/` });
  });

  it("has a live Service on activeColor and a preview Service on the other colour", async () => {
    const run = await plan("seriesb-prod");
    const live = one(run, SERVICE, "classifier-live");
    const preview = one(run, SERVICE, "classifier-preview");
    expect(inputs(live).metadata.name).toBe("classifier");
    expect(inputs(live).spec).toMatchObject({ type: "ClusterIP", selector: { "ml-platform/model": "classifier", "ml-platform/color": "blue" } });
    expect(inputs(preview).metadata.name).toBe("classifier-preview");
    expect(inputs(preview).spec.selector).toEqual({ "ml-platform/model": "classifier", "ml-platform/color": "green" });
    // Selectors switch only after both colours' Deployments are Ready.
    for (const d of servingDeployments(run)) expect(live.dependencies).toContain(d.urn);
    expect(run.outputs.previewServices).toEqual({ classifier: "classifier-preview" });
  });

  it("adds a PodDisruptionBudget per colour, an autoscaler with explicit bounds per running colour, and a GPU ResourceQuota", async () => {
    const run = await plan("seriesb-prod");
    const pdbs = ofType(run, "kubernetes:policy/v1:PodDisruptionBudget").filter((p) => inputs(p).metadata.namespace === "serving");
    expect(pdbs.map((p) => inputs(p).spec)).toEqual([
      { maxUnavailable: 1, selector: { matchLabels: { "ml-platform/model": "classifier", "ml-platform/color": "blue" } } },
      { maxUnavailable: 1, selector: { matchLabels: { "ml-platform/model": "classifier", "ml-platform/color": "green" } } },
    ]);
    const hpas = ofType(run, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
    // An autoscaler on the idle colour would scale it up from 0 to its minimum: none there.
    expect(hpas.map((h) => [inputs(h).spec.scaleTargetRef.name, inputs(h).spec.minReplicas, inputs(h).spec.maxReplicas])).toEqual([["classifier-blue", 1, 2]]);
    expect(inputs(one(run, "kubernetes:core/v1:ResourceQuota")).spec.hard).toEqual({ "requests.nvidia.com/gpu": "4" });
    // metrics-server feeds the autoscalers; no load balancer controller, as nothing is exposed.
    const releases = ofType(run, "kubernetes:helm.sh/v3:Release").map((r) => helmChartName(inputs(r).chart));
    expect(releases).toContain("metrics-server");
    expect(releases).not.toContain("aws-load-balancer-controller");
  });

  // The runbook (README "Releasing a model"): release to the idle colour, test it, flip, then scale the old colour to 0.
  const release = (t: string) =>
    t.replace(
      /(green: \{ image: <registry>\/models:)1\.4\.0(, modelUri: s3:\/\/<models-bucket>\/classifier\/)1\.4\.0\/, replicas: 0/,
      "$11.5.0$21.5.0/, replicas: 1",
    );
  const flip = (t: string) => t.replace(/activeColor: blue\n/, "activeColor: green\n");
  let releasedRun: Promise<PlanRun> | undefined;
  const planReleased = () => (releasedRun ??= planEdited("seriesb-prod", release));

  it("a release (the idle colour's image, model and replicas) never touches the live Deployment or Service", async () => {
    const base = await plan("seriesb-prod");
    const released = await planReleased();
    expect(planDiff(base, released)).toEqual({
      "mlp-prod-serving-classifier-green": [
        "metadata.annotations",
        "spec.replicas",
        "spec.template.spec.containers.0.env.1.value",
        "spec.template.spec.containers.0.image",
      ],
      "mlp-prod-serving-classifier-green-hpa": ["added"],
    });
    expect(inputs(byName(released, "mlp-prod-serving-classifier-green")).spec.template.spec.containers[0].image).toMatch(/models:1\.5\.0$/);
  });

  it("a colour flip (only activeColor edited) changes nothing in the plan but the two Service selectors", async () => {
    const released = await planReleased();
    const flipped = await planEdited("seriesb-prod", (t) => flip(release(t)));
    expect(planDiff(released, flipped)).toEqual({
      "mlp-prod-serving-classifier-live": ["spec.selector.ml-platform/color"],
      "mlp-prod-serving-classifier-preview": ["spec.selector.ml-platform/color"],
    });
    expect(inputs(one(flipped, SERVICE, "classifier-live")).spec.selector["ml-platform/color"]).toBe("green");
  });

  it("refuses to flip live traffic to a colour at 0 pods", async () => {
    await expect(planEdited("seriesb-prod", flip)).rejects.toThrow(/activeColor: cannot send live traffic to green: it has 0 replicas/);
  });
});

/** The `pulumi up` of one plan's Deployment onto the live object (test/support/field-ownership.ts). */
const up = (live: LiveObject, run: PlanRun, name: string) => upObject(live, run, DEPLOYMENT, name);

describe("seriesb-prod: every step of the release runbook applies over the autoscaler's replica count", () => {
  const release = (t: string) =>
    t.replace(
      /(green: \{ image: <registry>\/models:)1\.4\.0(, modelUri: s3:\/\/<models-bucket>\/classifier\/)1\.4\.0\/, replicas: 0/,
      "$11.5.0$21.5.0/, replicas: 1",
    );
  const flip = (t: string) => t.replace(/activeColor: blue\n/, "activeColor: green\n");
  const retire = (t: string) => t.replace(/blue: +\{ (image: [^}]*), replicas: 1 \}/, "blue: { $1, replicas: 0 }");
  const resize = (t: string) => t.replace(/cpu: "2"\n(\s+memory: 8Gi\n\s+maxReplicas: 2)/, 'cpu: "3"\n$1');

  it("first up, the HPA scaling live blue, an update of blue, a release to green, the HPA scaling it, a flip, and blue scaled to 0", async () => {
    const base = await plan("seriesb-prod");
    const blue = new LiveObject();
    const green = new LiveObject();
    expect([up(blue, base, "classifier-blue"), up(green, base, "classifier-green")]).toEqual([[], []]);
    expect([blue.replicas, green.replicas]).toEqual([1, 0]);
    blue.scale(2); // load: the autoscaler holds live blue above its minimum

    // Any change to the live colour while the HPA holds it above its minimum (here its CPU request).
    const resized = await planEdited("seriesb-prod", resize);
    expect(up(blue, resized, "classifier-blue")).toEqual([]);
    expect(blue.replicas).toBe(2); // the HPA's count survives the update

    // 1. Release to green (replicas 0 -> 1, an autoscaler appears), and the HPA scales it.
    const released = await planEdited("seriesb-prod", release);
    expect(up(green, released, "classifier-green")).toEqual([]);
    expect(green.replicas).toBe(1);
    green.scale(2);
    // 3. Flip: the Deployments do not change.
    const flipped = await planEdited("seriesb-prod", (t) => flip(release(t)));
    expect([up(blue, flipped, "classifier-blue"), up(green, flipped, "classifier-green")]).toEqual([[], []]);
    expect(green.replicas).toBe(2);
    // 4. Scale the old colour (blue, which its HPA scaled to 2) to 0.
    const retired = await planEdited("seriesb-prod", (t) => retire(flip(release(t))));
    expect(up(blue, retired, "classifier-blue")).toEqual([]);
    expect(blue.replicas).toBe(0);
  });

  it("the simulation finds the conflict a Deployment stating replicas meets once an HPA scaled it (pulumi-kubernetes #2491)", () => {
    const live = new LiveObject();
    expect(live.apply("pulumi", { spec: { replicas: 1 } }, false)).toEqual([]);
    live.scale(2);
    expect(live.apply("pulumi", { spec: { replicas: 1 } }, false)).toEqual(["conflict with kube-controller-manager: .spec.replicas"]);
    expect(live.apply("pulumi", { spec: { replicas: 0 } }, true)).toEqual([]);
    expect(live.replicas).toBe(0);
  });
});

describe("mvp: one uncoloured Deployment per model", () => {
  it("runs a single serving Deployment with no colour, no preview, no autoscaler", async () => {
    const run = await plan("mvp");
    const [d, ...rest] = servingDeployments(run);
    expect(rest).toEqual([]);
    expect(inputs(d!).metadata.name).toBe("classifier");
    expect(JSON.stringify(d!.inputs)).not.toMatch(/ml-platform\/color|"blue"|"green"/);
    expect(inputs(d!).spec.replicas).toBe(1);
    expect(inputs(d!).spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
    expect(
      ofType(run, SERVICE)
        .filter((s) => inputs(s).metadata.namespace === "serving")
        .map((s) => inputs(s).spec.selector),
    ).toEqual([{ "ml-platform/model": "classifier" }]);
    expect(ofType(run, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler")).toEqual([]);
    expect(ofType(run, "kubernetes:policy/v1:PodDisruptionBudget")).toEqual([]);
    expect(inputs(one(run, "kubernetes:core/v1:ResourceQuota")).spec.hard).toEqual({ "requests.nvidia.com/gpu": "1" });
  });

  it("the model's role reads only its prefix of the models bucket", async () => {
    const run = await plan("mvp");
    const sa = one(run, "kubernetes:core/v1:ServiceAccount", "classifier");
    const roleArn = inputs(sa).metadata.annotations["eks.amazonaws.com/role-arn"];
    expect(roleArn).toMatch(/^arn:aws:iam::123456789012:role\/mlp-prod-serving-classifier-role$/);
    const policy = JSON.parse(inputs(one(run, "aws:iam/rolePolicy:RolePolicy", "serving-classifier")).policy as string);
    const bucket = `arn:aws:s3:::${(run.outputs.buckets as Obj).models}`;
    expect(policy.Statement.map((s: Obj) => s.Resource)).toEqual([bucket, `${bucket}/classifier/*`]);
  });
});

describe.each(["mvp", "seriesb-prod"])("%s: MLflow", (stack) => {
  it("runs MLflow with its database URI from a Secret and artifacts to s3:// in the models bucket", async () => {
    const run = await plan(stack);
    const d = ofType(run, DEPLOYMENT).find((x) => inputs(x).metadata.name === "mlflow")!;
    const c = inputs(d).spec.template.spec.containers[0];
    expect(c.image).toMatch(/^ghcr\.io\/mlflow\/mlflow:v3\.\d+\.\d+-full$/);
    expect(c.env).toEqual([{ name: "MLFLOW_BACKEND_STORE_URI", valueFrom: { secretKeyRef: { name: "mlflow-backend-store", key: "uri" } } }]);
    const secret = ofType(run, "kubernetes:core/v1:Secret").find((s) => inputs(s).metadata.name === "mlflow-backend-store")!;
    expect(inputs(secret).metadata.namespace).toBe(inputs(d).metadata.namespace);
    expect(inputs(secret).stringData).toBe(SECRET_PLACEHOLDER);
    expect(c.args[c.args.indexOf("--artifacts-destination") + 1]).toBe(`s3://${(run.outputs.buckets as Obj).models}/mlflow`);
    expect(inputs(d).spec.template.spec.nodeSelector).toEqual({ "ml-platform/pool": "system" });
    expect(inputs(one(run, SERVICE, "tracking-service")).spec.type).toBe("ClusterIP");
    expect(run.outputs.mlflowTrackingUri).toBe("http://mlflow.mlflow.svc.cluster.local:5000");
  });

  it("emits no plaintext password anywhere, and no secret into a plain Kubernetes object", async () => {
    const run = await plan(stack);
    expect(JSON.stringify(run.resources)).not.toContain(MOCK_PASSWORD);
    expect(JSON.stringify(run.outputs)).not.toContain(MOCK_PASSWORD);
    for (const r of run.resources.filter((x) => x.type.startsWith("kubernetes:") && x.type !== "kubernetes:core/v1:Secret")) {
      expect({ name: r.name, secret: JSON.stringify(r.inputs).includes(SECRET_PLACEHOLDER) }).toEqual({ name: r.name, secret: false });
    }
  });
});

const MODELS: Record<string, { new (data: never): { validate(): void } }> = {
  "kubernetes:apps/v1:Deployment": Deployment,
  "kubernetes:core/v1:Service": Service,
  "kubernetes:core/v1:Namespace": Namespace,
  "kubernetes:core/v1:ServiceAccount": ServiceAccount,
  "kubernetes:core/v1:Secret": Secret,
  "kubernetes:core/v1:ResourceQuota": ResourceQuota,
  "kubernetes:policy/v1:PodDisruptionBudget": PodDisruptionBudget,
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "kubernetes:storage.k8s.io/v1:StorageClass": StorageClass,
  "kubernetes:core/v1:ConfigMap": ConfigMap,
  // Monitoring's custom resources, against the prometheus-operator schema.
  "kubernetes:monitoring.coreos.com/v1:ServiceMonitor": ServiceMonitor,
  "kubernetes:monitoring.coreos.com/v1:PrometheusRule": PrometheusRule,
};

describe.each<[string, string | undefined]>([
  ["mvp", undefined],
  ["seriesb-prod", undefined],
  ["serving-exposed", FIXTURE_STACKS],
])("%s: Kubernetes objects", (stack, dir) => {
  it("every Kubernetes object validates against the Kubernetes schema", async () => {
    const run = await plan(stack, dir);
    const objects = run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.custom && r.type !== "kubernetes:helm.sh/v3:Release");
    expect(objects.length).toBeGreaterThan(5);
    for (const r of objects) {
      const Model = MODELS[r.type];
      expect({ type: r.type, known: Model !== undefined }).toEqual({ type: r.type, known: true });
      // Secret values are redacted in the plan; the schema only needs their shape.
      const data = JSON.parse(JSON.stringify(r.inputs).replaceAll(`"${SECRET_PLACEHOLDER}"`, "{}"));
      expect(() => new Model!(data as never).validate()).not.toThrow();
    }
  });
});

describe("serving-exposed fixture: a public endpoint, Sentry and read-only engineers", () => {
  it("installs the AWS Load Balancer Controller (pinned, IRSA) and a source-limited public NLB after it", async () => {
    const run = await plan("serving-exposed", FIXTURE_STACKS);
    const lbc = ofType(run, "kubernetes:helm.sh/v3:Release").find((r) => helmChartName(inputs(r).chart) === "aws-load-balancer-controller")!;
    expect(inputs(lbc)).toMatchObject({ chart: "charts/aws-load-balancer-controller-3.5.0.tgz", version: "3.5.0", namespace: "kube-system" });
    expect(inputs(lbc).values.serviceAccount.annotations["eks.amazonaws.com/role-arn"]).toMatch(/role\/mlp-demo-serving-lbc-role$/);
    expect(inputs(lbc).values.vpcId).toBe(run.outputs.vpcId);
    const live = one(run, SERVICE, "classifier-live");
    expect(inputs(live).spec).toMatchObject({ type: "LoadBalancer", loadBalancerClass: "service.k8s.aws/nlb", loadBalancerSourceRanges: ["203.0.113.0/24"] });
    expect(inputs(live).metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"]).toBe("internet-facing");
    expect(live.dependencies).toContain(lbc.urn);
    // The NLB lets go of a draining pod within its grace period, and pods count as Ready only once the NLB says so.
    const pod = inputs(servingDeployments(run)[0]!).spec.template.spec;
    expect(inputs(live).metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-target-group-attributes"]).toBe(
      `deregistration_delay.timeout_seconds=${pod.terminationGracePeriodSeconds}`,
    );
    expect(inputs(one(run, "kubernetes:core/v1:Namespace", "serving")).metadata.labels["elbv2.k8s.aws/pod-readiness-gate-inject"]).toBe("enabled");
    // Priced as an NLB, and within policy (the public LB has source ranges).
    expect(costOf(run).byResource.find((l) => l.name === live.name)!.basis).toMatch(/^NLB/);
    expect(policyOf(run).mandatory).toEqual([]);
  });

  it("gives the pods the Sentry DSN from a Secret, never in plain text", async () => {
    const run = await plan("serving-exposed", FIXTURE_STACKS);
    const secret = ofType(run, "kubernetes:core/v1:Secret").find((s) => inputs(s).metadata.name === "sentry")!;
    expect(inputs(secret).stringData).toBe(SECRET_PLACEHOLDER);
    const env = inputs(servingDeployments(run)[0]!).spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: "SENTRY_DSN", valueFrom: { secretKeyRef: { name: "sentry", key: "dsn" } } });
    expect(JSON.stringify(run.resources)).not.toContain("AAABAKZmFrZS1");
  });

  it("gives ML engineers view access to the serving namespace only, never cluster-admin", async () => {
    const run = await plan("serving-exposed", FIXTURE_STACKS);
    const entry = one(run, "aws:eks/accessEntry:AccessEntry", "viewer-ml-engineers");
    expect(inputs(entry).principalArn).toBe("arn:aws:iam::123456789012:role/ml-engineers");
    const assoc = one(run, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "viewer-ml-engineers");
    expect(inputs(assoc)).toMatchObject({
      policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
      accessScope: { type: "namespace", namespaces: ["serving"] },
    });
    const forRole = ofType(run, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").filter((a) => inputs(a).principalArn === inputs(entry).principalArn);
    expect(forRole.map((a) => inputs(a).policyArn)).not.toContain("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
  });
});
