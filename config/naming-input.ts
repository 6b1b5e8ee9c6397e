import { splitPoolAcrossZones } from "../components/compute/zones";
import type { NamingInput } from "../lib/naming";
import { needsLoadBalancerController } from "../components/serving/settings";
import type { PlatformSpec } from "./spec";

type NamingSpec = Pick<
  PlatformSpec,
  "environment" | "artifacts" | "registry" | "database" | "network" | "cluster" | "monitoring" | "serving" | "tracking" | "alerts" | "healthChecks" | "backup" | "predictionMonitoring"
>;

export function namingInputOf(spec: NamingSpec): NamingInput {
  const zones = spec.network.settings.azCount;
  const network = spec.network.enabled;
  const cluster = spec.cluster.enabled && network;
  const database = spec.database.enabled && network;
  const buckets = spec.artifacts.enabled ? spec.artifacts.settings.buckets : [];
  const modelsBucket = buckets.includes("models");
  const checks = spec.healthChecks.settings;
  return {
    environment: spec.environment,
    buckets: spec.artifacts.enabled ? buckets : undefined,
    repositories: spec.registry.enabled ? spec.registry.settings.repositories : undefined,
    database,
    flowLogs: network && spec.network.settings.flowLogRetentionDays > 0,
    monitoring: spec.monitoring.enabled && cluster && spec.alerts.enabled,
    cluster: cluster
      ? {
          gpuPools: spec.cluster.settings.gpuNodeGroups.map((p) => ({ name: p.name, zoneCount: splitPoolAcrossZones(p, zones).length })),
          autoscaler: spec.cluster.settings.autoscaler,
        }
      : undefined,
    serving:
      spec.serving.enabled && cluster && modelsBucket
        ? { models: spec.serving.settings.models.map((m) => m.name), loadBalancerController: needsLoadBalancerController(spec.serving.settings) }
        : undefined,
    tracking: spec.tracking.enabled && cluster && database && modelsBucket,
    healthChecks:
      spec.healthChecks.enabled && spec.alerts.enabled && (checks.publicEndpoints.length > 0 || checks.internalUrls.length > 0)
        ? { canary: checks.internalUrls.length > 0 }
        : undefined,
    backup: spec.backup.enabled && database,
    predictionMonitoring: spec.predictionMonitoring.enabled && cluster && buckets.includes(spec.predictionMonitoring.settings.bucket),
  };
}
