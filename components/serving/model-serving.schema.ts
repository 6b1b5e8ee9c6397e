/**
 * What ModelServing accepts, as zod schemas: the single source of truth for
 * its Args (validated in its constructor), their defaults and descriptions,
 * and the `serving` stack-config overrides (config/schema.ts). The rules that
 * involve several fields (a flip to a colour with no image, GPU demand beyond
 * the quota) are components/serving/checks.ts servingProblems, run here and by config.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { count, ipv4Cidr, roleArn } from "../../lib/fields";
import { isAwsRegion } from "../../lib/regions";
import { COLORS, EXPOSURE_TYPES, RELEASE_STRATEGIES } from "./settings";

const HOME = "components/serving/model-serving.args.ts";
import { ServingContext, servingProblems } from "./checks";
import { ArgProblem, awsTags, stageArg, schemaMatches, withType, planTime, pulumiInput, PULUMI_STRING } from "../../lib/validate";
import type { ClusterHandle } from "../compute/cluster-handle";
import type { ModelServingArgs } from "./model-serving.args";

/**
 * A Kubernetes quantity may be written as a number in YAML (cpu: 2). It is transformed to a string, so a
 * default is given with `.prefault()`: it goes through the transform, and the editor schema shows it.
 */
export const quantity = withType(
  z.union([z.string(), z.number()]).transform((v) => String(v)),
  { outputType: "string" },
);
const httpPath = z.string().regex(/^\/[\x21-\x7e]*$/, 'must be an HTTP path starting with "/"');
const seconds = (what: string) => z.number().int(`${what} must be whole seconds`).min(0, `${what} cannot be negative`);

/** A Kubernetes namespace name: an RFC 1123 label (Kubernetes docs, "Namespaces"; checked 2026-11-23). */
export const namespaceName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be a Kubernetes namespace name (lower-case letters, digits, '-', at most 63)");

/**
 * Namespaces Kubernetes and EKS own (Kubernetes docs, "Namespaces": default,
 * kube-node-lease, kube-public, kube-system): a platform component that
 * creates its namespace there would adopt, and on destroy delete, the
 * cluster's own.
 */
export const SYSTEM_NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system"] as const;

/** A namespace a component creates and owns: any namespace name but the cluster's own. */
export const ownNamespaceName = namespaceName.refine(
  (n) => !(SYSTEM_NAMESPACES as readonly string[]).includes(n),
  `must be a namespace of its own, not one of the cluster's (${SYSTEM_NAMESPACES.join(", ")})`,
);

const ColorRelease = withType(
  z.strictObject({
    image: z.string().min(1).optional().describe("Image: `<registry>/<repository>:<tag>` or a full reference with a tag or digest."),
    modelUri: z.string().min(1).optional().describe("Model artifacts: `s3://<models-bucket>/<model prefix>...`."),
    replicas: count("replicas").describe("Replicas; 0 keeps the colour at zero pods (no GPU cost)."),
  }),
  { typeName: "ColorRelease", outputTypeName: "ColorRelease", home: HOME, doc: "One colour of a blue/green model: what it runs and how many replicas." },
);

const CanaryStep = withType(
  z.strictObject({
    weight: z
      .number()
      .int()
      .min(1, "weight is a percentage of traffic, 1-99")
      .max(99, "weight is a percentage of traffic, 1-99")
      .describe("Share of traffic the new version takes, percent."),
    pauseMinutes: z.number().int().min(1, "pauseMinutes must be at least 1").describe("Minutes it holds that share while the analysis watches it."),
  }),
  { typeName: "CanaryStep", outputTypeName: "CanaryStep", home: HOME, doc: "One step of a canary: a share of traffic, held for a while." },
);

/** A canary release's steps and analysis (Argo Rollouts; components/serving/canary.ts). */
export const CanarySchema = withType(
  z.strictObject({
    steps: z
      .array(CanaryStep)
      .min(1, "a canary needs at least one step")
      .describe("The shares of traffic the new version takes in turn, each held `pauseMinutes`; after the last it takes all of it.")
      .default([
        { weight: 10, pauseMinutes: 10 },
        { weight: 50, pauseMinutes: 10 },
      ]),
    analysis: z
      .boolean()
      .describe("Query Prometheus during the steps and abort the release (all traffic back to the stable version) when it fails.")
      .default(true),
    maxErrorRatio: z
      .number()
      .gt(0, "maxErrorRatio must be above 0")
      .lt(1, "maxErrorRatio is a share of requests, below 1: at 1 or above the analysis can never fail")
      .describe("Share of the new version's requests answered 5xx above which a measurement fails (the ServingHighErrorRate expression).")
      .default(0.05),
    maxLatencySeconds: z
      .number()
      .gt(0, "maxLatencySeconds must be above 0")
      .describe("p95 latency of the new version above which a measurement fails (the ServingHighLatency expression).")
      .default(1),
    failureLimit: z
      .number()
      .int()
      .min(0)
      .describe(
        "Failed measurements tolerated before the release is aborted (one more aborts it). Measurements come once a minute but each looks at the last 5 minutes, so one bad minute can fail about 5 in a row: 1 aborts on a single bad minute; about 5 or more rides one out.",
      )
      .default(1),
  }),
  { typeName: "CanaryInput", outputTypeName: "CanarySettings", home: HOME, doc: "How a canary release moves traffic and what aborts it." },
);

/** A model as given; every optional field has a default. */
export const ModelSchema = withType(
  z
    .strictObject({
      name: z.string().describe("DNS label: names the Deployments, Services and the IRSA role."),
      image: z.string().min(1).optional().describe("Before blue/green, and with a canary: the image."),
      modelUri: z.string().min(1).optional().describe("Before blue/green, and with a canary: the model artifacts."),
      replicas: count("replicas").optional().describe("Before blue/green, and with a canary: replicas. Default 1."),
      release: z
        .enum(RELEASE_STRATEGIES)
        .describe(
          'Series B: how a new version reaches traffic: "blueGreen" (two colours, a flip) or "canary" (Argo Rollouts: a share of traffic, analysed, then all).',
        )
        .default("blueGreen"),
      canary: CanarySchema.prefault({}).describe('Canary steps and analysis (with release: "canary").'),
      activeColor: z.enum(COLORS).optional().describe("Blue/green: the colour the live Service selects (required there)."),
      blue: ColorRelease.optional().describe("Blue/green: the blue release."),
      green: ColorRelease.optional().describe("Blue/green: the green release."),
      port: z.number().int().min(1).max(65535).describe("Container port of the model server.").default(8080),
      cpu: quantity.describe('CPU request per pod ("2", "500m").').prefault("1"),
      memory: z.string().describe('Memory request per pod ("8Gi").').default("4Gi"),
      cpuLimit: quantity.optional().describe("CPU limit. Default: the request."),
      memoryLimit: z.string().optional().describe("Memory limit. Default: the request."),
      gpus: count("gpus").describe("NVIDIA GPUs per pod; 0 runs on the CPU system pool.").default(0),
      gpuPool: z.string().optional().describe("GPU pool the pods run on (required when gpus > 0; the stack picks the cluster's first pool)."),
      healthPath: httpPath.describe("Liveness and startup probe path.").default("/health"),
      readinessPath: httpPath.optional().describe("Readiness probe path. Default: healthPath."),
      startupTimeoutSeconds: seconds("startupTimeoutSeconds").describe("Longest a pod may take to load its model.").default(600),
      drainSeconds: seconds("drainSeconds").describe("preStop pause before shutdown.").default(15),
      shutdownSeconds: seconds("shutdownSeconds").describe("Time after SIGTERM to finish in-flight requests.").default(30),
      maxReplicas: z.number().int().min(1, "maxReplicas must be at least 1").optional().describe("HPA maximum per colour (required with autoscaling)."),
      targetCpuUtilization: z
        .number()
        .int()
        .min(1)
        .max(100, "targetCpuUtilization is a percentage of the CPU request, 1-100")
        .describe("HPA target, percent of the CPU request.")
        .default(70),
      exposure: withType(
        z.strictObject({
          type: z
            .enum(EXPOSURE_TYPES)
            .describe('"cluster" (a ClusterIP Service only), "internal" NLB or "public" NLB (needs sourceRanges).')
            .default("cluster"),
          sourceRanges: z.array(ipv4Cidr()).describe("CIDRs allowed to reach the load balancer (required for public).").default([]),
        }),
        {
          typeName: "ModelExposureInput",
          outputTypeName: "ModelExposure",
          home: HOME,
          doc: "How a model's Service is reached: inside the cluster, or through an NLB.",
        },
      )
        .prefault({})
        .describe("How the model is reached. Default: inside the cluster only."),
      prefix: z.string().optional().describe('Prefix in the models bucket the model may read. Default "<name>/".'),
    })
    .transform((m) => ({ ...m, prefix: m.prefix ?? `${m.name}/` })),
  {
    typeName: "ModelInput",
    outputTypeName: "ModelSettings",
    outputRequired: ["prefix"],
    home: HOME,
    doc: "A model to serve.",
  },
);

/** The settings of a ModelServing: the single source of truth for its Args and for the `serving` stack config. */
export const ModelServingSettings = z.strictObject({
  namespace: ownNamespaceName.describe("Namespace of every serving object.").default("serving"),
  blueGreen: z.boolean().describe("Two Deployments per model (blue/green) and a preview Service.").default(false),
  autoscaling: z.boolean().describe("A PodDisruptionBudget and a HorizontalPodAutoscaler per running colour.").default(false),
  maxGpus: count("maxGpus").describe("GPUs the namespace may request at once (its ResourceQuota).").default(0),
  viewerRoleArns: planTime(z.array(roleArn), "the EKS access entries declared, each named after its role")
    .describe("IAM roles given read-only access to the serving namespace.")
    .default([]),
  models: planTime(z.array(ModelSchema), "the Deployments, Services and IAM roles declared, and their names").describe("The models to serve.").default([]),
});

/** The settings ModelServing takes: the stack's, plus the Sentry DSN (a secret, from its own stack key). */
export const ServingSettingsSchema = withType(ModelServingSettings.extend({ sentryDsn: z.string().optional().describe("Sentry DSN (a secret).") }), {
  typeName: "ServingSettingsInput",
  outputTypeName: "ServingSettings",
  home: HOME,
  doc: "Model serving's settings: the namespace, stage features, its GPU quota and the models.",
});

const input = <T>(what: string) =>
  withType(
    z.custom<pulumi.Input<T>>((v) => v !== undefined && v !== null, `${what} is required`),
    PULUMI_STRING,
  );

/** Everything ModelServing accepts. */
export const ModelServingArgsSchema = z.strictObject({
  cluster: withType(
    z.custom<ClusterHandle>(
      (c) => typeof c === "object" && c !== null && "provider" in c,
      "must be a ClusterHandle (GpuCluster, or provider, clusterName, OIDC provider and ready)",
    ),
    { type: "ClusterHandle", imports: { ClusterHandle: "components/compute/cluster-handle.ts" } },
  ).describe("The cluster to deploy into."),
  settings: ServingSettingsSchema.prefault({}).describe("Models, stage features and the namespace quota."),
  modelsBucket: withType(
    z.custom<{ name: pulumi.Input<string>; arn: pulumi.Input<string> }>(
      (b) => typeof b === "object" && b !== null && "name" in b && "arn" in b,
      "must be { name, arn } of the models bucket",
    ),
    { type: "{ name: pulumi.Input<string>; arn: pulumi.Input<string> }", imports: { pulumi: "@pulumi/pulumi" } },
  ).describe("The models bucket."),
  modelsBucketKmsKeyArn: withType(z.custom<pulumi.Input<string>>(), PULUMI_STRING)
    .optional()
    .describe("KMS key of the models bucket when SSE-KMS. Default none."),
  registryPrefix: withType(z.custom<pulumi.Input<string>>(), PULUMI_STRING).optional().describe("What `<registry>` in images resolves to. Default none."),
  vpcId: withType(z.custom<pulumi.Input<string>>(), PULUMI_STRING)
    .optional()
    .describe(
      "VPC of the cluster, for the AWS Load Balancer Controller. Default: the cluster handle's vpcId; one of them is required when a model is exposed.",
    ),
  prometheusUrl: z
    .string()
    .regex(/^https?:\/\/[^\s/]+(:\d+)?\/?$/, "must be a Prometheus base URL such as http://prometheus.monitoring.svc:9090")
    .optional()
    .describe("Prometheus the canary analysis queries (Monitoring's, in the cluster). Required when a model releases by canary with analysis. Default none."),
  region: pulumiInput(z.string().refine(isAwsRegion, "must be an AWS region such as us-east-1 (lib/regions.ts)")).describe("AWS region."),
  environment: z.string().min(1).describe("Environment name, reported to Sentry."),
  sentryDsn: input<string>("sentryDsn").optional().describe("Sentry DSN, a secret. Default none."),
  tags: awsTags.default({}),
  stage: stageArg,
});

// tsc proves the generated interface (model-serving.args.ts) and the schema accept the same arguments.
schemaMatches<ModelServingArgs, z.input<typeof ModelServingArgsSchema>>(true);

/** Cross-field rules (components/serving/checks.ts servingProblems), without what only the stack knows (its GPU pools and repositories). */
export function modelServingProblems(_name: string, s: z.output<typeof ModelServingArgsSchema>): ArgProblem[] {
  const bucketName = s.modelsBucket.name;
  const ctx: ServingContext = {
    repositories: s.registryPrefix === undefined ? undefined : "any",
    modelsBucket: { name: typeof bucketName === "string" ? bucketName : undefined },
  };
  const problems: ArgProblem[] = servingProblems(s.settings, ctx).map((p) => ({
    path: `settings.${p.path
      .map((x) => (typeof x === "number" ? `[${x}]` : x))
      .join(".")
      .replace(/\.\[/g, "[")}`,
    value: p.value,
    message: p.message,
  }));
  // URIs are checked against the name, the models' read policy is built from the ARN: they must be one bucket.
  const bucketArn = s.modelsBucket.arn;
  if (typeof bucketName === "string" && typeof bucketArn === "string" && !/^arn:aws[a-z-]*:s3:::/.test(bucketArn))
    problems.push({ path: "modelsBucket.arn", value: bucketArn, message: "must be an S3 bucket ARN, arn:aws:s3:::<bucket>" });
  else if (typeof bucketName === "string" && typeof bucketArn === "string" && bucketArn.replace(/^arn:aws[a-z-]*:s3:::/, "") !== bucketName)
    problems.push({
      path: "modelsBucket.arn",
      value: bucketArn,
      message: `must be the ARN of modelsBucket.name's bucket (arn:aws:s3:::${bucketName}): the models' IAM role reads the ARN's bucket, their URIs name the other`,
    });
  const exposed = s.settings.models.some((m) => m.exposure.type !== "cluster");
  if (exposed && s.vpcId === undefined && s.cluster.vpcId === undefined)
    problems.push({
      path: "vpcId",
      value: undefined,
      message:
        "is required (here or as the cluster handle's vpcId): a model is exposed through a load balancer, and the AWS Load Balancer Controller needs the VPC",
    });
  s.settings.models.forEach((m, i) => {
    if (s.settings.blueGreen && m.release === "canary" && m.canary.analysis && s.prometheusUrl === undefined)
      problems.push({
        path: "prometheusUrl",
        value: undefined,
        message: `is required: model ${m.name} (settings.models[${i}]) releases by canary with analysis, which queries Prometheus (deploy Monitoring, or set canary.analysis: false)`,
      });
  });
  return problems;
}
