import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle } from "../compute/cluster-handle";
import { IrsaRole } from "../compute/irsa";
import { predictionMonitorPolicy } from "../../lib/operations/policies";
import {
  PREDICTION_MONITORING_NAMESPACE,
  PREDICTION_MONITOR_SERVICE_ACCOUNT,
  predictionMonitorCronJob,
  predictionMonitorNamespace,
  predictionMonitorServiceAccount,
  s3Uri,
} from "../../lib/operations/prediction-monitoring";

export interface PredictionMonitoringArgs {
  /** The cluster to run in. Required. */
  cluster: ClusterHandle;
  /** Name of the artifact bucket holding the predictions. Required. */
  bucketName: pulumi.Input<string>;
  /** Its ARN. Required. */
  bucketArn: pulumi.Input<string>;
  /** The bucket's KMS key when it is SSE-KMS encrypted. Default none (SSE-S3). */
  kmsKeyArn?: pulumi.Input<string> | undefined;
  /** The stack's region. Required. */
  region: string;
  /** Environment name, passed to the image. Required. */
  environment: string;
  /** The report image (pinned tag or digest). Required. */
  image: string;
  /** Arguments for the image. Default none. */
  args?: string[];
  /** Cron schedule. Default "0 6 * * *". */
  schedule?: string;
  /** Prefix the job may read. Default "predictions/". */
  predictionsPrefix?: string;
  /** Prefix the job may write. Default "prediction-reports/". */
  reportsPrefix?: string;
  /** CPU request, millicores. Default 500. */
  cpuMillis?: number;
  /** Memory request and limit, MiB. Default 2048. */
  memoryMiB?: number;
  /** Hours before a run is stopped. Default 2. */
  timeoutHours?: number;
  /** Tags for the IAM role. Default none. */
  tags?: Record<string, string>;
}

/**
 * Scheduled drift and prediction-quality reports: a CronJob running the
 * team's report image with its own IRSA role, which may read the logged
 * predictions and write reports, and touch nothing else.
 */
export class PredictionMonitoring extends pulumi.ComponentResource {
  public readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: PredictionMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlplatform:operations:PredictionMonitoring", name, {}, opts);
    const predictionsPrefix = args.predictionsPrefix ?? "predictions/";
    const reportsPrefix = args.reportsPrefix ?? "prediction-reports/";

    const role = new IrsaRole(`${name}-irsa`, {
      oidcProviderArn: args.cluster.oidcProviderArn,
      oidcIssuerUrl: args.cluster.oidcIssuerUrl,
      namespace: PREDICTION_MONITORING_NAMESPACE,
      serviceAccount: PREDICTION_MONITOR_SERVICE_ACCOUNT,
      inlinePolicy: pulumi
        .all([args.bucketArn, args.kmsKeyArn])
        .apply(([bucketArn, kmsKeyArn]) => JSON.stringify(predictionMonitorPolicy({ bucketArn, predictionsPrefix, reportsPrefix, kmsKeyArn, region: args.region }))),
      tags: args.tags,
    }, { parent: this });

    const k8s = { parent: this, provider: args.cluster.provider, dependsOn: args.cluster.ready };
    const ns = new kubernetes.core.v1.Namespace(`${name}-ns`, predictionMonitorNamespace(), k8s);
    const sa = new kubernetes.core.v1.ServiceAccount(`${name}-sa`, predictionMonitorServiceAccount(role.roleArn), { ...k8s, dependsOn: [...args.cluster.ready, ns] });
    const bucket = pulumi.output(args.bucketName);
    new kubernetes.batch.v1.CronJob(`${name}-cronjob`, predictionMonitorCronJob({
      image: args.image,
      args: args.args ?? [],
      schedule: args.schedule ?? "0 6 * * *",
      predictionsUri: bucket.apply((b) => s3Uri(b, predictionsPrefix)),
      reportsUri: bucket.apply((b) => s3Uri(b, reportsPrefix)),
      region: args.region,
      environment: args.environment,
      cpuMillis: args.cpuMillis ?? 500,
      memoryMiB: args.memoryMiB ?? 2048,
      timeoutHours: args.timeoutHours ?? 2,
    }), { ...k8s, dependsOn: [...args.cluster.ready, sa] });

    this.roleArn = role.roleArn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
