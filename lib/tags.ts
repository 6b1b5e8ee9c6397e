/**
 * Tag and label keys the program writes and the policy pack and the cost
 * model read. One place, so a renamed key cannot leave a reader behind.
 */

/** AWS tag carrying the stage (poc | mvp | seriesb) on every AWS resource (config/resolve.ts computes it). */
export const STAGE_TAG = "stage";

/**
 * Kubernetes label stating an object's stage (Kubernetes objects have no AWS
 * tags). The components put it on every Kubernetes object they declare when
 * their tags state a stage (withStageLabel); the policy pack reads it to apply
 * the stage's limits to GPU workloads. An object without it takes the stage of
 * the stack's other resources, else the policy config's stage, else the
 * loosest limits of every stage (and the pack's stage-stated finding says so).
 */
export const STAGE_LABEL = "ml-platform/stage";

/**
 * A Kubernetes object's properties with the stage label added to its
 * metadata (the object's own labels only: pod templates and selectors are left
 * alone, so adding it rolls out nothing). Helm releases and anything that is
 * not a Kubernetes object come back unchanged, as do objects whose metadata is
 * not a plain object.
 */
export function withStageLabel(type: string, props: Record<string, unknown>, stage: string | undefined): Record<string, unknown> {
  if (!stage || !type.startsWith("kubernetes:") || type.startsWith("kubernetes:helm.sh/")) return props;
  const metadata = props.metadata;
  if (!metadata || typeof metadata !== "object" || Array.isArray(metadata) || Object.getPrototypeOf(metadata) !== Object.prototype) return props;
  const labels = (metadata as { labels?: unknown }).labels;
  if (labels !== undefined && (typeof labels !== "object" || labels === null || Object.getPrototypeOf(labels) !== Object.prototype)) return props;
  return { ...props, metadata: { ...metadata, labels: { ...((labels as Record<string, string> | undefined) ?? {}), [STAGE_LABEL]: stage } } };
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
export function withPlannedGb(
  tags: Record<string, string>,
  key: typeof PLANNED_STORAGE_GB_TAG | typeof PLANNED_INGEST_GB_TAG,
  gb: number | undefined,
): Record<string, string> {
  const value = plannedGbTag(gb);
  return value === undefined ? tags : { ...tags, [key]: value };
}

/**
 * AWS tag rules, and the tag keys this program sets itself. Pure.
 *
 * AWS limits (AWS Batch user guide "Tag restrictions", AWS SDK Tag type docs
 * of ECS and Personalize, "Tagging AWS resources" user guide; checked
 * 2026-11-23): keys are 1-128 Unicode characters and values 0-256; the
 * characters allowed across services are letters, digits, spaces and
 * `_ . : / = + - @`; keys and values are case-sensitive; `aws:` in any case
 * is reserved for AWS as a prefix of keys and of values.
 */

export const TAG_KEY_MAX = 128;
export const TAG_VALUE_MAX = 256;
/** Characters every tagging service accepts. */
export const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
export const AWS_RESERVED_PREFIX = "aws:";

/**
 * Tag keys the components set on their resources themselves (the `Name`
 * shown in the console, a bucket's `purpose`, a subnet's `tier`): a user tag
 * with one of these keys would be overwritten on those resources.
 */
export const COMPONENT_TAG_KEYS = ["Name", "purpose", "tier"] as const;

/**
 * Key prefixes that belong to others: AWS (`aws:`), Kubernetes and its AWS
 * controllers, which discover subnets and node groups by `kubernetes.io/...`
 * and `k8s.io/cluster-autoscaler/...` tags (a user tag there would steer
 * them), and this platform's own `ml-platform/` keys (planning figures the
 * cost model and policies read).
 */
export const RESERVED_TAG_PREFIXES = [AWS_RESERVED_PREFIX, "kubernetes.io/", "k8s.io/", "ml-platform/"] as const;

/** What is wrong with a tag key as AWS sees it, or undefined. */
export function tagKeyProblem(key: string): string | undefined {
  if (key.length === 0) return "tag keys cannot be empty";
  if ([...key].length > TAG_KEY_MAX) return `AWS tag keys are at most ${TAG_KEY_MAX} characters (this one has ${[...key].length})`;
  if (!TAG_CHARACTERS.test(key)) return "AWS tag keys take letters, digits, spaces and _ . : / = + - @ only";
  if (key.toLowerCase().startsWith(AWS_RESERVED_PREFIX)) return "the aws: prefix is reserved for AWS's own tags";
  return undefined;
}

/** What is wrong with a tag value as AWS sees it, or undefined. */
export function tagValueProblem(value: string): string | undefined {
  if ([...value].length > TAG_VALUE_MAX) return `AWS tag values are at most ${TAG_VALUE_MAX} characters (this one has ${[...value].length})`;
  if (!TAG_CHARACTERS.test(value)) return "AWS tag values take letters, digits, spaces and _ . : / = + - @ only";
  if (value.toLowerCase().startsWith(AWS_RESERVED_PREFIX)) return "the aws: prefix is reserved for AWS, in tag values too";
  return undefined;
}

/**
 * Why a user tag key collides with one the program sets (`setByProgram`:
 * exact keys; compared without regard to case, since Cost Explorer and the
 * console would show `Environment` and `environment` as two tags), or undefined.
 */
export function reservedTagKeyProblem(key: string, setByProgram: readonly string[] = COMPONENT_TAG_KEYS): string | undefined {
  const lower = key.toLowerCase();
  const exact = setByProgram.find((k) => k.toLowerCase() === lower);
  if (exact !== undefined) {
    return exact === key
      ? `is a tag the program sets itself (${setByProgram.join(", ")}); yours would be overwritten, so choose another key`
      : `differs only in case from the tag "${exact}" the program sets; AWS would keep both and cost reports would split, so choose another key`;
  }
  const prefix = RESERVED_TAG_PREFIXES.find((p) => lower.startsWith(p));
  if (prefix && prefix !== AWS_RESERVED_PREFIX)
    return `the ${prefix} prefix is reserved (Kubernetes, its AWS controllers and this platform read these tags), so choose another key`;
  return undefined;
}
