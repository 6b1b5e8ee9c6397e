/**
 * Experiment tracking (an MLflow tracking server) as pure functions: its
 * settings, the backend-store URI, every Kubernetes object and the IAM
 * document its pods get. Values that are Pulumi outputs at deploy time (the
 * role ARN, the bucket) are type parameters, so no `apply` is needed.
 */
import type { SystemWorkload } from "./capacity";
import type { PolicyDocument, Statement } from "./iam";
import { systemNodeLabels } from "./eks";
import { cpuMillis, memoryMiB } from "./serving";

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

export interface TrackingSettings {
  /** Namespace of the tracking server. */
  namespace: string;
  /** The MLflow server image (pinned; must contain psycopg2 and boto3). */
  image: string;
  /** Server replicas (stateless: the database and the bucket hold the state). */
  replicas: number;
  /** uvicorn workers per replica. */
  workers: number;
  /** CPU request per replica ("500m"). */
  cpu: string;
  /** Memory request per replica ("1Gi"). */
  memory: string;
  /** Memory limit per replica ("2Gi"). */
  memoryLimit: string;
  /** Prefix in the models bucket under which MLflow stores artifacts ("mlflow/"). */
  artifactPrefix: string;
}

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

export function trackingLabels(): Record<string, string> {
  return { "app.kubernetes.io/name": "mlflow", "app.kubernetes.io/component": "tracking-server", "app.kubernetes.io/part-of": "ml-platform" };
}

export function backendSecretManifest<T>(namespace: string, uri: T) {
  return {
    apiVersion: "v1" as const,
    kind: "Secret" as const,
    metadata: { name: TRACKING_NAMES.secret, namespace, labels: trackingLabels() },
    type: "Opaque",
    stringData: { [TRACKING_NAMES.secretKey]: uri },
  };
}

export function trackingServiceAccountManifest<T>(namespace: string, roleArn: T) {
  return {
    apiVersion: "v1" as const,
    kind: "ServiceAccount" as const,
    metadata: { name: TRACKING_NAMES.serviceAccount, namespace, labels: trackingLabels(), annotations: { "eks.amazonaws.com/role-arn": roleArn } },
  };
}

/**
 * The MLflow Deployment. The backend-store URI (which holds the password)
 * reaches the server only as MLFLOW_BACKEND_STORE_URI from the Secret (the
 * `--backend-store-uri` option reads that variable), so it is in no
 * manifest, argument list or stack output. Artifacts are proxied by the
 * server (`--serve-artifacts`) to S3 with the pod's IRSA role, so clients
 * need no AWS credentials. Runs on the CPU system pool.
 */
export function trackingDeploymentManifest<S>(s: TrackingSettings, artifacts: S) {
  const labels = trackingLabels();
  const cpu = `${cpuMillis(s.cpu)}m`;
  const memory = `${Math.round(memoryMiB(s.memory)!)}Mi`;
  return {
    apiVersion: "apps/v1" as const,
    kind: "Deployment" as const,
    metadata: { name: TRACKING_NAMES.deployment, namespace: s.namespace, labels },
    spec: {
      replicas: s.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: { "app.kubernetes.io/name": "mlflow" } },
      strategy: { type: "RollingUpdate" as const, rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: TRACKING_NAMES.serviceAccount,
          nodeSelector: systemNodeLabels(),
          terminationGracePeriodSeconds: 30,
          securityContext: { seccompProfile: { type: "RuntimeDefault" as const } },
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway" as const, labelSelector: { matchLabels: { "app.kubernetes.io/name": "mlflow" } } },
          ],
          containers: [
            {
              name: "mlflow",
              image: s.image,
              command: ["mlflow", "server"],
              args: [
                "--host", "0.0.0.0",
                "--port", String(MLFLOW_PORT),
                "--workers", String(s.workers),
                "--serve-artifacts",
                "--artifacts-destination", artifacts,
                "--allowed-hosts", allowedHosts(s.namespace).join(","),
              ],
              env: [
                { name: "MLFLOW_BACKEND_STORE_URI", valueFrom: { secretKeyRef: { name: TRACKING_NAMES.secret, key: TRACKING_NAMES.secretKey } } },
              ],
              ports: [{ name: "http", containerPort: MLFLOW_PORT, protocol: "TCP" as const }],
              resources: { requests: { cpu, memory }, limits: { memory: `${Math.round(memoryMiB(s.memoryLimit)!)}Mi` } },
              // Schema migrations on a first start can take a while.
              startupProbe: { httpGet: { path: "/health", port: "http" as const }, periodSeconds: 10, failureThreshold: 30 },
              readinessProbe: { httpGet: { path: "/health", port: "http" as const }, periodSeconds: 10, failureThreshold: 3 },
              livenessProbe: { httpGet: { path: "/health", port: "http" as const }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
            },
          ],
        },
      },
    },
  };
}

/** Internal only: a ClusterIP Service (reach it with `kubectl port-forward`). */
export function trackingServiceManifest(namespace: string) {
  return {
    apiVersion: "v1" as const,
    kind: "Service" as const,
    metadata: { name: TRACKING_NAMES.service, namespace, labels: trackingLabels() },
    spec: {
      type: "ClusterIP" as const,
      selector: { "app.kubernetes.io/name": "mlflow" },
      ports: [{ name: "http", port: MLFLOW_PORT, targetPort: "http", protocol: "TCP" as const }],
    },
  };
}

export function trackingPdbManifest(namespace: string) {
  return {
    apiVersion: "policy/v1" as const,
    kind: "PodDisruptionBudget" as const,
    metadata: { name: TRACKING_NAMES.deployment, namespace, labels: trackingLabels() },
    spec: { maxUnavailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "mlflow" } } },
  };
}

/**
 * Read and write under the artifact prefix of the models bucket, nothing
 * else (MLflow lists, uploads, downloads and deletes artifacts there). With
 * an SSE-KMS bucket, the key's data-key operations through S3 only.
 */
export function trackingArtifactsPolicy(bucketArn: string, prefix: string, opts: { kmsKeyArn?: string; region: string }): PolicyDocument {
  const statements: Statement[] = [
    { Sid: "ListArtifactPrefix", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn, Condition: { StringLike: { "s3:prefix": [`${prefix}*`] } } },
    { Sid: "ReadWriteArtifacts", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: `${bucketArn}/${prefix}*` },
  ];
  if (opts.kmsKeyArn)
    statements.push({
      Sid: "EncryptThroughS3",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: opts.kmsKeyArn,
      Condition: { StringEquals: { "kms:ViaService": `s3.${opts.region}.amazonaws.com` } },
    });
  return { Version: "2012-10-17", Statement: statements };
}

/** The tracking server's pods on the system pool (for lib/capacity.ts). */
export function trackingSystemWorkloads(s: TrackingSettings): SystemWorkload[] {
  return [{ name: "mlflow", replicas: s.replicas, cpuMillis: cpuMillis(s.cpu) ?? 0, memoryMiB: Math.round(memoryMiB(s.memory) ?? 0), source: "tracking settings" }];
}

/**
 * What to run at POC, where there is no server: a local MLflow with SQLite
 * metadata and artifacts in the POC's models bucket (AWS credentials from
 * the developer's profile).
 */
export function localMlflowCommand(modelsBucket: string, prefix = "mlflow/"): string {
  return `mlflow server --host 127.0.0.1 --port 5000 --backend-store-uri sqlite:///mlflow.db --serve-artifacts --artifacts-destination ${artifactsDestination(modelsBucket, prefix)}`;
}
