// Generated from components/tracking/experiment-tracking.schema.ts by `npm run generate`: edit the schema, not this file.
import type { ClusterHandle } from "../compute/cluster-handle";
import type * as pulumi from "@pulumi/pulumi";

/** The MLflow tracking server's settings. */
export interface TrackingSettingsInput {
  /** Namespace of the tracking server. Default "mlflow". */
  namespace?: string | undefined;
  /**
   * The MLflow server image, pinned (it must contain psycopg2 and boto3). Default
   * "ghcr.io/mlflow/mlflow:v3.16.1-full".
   */
  image?: string | undefined;
  /** Server replicas (2+ get a PodDisruptionBudget). Default 1. */
  replicas?: number | undefined;
  /** uvicorn workers per replica. Default 2. */
  workers?: number | undefined;
  /** CPU request per replica ("500m"). Default "250m". */
  cpu?: string | number | undefined;
  /** Memory request per replica ("1Gi"). Default "1Gi". */
  memory?: string | undefined;
  /** Memory limit per replica ("2Gi"), at least the request. Default "2Gi". */
  memoryLimit?: string | undefined;
  /** Prefix in the bucket for MLflow's artifacts. Default "mlflow/". */
  artifactPrefix?: string | undefined;
}

/** The arguments of an ExperimentTracking. */
export interface ExperimentTrackingArgs {
  /** The cluster to deploy into. */
  cluster: ClusterHandle;
  /** Image, replicas, sizes and the artifact prefix. Default: every field's default. */
  settings?: TrackingSettingsInput | undefined;
  /** The backend store: the MetadataStore's address, port, database name, user name and password. */
  database: { address: pulumi.Input<string>; port: pulumi.Input<number>; databaseName: string; username: string; password: pulumi.Input<string> };
  /** Bucket the artifacts go to. */
  artifactsBucket: { name: pulumi.Input<string>; arn: pulumi.Input<string> };
  /** KMS key of that bucket when SSE-KMS. Default none. */
  artifactsBucketKmsKeyArn?: pulumi.Input<string> | undefined;
  /** AWS region. */
  region: pulumi.Input<string>;
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

/** The MLflow tracking server's settings. Parsed: every default applied. */
export interface TrackingSettings {
  /** Namespace of the tracking server. */
  namespace: string;
  /** The MLflow server image, pinned (it must contain psycopg2 and boto3). */
  image: string;
  /** Server replicas (2+ get a PodDisruptionBudget). */
  replicas: number;
  /** uvicorn workers per replica. */
  workers: number;
  /** CPU request per replica ("500m"). */
  cpu: string;
  /** Memory request per replica ("1Gi"). */
  memory: string;
  /** Memory limit per replica ("2Gi"), at least the request. */
  memoryLimit: string;
  /** Prefix in the bucket for MLflow's artifacts. */
  artifactPrefix: string;
}
