/**
 * What the component occupies, from its settings, with no Pulumi provider
 * loaded: the length-limited AWS names it creates, which the stack's config
 * checks against AWS's limits before anything is declared, and (for those
 * that run pods there) what it puts on the system pool.
 */
import { PhysicalName, autoNamedRole, childName, physicalName } from "../../../lib/naming";

/** The canary's role and its artifacts bucket (both auto-named): "<component>-canary", "<component>-artifacts". */
export const canaryRoleName = (component: string) => childName(component, "canary");
export const canaryBucketName = (component: string) => childName(component, "artifacts");

/** The length-limited names the checks create: the canary's role and bucket, when internal URLs are checked. */
export function healthChecksPhysicalNames(name: string, settings: { internalUrls: unknown[] }): PhysicalName[] {
  if (settings.internalUrls.length === 0) return [];
  return [autoNamedRole(canaryRoleName(name)), physicalName("s3Bucket", canaryBucketName(name), true, ["(name)"])];
}
