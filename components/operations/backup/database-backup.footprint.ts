/**
 * What the component occupies, from its settings, with no Pulumi provider
 * loaded: the length-limited AWS names it creates, which the stack's config
 * checks against AWS's limits before anything is declared, and (for those
 * that run pods there) what it puts on the system pool.
 */
import { PhysicalName, autoNamedRole, childName, physicalName } from "../../../lib/naming";

/** AWS Backup's service role (auto-named): "<backup component>-role". */
export const serviceRoleName = (backupComponent: string) => childName(backupComponent, "role");

/** The logical names of the vault, the plan and the database's selection (all auto-named by Pulumi). */
export const backupVaultName = (backupComponent: string) => childName(backupComponent, "vault");
export const backupPlanName = (backupComponent: string) => childName(backupComponent, "plan");
export const backupSelectionName = (backupComponent: string) => childName(backupComponent, "database");

/** The length-limited names the backup plan creates: its service role, vault, plan and selection. */
export function databaseBackupPhysicalNames(name: string): PhysicalName[] {
  return [
    autoNamedRole(serviceRoleName(name)),
    physicalName("backupVault", backupVaultName(name), true, ["(name)"]),
    physicalName("backupPlan", backupPlanName(name), true, ["(name)"]),
    physicalName("backupSelection", backupSelectionName(name), true, ["(name)"]),
  ];
}
