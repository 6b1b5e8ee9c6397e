/**
 * What the component occupies, from its settings, with no Pulumi provider
 * loaded: the length-limited AWS names it creates, which the stack's config
 * checks against AWS's limits before anything is declared, and (for those
 * that run pods there) what it puts on the system pool.
 */
import { PhysicalName, autoNamedRole, childName, physicalName } from "../../lib/naming";
import { addonRoleNames, addonWorkloads } from "../compute/addons/addon";
import { SERVING_ADDONS } from "../compute/addons/registry";
import type { SystemWorkload } from "../compute/capacity";
import { irsaRoleName } from "../compute/names";
import { ServingSettings, modelSystemWorkloads } from "./settings";

/**
 * What serving puts on the CPU system pool, from its settings: CPU-only
 * models, then its add-ons (the AWS Load Balancer Controller when a model is
 * exposed, metrics-server when one autoscales).
 */
export function servingSystemWorkloads(settings: ServingSettings): SystemWorkload[] {
  return [...modelSystemWorkloads(settings), ...addonWorkloads<ServingSettings>(SERVING_ADDONS, settings)];
}

/** A served model's IrsaRole: "<serving component>-<model>". */
export const modelRole = (servingComponent: string, model: string) => childName(servingComponent, model);

/** The length-limited names serving creates: each model's IRSA role, and its add-ons' roles. */
export function servingPhysicalNames(name: string, settings: ServingSettings): PhysicalName[] {
  return [
    ...settings.models.map((m, i) => physicalName("iamRole", irsaRoleName(modelRole(name, m.name)), true, ["(name)", `models[${i}].name`])),
    ...addonRoleNames<ServingSettings>(SERVING_ADDONS, name, settings).map(autoNamedRole),
  ];
}
