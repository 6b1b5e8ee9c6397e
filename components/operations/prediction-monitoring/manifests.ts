import { systemNodeLabels } from "../../compute/labels";
import { normalisePrefix } from "./iam";

export const PREDICTION_MONITORING_NAMESPACE = "prediction-monitoring";
export const PREDICTION_MONITOR_SERVICE_ACCOUNT = "prediction-monitor";
/** UID/GID the job runs as: not root, and the same for every image. */
export const PREDICTION_MONITOR_UID = 65532;

/** `T` is string in tests and may be a Pulumi output in the component (the bucket's name is one). */
export interface PredictionMonitorJobInput<T = string> {
  image: string;
  args: string[];
  schedule: string;
  /** s3://bucket/predictions/ (s3Uri). */
  predictionsUri: T;
  /** s3://bucket/prediction-reports/ (s3Uri). */
  reportsUri: T;
  region: T;
  environment: string;
  cpuMillis: number;
  memoryMiB: number;
  timeoutHours: number;
}

/** One workload on the system pool, as the capacity check counts it (components/compute/capacity.ts contract). */
export interface SystemWorkload {
  name: string;
  replicas: number;
  cpuMillis: number;
  memoryMiB: number;
}

/**
 * The pods prediction monitoring puts on the system pool: one job pod at a
 * time (concurrencyPolicy Forbid), while it runs. Empty without an image.
 */
export function predictionMonitoringSystemWorkloads(s: { image: string; cpuMillis: number; memoryMiB: number }): SystemWorkload[] {
  return s.image ? [{ name: "prediction-monitor", replicas: 1, cpuMillis: s.cpuMillis, memoryMiB: s.memoryMiB }] : [];
}

/** s3://<bucket>/<prefix>/ */
export function s3Uri(bucketName: string, prefix: string): string {
  return `s3://${bucketName}/${normalisePrefix(prefix)}`;
}

/** The environment the report image gets: where to read, where to write. */
export function predictionMonitorEnv<T>(j: Pick<PredictionMonitorJobInput<T>, "predictionsUri" | "reportsUri" | "region" | "environment">) {
  return [
    { name: "PREDICTIONS_URI", value: j.predictionsUri },
    { name: "REPORTS_URI", value: j.reportsUri },
    { name: "AWS_REGION", value: j.region },
    { name: "AWS_DEFAULT_REGION", value: j.region },
    { name: "ML_PLATFORM_ENVIRONMENT", value: j.environment },
    // The root filesystem is read-only: libraries that cache under $HOME write to /tmp.
    { name: "HOME", value: "/tmp" },
  ];
}

export function predictionMonitorNamespace() {
  return {
    apiVersion: "v1" as const,
    kind: "Namespace" as const,
    metadata: {
      name: PREDICTION_MONITORING_NAMESPACE,
      // Pod Security Admission: the job meets the "restricted" profile.
      labels: { "pod-security.kubernetes.io/enforce": "restricted", "app.kubernetes.io/part-of": "ml-platform" },
    },
  };
}

export function predictionMonitorServiceAccount<T = string>(roleArn: T) {
  return {
    apiVersion: "v1" as const,
    kind: "ServiceAccount" as const,
    metadata: {
      name: PREDICTION_MONITOR_SERVICE_ACCOUNT,
      namespace: PREDICTION_MONITORING_NAMESPACE,
      annotations: { "eks.amazonaws.com/role-arn": roleArn },
    },
  };
}

/**
 * The CronJob: one run at a time, a missed run is skipped after an hour,
 * a run is stopped after timeoutHours, finished Jobs are cleaned up after a
 * week, and the pod runs on the system pool as a non-root user with a
 * read-only root filesystem (scratch space in /tmp).
 */
export function predictionMonitorCronJob<T = string>(j: PredictionMonitorJobInput<T>) {
  const labels = { "app.kubernetes.io/name": "prediction-monitor", "app.kubernetes.io/part-of": "ml-platform" };
  return {
    apiVersion: "batch/v1" as const,
    kind: "CronJob" as const,
    metadata: { name: "prediction-monitor", namespace: PREDICTION_MONITORING_NAMESPACE, labels },
    spec: {
      schedule: j.schedule,
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels },
        spec: {
          backoffLimit: 2,
          activeDeadlineSeconds: j.timeoutHours * 3600,
          ttlSecondsAfterFinished: 7 * 24 * 3600,
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: PREDICTION_MONITOR_SERVICE_ACCOUNT,
              restartPolicy: "Never",
              nodeSelector: systemNodeLabels(),
              securityContext: {
                runAsNonRoot: true,
                runAsUser: PREDICTION_MONITOR_UID,
                runAsGroup: PREDICTION_MONITOR_UID,
                fsGroup: PREDICTION_MONITOR_UID,
                seccompProfile: { type: "RuntimeDefault" },
              },
              containers: [
                {
                  name: "report",
                  image: j.image,
                  args: j.args,
                  env: predictionMonitorEnv(j),
                  resources: {
                    requests: { cpu: `${j.cpuMillis}m`, memory: `${j.memoryMiB}Mi` },
                    limits: { memory: `${j.memoryMiB}Mi` },
                  },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ["ALL"] },
                  },
                  volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                },
              ],
              volumes: [{ name: "tmp", emptyDir: { sizeLimit: "2Gi" } }],
            },
          },
        },
      },
    },
  };
}
