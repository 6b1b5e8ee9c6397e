/**
 * What the component occupies, from its settings, with no Pulumi provider
 * loaded: the length-limited AWS names it creates, which the stack's config
 * checks against AWS's limits before anything is declared, and (for those
 * that run pods there) what it puts on the system pool.
 */
import { PhysicalName, autoNamedRole, childName } from "../../../lib/naming";

/** AWS Backup's service role (auto-named): "<backup component>-role". */
export const serviceRoleName = (backupComponent: string) => childName(backupComponent, "role");

/** The length-limited names the backup plan creates: its service role. */
export function databaseBackupPhysicalNames(name: string): PhysicalName[] {
  return [autoNamedRole(serviceRoleName(name))];
}
