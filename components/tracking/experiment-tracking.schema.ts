/**
 * What ExperimentTracking accepts, as zod schemas: the single source of truth
 * for its Args (validated in its constructor), their defaults and
 * descriptions, and the `tracking` stack-config overrides (config/schema.ts).
 */
import type * as pulumi from "@pulumi/pulumi";
import { pinnedImageProblem } from "../../lib/image-ref";
import { z } from "zod";
import { isAwsRegion } from "../../lib/regions";
import { cpuMillis, memoryMiB } from "../serving/settings";
import { MLFLOW_IMAGE } from "./settings";
import { ArgProblem, awsTags, stageArg, schemaMatches, withType, pulumiInput, PULUMI_STRING } from "../../lib/validate";
import type { ClusterHandle } from "../compute/cluster-handle";
import { ownNamespaceName, quantity } from "../serving/model-serving.schema";
import type { ExperimentTrackingArgs } from "./experiment-tracking.args";

/** The settings of an ExperimentTracking: the single source of truth for its Args and for the `tracking` stack config. */
export const ExperimentTrackingSettings = withType(
  z.strictObject({
    namespace: ownNamespaceName.describe("Namespace of the tracking server.").default("mlflow"),
    image: z
      .string()
      .superRefine((i, ctx) => {
        const why = pinnedImageProblem(i);
        if (why) ctx.addIssue({ code: "custom", message: `${why} (the server must contain psycopg2 and boto3)` });
      })
      .describe("The MLflow server image, pinned (it must contain psycopg2 and boto3).")
      .default(MLFLOW_IMAGE),
    replicas: z
      .number()
      .int("replicas must be a whole number")
      .min(1, "replicas must be at least 1")
      .max(5, "replicas is at most 5: the server is stateless, more do not help")
      .describe("Server replicas (2+ get a PodDisruptionBudget).")
      .default(1),
    workers: z.number().int().min(1, "workers must be at least 1").max(16, "workers is at most 16").describe("uvicorn workers per replica.").default(2),
    cpu: quantity.describe('CPU request per replica ("500m").').prefault("250m"),
    memory: z.string().describe('Memory request per replica ("1Gi").').default("1Gi"),
    memoryLimit: z.string().describe('Memory limit per replica ("2Gi"), at least the request.').default("2Gi"),
    artifactPrefix: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*\/$/, 'must be a key prefix ending in "/", such as "mlflow/"')
      .describe("Prefix in the bucket for MLflow's artifacts.")
      .default("mlflow/"),
  }),
  {
    typeName: "TrackingSettingsInput",
    outputTypeName: "TrackingSettings",
    home: "components/tracking/experiment-tracking.args.ts",
    doc: "The MLflow tracking server's settings.",
  },
);
export type ExperimentTrackingSettings = z.output<typeof ExperimentTrackingSettings>;

/** The backend store, as a MetadataStore exposes it. */
interface BackendStore {
  address: pulumi.Input<string>;
  port: pulumi.Input<number>;
  databaseName: string;
  username: string;
  password: pulumi.Input<string>;
}

/** Everything ExperimentTracking accepts. */
export const ExperimentTrackingArgsSchema = z.strictObject({
  cluster: withType(
    z.custom<ClusterHandle>((c) => typeof c === "object" && c !== null && "provider" in c, "must be a ClusterHandle"),
    { type: "ClusterHandle", imports: { ClusterHandle: "components/compute/cluster-handle.ts" } },
  ).describe("The cluster to deploy into."),
  settings: ExperimentTrackingSettings.prefault({}).describe("Image, replicas, sizes and the artifact prefix."),
  database: withType(
    z.custom<BackendStore>(
      (d) => typeof d === "object" && d !== null && ["address", "port", "databaseName", "username", "password"].every((k) => k in d),
      "must be { address, port, databaseName, username, password } of the MetadataStore",
    ),
    {
      type: "{ address: pulumi.Input<string>; port: pulumi.Input<number>; databaseName: string; username: string; password: pulumi.Input<string> }",
      imports: { pulumi: "@pulumi/pulumi" },
    },
  ).describe("The backend store: the MetadataStore's address, port, database name, user name and password."),
  artifactsBucket: withType(
    z.custom<{ name: pulumi.Input<string>; arn: pulumi.Input<string> }>(
      (b) => typeof b === "object" && b !== null && "name" in b && "arn" in b,
      "must be { name, arn } of the bucket",
    ),
    { type: "{ name: pulumi.Input<string>; arn: pulumi.Input<string> }", imports: { pulumi: "@pulumi/pulumi" } },
  ).describe("Bucket the artifacts go to."),
  artifactsBucketKmsKeyArn: withType(z.custom<pulumi.Input<string>>(), PULUMI_STRING).optional().describe("KMS key of that bucket when SSE-KMS. Default none."),
  region: pulumiInput(z.string().refine(isAwsRegion, "must be an AWS region such as us-east-1 (lib/regions.ts)")).describe("AWS region."),
  tags: awsTags.default({}),
  stage: stageArg,
});

// tsc proves the generated interface (experiment-tracking.args.ts) and the schema accept the same arguments.
schemaMatches<ExperimentTrackingArgs, z.input<typeof ExperimentTrackingArgsSchema>>(true);

/** Quantities that must parse, and a limit below the request (pure; config/resolve.ts runs it too). */
export function experimentTrackingSettingsProblems(t: ExperimentTrackingSettings, prefix = ""): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if ((cpuMillis(t.cpu) ?? 0) <= 0) problems.push({ path: `${prefix}cpu`, value: t.cpu, message: 'must be a CPU quantity such as "250m" or "1"' });
  const mem = memoryMiB(t.memory);
  if (mem === undefined || mem <= 0)
    problems.push({ path: `${prefix}memory`, value: t.memory, message: 'must be a memory quantity with a unit, such as "1Gi"' });
  const limit = memoryMiB(t.memoryLimit);
  if (limit === undefined || (mem !== undefined && limit < mem))
    problems.push({ path: `${prefix}memoryLimit`, value: t.memoryLimit, message: `must be a memory quantity of at least the memory request (${t.memory})` });
  return problems;
}

export function experimentTrackingProblems(_name: string, s: z.output<typeof ExperimentTrackingArgsSchema>): ArgProblem[] {
  return experimentTrackingSettingsProblems(s.settings, "settings.");
}
