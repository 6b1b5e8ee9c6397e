// Generated from components/operations/prediction-monitoring/prediction-monitoring.schema.ts by `npm run generate`: edit the schema, not this file.
import type { ClusterHandle } from "../../compute/cluster-handle";
import type * as pulumi from "@pulumi/pulumi";

/** The arguments of a PredictionMonitoring. */
export interface PredictionMonitoringArgs {
  /** The report image (yours: Evidently, whylogs, a notebook runner), pinned by tag or digest. */
  image: string;
  /** Arguments passed to the image. Default none. */
  args?: string[] | undefined;
  /** Kubernetes cron schedule, UTC: 5 fields ("0 6 * * *") or a macro (@daily). Default "0 6 * * *". */
  schedule?: string | undefined;
  /**
   * Prefix the serving layer logs predictions under; the job may only read there. Default
   * "predictions/".
   */
  predictionsPrefix?: string | undefined;
  /**
   * Prefix the job writes its reports to; the job may only write there. Default
   * "prediction-reports/".
   */
  reportsPrefix?: string | undefined;
  /** CPU request of the job's pod, millicores (system pool). Default 500. */
  cpuMillis?: number | undefined;
  /** Memory request and limit of the job's pod, MiB. Default 2048. */
  memoryMiB?: number | undefined;
  /** Hours after which a run is stopped (the Job's activeDeadlineSeconds). Default 2. */
  timeoutHours?: number | undefined;
  /** The cluster to run in. */
  cluster: ClusterHandle;
  /** Name of the artifact bucket holding the predictions. */
  bucketName: pulumi.Input<string>;
  /** Its ARN. */
  bucketArn: pulumi.Input<string>;
  /** The bucket's KMS key when it is SSE-KMS encrypted. Default none (SSE-S3). */
  kmsKeyArn?: pulumi.Input<string> | undefined;
  /** The stack's region. */
  region: pulumi.Input<string>;
  /** Environment name, passed to the image. */
  environment: string;
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
