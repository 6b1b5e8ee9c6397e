/**
 * Duplicate entries in any list of the stack configuration, as one class:
 * every list in the parsed config is checked, so a list added to the schema
 * later is covered without a line here. An entry repeated in a list is
 * either a mistake or two resources of one name, which the engine refuses
 * (bucket, repository, node group, receiver) or which crash a helper that
 * builds one resource per entry (an EKS access entry per role). Pure.
 */
import type { ConfigProblem } from "./errors";

/** A list's path with its indices blanked: ["cluster", "gpuNodeGroups", 0, "instanceTypes"] -> "cluster.gpuNodeGroups[].instanceTypes". */
export function listPattern(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) out += typeof part === "number" ? "[]" : `${out ? "." : ""}${String(part)}`;
  return out;
}

/**
 * Lists whose entries may repeat, with the reason (a command line's
 * arguments, say). Everything else must be unique; test/config-hardening
 * checks that every list in the schema is either tested for duplicates or here.
 */
export const REPEATS_ALLOWED: Record<string, string> = {
  "predictionMonitoring.args": "a command line may repeat an argument (--metric a --metric b)",
  "serving.models[].canary.steps":
    "a repeated step is refused by the serving check that each step's weight is above the one before (components/serving/checks.ts)",
};

/** Why a repeated entry is refused, for the lists where the reason is more than "it is listed twice". */
const WHY_UNIQUE: Record<string, string> = {
  "artifacts.buckets": "each bucket is one S3 bucket named after it",
  "registry.repositories": "each repository is one ECR repository named after it",
  "cluster.gpuNodeGroups": "each pool becomes node groups and a node label named after it",
  "serving.models": "each model is a Deployment, Service and IAM role named after it",
  "network.availabilityZoneIds": "each subnet needs its own AZ",
  "alerts.emails": "SNS would send each alert twice",
  "healthChecks.publicEndpoints": "each endpoint is a health check and an alarm named after it",
  "healthChecks.internalUrls": "each URL is a canary step named after it",
  "monitoring.receivers": "Alertmanager refuses two receivers of one name",
};

/**
 * Config keys that share one identity space: a value may appear once across
 * all of them. An IAM role gets one EKS access entry per cluster (EKS API
 * reference, CreateAccessEntry: ResourceInUseException when the principal
 * has one; checked 2026-11-23), so a role is admin, read-only or the deployer.
 */
export const SHARED_IDENTITIES: { keys: string[]; why: string }[] = [
  {
    keys: ["cluster.deployerRoleArn", "cluster.adminRoleArns", "cluster.readOnlyRoleArns", "serving.viewerRoleArns"],
    why: "EKS gives a role one access entry per cluster, so give it one kind of access",
  },
];

/** What makes two entries the same: a string or number itself, an object by its `name`, anything else by its JSON. */
function identityOf(entry: unknown): { id: string; field?: string } {
  if (typeof entry === "string" || typeof entry === "number" || typeof entry === "boolean") return { id: String(entry) };
  if (entry !== null && typeof entry === "object" && typeof (entry as { name?: unknown }).name === "string") {
    return { id: (entry as { name: string }).name, field: "name" };
  }
  return { id: JSON.stringify(entry) };
}

type KeyOf = (path: readonly PropertyKey[]) => string;

function visit(node: unknown, path: PropertyKey[], keyOf: KeyOf, problems: ConfigProblem[]): void {
  if (Array.isArray(node)) {
    const pattern = listPattern(path);
    if (!(pattern in REPEATS_ALLOWED)) {
      const first = new Map<string, number>();
      node.forEach((entry, i) => {
        const { id, field } = identityOf(entry);
        const at = first.get(id);
        if (at === undefined) {
          first.set(id, i);
          return;
        }
        const entryPath = field ? [...path, i, field] : [...path, i];
        const why = WHY_UNIQUE[pattern];
        problems.push({
          key: keyOf(entryPath),
          value: field ? id : entry,
          message: `repeats ${keyOf(field ? [...path, at, field] : [...path, at])}; list each entry once${why ? ` (${why})` : ""}`,
        });
      });
    }
    node.forEach((entry, i) => visit(entry, [...path, i], keyOf, problems));
    return;
  }
  if (node !== null && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) visit(v, [...path, k], keyOf, problems);
  }
}

function valueAt(root: unknown, dotted: string): unknown {
  let node: unknown = root;
  for (const part of dotted.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Every repeated entry in the config's lists, and every value repeated across keys of one identity space. */
export function duplicateProblems(config: unknown, keyOf: KeyOf): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  visit(config, [], keyOf, problems);
  for (const group of SHARED_IDENTITIES) {
    const seen = new Map<string, string>();
    for (const dotted of group.keys) {
      const value = valueAt(config, dotted);
      const entries = Array.isArray(value) ? value : value === undefined ? [] : [value];
      const base = dotted.split(".");
      entries.forEach((entry, i) => {
        const { id } = identityOf(entry);
        const key = keyOf(Array.isArray(value) ? [...base, i] : base);
        const before = seen.get(id);
        if (before === undefined) seen.set(id, key);
        else if (!before.startsWith(`${keyOf(base)}[`)) problems.push({ key, value: entry, message: `is also ${before}; ${group.why}` });
      });
    }
  }
  return problems;
}
