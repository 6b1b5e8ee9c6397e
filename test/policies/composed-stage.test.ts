/**
 * A platform team's own program, composing the components: the `stage`
 * argument writes the stage tag, so the policy pack applies that stage's
 * limits; without it (and without a `stage` tag anywhere) the pack says so
 * in one finding instead of guessing.
 */
import { ContainerRegistry } from "ml-platform";
import { planProgram } from "ml-platform/testing";
import { STAGE_LABEL } from "../../lib/tags";
import { plan as planStack } from "../support/plan";

const registry = (stage?: "poc" | "mvp" | "seriesb") => () => {
  const r = new ContainerRegistry("team-registry", {
    repositories: ["models"],
    keepLastImages: 20,
    tags: { owner: "ml-team", costCenter: "ml", environment: "prod" },
    stage,
  });
  return { url: r.repositories["models"]!.url };
};
const plan = (stage?: "poc" | "mvp" | "seriesb") => planProgram(registry(stage), { project: "team", stack: "prod", usage: { ecrStorageGbPerRepository: 10 } });

it("the stage argument writes the stage tag on every AWS resource the component tags, and the pack applies that stage", async () => {
  const staged = await plan("poc");
  const tagged = staged.resources.filter((r) => r.type.startsWith("aws:") && r.inputs.tags);
  expect(tagged.length).toBeGreaterThan(0);
  for (const r of tagged) expect({ resource: r.name, stage: (r.inputs.tags as Record<string, string>).stage }).toEqual({ resource: r.name, stage: "poc" });
  expect(staged.policy.mandatory).toEqual([]);
  expect(staged.policy.advisory.map((f) => f.policy)).not.toContain("stage-stated");
});

it("without it, one advisory finding says no stage was found and how to state it; nothing is blocked", async () => {
  const unstaged = await plan();
  expect(unstaged.policy.mandatory).toEqual([]);
  const found = unstaged.policy.advisory.filter((f) => f.policy === "stage-stated");
  expect(found).toHaveLength(1);
  expect(found[0]!.message).toContain("No resource in this stack states its stage");
});

it("the shipped program's Kubernetes objects carry the stage label the pack reads (pod templates and selectors untouched)", async () => {
  for (const stack of ["mvp", "seriesb-prod"]) {
    const run = await planStack(stack);
    const objects = run.resources.filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/"));
    expect(objects.length).toBeGreaterThan(0);
    const unlabelled = objects.filter((r) => (r.inputs.metadata as { labels?: Record<string, string> } | undefined)?.labels?.[STAGE_LABEL] !== run.spec.stage);
    expect({ stack, unlabelled: unlabelled.map((r) => `${r.type} ${r.name}`) }).toEqual({ stack, unlabelled: [] });
    for (const d of objects.filter((r) => r.type === "kubernetes:apps/v1:Deployment")) {
      const spec = d.inputs.spec as { selector?: { matchLabels?: Record<string, string> }; template?: { metadata?: { labels?: Record<string, string> } } };
      expect(spec.selector?.matchLabels?.[STAGE_LABEL]).toBeUndefined();
      expect(spec.template?.metadata?.labels?.[STAGE_LABEL]).toBeUndefined();
    }
  }
});
