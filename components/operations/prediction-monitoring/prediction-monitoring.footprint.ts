/**
 * What the component occupies, from its settings, with no Pulumi provider
 * loaded: the length-limited AWS names it creates, which the stack's config
 * checks against AWS's limits before anything is declared, and (for those
 * that run pods there) what it puts on the system pool.
 */
import { PhysicalName, autoNamedRole, childName } from "../../../lib/naming";
import { irsaRoleName } from "../../compute/names";

/** The job's IrsaRole: "<prediction-monitoring component>-irsa". */
export const jobRole = (component: string) => childName(component, "irsa");

/** The length-limited names the job creates: its IRSA role. */
export function predictionMonitoringPhysicalNames(name: string): PhysicalName[] {
  return [autoNamedRole(irsaRoleName(jobRole(name)))];
}
