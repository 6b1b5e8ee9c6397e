/**
 * What decides a stack's physical names (lib/naming.ts NamingInput), read
 * from its resolved spec. The validate work package turns
 * `namesOverLimit(namingInputOf(spec))` into config errors that name the keys.
 */
import { splitPoolAcrossZones } from "../lib/eks";
import { needsLoadBalancerController } from "../lib/serving";
import type { NamingInput } from "../lib/naming";
import type { PlatformSpec } from "./resolve";

export function namingInputOf(spec: Pick<PlatformSpec, "environment" | "artifacts" | "database" | "network" | "cluster" | "monitoring"> & Partial<Pick<PlatformSpec, "serving" | "tracking">>): NamingInput {
  const zones = spec.network.settings.azCount;
  return {
    environment: spec.environment,
    buckets: spec.artifacts.enabled ? spec.artifacts.settings.buckets : undefined,
    database: spec.database.enabled && spec.network.enabled,
    flowLogs: spec.network.enabled && spec.network.settings.flowLogRetentionDays > 0,
    monitoring: spec.monitoring.enabled && spec.cluster.enabled && spec.network.enabled,
    cluster:
      spec.cluster.enabled && spec.network.enabled
        ? {
            gpuPools: spec.cluster.settings.gpuNodeGroups.map((p) => ({ name: p.name, zoneCount: splitPoolAcrossZones(p, zones).length })),
            autoscaler: spec.cluster.settings.autoscaler,
          }
        : undefined,
    serving: spec.serving?.enabled && spec.cluster.enabled && spec.network.enabled
      ? { models: spec.serving.settings.models.map((m) => m.name), loadBalancerController: needsLoadBalancerController(spec.serving.settings) }
      : undefined,
    tracking: spec.tracking?.enabled && spec.cluster.enabled && spec.network.enabled,
  };
}
