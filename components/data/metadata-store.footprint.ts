/**
 * What the component occupies, from its settings, with no Pulumi provider
 * loaded: the length-limited AWS names it creates, which the stack's config
 * checks against AWS's limits before anything is declared, and (for those
 * that run pods there) what it puts on the system pool.
 */
import { PhysicalName, childName, physicalName } from "../../lib/naming";

/** The RDS instance (auto-named identifier): "<metadata component>-postgres". */
export function databaseInstanceName(metadataComponent: string): string {
  return childName(metadataComponent, "postgres");
}

/** The length-limited names the store creates: its RDS instance. */
export function metadataStorePhysicalNames(name: string): PhysicalName[] {
  return [physicalName("rdsInstance", databaseInstanceName(name), true, ["(name)"])];
}
