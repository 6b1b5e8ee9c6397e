import { cpuMillis, memoryMiB } from "../serving/settings";
import type { SystemWorkload } from "../compute/capacity";

/**
 * The MLflow image: the upstream `-full` variant, which bundles the database
 * drivers (psycopg2 and psycopg 3) and the cloud storage clients (boto3);
 * the plain upstream image has neither. `-full` tags exist from MLflow 3.9.0
 * on (mlflow/mlflow docker/README.md and Dockerfile.full, which installs
 * `mlflow[extras,azure,db,gateway,genai,auth]`); 3.16.1 is the newest
 * release the release notes list (2026-09-15, mlflow/mlflow-website#730),
 * checked 2026-11-23. 3.5.0+ validates the Host header (`--allowed-hosts`).
 */
export const MLFLOW_IMAGE = "ghcr.io/mlflow/mlflow:v3.16.1-full";
export const MLFLOW_PORT = 5000;

import type { TrackingSettings } from "./experiment-tracking.args";

export type { TrackingSettings };

export const TRACKING_NAMES = { serviceAccount: "mlflow", deployment: "mlflow", service: "mlflow", secret: "mlflow-backend-store", secretKey: "uri" } as const;

/**
 * SQLAlchemy URI of the MetadataStore for MLflow, with psycopg2 and TLS
 * required (the database's parameter group forces SSL). The password is
 * percent-encoded: RDS passwords here may contain `#`, `%`, `:`, `?` and
 * brackets, which would otherwise break the URI. Secret: it only ever goes
 * into a Kubernetes Secret.
 */
export function backendStoreUri(db: { username: string; password: string; host: string; port: number; database: string }): string {
  return `postgresql+psycopg2://${encodeURIComponent(db.username)}:${encodeURIComponent(db.password)}@${db.host}:${db.port}/${db.database}?sslmode=require`;
}

/** `s3://bucket/mlflow` (no trailing slash: MLflow joins paths itself). */
export function artifactsDestination(bucket: string, prefix: string): string {
  return `s3://${bucket}/${prefix.replace(/\/+$/, "")}`;
}

/**
 * Host headers the server accepts (MLflow 3.5+ refuses others with 403, to
 * stop DNS rebinding): the Service's in-cluster names, with and without the
 * port, and localhost for `kubectl port-forward`. `/health` is exempt, so
 * kubelet probes (Host: pod IP) pass anyway (mlflow/server/security_utils.py
 * HEALTH_ENDPOINTS, checked 2026-11-23).
 */
export function allowedHosts(namespace: string): string[] {
  const svc = TRACKING_NAMES.service;
  const names = [svc, `${svc}.${namespace}`, `${svc}.${namespace}.svc`, `${svc}.${namespace}.svc.cluster.local`, "localhost", "127.0.0.1"];
  return names.flatMap((n) => [n, `${n}:*`]);
}

/** The tracking server's pods on the system pool (for components/compute/capacity.ts). */
export function trackingSystemWorkloads(s: TrackingSettings): SystemWorkload[] {
  return [
    { name: "mlflow", replicas: s.replicas, cpuMillis: cpuMillis(s.cpu) ?? 0, memoryMiB: Math.round(memoryMiB(s.memory) ?? 0), source: "tracking settings" },
  ];
}

/**
 * What to run at POC, where there is no server: a local MLflow with SQLite
 * metadata and artifacts in the POC's models bucket (AWS credentials from
 * the developer's profile).
 */
export function localMlflowCommand(modelsBucket: string, prefix = "mlflow/"): string {
  return `mlflow server --host 127.0.0.1 --port 5000 --backend-store-uri sqlite:///mlflow.db --serve-artifacts --artifacts-destination ${artifactsDestination(modelsBucket, prefix)}`;
}
