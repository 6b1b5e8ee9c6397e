// Generated from components/serving/model-serving.schema.ts by `npm run generate`: edit the schema, not this file.
import type { ClusterHandle } from "../compute/cluster-handle";
import type * as pulumi from "@pulumi/pulumi";

/** One step of a canary: a share of traffic, held for a while. */
export interface CanaryStep {
  /** Share of traffic the new version takes, percent. */
  weight: number;
  /** Minutes it holds that share while the analysis watches it. */
  pauseMinutes: number;
}

/** How a canary release moves traffic and what aborts it. */
export interface CanaryInput {
  /**
   * The shares of traffic the new version takes in turn, each held `pauseMinutes`; after the last
   * it takes all of it. Default [{"weight":10,"pauseMinutes":10},{"weight":50,"pauseMinutes":10}].
   */
  steps?: CanaryStep[] | undefined;
  /**
   * Query Prometheus during the steps and abort the release (all traffic back to the stable
   * version) when it fails. Default true.
   */
  analysis?: boolean | undefined;
  /**
   * Share of the new version's requests answered 5xx above which a measurement fails (the
   * ServingHighErrorRate expression). Default 0.05.
   */
  maxErrorRatio?: number | undefined;
  /**
   * p95 latency of the new version above which a measurement fails (the ServingHighLatency
   * expression). Default 1.
   */
  maxLatencySeconds?: number | undefined;
  /**
   * Failed measurements tolerated before the release is aborted (one more aborts it). Measurements
   * come once a minute but each looks at the last 5 minutes, so one bad minute can fail about 5 in
   * a row: 1 aborts on a single bad minute; about 5 or more rides one out. Default 1.
   */
  failureLimit?: number | undefined;
}

/** One colour of a blue/green model: what it runs and how many replicas. */
export interface ColorRelease {
  /** Image: `<registry>/<repository>:<tag>` or a full reference with a tag or digest. */
  image?: string | undefined;
  /** Model artifacts: `s3://<models-bucket>/<model prefix>...`. */
  modelUri?: string | undefined;
  /** Replicas; 0 keeps the colour at zero pods (no GPU cost). */
  replicas: number;
}

/** How a model's Service is reached: inside the cluster, or through an NLB. */
export interface ModelExposureInput {
  /**
   * "cluster" (a ClusterIP Service only), "internal" NLB or "public" NLB (needs sourceRanges).
   * Default "cluster".
   */
  type?: "cluster" | "internal" | "public" | undefined;
  /** CIDRs allowed to reach the load balancer (required for public). Default none. */
  sourceRanges?: string[] | undefined;
}

/** A model to serve. */
export interface ModelInput {
  /** DNS label: names the Deployments, Services and the IRSA role. */
  name: string;
  /** Before blue/green, and with a canary: the image. */
  image?: string | undefined;
  /** Before blue/green, and with a canary: the model artifacts. */
  modelUri?: string | undefined;
  /** Before blue/green, and with a canary: replicas. Default 1. */
  replicas?: number | undefined;
  /**
   * Series B: how a new version reaches traffic: "blueGreen" (two colours, a flip) or "canary"
   * (Argo Rollouts: a share of traffic, analysed, then all). Default "blueGreen".
   */
  release?: "blueGreen" | "canary" | undefined;
  /** Canary steps and analysis (with release: "canary"). Default: every field's default. */
  canary?: CanaryInput | undefined;
  /** Blue/green: the colour the live Service selects (required there). */
  activeColor?: "blue" | "green" | undefined;
  /** Blue/green: the blue release. */
  blue?: ColorRelease | undefined;
  /** Blue/green: the green release. */
  green?: ColorRelease | undefined;
  /** Container port of the model server. Default 8080. */
  port?: number | undefined;
  /** CPU request per pod ("2", "500m"). Default "1". */
  cpu?: string | number | undefined;
  /** Memory request per pod ("8Gi"). Default "4Gi". */
  memory?: string | undefined;
  /** CPU limit. Default: the request. */
  cpuLimit?: string | number | undefined;
  /** Memory limit. Default: the request. */
  memoryLimit?: string | undefined;
  /** NVIDIA GPUs per pod; 0 runs on the CPU system pool. Default 0. */
  gpus?: number | undefined;
  /** GPU pool the pods run on (required when gpus > 0; the stack picks the cluster's first pool). */
  gpuPool?: string | undefined;
  /** Liveness and startup probe path. Default "/health". */
  healthPath?: string | undefined;
  /** Readiness probe path. Default: healthPath. */
  readinessPath?: string | undefined;
  /** Longest a pod may take to load its model. Default 600. */
  startupTimeoutSeconds?: number | undefined;
  /** preStop pause before shutdown. Default 15. */
  drainSeconds?: number | undefined;
  /** Time after SIGTERM to finish in-flight requests. Default 30. */
  shutdownSeconds?: number | undefined;
  /** HPA maximum per colour (required with autoscaling). */
  maxReplicas?: number | undefined;
  /** HPA target, percent of the CPU request. Default 70. */
  targetCpuUtilization?: number | undefined;
  /** How the model is reached. Default: inside the cluster only. */
  exposure?: ModelExposureInput | undefined;
  /** Prefix in the models bucket the model may read. Default "<name>/". */
  prefix?: string | undefined;
}

/** Model serving's settings: the namespace, stage features, its GPU quota and the models. */
export interface ServingSettingsInput {
  /** Namespace of every serving object. Default "serving". */
  namespace?: string | undefined;
  /** Two Deployments per model (blue/green) and a preview Service. Default false. */
  blueGreen?: boolean | undefined;
  /** A PodDisruptionBudget and a HorizontalPodAutoscaler per running colour. Default false. */
  autoscaling?: boolean | undefined;
  /** GPUs the namespace may request at once (its ResourceQuota). Default 0. */
  maxGpus?: number | undefined;
  /** IAM roles given read-only access to the serving namespace. Default none. */
  viewerRoleArns?: string[] | undefined;
  /** The models to serve. Default none. */
  models?: ModelInput[] | undefined;
  /** Sentry DSN (a secret). */
  sentryDsn?: string | undefined;
}

/** The arguments of a ModelServing. */
export interface ModelServingArgs {
  /** The cluster to deploy into. */
  cluster: ClusterHandle;
  /** Models, stage features and the namespace quota. Default: every field's default. */
  settings?: ServingSettingsInput | undefined;
  /** The models bucket. */
  modelsBucket: { name: pulumi.Input<string>; arn: pulumi.Input<string> };
  /** KMS key of the models bucket when SSE-KMS. Default none. */
  modelsBucketKmsKeyArn?: pulumi.Input<string> | undefined;
  /** What `<registry>` in images resolves to. Default none. */
  registryPrefix?: pulumi.Input<string> | undefined;
  /**
   * VPC of the cluster, for the AWS Load Balancer Controller. Default: the cluster handle's vpcId;
   * one of them is required when a model is exposed.
   */
  vpcId?: pulumi.Input<string> | undefined;
  /**
   * Prometheus the canary analysis queries (Monitoring's, in the cluster). Required when a model
   * releases by canary with analysis. Default none.
   */
  prometheusUrl?: string | undefined;
  /** AWS region. */
  region: pulumi.Input<string>;
  /** Environment name, reported to Sentry. */
  environment: string;
  /** Sentry DSN, a secret. Default none. */
  sentryDsn?: pulumi.Input<string> | undefined;
  /**
   * Tags for every resource the component creates (cost allocation: owner, costCenter,
   * environment). Default none.
   */
  tags?: Record<string, string> | undefined;
  /**
   * The company's stage (poc, mvp or seriesb), written as the `stage` tag on every AWS resource the
   * component tags, so the policy pack applies that stage's limits. Default: none (a `stage` in
   * tags, or the AWS provider's defaultTags, still counts).
   */
  stage?: "poc" | "mvp" | "seriesb" | undefined;
}

/** How a canary release moves traffic and what aborts it. Parsed: every default applied. */
export interface CanarySettings {
  /**
   * The shares of traffic the new version takes in turn, each held `pauseMinutes`; after the last
   * it takes all of it.
   */
  steps: CanaryStep[];
  /**
   * Query Prometheus during the steps and abort the release (all traffic back to the stable
   * version) when it fails.
   */
  analysis: boolean;
  /**
   * Share of the new version's requests answered 5xx above which a measurement fails (the
   * ServingHighErrorRate expression).
   */
  maxErrorRatio: number;
  /**
   * p95 latency of the new version above which a measurement fails (the ServingHighLatency
   * expression).
   */
  maxLatencySeconds: number;
  /**
   * Failed measurements tolerated before the release is aborted (one more aborts it). Measurements
   * come once a minute but each looks at the last 5 minutes, so one bad minute can fail about 5 in
   * a row: 1 aborts on a single bad minute; about 5 or more rides one out.
   */
  failureLimit: number;
}

/**
 * How a model's Service is reached: inside the cluster, or through an NLB. Parsed: every default
 * applied.
 */
export interface ModelExposure {
  /** "cluster" (a ClusterIP Service only), "internal" NLB or "public" NLB (needs sourceRanges). */
  type: "cluster" | "internal" | "public";
  /** CIDRs allowed to reach the load balancer (required for public). */
  sourceRanges: string[];
}

/** A model to serve. Parsed: every default applied. */
export interface ModelSettings {
  /** DNS label: names the Deployments, Services and the IRSA role. */
  name: string;
  /** Before blue/green, and with a canary: the image. */
  image?: string | undefined;
  /** Before blue/green, and with a canary: the model artifacts. */
  modelUri?: string | undefined;
  /** Before blue/green, and with a canary: replicas. Default 1. */
  replicas?: number | undefined;
  /**
   * Series B: how a new version reaches traffic: "blueGreen" (two colours, a flip) or "canary"
   * (Argo Rollouts: a share of traffic, analysed, then all).
   */
  release: "blueGreen" | "canary";
  /** Canary steps and analysis (with release: "canary"). */
  canary: CanarySettings;
  /** Blue/green: the colour the live Service selects (required there). */
  activeColor?: "blue" | "green" | undefined;
  /** Blue/green: the blue release. */
  blue?: ColorRelease | undefined;
  /** Blue/green: the green release. */
  green?: ColorRelease | undefined;
  /** Container port of the model server. */
  port: number;
  /** CPU request per pod ("2", "500m"). */
  cpu: string;
  /** Memory request per pod ("8Gi"). */
  memory: string;
  /** CPU limit. Default: the request. */
  cpuLimit?: string | undefined;
  /** Memory limit. Default: the request. */
  memoryLimit?: string | undefined;
  /** NVIDIA GPUs per pod; 0 runs on the CPU system pool. */
  gpus: number;
  /** GPU pool the pods run on (required when gpus > 0; the stack picks the cluster's first pool). */
  gpuPool?: string | undefined;
  /** Liveness and startup probe path. */
  healthPath: string;
  /** Readiness probe path. Default: healthPath. */
  readinessPath?: string | undefined;
  /** Longest a pod may take to load its model. */
  startupTimeoutSeconds: number;
  /** preStop pause before shutdown. */
  drainSeconds: number;
  /** Time after SIGTERM to finish in-flight requests. */
  shutdownSeconds: number;
  /** HPA maximum per colour (required with autoscaling). */
  maxReplicas?: number | undefined;
  /** HPA target, percent of the CPU request. */
  targetCpuUtilization: number;
  /** How the model is reached. Default: inside the cluster only. */
  exposure: ModelExposure;
  /** Prefix in the models bucket the model may read. Default "<name>/". */
  prefix: string;
}

/**
 * Model serving's settings: the namespace, stage features, its GPU quota and the models. Parsed:
 * every default applied.
 */
export interface ServingSettings {
  /** Namespace of every serving object. */
  namespace: string;
  /** Two Deployments per model (blue/green) and a preview Service. */
  blueGreen: boolean;
  /** A PodDisruptionBudget and a HorizontalPodAutoscaler per running colour. */
  autoscaling: boolean;
  /** GPUs the namespace may request at once (its ResourceQuota). */
  maxGpus: number;
  /** IAM roles given read-only access to the serving namespace. */
  viewerRoleArns: string[];
  /** The models to serve. */
  models: ModelSettings[];
  /** Sentry DSN (a secret). */
  sentryDsn?: string | undefined;
}
