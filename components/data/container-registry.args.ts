// Generated from components/data/container-registry.schema.ts by `npm run generate`: edit the schema, not this file.

/** The arguments of a ContainerRegistry. */
export interface ContainerRegistryArgs {
  /**
   * Repository names, one ECR repository each, named `<component name>/<repository>`. Default
   * ["models"].
   */
  repositories?: string[] | undefined;
  /** Days before untagged images (failed or superseded pushes) expire. Default 7. */
  untaggedExpiryDays?: number | undefined;
  /**
   * Images kept per repository; older ones expire (and can no longer be rolled back to). Default
   * 100.
   */
  keepLastImages?: number | undefined;
  /**
   * Let `pulumi destroy` delete repositories that still hold images (ECR forceDelete); for
   * non-production stacks only. Default false.
   */
  forceDelete?: boolean | undefined;
  /**
   * GB of images expected in all, for cost planning: each repository carries its share as the
   * `ml-platform/planned-storage-gb` tag. Unset: storage is listed as usage-based, not priced.
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
