/**
 * The names a stack would send to AWS: each component index.ts would
 * declare (under the same conditions), asked for the length-limited names it
 * creates, with what makes up each name as stack keys. config/resolve.ts
 * checks them against AWS's limits before anything is declared.
 */
import { namePrefix, type PhysicalName } from "../lib/naming";
import { artifactStorePhysicalNames } from "../components/data/artifact-store.footprint";
import { containerRegistryPhysicalNames } from "../components/data/container-registry.footprint";
import { metadataStorePhysicalNames } from "../components/data/metadata-store.footprint";
import { networkPhysicalNames } from "../components/network/network.footprint";
import { gpuClusterPhysicalNames } from "../components/compute/gpu-cluster.footprint";
import { monitoringPhysicalNames } from "../components/monitoring/monitoring.footprint";
import { nodePoolCaps } from "../components/monitoring/rules";
import { servingPhysicalNames } from "../components/serving/model-serving.footprint";
import { trackingPhysicalNames } from "../components/tracking/experiment-tracking.footprint";
import { healthChecksPhysicalNames } from "../components/operations/health-checks/health-checks.footprint";
import { databaseBackupPhysicalNames } from "../components/operations/backup/database-backup.footprint";
import { predictionMonitoringPhysicalNames } from "../components/operations/prediction-monitoring/prediction-monitoring.footprint";
import type { PlatformSpec } from "./spec";

/** The pieces index.ts declares, and the component name suffix each gets. */
export const COMPONENT_PIECES = {
  network: "network",
  artifacts: "artifacts",
  registry: "registry",
  database: "metadata",
  cluster: "cluster",
  monitoring: "monitoring",
  serving: "serving",
  tracking: "tracking",
  alerts: "alerts",
  healthChecks: "health-checks",
  backup: "backup",
  predictionMonitoring: "prediction-monitoring",
} as const;
export type ComponentPiece = keyof typeof COMPONENT_PIECES;

/** A component's name: "mlp-prod-cluster". */
export function componentName(environment: string, piece: ComponentPiece): string {
  return `${namePrefix(environment)}-${COMPONENT_PIECES[piece]}`;
}

type NamingSpec = Pick<
  PlatformSpec,
  | "environment"
  | "artifacts"
  | "registry"
  | "database"
  | "network"
  | "cluster"
  | "monitoring"
  | "serving"
  | "tracking"
  | "alerts"
  | "healthChecks"
  | "backup"
  | "predictionMonitoring"
>;

/**
 * Every length-limited physical name the stack would create, each with the
 * stack keys that make it up (`environment` for a component's name,
 * `<piece>.<setting>` for a setting), in the order the pieces are listed below.
 */
export function stackPhysicalNames(spec: NamingSpec): PhysicalName[] {
  const network = spec.network.enabled;
  const cluster = spec.cluster.enabled && network;
  const database = spec.database.enabled && network;
  const buckets = spec.artifacts.enabled ? spec.artifacts.settings.buckets : [];
  const modelsBucket = buckets.includes("models");
  const checks = spec.healthChecks.settings;
  // Each piece the stack deploys (index.ts's conditions), and the names its component creates.
  const pieces: [ComponentPiece, boolean, (name: string) => PhysicalName[]][] = [
    ["artifacts", spec.artifacts.enabled, (name) => artifactStorePhysicalNames(name, spec.artifacts.settings)],
    ["database", database, (name) => metadataStorePhysicalNames(name)],
    ["network", network, (name) => networkPhysicalNames(name, spec.network.settings)],
    ["cluster", cluster, (name) => gpuClusterPhysicalNames(name, spec.cluster.settings, spec.network.settings.azCount)],
    [
      "monitoring",
      spec.monitoring.enabled && cluster && spec.alerts.enabled,
      (name) => monitoringPhysicalNames(name, { pools: nodePoolCaps(spec.cluster.settings) }),
    ],
    ["registry", spec.registry.enabled, (name) => containerRegistryPhysicalNames(name, spec.registry.settings)],
    ["serving", spec.serving.enabled && cluster && modelsBucket, (name) => servingPhysicalNames(name, spec.serving.settings)],
    ["tracking", spec.tracking.enabled && cluster && database && modelsBucket, (name) => trackingPhysicalNames(name)],
    [
      "healthChecks",
      spec.healthChecks.enabled && spec.alerts.enabled && (checks.publicEndpoints.length > 0 || checks.internalUrls.length > 0),
      (name) => healthChecksPhysicalNames(name, checks),
    ],
    ["backup", spec.backup.enabled && database, (name) => databaseBackupPhysicalNames(name)],
    [
      "predictionMonitoring",
      spec.predictionMonitoring.enabled && cluster && buckets.includes(spec.predictionMonitoring.settings.bucket),
      (name) => predictionMonitoringPhysicalNames(name),
    ],
  ];
  return pieces.flatMap(([piece, deployed, namesOf]) =>
    deployed
      ? namesOf(componentName(spec.environment, piece)).map((n) => ({
          ...n,
          drivenBy: n.drivenBy.map((d) => (d === "(name)" ? "environment" : `${piece}.${d}`)),
        }))
      : [],
  );
}
