import { systemNodeLabels } from "../compute/labels";
import { cpuMillis, memoryMiB } from "../serving/settings";
import { MLFLOW_PORT, TRACKING_NAMES, type TrackingSettings, allowedHosts } from "./settings";

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
            {
              maxSkew: 1,
              topologyKey: "topology.kubernetes.io/zone",
              whenUnsatisfiable: "ScheduleAnyway" as const,
              labelSelector: { matchLabels: { "app.kubernetes.io/name": "mlflow" } },
            },
          ],
          containers: [
            {
              name: "mlflow",
              image: s.image,
              command: ["mlflow", "server"],
              args: [
                "--host",
                "0.0.0.0",
                "--port",
                String(MLFLOW_PORT),
                "--workers",
                String(s.workers),
                "--serve-artifacts",
                "--artifacts-destination",
                artifacts,
                "--allowed-hosts",
                allowedHosts(s.namespace).join(","),
              ],
              env: [{ name: "MLFLOW_BACKEND_STORE_URI", valueFrom: { secretKeyRef: { name: TRACKING_NAMES.secret, key: TRACKING_NAMES.secretKey } } }],
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
