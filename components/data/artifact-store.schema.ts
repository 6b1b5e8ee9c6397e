/**
 * What ArtifactStore accepts, as a zod schema: the single source of truth for
 * its Args (validated in its constructor), their defaults and descriptions,
 * and the `artifacts` stack-config overrides (config/schema.ts). Kept apart
 * from artifact-store.ts so the component's type declarations carry no zod
 * types (see lib/args-error.ts).
 */
import { z } from "zod";
import { AUTONAME_SUFFIX_LENGTH, NAME_LIMITS, childName } from "../../lib/naming";
import { ArgProblem, awsTags, stageArg, schemaMatches, planTime, PLANNED_FIGURE, PROTECTION } from "../../lib/validate";
import type { ArtifactStoreArgs } from "./artifact-store.args";

/** The encryptions the artifact buckets offer: "sse-s3" (S3-owned keys) or "sse-kms" (a customer managed KMS key). */
export const BUCKET_ENCRYPTIONS = ["sse-s3", "sse-kms"] as const;

/** A bucket's logical name (auto-named by Pulumi): "<artifacts component>-<bucket>". */
export function bucketName(artifactsComponent: string, bucket: string): string {
  return childName(artifactsComponent, bucket);
}

/**
 * S3 bucket names: 3-63 characters of lower-case letters, digits, '.' and
 * '-', starting and ending with a letter or digit (S3 user guide, "General
 * purpose bucket naming rules", checked 2026-11-23). Pulumi auto-names a
 * bucket from its resource name, lower-cased, plus "-" and 7 random
 * characters, within 63 (pulumi-aws provider/resources.go, aws_s3_bucket:
 * AutoNameTransform(63, strings.ToLower); lib/naming.ts): so
 * `<component name>-<bucket>` may have at most 55 characters.
 */
const MAX_BUCKET_NAME = NAME_LIMITS.s3Bucket;

/** The settings of an ArtifactStore: the single source of truth for its Args and for the `artifacts` stack config. */
export const ArtifactStoreSettings = z.strictObject({
  buckets: planTime(
    z
      .array(
        z
          .string()
          .regex(
            /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/,
            "must be 2-40 characters of lower-case letters, digits and '-', starting with a letter and ending with a letter or digit (part of an S3 bucket name)",
          ),
      )
      .min(1, "give at least one bucket"),
    "the buckets declared and their names",
  )
    .describe("Logical bucket names, one private bucket each; the physical name is `<component name>-<bucket>-<random>`.")
    .default(["datasets", "models"]),
  encryption: planTime(z.enum(BUCKET_ENCRYPTIONS), "whether a KMS key is declared")
    .describe(
      '"sse-s3" (AES-256 with S3-owned keys, free) or "sse-kms" (a customer managed KMS key with rotation, and S3 bucket keys to keep request costs down).',
    )
    .default("sse-s3"),
  noncurrentVersionExpirationDays: z
    .number()
    .int("must be a whole number of days")
    // S3: NoncurrentDays is a non-zero positive integer (S3 API reference, NoncurrentVersionExpiration, checked 2026-11-23).
    .min(1, "must be at least 1 day (S3 expires noncurrent versions after a positive number of days)")
    .max(3650, "must be at most 3650 days (10 years)")
    .describe("Days a replaced or deleted object version is kept before it expires.")
    .default(30),
  noncurrentToInfrequentAccessDays: z
    .union([
      z.literal(0),
      // S3 moves objects to STANDARD_IA only after 30 days at least (S3 API reference, Transition "Days", checked 2026-11-23).
      z
        .number()
        .int("must be a whole number of days")
        .min(30, "Standard-IA needs at least 30 days (or 0 to keep old versions in Standard)")
        .max(3650, "must be at most 3650 days"),
    ])
    .describe("Days before noncurrent versions move to Standard-IA; 0 keeps them in Standard.")
    .default(0),
  abortIncompleteUploadDays: z
    .number()
    .int("must be a whole number of days")
    .min(1, "must be at least 1 day")
    .max(365, "must be at most 365 days")
    .describe("Days before unfinished multipart uploads (interrupted large uploads) are removed.")
    .default(7),
});
export type ArtifactStoreSettings = z.output<typeof ArtifactStoreSettings>;

/** Everything ArtifactStore accepts: the settings plus deletion protection and tags. */
export const ArtifactStoreArgsSchema = ArtifactStoreSettings.extend({
  protect: planTime(z.boolean(), PROTECTION)
    .describe(
      "Guard the buckets (and their key) against deletion: `protect` blocks `pulumi destroy`, `retainOnDelete` keeps them if the code stops declaring them.",
    )
    .default(true),
  forceDestroy: z
    .boolean()
    .describe("Let `pulumi destroy` delete the buckets with every object and version in them (S3 forceDestroy); for non-production stacks only.")
    .default(false),
  expectedStorageGb: planTime(z.number().min(0, "must be 0 or more GB"), PLANNED_FIGURE)
    .optional()
    .describe(
      "GB the buckets are expected to hold in all, for cost planning: each bucket carries its share as the `ml-platform/planned-storage-gb` tag, which the plan and the budget policy price. Unset: storage is listed as usage-based, not priced.",
    ),
  tags: awsTags.default({}),
  stage: stageArg,
});

// tsc proves the interface (artifact-store.ts) and the schema accept the same arguments.
schemaMatches<ArtifactStoreArgs, z.input<typeof ArtifactStoreArgsSchema>>(true);

/** Rules that involve several settings or the component's name (pure; also usable at config time). */
export function artifactStoreProblems(name: string, s: ArtifactStoreSettings): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const seen = new Set<string>();
  s.buckets.forEach((bucket, i) => {
    if (seen.has(bucket)) problems.push({ path: `buckets[${i}]`, value: bucket, message: "bucket names must be unique" });
    seen.add(bucket);
    const prefix = bucketName(name, bucket).toLowerCase();
    if (prefix.length + AUTONAME_SUFFIX_LENGTH > MAX_BUCKET_NAME) {
      problems.push({
        path: `buckets[${i}]`,
        value: bucket,
        message: `the bucket name "${prefix}" plus Pulumi's 8-character suffix exceeds S3's ${MAX_BUCKET_NAME}; keep "<component name>-<bucket>" within ${MAX_BUCKET_NAME - AUTONAME_SUFFIX_LENGTH} characters (shorten the bucket or the component name)`,
      });
    }
  });
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(name.toLowerCase())) {
    problems.push({
      path: "(name)",
      value: name,
      message: "starts every bucket name, so it may hold only letters, digits, '.' and '-' and must start with a letter or digit (S3 bucket naming rules)",
    });
  }
  // S3 answers "'NoncurrentDays' in the NoncurrentVersionExpiration action must be greater than
  // 'NoncurrentDays' in the NoncurrentVersionTransition action" (PutBucketLifecycleConfiguration,
  // as reported in go-to-k/cdkd#1426; checked 2026-11-23).
  const ia = s.noncurrentToInfrequentAccessDays;
  if (ia > 0 && s.noncurrentVersionExpirationDays <= ia) {
    problems.push({
      path: "noncurrentVersionExpirationDays",
      value: s.noncurrentVersionExpirationDays,
      message: `must be later than noncurrentToInfrequentAccessDays (${ia}): S3 rejects an expiration that is not after the transition`,
    });
  }
  return problems;
}
