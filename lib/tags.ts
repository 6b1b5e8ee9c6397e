/**
 * Tag and label keys the program writes and the policy pack and the cost
 * model read. One place, so a renamed key cannot leave a reader behind.
 */

/** AWS tag carrying the stage (poc | mvp | seriesb) on every AWS resource (config/resolve.ts computes it). */
export const STAGE_TAG = "stage";

/**
 * Kubernetes label carrying the stage on the objects the program emits
 * (Kubernetes objects have no AWS tags). The policy pack reads it to apply
 * the stage's limits to GPU workloads; an object without it gets the
 * strictest limits.
 */
export const STAGE_LABEL = "ml-platform/stage";

/** The labels that put a Kubernetes object under its stage's policy limits, from the AWS tags the component was given. */
export function stageLabels(tags: Record<string, string> | undefined): Record<string, string> {
  const stage = tags?.[STAGE_TAG];
  return stage ? { [STAGE_LABEL]: stage } : {};
}

/**
 * Planning volumes, written on the resources they describe so that every
 * reader of the stack (the offline plan, the budget policy in a real preview)
 * prices storage from the same figure. Values are decimal strings.
 * - on S3 buckets and ECR repositories: GB expected to be stored;
 * - on CloudWatch log groups: GB expected to be ingested a month.
 */
export const PLANNED_STORAGE_GB_TAG = "ml-platform/planned-storage-gb";
export const PLANNED_INGEST_GB_TAG = "ml-platform/planned-ingest-gb-month";

/** A planning volume as a tag value: at most two decimals, no trailing zeros ("1000", "33.33"). */
export function plannedGbTag(gb: number | undefined): string | undefined {
  if (gb === undefined || !Number.isFinite(gb) || gb < 0) return undefined;
  return String(Math.round(gb * 100) / 100);
}

/** The planning volume a resource's tags state, or undefined when they state none. */
export function plannedGbOf(tags: unknown, key: typeof PLANNED_STORAGE_GB_TAG | typeof PLANNED_INGEST_GB_TAG): number | undefined {
  const value = tags && typeof tags === "object" ? (tags as Record<string, unknown>)[key] : undefined;
  if (typeof value !== "string" || !/^\d+(\.\d+)?$/.test(value)) return undefined;
  return Number(value);
}

/** `tags` plus a planning tag when a volume is given (none when it is not). */
export function withPlannedGb(tags: Record<string, string>, key: typeof PLANNED_STORAGE_GB_TAG | typeof PLANNED_INGEST_GB_TAG, gb: number | undefined): Record<string, string> {
  const value = plannedGbTag(gb);
  return value === undefined ? tags : { ...tags, [key]: value };
}
