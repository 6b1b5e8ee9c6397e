// Generated from components/data/artifact-store.schema.ts by `npm run generate`: edit the schema, not this file.

/** The arguments of an ArtifactStore. */
export interface ArtifactStoreArgs {
  /**
   * Logical bucket names, one private bucket each; the physical name is `<component
   * name>-<bucket>-<random>`. Default ["datasets","models"].
   */
  buckets?: string[] | undefined;
  /**
   * "sse-s3" (AES-256 with S3-owned keys, free) or "sse-kms" (a customer managed KMS key with
   * rotation, and S3 bucket keys to keep request costs down). Default "sse-s3".
   */
  encryption?: "sse-s3" | "sse-kms" | undefined;
  /** Days a replaced or deleted object version is kept before it expires. Default 30. */
  noncurrentVersionExpirationDays?: number | undefined;
  /** Days before noncurrent versions move to Standard-IA; 0 keeps them in Standard. Default 0. */
  noncurrentToInfrequentAccessDays?: number | undefined;
  /** Days before unfinished multipart uploads (interrupted large uploads) are removed. Default 7. */
  abortIncompleteUploadDays?: number | undefined;
  /**
   * Guard the buckets (and their key) against deletion: `protect` blocks `pulumi destroy`,
   * `retainOnDelete` keeps them if the code stops declaring them. Default true.
   */
  protect?: boolean | undefined;
  /**
   * Let `pulumi destroy` delete the buckets with every object and version in them (S3
   * forceDestroy); for non-production stacks only. Default false.
   */
  forceDestroy?: boolean | undefined;
  /**
   * GB the buckets are expected to hold in all, for cost planning: each bucket carries its share as
   * the `ml-platform/planned-storage-gb` tag, which the plan and the budget policy price. Unset:
   * storage is listed as usage-based, not priced.
   */
  expectedStorageGb?: number | undefined;
  /**
   * Tags for every resource the component creates (cost allocation: owner, costCenter,
   * environment). Default none.
   */
  tags?: Record<string, string> | undefined;
  /**
   * The company's stage (poc, mvp or seriesb), written as the `stage` tag on every AWS resource the
   * component tags, so the policy pack applies that stage's limits. Default: none (a `stage` in
   * tags, or the AWS provider's defaultTags, still counts).
   */
  stage?: "poc" | "mvp" | "seriesb" | undefined;
}
