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
import { COLORS, withModelDefaults } from "./settings";
import { ServingContext, servingProblems } from "./checks";
import { ArgProblem, awsTags } from "../../lib/validate";
import type { ModelServingArgs } from "./model-serving";

/** A Kubernetes quantity may be written as a number in YAML (cpu: 2). */
export const quantity = z.union([z.string(), z.number()]).transform((v) => String(v));
const httpPath = z.string().regex(/^\/[\x21-\x7e]*$/, 'must be an HTTP path starting with "/"');
const seconds = (what: string) => z.number().int(`${what} must be whole seconds`).min(0, `${what} cannot be negative`);

/** A Kubernetes namespace name: an RFC 1123 label (Kubernetes docs, "Namespaces"; checked 2026-11-23). */
export const namespaceName = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be a Kubernetes namespace name (lower-case letters, digits, '-', at most 63)");

const ColorRelease = z.strictObject({
  image: z.string().min(1).optional().describe("Image: `<registry>/<repository>:<tag>` or a full reference with a tag or digest."),
  modelUri: z.string().min(1).optional().describe("Model artifacts: `s3://<models-bucket>/<model prefix>...`."),
  replicas: count("replicas").describe("Replicas; 0 keeps the colour at zero pods (no GPU cost)."),
});

/** A model as given; every optional field has a default (components/serving/settings.ts withModelDefaults). */
export const ModelSchema = z
  .strictObject({
    name: z.string().describe("DNS label: names the Deployments, Services and the IRSA role."),
    image: z.string().min(1).optional().describe("Before blue/green: the image."),
    modelUri: z.string().min(1).optional().describe("Before blue/green: the model artifacts."),
    replicas: count("replicas").optional().describe("Before blue/green: replicas. Default 1."),
    activeColor: z.enum(COLORS).optional().describe("Blue/green: the colour the live Service selects (required there)."),
    blue: ColorRelease.optional().describe("Blue/green: the blue release."),
    green: ColorRelease.optional().describe("Blue/green: the green release."),
    port: z.number().int().min(1).max(65535).optional().describe("Container port of the model server. Default 8080."),
    cpu: quantity.optional().describe('CPU request per pod ("2", "500m"). Default "1".'),
    memory: z.string().optional().describe('Memory request per pod ("8Gi"). Default "4Gi".'),
    cpuLimit: quantity.optional().describe("CPU limit. Default: the request."),
    memoryLimit: z.string().optional().describe("Memory limit. Default: the request."),
    gpus: count("gpus").optional().describe("NVIDIA GPUs per pod; 0 runs on the CPU system pool. Default 0."),
    gpuPool: z.string().optional().describe("GPU pool the pods run on (required when gpus > 0; the stack picks the cluster's first pool)."),
    healthPath: httpPath.optional().describe('Liveness and startup probe path. Default "/health".'),
    readinessPath: httpPath.optional().describe("Readiness probe path. Default: healthPath."),
    startupTimeoutSeconds: seconds("startupTimeoutSeconds").optional().describe("Longest a pod may take to load its model. Default 600."),
    drainSeconds: seconds("drainSeconds").optional().describe("preStop pause before shutdown. Default 15."),
    shutdownSeconds: seconds("shutdownSeconds").optional().describe("Time after SIGTERM to finish in-flight requests. Default 30."),
    maxReplicas: z.number().int().min(1, "maxReplicas must be at least 1").optional().describe("HPA maximum per colour (required with autoscaling)."),
    targetCpuUtilization: z.number().int().min(1).max(100, "targetCpuUtilization is a percentage of the CPU request, 1-100").optional().describe("HPA target, percent of the CPU request. Default 70."),
    exposure: z
      .strictObject({
        type: z.enum(["cluster", "internal", "public"]).optional().describe('"cluster" (default), "internal" NLB or "public" NLB (needs sourceRanges).'),
        sourceRanges: z.array(ipv4Cidr()).optional().describe("CIDRs allowed to reach the load balancer. Default none."),
      })
      .optional()
      .describe("How the model is reached. Default: inside the cluster only."),
    prefix: z.string().optional().describe('Prefix in the models bucket the model may read. Default "<name>/".'),
  })
  .transform((m) => withModelDefaults(m));

/** The settings of a ModelServing: the single source of truth for its Args and for the `serving` stack config. */
export const ModelServingSettings = z.strictObject({
  namespace: namespaceName.describe("Namespace of every serving object.").default("serving"),
  blueGreen: z.boolean().describe("Two Deployments per model (blue/green) and a preview Service.").default(false),
  autoscaling: z.boolean().describe("A PodDisruptionBudget and a HorizontalPodAutoscaler per running colour.").default(false),
  maxGpus: count("maxGpus").describe("GPUs the namespace may request at once (its ResourceQuota).").default(0),
  viewerRoleArns: z.array(roleArn).describe("IAM roles given read-only access to the serving namespace.").default([]),
  models: z.array(ModelSchema).describe("The models to serve.").default([]),
});

const input = <T>(what: string) => z.custom<pulumi.Input<T>>((v) => v !== undefined && v !== null, `${what} is required`);

/** Everything ModelServing accepts. */
export const ModelServingArgsSchema = z.strictObject({
  cluster: z.custom<ModelServingArgs["cluster"]>((c) => typeof c === "object" && c !== null && "provider" in c, "must be a ClusterHandle (GpuCluster, or provider, clusterName, OIDC provider and ready)").describe("The cluster to deploy into."),
  settings: ModelServingSettings.extend({ sentryDsn: z.string().optional().describe("Sentry DSN (a secret).") }).prefault({}).describe("Models, stage features and the namespace quota."),
  modelsBucket: z.custom<ModelServingArgs["modelsBucket"]>((b) => typeof b === "object" && b !== null && "name" in b && "arn" in b, "must be { name, arn } of the models bucket").describe("The models bucket."),
  modelsBucketKmsKeyArn: z.custom<pulumi.Input<string>>().optional().describe("KMS key of the models bucket when SSE-KMS. Default none."),
  registryPrefix: z.custom<pulumi.Input<string>>().optional().describe("What `<registry>` in images resolves to. Default none."),
  vpcId: z.custom<pulumi.Input<string>>().optional().describe("VPC of the cluster, for the AWS Load Balancer Controller. Default: the cluster handle's vpcId; one of them is required when a model is exposed."),
  region: z.string().refine(isAwsRegion, "must be an AWS region such as us-east-1 (lib/regions.ts)").describe("AWS region."),
  environment: z.string().min(1).describe("Environment name, reported to Sentry."),
  sentryDsn: input<string>("sentryDsn").optional().describe("Sentry DSN, a secret. Default none."),
  tags: awsTags.default({}),
});

// tsc proves every argument the interface (model-serving.ts) allows is one the schema's input type takes.
export const acceptsEveryModelServingArgs = (a: ModelServingArgs): z.input<typeof ModelServingArgsSchema> => a;

/** Cross-field rules (components/serving/checks.ts servingProblems), without what only the stack knows (its GPU pools and repositories). */
export function modelServingProblems(_name: string, s: z.output<typeof ModelServingArgsSchema>): ArgProblem[] {
  const ctx: ServingContext = { repositories: s.registryPrefix === undefined ? undefined : "any" };
  const problems: ArgProblem[] = servingProblems(s.settings, ctx).map((p) => ({ path: `settings.${p.path.map((x) => (typeof x === "number" ? `[${x}]` : x)).join(".").replace(/\.\[/g, "[")}`, value: p.value, message: p.message }));
  const exposed = s.settings.models.some((m) => m.exposure.type !== "cluster");
  if (exposed && s.vpcId === undefined && s.cluster.vpcId === undefined)
    problems.push({ path: "vpcId", value: undefined, message: "is required (here or as the cluster handle's vpcId): a model is exposed through a load balancer, and the AWS Load Balancer Controller needs the VPC" });
  return problems;
}
