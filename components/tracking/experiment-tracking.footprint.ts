/**
 * What the component occupies, from its settings, with no Pulumi provider
 * loaded: the length-limited AWS names it creates, which the stack's config
 * checks against AWS's limits before anything is declared, and (for those
 * that run pods there) what it puts on the system pool.
 */
import { autoNamedRole, childName, PhysicalName } from "../../lib/naming";
import { irsaRoleName } from "../compute/names";

/** The IrsaRole through which MLflow reads and writes its artifacts: "<tracking component>-artifacts". */
export const artifactsRole = (trackingComponent: string) => childName(trackingComponent, "artifacts");

/** The length-limited names the tracking server creates: its artifact-access role. */
export function trackingPhysicalNames(name: string): PhysicalName[] {
  return [autoNamedRole(irsaRoleName(artifactsRole(name)))];
}
