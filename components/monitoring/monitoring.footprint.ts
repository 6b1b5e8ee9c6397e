/**
 * What the component occupies, from its settings, with no Pulumi provider
 * loaded: the length-limited AWS names it creates, which the stack's config
 * checks against AWS's limits before anything is declared, and (for those
 * that run pods there) what it puts on the system pool.
 */
import { PhysicalName, autoNamedRole } from "../../lib/naming";
import { MonitoringAddonSettings, addonGpuNodeWorkloads, addonRoleNames, addonWorkloads } from "../compute/addons/addon";
import { MONITORING_ADDONS } from "../compute/addons/registry";
import type { SystemWorkload } from "../compute/capacity";

/** The length-limited names monitoring creates: its add-ons' roles (Alertmanager's). */
export function monitoringPhysicalNames(name: string, settings: MonitoringAddonSettings): PhysicalName[] {
  return addonRoleNames<MonitoringAddonSettings>(MONITORING_ADDONS, name, settings).map(autoNamedRole);
}

/**
 * What monitoring puts on the CPU system pool: its add-ons' pods
 * (kube-prometheus-stack's; the DCGM exporter runs on GPU nodes only).
 */
export function monitoringSystemWorkloads(settings: MonitoringAddonSettings): SystemWorkload[] {
  return addonWorkloads<MonitoringAddonSettings>(MONITORING_ADDONS, settings);
}

/** The DaemonSets monitoring runs on every GPU node: node-exporter, and the DCGM exporter where there are GPU pools. */
export function monitoringGpuNodeWorkloads(settings: MonitoringAddonSettings): SystemWorkload[] {
  return addonGpuNodeWorkloads<MonitoringAddonSettings>(MONITORING_ADDONS, settings);
}
