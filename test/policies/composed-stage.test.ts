/**
 * A platform team's own program, composing the components: the `stage`
 * argument writes the stage tag, so the policy pack applies that stage's
 * limits; without it (and without a `stage` tag anywhere) the pack says so
 * in one finding instead of guessing.
 */
import { ContainerRegistry } from "ml-platform";
import { planProgram } from "ml-platform/testing";

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
