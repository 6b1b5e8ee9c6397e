/**
 * The pull-request workflow: actionlint-clean, and it does what the README says
 * (tests, plans of base and head, one comment with the diff, fails on mandatory
 * violations). Its `plan` command lines are parsed by the CLI's own parser.
 * The end-to-end workflow: actionlint-clean, weekly and by hand, OIDC, only test/e2e.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { parseCommand } from "../../plan/cli";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain Node script, shared with `npm run lint:workflows`
const { lintWorkflows, runLint } = require("../../scripts/lint-workflows.js") as {
  lintWorkflows(): Promise<{ files: string[]; findings: { file: string; line: number; message: string }[] }>;
  runLint(text: string, file: string): Promise<{ message: string; line: number; kind: string }[]>;
};

const ROOT = path.join(__dirname, "..", "..");
const FILE = path.join(ROOT, ".github", "workflows", "pull-request.yml");
const text = fs.readFileSync(FILE, "utf8");

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
  "working-directory"?: string;
}
interface Job {
  permissions?: Record<string, string>;
  steps: Step[];
}
const workflow = parseYaml(text) as { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, Job> };
const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
const runs = steps.map((s) => s.run ?? "").join("\n");

describe(".github/workflows/pull-request.yml", () => {
  it("is actionlint-clean, and actionlint is live (a typo in it is caught)", async () => {
    const { files, findings } = await lintWorkflows();
    expect(files).toContain("pull-request.yml");
    expect(findings).toEqual([]);
    const typo = await runLint(text.replace("steps.head.outputs.status != '0'", "steps.hed.outputs.status != '0'"), "typo.yml");
    expect(typo.map((f) => f.kind)).toContain("expression");
  });

  it("keeps the real `pulumi preview --policy-pack` job ready: uncommented, it lints clean too", async () => {
    const start = text.indexOf("  # preview:");
    expect(start).toBeGreaterThan(0);
    const uncommented = text.slice(0, start) + text.slice(start).replace(/^ {2}# ?/gm, "  ");
    const jobs = (parseYaml(uncommented) as typeof workflow).jobs;
    expect(jobs.preview?.steps.at(-1)?.run).toMatch(
      /^pulumi preview --stack "\$STACK" --policy-pack policies --policy-pack-config "policies\/config\/\$STAGE\.json"/,
    );
    expect(await runLint(uncommented, "uncommented.yml")).toEqual([]);
  });

  it("runs on pull requests with a read-only token, writing only the pull request's comments", () => {
    expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(workflow.jobs["plan-diff"]!.permissions).toEqual({ contents: "read", "pull-requests": "write" });
  });

  it("pins every action to a release commit, named in a comment", () => {
    const uses = [...text.matchAll(/uses: ([^\s#]+)(?: # (\S+))?/g)];
    expect(uses.length).toBeGreaterThan(4);
    for (const [, ref, version] of uses)
      expect({ ref, version }).toEqual({ ref: expect.stringMatching(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/), version: expect.stringMatching(/^v\d+\.\d+\.\d+$/) });
  });

  it("runs npm test, plans every stack on the base and on the head, diffs them, and fails on the head's exit code", () => {
    // The test job runs this project's CI script, which ends with `npm test`.
    expect(runs).toMatch(/^bash \.ci\/run$/m);
    expect(fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8")).toMatch(/^npm test$/m);
    const checkouts = steps.filter((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkouts.map((s) => s.with?.path ?? ".")).toEqual([".", "head", "base"]);
    expect(checkouts.find((s) => s.with?.path === "base")!.with!.ref).toBe("${{ github.event.pull_request.base.sha }}");
    const head = steps.find((s) => s.id === "head")!;
    expect(head["working-directory"]).toBe("head");
    expect(head.run).toMatch(/npm run -s plan -- --all --json > "\$RUNNER_TEMP\/head\.json" \|\| status=\$\?/);
    expect(runs).toMatch(/npm run -s plan -- diff "\$RUNNER_TEMP\/base\.json" "\$RUNNER_TEMP\/head\.json" --markdown/);
    const fail = steps.at(-1)!;
    expect(fail.if).toBe("steps.head.outputs.status != '0'");
    expect(fail.run).toMatch(/exit 1\s*$/);
  });

  it("a protected resource replaced or deleted (diff exit 5) still gets its comment, then fails unless a maintainer labelled the pull request", () => {
    const diff = steps.find((s) => s.id === "diff")!;
    expect(diff.run).toMatch(/--markdown > "\$RUNNER_TEMP\/plan-diff\.md" \|\| status=\$\?/);
    expect(diff.run).toMatch(/if \[ "\$status" != 0 \] && \[ "\$status" != 5 \]; then exit "\$status"; fi/);
    const order = steps.map((s) => s.id ?? s.name ?? s.uses ?? "");
    const gate = steps.find((s) => s.if?.includes("steps.diff.outputs.status == '5'"))!;
    expect(gate.if).toContain("!contains(github.event.pull_request.labels.*.name, 'approve-protected-replacement')");
    expect(order.indexOf(gate.name!)).toBeGreaterThan(
      order.findIndex((o) => o.startsWith("actions/github-script@") || o === "Post or update the plan-diff comment"),
    );
    // A label added or removed runs the check again.
    expect((workflow.on.pull_request as { types: string[] }).types).toEqual(expect.arrayContaining(["labeled", "unlabeled", "synchronize"]));
  });

  it("every `npm run plan` line in it is a command the CLI accepts", () => {
    const lines = [...runs.matchAll(/npm run -s plan -- ([^>|\n]+)/g)].map((m) => m[1]!.trim());
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) {
      const argv = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
      expect({ line, kind: parseCommand(argv, ROOT).kind }).toEqual({ line, kind: expect.stringMatching(/^(plan|diff)$/) });
    }
  });

  it("posts or updates one comment, found again by a hidden marker", () => {
    const script = steps.find((s) => s.uses?.startsWith("actions/github-script@"))!.with!.script!;
    expect(script).toMatch(/const marker = "<!-- [^>]+ -->"/);
    expect(script).toMatch(/github\.rest\.issues\.updateComment/);
    expect(script).toMatch(/github\.rest\.issues\.createComment/);
    expect(script).toMatch(/body\?\.startsWith\(marker\)/);
  });
});

describe(".github/workflows/e2e.yml", () => {
  const e2eText = fs.readFileSync(path.join(ROOT, ".github", "workflows", "e2e.yml"), "utf8");
  const e2e = parseYaml(e2eText) as typeof workflow;
  const e2eSteps = Object.values(e2e.jobs).flatMap((j) => j.steps);

  it("is actionlint-clean", async () => {
    expect(await runLint(e2eText, "e2e.yml")).toEqual([]);
  });

  it("runs weekly and by hand, assumes the AWS role through OIDC, and runs only the end-to-end test", () => {
    expect(Object.keys(e2e.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(e2e.permissions).toEqual({ contents: "read" });
    expect(Object.values(e2e.jobs).map((j) => j.permissions)).toEqual([{ contents: "read", "id-token": "write" }]);
    const aws = e2eSteps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))!;
    expect(aws.with!["role-to-assume"]).toBe("${{ vars.E2E_AWS_ROLE_ARN }}");
    expect(e2eSteps.some((s) => s.uses?.startsWith("pulumi/actions@"))).toBe(true);
    const run = e2eSteps.at(-1)!;
    expect((run as Step & { env: Record<string, string> }).env.ML_PLATFORM_E2E).toBe("1");
    expect(run.run).toMatch(/^npx jest test\/e2e --runInBand$/m);
  });

  it("pins every action to a release commit, named in a comment", () => {
    for (const [, ref, version] of e2eText.matchAll(/uses: ([^\s#]+)(?: # (\S+))?/g))
      expect({ ref, version }).toEqual({ ref: expect.stringMatching(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/), version: expect.stringMatching(/^v\d+\.\d+\.\d+$/) });
  });
});
