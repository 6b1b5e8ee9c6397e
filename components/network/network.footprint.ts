/**
 * What the component occupies, from its settings, with no Pulumi provider
 * loaded: the length-limited AWS names it creates, which the stack's config
 * checks against AWS's limits before anything is declared, and (for those
 * that run pods there) what it puts on the system pool.
 */
import { PhysicalName, autoNamedRole, childName } from "../../lib/naming";

/** The flow logs' IAM role (auto-named): "<network component>-flow-logs". */
export function flowLogsRoleName(networkComponent: string): string {
  return childName(networkComponent, "flow-logs");
}

/** The length-limited names the network creates: the flow logs' role, when it keeps flow logs. */
export function networkPhysicalNames(name: string, settings: { flowLogRetentionDays: number }): PhysicalName[] {
  return settings.flowLogRetentionDays > 0 ? [autoNamedRole(flowLogsRoleName(name))] : [];
}
