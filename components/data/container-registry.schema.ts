/**
 * What ContainerRegistry accepts, as a zod schema: the single source of truth
 * for its Args (validated in its constructor), their defaults and
 * descriptions, and the `registry` stack-config overrides (config/schema.ts).
 * Kept apart from container-registry.ts so the component's type declarations
 * carry no zod types (see lib/args-error.ts).
 */
import { z } from "zod";
import { ArgProblem, awsTags, stageArg, schemaMatches, planTime, PLANNED_FIGURE } from "../../lib/validate";
import type { ContainerRegistryArgs } from "./container-registry.args";

/**
 * ECR repository names: 2-256 characters, start with a letter, lower-case
 * letters, digits, '-', '_', '.' and '/' (namespaces), pattern
 * `(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*`
 * (ECR API reference, CreateRepository "repositoryName", checked 2026-11-23).
 * The registry names each repository `<component name>/<repository>`.
 */
export const ECR_REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
export const ECR_REPOSITORY_NAME_MAX = 256;

/** The settings of a ContainerRegistry: the single source of truth for its Args and for the `registry` stack config. */
export const ContainerRegistrySettings = z.strictObject({
  repositories: planTime(
    z
      .array(
        z
          .string()
          .regex(
            /^[a-z](?:[a-z0-9]*(?:[._-][a-z0-9]+)*)$/,
            "must be an ECR repository name: start with a lower-case letter, then lower-case letters and digits, separated by single '-', '_' or '.'",
          )
          .min(2, "must be at least 2 characters (ECR repository names)")
          .max(64, "must be at most 64 characters"),
      )
      .min(1, "give at least one repository"),
    "the repositories declared and their names",
  )
    .describe("Repository names, one ECR repository each, named `<component name>/<repository>`.")
    .default(["models"]),
  untaggedExpiryDays: z
    .number()
    .int("must be a whole number of days")
    .min(1, "must be at least 1 day")
    .max(365, "must be at most 365 days")
    .describe("Days before untagged images (failed or superseded pushes) expire.")
    .default(7),
  keepLastImages: z
    .number()
    .int("must be a whole number of images")
    // ECR lifecycle rule countNumber is a positive integer (ECR user guide, "Lifecycle policy parameters", checked 2026-11-23).
    .min(1, "must be at least 1: ECR keeps a positive number of images")
    .max(10000, "must be at most 10000 images")
    .describe("Images kept per repository; older ones expire (and can no longer be rolled back to).")
    .default(100),
});
export type ContainerRegistrySettings = z.output<typeof ContainerRegistrySettings>;

/** Everything ContainerRegistry accepts: the settings plus tags. */
export const ContainerRegistryArgsSchema = ContainerRegistrySettings.extend({
  forceDelete: z
    .boolean()
    .describe("Let `pulumi destroy` delete repositories that still hold images (ECR forceDelete); for non-production stacks only.")
    .default(false),
  expectedStorageGb: planTime(z.number().min(0, "must be 0 or more GB"), PLANNED_FIGURE)
    .optional()
    .describe(
      "GB of images expected in all, for cost planning: each repository carries its share as the `ml-platform/planned-storage-gb` tag. Unset: storage is listed as usage-based, not priced.",
    ),
  tags: awsTags.default({}),
  stage: stageArg,
});

// tsc proves the interface (container-registry.ts) and the schema accept the same arguments.
schemaMatches<ContainerRegistryArgs, z.input<typeof ContainerRegistryArgsSchema>>(true);

/** Rules that involve several settings or the component's name (pure; also usable at config time). */
export function containerRegistryProblems(name: string, s: ContainerRegistrySettings): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const seen = new Set<string>();
  s.repositories.forEach((repo, i) => {
    if (seen.has(repo)) problems.push({ path: `repositories[${i}]`, value: repo, message: "repository names must be unique" });
    seen.add(repo);
    const full = `${name}/${repo}`;
    if (full.length > ECR_REPOSITORY_NAME_MAX) {
      problems.push({ path: `repositories[${i}]`, value: repo, message: `the ECR name "${full}" is longer than ECR's ${ECR_REPOSITORY_NAME_MAX} characters` });
    }
  });
  if (!/^[a-z]/.test(name) || !ECR_REPOSITORY_NAME.test(name)) {
    problems.push({
      path: "(name)",
      value: name,
      message:
        "starts every ECR repository name, so it must start with a lower-case letter and hold only lower-case letters and digits separated by single '-', '_', '.' or '/'",
    });
  }
  return problems;
}
