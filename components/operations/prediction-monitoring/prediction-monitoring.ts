import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { withStageLabel } from "../../../lib/tags";
import { validateArgs } from "../../../lib/validate";
import { IrsaRole } from "../../compute/irsa";
import { predictionMonitorPolicy } from "./iam";
import {
  PREDICTION_MONITORING_NAMESPACE,
  PREDICTION_MONITOR_SERVICE_ACCOUNT,
  predictionMonitorCronJob,
  predictionMonitorNamespace,
  predictionMonitorServiceAccount,
  s3Uri,
} from "./manifests";
import type { PredictionMonitoringArgs } from "./prediction-monitoring.args";
import { jobRole } from "./prediction-monitoring.footprint";
import { PredictionMonitoringArgsSchema, predictionMonitoringProblems } from "./prediction-monitoring.schema";

export type { PredictionMonitoringArgs };

export const PREDICTION_MONITORING_TYPE = "mlplatform:operations:PredictionMonitoring";

/**
 * Scheduled drift and prediction-quality reports: a CronJob running the
 * team's report image with its own IRSA role, which may read the logged
 * predictions and write reports, and touch nothing else.
 */
export class PredictionMonitoring extends pulumi.ComponentResource {
  public readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: PredictionMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before anything is declared: a bad argument throws ComponentArgsError naming it.
    const s = validateArgs(PREDICTION_MONITORING_TYPE, name, PredictionMonitoringArgsSchema, args, predictionMonitoringProblems);
    // Every Kubernetes object it declares carries the stage label when its tags state a stage (lib/tags.ts).
    super(
      PREDICTION_MONITORING_TYPE,
      name,
      {},
      { ...opts, transformations: [...(opts?.transformations ?? []), (t) => ({ props: withStageLabel(t.type, t.props, s.tags.stage), opts: t.opts })] },
    );
    const predictionsPrefix = s.predictionsPrefix;
    const reportsPrefix = s.reportsPrefix;

    const role = new IrsaRole(
      jobRole(name),
      {
        oidcProviderArn: s.cluster.oidcProviderArn,
        oidcIssuerUrl: s.cluster.oidcIssuerUrl,
        namespace: PREDICTION_MONITORING_NAMESPACE,
        serviceAccount: PREDICTION_MONITOR_SERVICE_ACCOUNT,
        inlinePolicy: pulumi
          .all([s.bucketArn, s.kmsKeyArn, s.region])
          .apply(([bucketArn, kmsKeyArn, region]) =>
            JSON.stringify(predictionMonitorPolicy({ bucketArn, predictionsPrefix, reportsPrefix, kmsKeyArn, region })),
          ),
        tags: s.tags,
      },
      { parent: this },
    );

    const k8s = { parent: this, provider: s.cluster.provider, dependsOn: s.cluster.ready };
    const ns = new kubernetes.core.v1.Namespace(`${name}-ns`, predictionMonitorNamespace(), k8s);
    const sa = new kubernetes.core.v1.ServiceAccount(`${name}-sa`, predictionMonitorServiceAccount(role.roleArn), {
      ...k8s,
      dependsOn: [...s.cluster.ready, ns],
    });
    const bucket = pulumi.output(s.bucketName);
    new kubernetes.batch.v1.CronJob(
      `${name}-cronjob`,
      predictionMonitorCronJob({
        image: s.image,
        args: s.args,
        schedule: s.schedule,
        predictionsUri: bucket.apply((b) => s3Uri(b, predictionsPrefix)),
        reportsUri: bucket.apply((b) => s3Uri(b, reportsPrefix)),
        region: s.region,
        environment: s.environment,
        cpuMillis: s.cpuMillis,
        memoryMiB: s.memoryMiB,
        timeoutHours: s.timeoutHours,
      }),
      { ...k8s, dependsOn: [...s.cluster.ready, sa] },
    );

    this.roleArn = role.roleArn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
