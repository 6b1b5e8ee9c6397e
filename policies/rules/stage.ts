/**
 * The stage the pack's limits follow (policies/stages.ts): one finding when a
 * stack does not state it, so that the limits applied instead (NO_STAGE_LIMITS)
 * are never applied silently.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { STAGE_LABEL, STAGE_TAG } from "../../lib/tags";
import { KNOWN_STAGES, STAGE_LIMITS, StageConfig, isStage, providerDefaultTags, statedStage } from "../stages";
import { STAGE_SCHEMA, explain, money } from "./common";

/** AWS resources that take tags (a `tags` or `tagsAll` property, or a provider with default tags) and Kubernetes objects. */
function canStateStage(r: PolicyResource): boolean {
  if (r.type.startsWith("kubernetes:")) return !r.type.startsWith("kubernetes:helm.sh/") && r.type !== "kubernetes:yaml:ConfigFile";
  return r.type.startsWith("aws:") && ("tags" in r.props || "tagsAll" in r.props || Object.keys(providerDefaultTags(r.provider)).length > 0);
}

const names = (rs: PolicyResource[]) =>
  `${rs
    .slice(0, 3)
    .map((r) => r.name)
    .join(", ")}${rs.length > 3 ? ` and ${rs.length - 3} more` : ""}`;

const HOW_TO_SET = [
  "with ml-platform's components, their `stage` argument (it writes the tag)",
  `on AWS resources, the \`${STAGE_TAG}\` tag: once for all of them through the AWS provider (\`pulumi config set --path aws:defaultTags.tags.${STAGE_TAG} mvp\`, or defaultTags on an explicit aws.Provider)`,
  `on Kubernetes objects, the \`${STAGE_LABEL}\` label (an object without it takes the stage the stack's AWS resources state)`,
  "or, for resources you cannot tag, run the pack with `--policy-pack-config policies/config/<stage>.json`, which names the stage (its `stage` key) for every stage-limited policy",
].join("; ");

const budgets = KNOWN_STAGES.map((s) => `${s} ${money(STAGE_LIMITS[s]["stack-monthly-budget"].maxWorstCaseMonthlyUsd)}`).join(", ");

export const stageStated: StackValidationPolicy = {
  name: "stage-stated",
  description: `The stack states its stage (${KNOWN_STAGES.join(", ")}), whose limits the stage-limited policies apply; without one they apply the loosest limits of every stage, and this policy says so.`,
  // Advisory: a missing tag is not itself a costly mistake, and blocking on it would block sound setups.
  enforcementLevel: "advisory",
  configSchema: { properties: { stage: STAGE_SCHEMA } },
  validateStack: (args, report) => {
    if (isStage(args.getConfig<StageConfig>().stage)) return;
    const candidates = args.resources.filter(canStateStage);
    const stated = candidates.map((r) => ({ r, stage: statedStage(r.type, r.props, r.provider) }));
    const known = new Set(stated.map((s) => s.stage).filter(isStage));
    const foreign = stated.filter((s) => s.stage === "unknown");
    if (foreign.length) {
      const values = [
        ...new Set(
          foreign.map(({ r }) =>
            String(
              r.type.startsWith("kubernetes:")
                ? ((r.props.metadata as { labels?: Record<string, unknown> } | undefined)?.labels?.[STAGE_LABEL] ?? "")
                : ((r.props.tags as Record<string, unknown> | undefined)?.[STAGE_TAG] ?? providerDefaultTags(r.provider)[STAGE_TAG]),
            ),
          ),
        ),
      ];
      report(
        explain(
          `${foreign.length} resource(s) (${names(foreign.map((s) => s.r))}) state the stage ${values.map((v) => `"${v}"`).join(", ")}, which this pack does not know (it knows ${KNOWN_STAGES.join(", ")}).`,
          `the limits follow the stage: ${known.size ? "they get the stage the rest of the stack states where a stack policy decides, else the loosest limits of every stage" : "they get the loosest limits of every stage"}, so a mistake only one stage forbids passes.`,
          `use one of ${KNOWN_STAGES.join(", ")}: ${HOW_TO_SET}.`,
        ),
      );
    }
    if (!candidates.length || known.size || foreign.length) {
      // Some resources state a stage: AWS resources that do not are held to NO_STAGE_LIMITS by the resource policies.
      const silent = stated.filter((s) => s.stage === undefined && s.r.type.startsWith("aws:")).map((s) => s.r);
      if (known.size && silent.length)
        report(
          explain(
            `${silent.length} AWS resource(s) (${names(silent)}) state no stage, while the rest of the stack states ${[...known].join("/")}.`,
            "a resource policy sees one resource at a time: these get the loosest limits of every stage instead of the stack's.",
            `tag them: ${HOW_TO_SET}.`,
          ),
        );
      return;
    }
    report(
      explain(
        `No resource in this stack states its stage (${KNOWN_STAGES.join(", ")}), and the policy config names none: the stage-limited policies apply the loosest limits of every stage to its ${candidates.length} resource(s).`,
        `the limits follow the company's stage (the monthly budget is ${budgets}); so what only an earlier stage forbids (a POC's second GPU node, an MVP's $5,000-a-month node group) passes unnoticed. The pack never falls back to the strictest limits, which block sound setups.`,
        `state it once: ${HOW_TO_SET}.`,
      ),
    );
  },
};

export const stagePolicies = [stageStated];
