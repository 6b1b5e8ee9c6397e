/**
 * Model serving as pure functions: the refusals a release relies on, the
 * Kubernetes objects (validated against the Kubernetes schema), the IAM
 * documents, the cost of GPU workloads and the serving policies. No engine.
 */
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ResourceQuota } from "kubernetes-models/v1/ResourceQuota";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import {
  AWS_LOAD_BALANCER_CONTROLLER_CHART,
  loadBalancerControllerPolicy,
  loadBalancerControllerValues,
} from "../../components/compute/addons/aws-load-balancer-controller";
import { METRICS_SERVER_CHART, metricsServerValues } from "../../components/compute/addons/metrics-server";
import { ConfigError } from "../../config/resolve";
import { resolveWithAccess as resolvePlatformSpec } from "../support/cluster-access";
import { estimateCost } from "../../cost/model";
import { EvalResource, evaluatePolicies } from "../../policies/evaluate";
import { policies } from "../../policies/rules";
import { GPU_TOLERATION, NODE_GROUP_LABEL, POOL_LABEL } from "../../components/compute/labels";
import { ModelInput, ServingSettings, cpuMillis, memoryMiB, worstCaseGpus } from "../../components/serving/settings";
import { withModelDefaults } from "../../components/serving/model-defaults";
import { servingSystemWorkloads } from "../../components/serving/model-serving.footprint";
import { ServingContext, servingProblems } from "../../components/serving/checks";
import {
  cpuQuantity,
  deploymentManifest,
  gpuQuotaManifest,
  hpaManifest,
  memoryQuantity,
  namespaceManifest,
  pdbManifest,
  rolloutStrategy,
  sentrySecretManifest,
  serviceAccountManifest,
  serviceManifest,
} from "../../components/serving/manifests";
import { modelReadPolicy } from "../../components/serving/iam";
import { readStackConfig } from "../../plan/engine";

const release = (tag: string, replicas = 1) => ({ image: `<registry>/models:${tag}`, modelUri: `s3://<models-bucket>/classifier/${tag}/`, replicas });
const blueGreenModel = (over: Partial<ModelInput> = {}) =>
  withModelDefaults({
    name: "classifier",
    activeColor: "blue",
    blue: release("1.4.0"),
    green: release("1.4.0"),
    gpus: 1,
    gpuPool: "inference",
    cpu: "2",
    memory: "8Gi",
    maxReplicas: 2,
    ...over,
  });
const mvpModel = (over: Partial<ModelInput> = {}) =>
  withModelDefaults({
    name: "classifier",
    image: "<registry>/models:1.4.0",
    modelUri: "s3://<models-bucket>/classifier/1.4.0/",
    replicas: 1,
    gpus: 1,
    gpuPool: "gpu",
    cpu: "2",
    memory: "8Gi",
    ...over,
  });
const seriesB = (models: ServingSettings["models"], over: Partial<ServingSettings> = {}): ServingSettings => ({
  namespace: "serving",
  blueGreen: true,
  autoscaling: true,
  maxGpus: 4,
  viewerRoleArns: [],
  models,
  ...over,
});
const mvp = (models: ServingSettings["models"], over: Partial<ServingSettings> = {}): ServingSettings => ({
  namespace: "serving",
  blueGreen: false,
  autoscaling: false,
  maxGpus: 1,
  viewerRoleArns: [],
  models,
  ...over,
});
const ctx: ServingContext = { gpuPools: { inference: { gpusPerNode: 1, maxGpus: 4 }, gpu: { gpusPerNode: 1, maxGpus: 1 } }, repositories: ["models"] };
const keys = (settings: ServingSettings, c: ServingContext = ctx) => servingProblems(settings, c).map((p) => `${p.path.join(".")}: ${p.message}`);

describe("refusals before anything changes", () => {
  it("accepts the shipped shapes", () => {
    expect(keys(seriesB([blueGreenModel()]))).toEqual([]);
    expect(keys(mvp([mvpModel()]))).toEqual([]);
  });

  it("refuses a flip to a colour with no image, naming activeColor", () => {
    const problems = keys(seriesB([blueGreenModel({ activeColor: "green", green: { replicas: 0 } })]));
    expect(problems).toEqual([expect.stringMatching(/^models\.0\.activeColor: cannot send live traffic to green: it has no image, no modelUri, 0 replicas/)]);
  });

  it("refuses a flip to a colour scaled to 0 replicas", () => {
    expect(keys(seriesB([blueGreenModel({ activeColor: "green", green: release("1.5.0", 0) })]))).toEqual([
      expect.stringMatching(/^models\.0\.activeColor: cannot send live traffic to green: it has 0 replicas/),
    ]);
  });

  it("requires activeColor and both colours at Series B, and no colours before it", () => {
    expect(keys(seriesB([blueGreenModel({ activeColor: undefined })]))).toEqual([expect.stringMatching(/^models\.0\.activeColor: is required/)]);
    expect(keys(seriesB([blueGreenModel({ green: undefined })]))).toEqual([expect.stringMatching(/^models\.0\.green: is required/)]);
    expect(keys(mvp([mvpModel({ activeColor: "blue" })]))).toEqual([expect.stringMatching(/^models\.0\.activeColor: blue\/green releases start at Series B/)]);
    expect(keys(seriesB([blueGreenModel({ image: "<registry>/models:1.4.0" })]))).toEqual([
      expect.stringMatching(/^models\.0\.image: at this stage every release goes through blue\/green/),
    ]);
  });

  it("refuses images without a pinned tag, or from a registry the stack does not have", () => {
    expect(keys(mvp([mvpModel({ image: "<registry>/models:latest" })]))).toEqual([
      expect.stringMatching(/^image: must not use the tag latest|^models\.0\.image: must not use the tag latest/),
    ]);
    expect(keys(mvp([mvpModel({ image: "<registry>/models" })]))).toEqual([
      expect.stringMatching(/^models\.0\.image: must be an image reference with a tag or digest/),
    ]);
    expect(keys(mvp([mvpModel({ image: "<registry>/other:1.0" })]))).toEqual([
      expect.stringMatching(/repository "other", which this stack's registry does not have/),
    ]);
    expect(keys(mvp([mvpModel()]), { ...ctx, repositories: undefined })).toEqual([
      expect.stringMatching(/uses <registry>, but this stack deploys no registry/),
    ]);
    expect(keys(mvp([mvpModel({ image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/models@sha256:" + "a".repeat(64) })]))).toEqual([]);
  });

  it("keeps each model inside its own prefix of the models bucket", () => {
    expect(keys(mvp([mvpModel({ modelUri: "s3://<models-bucket>/other-model/1.0/" })]))).toEqual([
      expect.stringMatching(/must lie under the model's prefix s3:\/\/<models-bucket>\/classifier\//),
    ]);
    expect(keys(mvp([mvpModel({ modelUri: "s3://some-bucket/classifier/1.0/" })]))).toEqual([
      expect.stringMatching(/must point into this stack's models bucket/),
    ]);
  });

  it("refuses GPU demand beyond the namespace quota or the pool", () => {
    // 2 colours x maxReplicas 3 x 1 GPU = 6 > quota 4 and > the 4-GPU pool.
    const problems = keys(seriesB([blueGreenModel({ maxReplicas: 3 })]));
    expect(problems).toEqual([
      expect.stringMatching(/^maxGpus: the models can hold 6 GPUs at once/),
      expect.stringMatching(/^models\.0\.gpuPool: the models on inference can hold 6 GPUs at once, but the pool has 4/),
    ]);
    expect(keys(seriesB([blueGreenModel({ gpuPool: "nope" })]))).toEqual([
      expect.stringMatching(/^models\.0\.gpuPool: is not a GPU node group of this cluster \(inference, gpu\)/),
    ]);
    expect(
      keys(seriesB([blueGreenModel({ gpus: 2 })], { maxGpus: 8 }), { gpuPools: { inference: { gpusPerNode: 1, maxGpus: 8 } }, repositories: ["models"] }),
    ).toEqual([expect.stringMatching(/^models\.0\.gpus: a inference node has 1 GPU/)]);
  });

  it("needs explicit autoscaler bounds at Series B, and none before", () => {
    expect(keys(seriesB([blueGreenModel({ maxReplicas: undefined })]))).toEqual([expect.stringMatching(/^models\.0\.maxReplicas: is required at this stage/)]);
    expect(keys(seriesB([blueGreenModel({ blue: release("1.4.0", 3) })], { maxGpus: 8 }))).toContainEqual(
      expect.stringMatching(/^models\.0\.blue\.replicas: cannot exceed maxReplicas \(2\)/),
    );
    expect(keys(mvp([mvpModel({ maxReplicas: 3 })]))).toEqual([expect.stringMatching(/^models\.0\.maxReplicas: autoscaling starts at Series B/)]);
  });

  it("allows a public endpoint only with source ranges, never the whole internet", () => {
    expect(keys(mvp([mvpModel({ exposure: { type: "public" } })]))).toEqual([
      expect.stringMatching(/^models\.0\.exposure\.sourceRanges: is required for a public endpoint/),
    ]);
    expect(keys(mvp([mvpModel({ exposure: { type: "public", sourceRanges: ["0.0.0.0/0"] } })]))).toEqual([
      expect.stringMatching(/^models\.0\.exposure\.sourceRanges\.0: opens the endpoint to the whole internet/),
    ]);
    expect(keys(mvp([mvpModel({ exposure: { type: "public", sourceRanges: ["203.0.113.0/24"] } })]))).toEqual([]);
  });

  it("counts the release window in the worst case: every colour at its maximum", () => {
    expect(worstCaseGpus(blueGreenModel(), seriesB([]))).toBe(4);
    expect(worstCaseGpus(mvpModel({ replicas: 1 }), mvp([]))).toBe(1);
  });
});

describe("refusals through the stack config, naming the key", () => {
  it("refuses flipping the shipped staging stack to its idle colour (scaled to 0)", () => {
    const { config } = readStackConfig("seriesb-staging");
    const serving = JSON.parse(config["ml-platform:serving"]!) as { models: { activeColor: string }[] };
    serving.models[0]!.activeColor = "green";
    let error: unknown;
    try {
      resolvePlatformSpec({ ...config, "ml-platform:serving": JSON.stringify(serving) }, "seriesb-staging");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.objectContaining({
        key: "ml-platform:serving.models[0].activeColor",
        value: "green",
        message: expect.stringMatching(/cannot send live traffic to green: it has 0 replicas/),
      }),
    ]);
    expect((error as Error).message).toMatch(/ml-platform:serving\.models\[0\]\.activeColor: cannot send live traffic to green/);
  });

  it("refuses a plain-text Sentry DSN and a DSN where nothing serves", () => {
    const raw = { ...readStackConfig("mvp").config, "ml-platform:sentryDsn": "https://key@o1.ingest.sentry.io/1" };
    expect(() => resolvePlatformSpec(raw, "mvp", { secretKeys: [] })).toThrow(/ml-platform:sentryDsn: must be stored encrypted: pulumi config set --secret/);
    expect(resolvePlatformSpec(raw, "mvp", { secretKeys: ["ml-platform:sentryDsn"] }).serving.settings.sentryDsn).toBe("https://key@o1.ingest.sentry.io/1");
    const poc = { ...readStackConfig("poc").config, "ml-platform:sentryDsn": "x" };
    expect(() => resolvePlatformSpec(poc, "poc")).toThrow(/ml-platform:sentryDsn: nothing reports to Sentry/);
  });

  it("grows with the stage key alone: an MVP-shaped model becomes the live blue colour at Series B", () => {
    const mvpSpec = resolvePlatformSpec(readStackConfig("mvp").config, "mvp");
    expect(mvpSpec.serving.settings.models[0]).toMatchObject({ image: "<registry>/models:1.4.0", gpuPool: "gpu" });
    // The shipped file keeps rolling updates when grown (it says blueGreen: false), on the Series B pool.
    const config = readStackConfig("mvp").config;
    const kept = resolvePlatformSpec({ ...config, "ml-platform:stage": "seriesb" }, "mvp");
    expect(kept.serving.settings).toMatchObject({ blueGreen: false, autoscaling: false });
    expect(kept.serving.settings.models[0]).toMatchObject({ image: "<registry>/models:1.4.0", gpuPool: "inference" });
    // Without those keys the MVP-shaped model becomes blue/green's live colour.
    const { blueGreen: _bg, autoscaling: _as, ...serving } = JSON.parse(config["ml-platform:serving"]!);
    const grown = resolvePlatformSpec({ ...config, "ml-platform:stage": "seriesb", "ml-platform:serving": JSON.stringify(serving) }, "mvp");
    const [m] = grown.serving.settings.models;
    expect(m).toMatchObject({
      activeColor: "blue",
      blue: { image: "<registry>/models:1.4.0", modelUri: "s3://<models-bucket>/classifier/1.4.0/", replicas: 1 },
      green: { replicas: 0 },
      // The cluster's first GPU pool at this stage, and an autoscaler bound of twice the replicas.
      gpuPool: "inference",
      maxReplicas: 2,
    });
    expect(m!.image).toBeUndefined();
  });

  it("turns serving and tracking off at POC, on at MVP and Series B", () => {
    for (const [stack, on] of [
      ["poc", false],
      ["mvp", true],
      ["seriesb-prod", true],
    ] as const) {
      const spec = resolvePlatformSpec(readStackConfig(stack).config, stack);
      expect([stack, spec.serving.enabled, spec.tracking.enabled]).toEqual([stack, on, on]);
    }
  });

  it("refuses a viewer role that already has cluster-wide access", () => {
    const arn = "arn:aws:iam::123456789012:role/ml-engineers";
    const raw: Record<string, string> = { ...readStackConfig("mvp").config, "ml-platform:cluster": JSON.stringify({ readOnlyRoleArns: [arn] }) };
    const serving = { ...JSON.parse(raw["ml-platform:serving"]!), viewerRoleArns: [arn] };
    expect(() => resolvePlatformSpec({ ...raw, "ml-platform:serving": JSON.stringify(serving) }, "mvp")).toThrow(
      /ml-platform:serving\.viewerRoleArns\[0\]: is also ml-platform:cluster\.readOnlyRoleArns\[0\]; EKS gives a role one access entry/,
    );
    const twice = { ...JSON.parse(raw["ml-platform:serving"]!), viewerRoleArns: [arn, arn] };
    expect(() => resolvePlatformSpec({ ...raw, "ml-platform:cluster": "{}", "ml-platform:serving": JSON.stringify(twice) }, "mvp")).toThrow(
      /ml-platform:serving\.viewerRoleArns\[1\]: repeats ml-platform:serving\.viewerRoleArns\[0\]/,
    );
  });
});

describe("Kubernetes objects", () => {
  const model = blueGreenModel();
  const deployment = (color: "blue" | "green" | undefined, m = model, sentry = false) =>
    deploymentManifest({
      model: m,
      color,
      namespace: "serving",
      replicas: 1,
      image: "acct.dkr.ecr.us-east-1.amazonaws.com/r/models:1.4.0",
      modelUri: "s3://bucket/classifier/1.4.0/",
      imageAsWritten: "<registry>/models:1.4.0",
      environment: "prod",
      sentry,
    });

  it("every object validates against the Kubernetes schema", () => {
    expect(() => new Deployment(deployment("blue")).validate()).not.toThrow();
    expect(() => new Deployment(deployment(undefined, mvpModel({ gpus: 0, gpuPool: undefined }), true)).validate()).not.toThrow();
    expect(() => new Service(serviceManifest({ model, name: "classifier", namespace: "serving", color: "blue", exposed: false })).validate()).not.toThrow();
    const publicModel = mvpModel({ exposure: { type: "public", sourceRanges: ["203.0.113.0/24"] } });
    expect(() =>
      new Service(serviceManifest({ model: publicModel, name: "classifier", namespace: "serving", color: undefined, exposed: true })).validate(),
    ).not.toThrow();
    expect(() => new PodDisruptionBudget(pdbManifest("classifier", "green", "serving")).validate()).not.toThrow();
    expect(() => new HorizontalPodAutoscaler(hpaManifest(model, "green", "serving", 1)).validate()).not.toThrow();
    expect(() => new ResourceQuota(gpuQuotaManifest("serving", 4)).validate()).not.toThrow();
    expect(() => new Namespace(namespaceManifest("serving")).validate()).not.toThrow();
    expect(() => new ServiceAccount(serviceAccountManifest("classifier", "serving", "arn:aws:iam::123456789012:role/r")).validate()).not.toThrow();
    expect(() => new Secret(sentrySecretManifest("serving", "https://k@o.ingest.sentry.io/1")).validate()).not.toThrow();
    // The check has teeth: a bad field is refused.
    const broken = deployment("blue");
    (broken.spec.template.spec.containers[0] as { startupProbe: unknown }).startupProbe = { httpGet: { path: "/health" } };
    expect(() => new Deployment(broken).validate()).toThrow(/port/);
  });

  it("blue and green differ only in their colour label", () => {
    const strip = (d: ReturnType<typeof deployment>) =>
      JSON.parse(
        JSON.stringify(d)
          .replace(/"classifier-(blue|green)"/g, '"NAME"')
          .replace(/"(blue|green)"/g, '"COLOR"'),
      );
    const blue = deployment("blue");
    const green = deployment("green");
    expect(blue).not.toEqual(green);
    expect(strip(blue)).toEqual(strip(green));
    expect(blue.spec.selector.matchLabels).toEqual({ "ml-platform/model": "classifier", "ml-platform/color": "blue" });
    expect(green.spec.template.metadata.labels["ml-platform/color"]).toBe("green");
  });

  it("a GPU model asks for its GPUs, tolerates the GPU taint and runs on its pool", () => {
    const pod = deployment("blue").spec.template.spec;
    const c = pod.containers[0]!;
    expect(c.resources.limits).toEqual({ cpu: "2", memory: "8Gi", "nvidia.com/gpu": "1" });
    expect(c.resources.requests).toEqual({ cpu: "2", memory: "8Gi", "nvidia.com/gpu": "1", "ephemeral-storage": "20Gi" });
    expect(pod.tolerations).toEqual([GPU_TOLERATION]);
    // Hardened: no Kubernetes API token, non-root, a real /dev/shm.
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.volumes).toEqual([{ name: "shm", emptyDir: { medium: "Memory", sizeLimit: "1Gi" } }]);
    expect(c.volumeMounts).toEqual([{ name: "shm", mountPath: "/dev/shm" }]);
    expect(pod.nodeSelector).toEqual({ [NODE_GROUP_LABEL]: "inference" });
  });

  it("a CPU model runs on the system pool with no GPU toleration", () => {
    const pod = deployment(undefined, mvpModel({ gpus: 0, gpuPool: undefined })).spec.template.spec;
    expect(pod.nodeSelector).toEqual({ [POOL_LABEL]: "system" });
    expect(pod.tolerations).toEqual([]);
    expect(pod.containers[0]!.resources.limits).not.toHaveProperty("nvidia.com/gpu");
  });

  it("probes: a startup probe covers the model's load time before liveness starts", () => {
    const c = deployment("blue", blueGreenModel({ startupTimeoutSeconds: 900 })).spec.template.spec.containers[0]!;
    expect(c.startupProbe.failureThreshold * c.startupProbe.periodSeconds).toBeGreaterThanOrEqual(900);
    expect(c.livenessProbe.httpGet.path).toBe("/health");
    expect(c.readinessProbe.httpGet.path).toBe("/health");
  });

  it("drains before stopping: preStop pause, then time to finish requests, within the grace period", () => {
    const d = deployment("blue", blueGreenModel({ drainSeconds: 20, shutdownSeconds: 40 }));
    expect(d.spec.template.spec.containers[0]!.lifecycle.preStop).toEqual({ sleep: { seconds: 20 } });
    expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(60);
  });

  it("spreads pods over zones and nodes", () => {
    const spread = deployment("blue").spec.template.spec.topologySpreadConstraints;
    expect(spread.map((s) => s.topologyKey)).toEqual(["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
    expect(spread.every((s) => s.labelSelector.matchLabels["ml-platform/color"] === "blue")).toBe(true);
  });

  it("GPU rollouts never surge (no spare GPU to surge onto); CPU rollouts never drop capacity", () => {
    expect(rolloutStrategy(1).rollingUpdate).toEqual({ maxSurge: 0, maxUnavailable: 1 });
    expect(rolloutStrategy(0).rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
  });

  it("passes the model URI as an environment variable, and the Sentry DSN only by Secret reference", () => {
    const plain = deployment("blue").spec.template.spec.containers[0]!.env;
    expect(plain).toContainEqual({ name: "MODEL_URI", value: "s3://bucket/classifier/1.4.0/" });
    expect(plain.map((e) => e.name)).not.toContain("SENTRY_DSN");
    const withSentry = deployment("blue", model, true).spec.template.spec.containers[0]!.env;
    expect(withSentry).toContainEqual({ name: "SENTRY_DSN", valueFrom: { secretKeyRef: { name: "sentry", key: "dsn" } } });
    expect(withSentry).toContainEqual({ name: "SENTRY_RELEASE", value: "classifier@1.4.0" });
  });

  it("Services: ClusterIP by default; an internal or source-limited public NLB through the controller", () => {
    const internal = serviceManifest({ model: mvpModel(), name: "classifier", namespace: "serving", color: undefined, exposed: true });
    expect(internal.spec.type).toBe("ClusterIP");
    const nlb = serviceManifest({
      model: mvpModel({ exposure: { type: "internal" } }),
      name: "classifier",
      namespace: "serving",
      color: undefined,
      exposed: true,
    });
    expect(nlb.spec).toMatchObject({ type: "LoadBalancer", loadBalancerClass: "service.k8s.aws/nlb" });
    expect(nlb.metadata.annotations).toMatchObject({
      "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
      "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
    });
    const open = serviceManifest({
      model: mvpModel({ exposure: { type: "public", sourceRanges: ["203.0.113.0/24"] } }),
      name: "classifier",
      namespace: "serving",
      color: undefined,
      exposed: true,
    });
    expect(open.metadata.annotations!["service.beta.kubernetes.io/aws-load-balancer-scheme"]).toBe("internet-facing");
    expect(open.spec.loadBalancerSourceRanges).toEqual(["203.0.113.0/24"]);
  });

  it("the GPU quota limits requested GPUs, the only form a quota takes for extended resources", () => {
    expect(gpuQuotaManifest("serving", 4).spec.hard).toEqual({ "requests.nvidia.com/gpu": "4" });
  });

  it("the autoscaler has explicit bounds: the colour's replicas to the model's maximum", () => {
    expect(hpaManifest(model, "blue", "serving", 1).spec).toMatchObject({
      minReplicas: 1,
      maxReplicas: 2,
      scaleTargetRef: { kind: "Deployment", name: "classifier-blue" },
    });
  });
});

describe("IAM: each model reads only its own prefix", () => {
  const bucket = "arn:aws:s3:::mlp-prod-artifacts-models-abc";
  it("lists and gets under the prefix, writes nothing", () => {
    const doc = modelReadPolicy(bucket, "classifier/", { region: "us-east-1" });
    const actions = doc.Statement.flatMap((s) => ([] as string[]).concat(s.Action));
    expect(actions.sort()).toEqual(["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"]);
    expect(doc.Statement.find((s) => s.Action === "s3:ListBucket")!.Condition).toEqual({ StringLike: { "s3:prefix": ["classifier/*"] } });
    expect(doc.Statement.find((s) => Array.isArray(s.Action))!.Resource).toBe(`${bucket}/classifier/*`);
  });
  it("with SSE-KMS, decrypts only through S3", () => {
    const doc = modelReadPolicy(bucket, "classifier/", { region: "us-east-1", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k" });
    expect(doc.Statement.at(-1)).toMatchObject({ Action: "kms:Decrypt", Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } } });
  });
});

describe("add-ons: AWS Load Balancer Controller and metrics-server", () => {
  it("pins the charts", () => {
    expect(AWS_LOAD_BALANCER_CONTROLLER_CHART).toEqual({ repo: "https://aws.github.io/eks-charts", chart: "aws-load-balancer-controller", version: "3.5.0" });
    expect(METRICS_SERVER_CHART.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("controller values: on the system pool, region and VPC given, no cluster-wide Service takeover", () => {
    const v = loadBalancerControllerValues({ clusterName: "c", region: "us-east-1", vpcId: "vpc-1", roleArn: "arn:aws:iam::1:role/r" });
    expect(v).toMatchObject({
      clusterName: "c",
      region: "us-east-1",
      vpcId: "vpc-1",
      enableServiceMutatorWebhook: false,
      nodeSelector: { [POOL_LABEL]: "system" },
    });
    expect(v.serviceAccount.annotations["eks.amazonaws.com/role-arn"]).toBe("arn:aws:iam::1:role/r");
    expect(v.resources.requests).toEqual({ cpu: "100m", memory: "128Mi" });
    expect(metricsServerValues().nodeSelector).toEqual({ [POOL_LABEL]: "system" });
  });

  it("controller IAM: destructive writes only on resources tagged by a controller, no wildcard actions", () => {
    const doc = loadBalancerControllerPolicy();
    const all = doc.Statement.flatMap((s) => ([] as string[]).concat(s.Action));
    expect(all.some((a) => a.includes("*"))).toBe(false);
    const stmt = (action: string) => doc.Statement.filter((s) => ([] as string[]).concat(s.Action).includes(action));
    for (const a of ["elasticloadbalancing:DeleteLoadBalancer", "ec2:DeleteSecurityGroup", "elasticloadbalancing:CreateLoadBalancer"]) {
      expect(stmt(a).length).toBeGreaterThan(0);
      for (const s of stmt(a)) expect(JSON.stringify(s.Condition)).toMatch(/elbv2\.k8s\.aws\/cluster/);
    }
    expect(stmt("iam:CreateServiceLinkedRole")[0]!.Condition).toEqual({ StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } });
  });

  it("installs the controller only when a model is exposed, metrics-server only when something autoscales", () => {
    const names = (s: ServingSettings) => servingSystemWorkloads(s).map((w) => w.name);
    expect(names(mvp([mvpModel()]))).toEqual([]);
    expect(names(mvp([mvpModel({ exposure: { type: "internal" } })]))).toEqual(["aws-load-balancer-controller"]);
    expect(names(seriesB([blueGreenModel()]))).toEqual(["metrics-server"]);
    // CPU models run on the system pool and count there, every colour at its maximum.
    expect(servingSystemWorkloads(seriesB([blueGreenModel({ gpus: 0, gpuPool: undefined, cpu: "500m", memory: "1Gi" })]))).toContainEqual(
      expect.objectContaining({ name: "model classifier", replicas: 4, cpuMillis: 500, memoryMiB: 1024 }),
    );
  });
});

describe("quantities", () => {
  it("parses CPU and memory as Kubernetes writes them", () => {
    expect([cpuMillis("500m"), cpuMillis("2"), cpuMillis(1.5), cpuMillis("2 cores")]).toEqual([500, 2000, 1500, undefined]);
    expect([memoryMiB("512Mi"), memoryMiB("8Gi"), memoryMiB("8"), memoryMiB("1Ti")]).toEqual([512, 8192, undefined, 1048576]);
  });

  it("writes them in Kubernetes' canonical form: the largest suffix that leaves a whole number", () => {
    // Examples of k8s.io/apimachinery resource.Quantity's String(): "2000m" is stored as "2", "8192Mi" as "8Gi".
    expect([500, 1500, 2000, 4000, 250, 0].map(cpuQuantity)).toEqual(["500m", "1500m", "2", "4", "250m", "0"]);
    expect([512, 1536, 1024, 8192, 1048576, 953.67].map(memoryQuantity)).toEqual(["512Mi", "1536Mi", "1Gi", "8Gi", "1Ti", "954Mi"]);
    // A model's pod template states them so: what the stack file says, canonical.
    const model = blueGreenModel({ cpu: "1500m", memory: "1536Mi", cpuLimit: "2000m", memoryLimit: "2048Mi" });
    const inputs = {
      model,
      color: undefined,
      namespace: "serving",
      replicas: 1,
      image: "i",
      modelUri: "u",
      imageAsWritten: "i",
      environment: "e",
      sentry: false,
    };
    const c = deploymentManifest(inputs).spec.template.spec.containers[0]!.resources;
    expect([c.requests.cpu, c.requests.memory, c.limits.cpu, c.limits.memory]).toEqual(["1500m", "1536Mi", "2", "2Gi"]);
  });
});

// ------------------------------------------------------------------ cost

const k8s = (type: string, name: string, inputs: Record<string, unknown>) => ({ urn: `urn:${type}::${name}`, type, name, inputs });
const gpuPool = (maxSize: number, desiredSize = 0) =>
  k8s("aws:eks/nodeGroup:NodeGroup", "inference", {
    instanceTypes: ["g5.xlarge"],
    capacityType: "ON_DEMAND",
    scalingConfig: { minSize: 0, desiredSize, maxSize },
    diskSize: 100,
    labels: { [NODE_GROUP_LABEL]: "inference" },
  });
const gpuDeployment = (replicas: number, pool = "inference") =>
  k8s("kubernetes:apps/v1:Deployment", "model", {
    metadata: { name: "classifier-blue", namespace: "serving" },
    spec: { replicas, template: { spec: { nodeSelector: { [NODE_GROUP_LABEL]: pool }, containers: [{ resources: { limits: { "nvidia.com/gpu": "1" } } }] } } },
  });
const hpa = (maxReplicas: number) =>
  k8s("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "hpa", {
    metadata: { name: "classifier-blue", namespace: "serving" },
    spec: { scaleTargetRef: { name: "classifier-blue" }, maxReplicas },
  });
const G5 = 1.006 * 730;

describe("cost of GPU workloads", () => {
  it("a GPU Deployment keeps its GPUs running: replicas x GPUs at the pool's price, expected", () => {
    const cost = estimateCost([gpuPool(4), gpuDeployment(2)], "us-east-1");
    const line = cost.byResource.find((l) => l.name === "model")!;
    expect(line.expectedMonthlyUsd).toBeCloseTo(2 * G5, 0);
    // The pool's node groups at maxSize already hold the worst case.
    expect(line.worstCaseMonthlyUsd).toBe(0);
    expect(cost.worstCaseMonthlyUsd).toBeCloseTo(4 * G5 + 100 * 0.08 * 4, 0);
  });

  it("the autoscaler's maxReplicas x GPUs counts in the worst case, beyond what the pool already counts", () => {
    const within = estimateCost([gpuPool(1), gpuDeployment(1)], "us-east-1").worstCaseMonthlyUsd;
    const scaled = estimateCost([gpuPool(1), gpuDeployment(1), hpa(3)], "us-east-1");
    expect(scaled.worstCaseMonthlyUsd - within).toBeCloseTo(2 * G5, 0);
    expect(scaled.byResource.find((l) => l.name === "model")!.basis).toMatch(
      /autoscaler max 3 x 1 GPU = 3 GPU at worst, 2 GPU beyond the pool's 1-GPU maximum/,
    );
  });

  it("does not count GPUs twice when the pool's desired size already runs them", () => {
    expect(estimateCost([gpuPool(4, 1), gpuDeployment(1)], "us-east-1").byResource.find((l) => l.name === "model")!.expectedMonthlyUsd).toBe(0);
  });

  it("a GPU workload on a pool the stack does not declare is unpriced, not $0", () => {
    const cost = estimateCost([gpuDeployment(1, "elsewhere")], "us-east-1");
    expect(cost.unpriced).toEqual([
      expect.objectContaining({ name: "model", reason: expect.stringMatching(/node group "elsewhere", which this stack does not declare/) }),
    ]);
  });

  it("a GPU workload on a pool with no price in the region is unpriced, and says why", () => {
    const pool = gpuPool(4);
    (pool.inputs as { instanceTypes: string[] }).instanceTypes = ["g9.mega"];
    expect(estimateCost([pool, gpuDeployment(1)], "us-east-1").unpriced).toContainEqual(
      expect.objectContaining({ name: "model", reason: expect.stringMatching(/node group "inference", whose instance types have no us-east-1 price/) }),
    );
  });

  it("a Service of the AWS Load Balancer Controller's class is priced as an NLB", () => {
    const svc = k8s("kubernetes:core/v1:Service", "svc", { spec: { type: "LoadBalancer", loadBalancerClass: "service.k8s.aws/nlb" } });
    const line = estimateCost([svc], "us-east-1").byResource[0]!;
    expect(line.basis).toMatch(/^NLB \$0\.0225\/h/);
    expect(line.expectedMonthlyUsd).toBeCloseTo(0.0225 * 730, 2);
  });
});

// ------------------------------------------------------------------ policies

const res = (type: string, name: string, props: Record<string, unknown>): EvalResource => ({ urn: `urn:pulumi:t::p::${type}::${name}`, type, name, props });
const violations = (name: string, resources: EvalResource[], config = {}) => {
  const v = evaluatePolicies(resources, config, { policies: [policies.find((p) => p.name === name)!] });
  return [...v.mandatory, ...v.advisory];
};
const deploymentRes = (extra: Record<string, unknown> = {}) =>
  res("kubernetes:apps/v1:Deployment", "classifier-blue", {
    metadata: { name: "classifier-blue", namespace: "serving" },
    spec: {
      replicas: 1,
      template: {
        spec: { containers: [{ name: "model-server", resources: { limits: { "nvidia.com/gpu": "1" } }, livenessProbe: {}, startupProbe: {}, ...extra }] },
      },
    },
  });
const quotaRes = () =>
  res("kubernetes:core/v1:ResourceQuota", "gpu", { metadata: { name: "gpu", namespace: "serving" }, spec: { hard: { "requests.nvidia.com/gpu": "4" } } });
const hpaRes = (maxReplicas: number) =>
  res("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "classifier-blue-hpa", {
    metadata: { name: "classifier-blue", namespace: "serving" },
    spec: { maxReplicas, scaleTargetRef: { kind: "Deployment", name: "classifier-blue" } },
  });

describe("serving policies", () => {
  it("hpa-gpu-within-caps blocks an autoscaler that can reach more GPUs than the stage allows", () => {
    expect(violations("hpa-gpu-within-caps", [deploymentRes(), hpaRes(2)], { "hpa-gpu-within-caps": { maxGpusPerWorkload: 2 } })).toEqual([]);
    const v = violations("hpa-gpu-within-caps", [deploymentRes(), hpaRes(6)], { "hpa-gpu-within-caps": { maxGpusPerWorkload: 2 } });
    expect(v).toEqual([
      expect.objectContaining({
        enforcementLevel: "mandatory",
        message: expect.stringMatching(/to 6 replicas x 1 GPU = 6 GPUs; the cap is 2[\s\S]*Why it matters[\s\S]*Fix: lower maxReplicas/),
      }),
    ]);
  });

  it("gpu-namespaces-have-quota advises a GPU ResourceQuota wherever GPU workloads run", () => {
    expect(violations("gpu-namespaces-have-quota", [deploymentRes(), quotaRes()])).toEqual([]);
    expect(violations("gpu-namespaces-have-quota", [deploymentRes()])).toEqual([
      expect.objectContaining({ enforcementLevel: "advisory", message: expect.stringMatching(/namespace serving, which has no GPU ResourceQuota/) }),
    ]);
  });

  it("model-servers-have-startup-probes advises against liveness without a startup probe on GPU pods", () => {
    expect(violations("model-servers-have-startup-probes", [deploymentRes()])).toEqual([]);
    expect(violations("model-servers-have-startup-probes", [deploymentRes({ startupProbe: undefined })])).toEqual([
      expect.objectContaining({ enforcementLevel: "advisory" }),
    ]);
  });
});
