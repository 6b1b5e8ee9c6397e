/**
 * What the component occupies, from its settings, with no Pulumi provider
 * loaded: the length-limited AWS names it creates, which the stack's config
 * checks against AWS's limits before anything is declared, and (for those
 * that run pods there) what it puts on the system pool.
 */
import { PhysicalName, physicalName } from "../../lib/naming";
import { bucketName } from "./artifact-store.schema";

/** The length-limited names the store creates: one S3 bucket (auto-named) per logical bucket. */
export function artifactStorePhysicalNames(name: string, settings: { buckets: string[] }): PhysicalName[] {
  return settings.buckets.map((b, i) => physicalName("s3Bucket", bucketName(name, b), true, ["(name)", `buckets[${i}]`]));
}
