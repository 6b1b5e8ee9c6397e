/**
 * action.yml, the reusable action a consumer's workflow uses: its steps lint
 * clean as a workflow's would, it posts the very comment this repository's
 * workflow posts, and its diff lines are ones `ml-platform-plan` accepts.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml, stringify } from "yaml";
import { binMain } from "../../plan/bin";
import { EXIT } from "../../plan/exit";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain Node script, shared with `npm run lint:workflows`
const { runLint } = require("../../scripts/lint-workflows.js") as {
  runLint(text: string, file: string): Promise<{ message: string; line: number; kind: string }[]>;
};

const ROOT = path.join(__dirname, "..", "..");
interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
  shell?: string;
}
const action = parseYaml(fs.readFileSync(path.join(ROOT, "action.yml"), "utf8")) as {
  inputs: Record<string, { required: boolean; default?: string; description: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
};
const workflow = parseYaml(fs.readFileSync(path.join(ROOT, ".github", "workflows", "pull-request.yml"), "utf8")) as {
  jobs: Record<string, { steps: Step[] }>;
};

/** The action's steps as a reusable workflow's job, so actionlint checks their expressions and inputs. */
function asWorkflow(steps: Step[]): string {
  const inputs = Object.fromEntries(
    Object.entries(action.inputs).map(([k, v]) => [k, { type: "string", required: v.required, ...(v.default !== undefined ? { default: v.default } : {}) }]),
  );
  return stringify({ name: "action", on: { workflow_call: { inputs } }, jobs: { diff: { "runs-on": "ubuntu-24.04", steps } } });
}

describe("action.yml", () => {
  it("is a composite action whose steps lint clean (and a typo in them is caught)", async () => {
    expect(action.runs.using).toBe("composite");
    expect(await runLint(asWorkflow(action.runs.steps), "action-as-workflow.yml")).toEqual([]);
    const typo = action.runs.steps.map((s) => JSON.parse(JSON.stringify(s).replace("steps.diff.outputs", "steps.dif.outputs")) as Step);
    expect((await runLint(asWorkflow(typo), "typo.yml")).map((f) => f.kind)).toContain("expression");
  });

  it("posts the same comment as this repository's workflow, with the same pinned action", () => {
    const ours = Object.values(workflow.jobs)
      .flatMap((j) => j.steps)
      .find((s) => s.uses?.startsWith("actions/github-script@"));
    const theirs = action.runs.steps.find((s) => s.uses?.startsWith("actions/github-script@"));
    expect(theirs?.uses).toBe(ours?.uses);
    expect(theirs?.with?.script).toBe(ours?.with?.script);
  });

  it("runs `ml-platform-plan diff` in the forms the command accepts, and fails on exit 5 unless the approval label is set", async () => {
    const lines = action.runs.steps.flatMap((s) => (s.run ?? "").split("\n")).filter((l) => l.includes(".bin/ml-platform-plan "));
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const argv = line
        .replace(/^.*\.bin\/ml-platform-plan /, "")
        .replace(/ >.*$/, "")
        .split(" ")
        .map((a) => a.replace(/^"\$(BASE|HEAD)_PLAN"$/, "$1.json"));
      const out = { stderr: "" };
      // A usage error is exit 2; these files do not exist, so an accepted command line fails on reading them (exit 1).
      expect(await binMain(argv, { stdout: () => {}, stderr: (t) => (out.stderr += t), cwd: ROOT })).toBe(EXIT.invalid);
      expect(out.stderr).toMatch(/cannot read plan file .*BASE\.json/);
    }
    const gate = action.runs.steps.at(-1)!;
    expect((gate as { if?: string }).if).toBe("steps.diff.outputs.status == '5' && !contains(github.event.pull_request.labels.*.name, inputs.approval-label)");
  });
});
