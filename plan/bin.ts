#!/usr/bin/env node
/**
 * `ml-platform-plan`, the package's command line (package.json `bin`): the
 * offline plan of your own program and the pull-request diff, as this
 * repository runs them on its stacks.
 *
 *   ml-platform-plan bin/index.js --stack-file Pulumi.dev.yaml > head.json
 *   ml-platform-plan diff base.json head.json --markdown > comment.md
 *
 * Exit codes as `npm run plan` (plan/exit.ts): 0 done, 1 bad input, 2 usage,
 * 3 the program threw, 4 a mandatory policy is violated (the JSON is printed
 * all the same), 5 (diff) a protected resource is replaced or deleted.
 */
import * as path from "path";
import { parseArgs } from "util";
import { diffCommand } from "./diff-command";
import { EXIT } from "./exit";

export const BIN_USAGE = `usage: ml-platform-plan <program.js> --stack-file <Pulumi.<stack>.yaml> [--project <name>] [--policy-stage poc|mvp|seriesb]
                        [--stage <name>] [--environment <name>]
       ml-platform-plan diff <base.json> <head.json> [--markdown | --json]

  <program.js>        your Pulumi program's entry module, compiled (what Pulumi.yaml's main names); a
                      function it exports is called, as Pulumi does
  --stack-file        the stack's config; the project's name is read from the Pulumi.yaml beside it
  --project           the project's name, when there is no Pulumi.yaml beside the stack file
  --policy-stage      judge with the policy pack's config of that stage (default: every policy at its strictest)
  --stage, --environment
                      recorded in the plan: when one changes between two plans, diff pairs resources
                      renamed by it as replacements
  diff                compare two plans: replacements and deletions first, then changes, policy, cost
  --markdown | --json (diff) the pull-request comment (default) or the same data as JSON

exit codes: 0 done; 1 bad input; 2 usage; 3 the program threw; 4 a mandatory policy is violated;
            5 (diff) a protected resource is replaced or deleted`;

export interface BinIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}

export async function binMain(argv: string[], io: BinIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        "stack-file": { type: "string" },
        project: { type: "string" },
        "policy-stage": { type: "string" },
        stage: { type: "string" },
        environment: { type: "string" },
        json: { type: "boolean" },
        markdown: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    io.stderr(`${(err as Error).message.replace(/\. To specify a positional argument.*$/s, "")}\n${BIN_USAGE}\n`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const usage = (problem: string) => {
    io.stderr(`${problem}\n${BIN_USAGE}\n`);
    return EXIT.usage;
  };
  if (values.help) {
    io.stdout(`${BIN_USAGE}\n`);
    return EXIT.ok;
  }
  const resolve = (f: string) => path.resolve(io.cwd, f);
  if (positionals[0] === "diff") {
    if (positionals.length !== 3) return usage("diff takes two plan files: diff <base.json> <head.json>");
    if (values.json && values.markdown) return usage("diff prints either --json or --markdown, not both");
    return diffCommand(resolve(positionals[1]!), resolve(positionals[2]!), values.json ? "json" : "markdown", io);
  }
  if (positionals.length !== 1) return usage(positionals.length ? `one program at a time (got ${positionals.join(" ")})` : "which program?");
  if (!values["stack-file"]) return usage("--stack-file <Pulumi.<stack>.yaml> is required");
  const stage = values["policy-stage"];
  if (stage !== undefined && stage !== "poc" && stage !== "mvp" && stage !== "seriesb")
    return usage(`--policy-stage must be poc, mvp or seriesb (got ${stage})`);

  // Loaded here: planning pulls in @pulumi/pulumi, which diff does not need.
  const { StackFileError, planStackFile, programFromModule } = await import("./program");
  const { stagePolicyConfig } = await import("../offline/index");
  try {
    const plan = await planStackFile(programFromModule(resolve(positionals[0]!)), resolve(values["stack-file"]), {
      project: values.project,
      stage: values.stage,
      environment: values.environment,
      ...(stage ? { policyConfig: stagePolicyConfig(stage) } : {}),
    });
    io.stdout(`${JSON.stringify(plan, null, 2)}\n`);
    if (plan.policy.mandatory.length) {
      io.stderr(
        `${plan.policy.mandatory.length} mandatory policy violation(s): ${plan.policy.mandatory.map((v) => `${v.policy} on ${v.resource ?? "the stack"}`).join(", ")}\n`,
      );
      return EXIT.policy;
    }
    return EXIT.ok;
  } catch (err) {
    if (err instanceof StackFileError) {
      io.stderr(`${err.message}\n`);
      return EXIT.invalid;
    }
    io.stderr(`the program failed while planning: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.programFailed;
  }
}

if (require.main === module) {
  binMain(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), cwd: process.cwd() }).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`ml-platform-plan failed unexpectedly: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = EXIT.programFailed;
    },
  );
}
