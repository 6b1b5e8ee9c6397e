/**
 * `npm run plan -- <stack> | --all | diff <base.json> <head.json>`: the offline
 * plan of one stack or of every stack, and the comparison of two plans for a
 * pull request. The exit codes are EXIT, listed in `usage()` and the README.
 *
 * Everything heavy (the provider SDKs, the program, the policy pack) is loaded
 * only on the path that needs it, so `diff` does not load the program.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import type { PlanRun } from "./engine";
import { EXIT } from "./exit";
import { diffCommand } from "./diff-command";
import type { JsonPlan } from "./report";

export { EXIT };

/** With --all, the code of the worst stack, in this order. */
const SEVERITY: number[] = [EXIT.programFailed, EXIT.invalid, EXIT.policy, EXIT.ok];

export function usage(stacksDir?: string): string {
  // Loaded here, not at module load: `engine` pulls in @pulumi/pulumi.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above); `diff` never loads the SDK
  const { STACKS_DIR, listStacks } = require("./engine") as typeof import("./engine");
  const dir = stacksDir ?? STACKS_DIR;
  const stacks = listStacks(dir);
  return `usage: npm run plan -- <stack> [--json] [--stacks-dir <dir>]
       npm run plan -- --all [--json] [--stacks-dir <dir>]
       npm run plan -- diff <base.json> <head.json> [--markdown | --json]

  <stack>             a stack file Pulumi.<stack>.yaml in ${stacksDir ? dir : "stacks/"}: ${stacks.join(", ") || "(none there)"}
  --all               plan every stack there, in one process
  --json              print the plan as JSON on stdout (with --all, an array of plans);
                      redirect it with \`npm run -s plan -- ...\`: without -s npm prints its banner on stdout
  --stacks-dir <dir>  read the stack files from <dir> (relative to the directory you ran npm in) instead of stacks/
  diff                compare two --json plans (or two --all --json arrays): resources replaced and deleted
                      first (protected and stateful ones by name), then changed and added, policy findings
                      new and fixed, monthly cost expected, worst case and idle GPU
  --markdown          (diff, the default) print the comparison as a pull-request comment
  --json              (diff) print the comparison as JSON
  -h, --help          print this text

exit codes:
  0  planned, no mandatory policy violation (or diffed); a reader that closes stdout early (| head) is no error
  1  bad input: no such stack, an invalid stack file, a plan file diff cannot read
  2  usage: an unknown option or wrong arguments
  3  the program failed while planning, with an error the config checks did not catch (a bug: please report it)
  4  planned, but a mandatory policy is violated (as \`pulumi preview --policy-pack policies\` would fail)
  5  diff: a protected resource is replaced or deleted (listed first in the diff); the diff is printed all the same
  With --all, the first of 3, 1, 4 that any stack returned, else 0.`;
}

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Where relative paths are resolved: the caller's directory (`INIT_CWD` under npm, else the cwd). */
  callerDir: string;
  /** Plans one stack; the tests pass a memoised planner. */
  plan?: (stack: string, opts: { stacksDir?: string }) => Promise<PlanRun>;
  /**
   * Promise rejections nobody handled, as the process entry collects them. An
   * error thrown inside an `apply` is one: a real `pulumi preview` fails on
   * it, while the mock engine finishes the plan as if nothing happened. A
   * stack whose planning adds an entry here fails with exit 3.
   */
  unhandledRejections?: unknown[];
}

type Outcome =
  | { stack: string; code: typeof EXIT.ok | typeof EXIT.policy; json: () => JsonPlan; text: () => string; mandatory: number }
  | { stack: string; code: typeof EXIT.invalid | typeof EXIT.programFailed; message: string };

/** What the arguments ask for, before anything runs. */
export type Command =
  | { kind: "help"; stacksDir?: string }
  | { kind: "usage"; problem: string; stacksDir?: string }
  | { kind: "diff"; base: string; head: string; format: "json" | "markdown" }
  | { kind: "plan"; all: boolean; stack?: string; json: boolean; stacksDir?: string };

/** Parses the arguments (relative paths against `callerDir`); no file is read. */
export function parseCommand(argv: string[], callerDir: string): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        all: { type: "boolean" },
        json: { type: "boolean" },
        markdown: { type: "boolean" },
        "stacks-dir": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    // parseArgs names the option: "Unknown option '--jsn'", "Option '--stacks-dir <value>' argument missing".
    // Its hint about `--` for positionals that start with '-' does not help here (no stack name does).
    return { kind: "usage", problem: (err as Error).message.replace(/\. To specify a positional argument.*$/s, "") };
  }
  const { values, positionals } = parsed;
  const stacksDir = values["stacks-dir"] === undefined ? undefined : path.resolve(callerDir, values["stacks-dir"]);
  const usageError = (problem: string): Command => ({ kind: "usage", problem, stacksDir });
  const { all = false, json = false } = values;
  if (values.help) return { kind: "help", stacksDir };
  if (positionals[0] === "diff") {
    if (positionals.length !== 3) return usageError("diff takes two plan files: diff <base.json> <head.json>");
    if (all || stacksDir) return usageError("diff compares two plan files: --all and --stacks-dir do not apply");
    if (json && values.markdown) return usageError("diff prints either --json or --markdown, not both");
    const [base, head] = positionals.slice(1).map((f) => path.resolve(callerDir, f));
    return { kind: "diff", base: base!, head: head!, format: json ? "json" : "markdown" };
  }
  if (values.markdown) return usageError("--markdown applies to diff only");
  if (all ? positionals.length !== 0 : positionals.length !== 1) {
    return usageError(
      all
        ? `--all plans every stack: no stack name (got ${positionals.join(" ")})`
        : positionals.length
          ? `one stack at a time (got ${positionals.join(" ")}); --all plans every stack`
          : "which stack?",
    );
  }
  return { kind: "plan", all, stack: positionals[0], json, stacksDir };
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const command = parseCommand(argv, io.callerDir);
  if (command.kind === "help") {
    io.stdout(`${usage(command.stacksDir)}\n`);
    return EXIT.ok;
  }
  if (command.kind === "usage") {
    const dir = command.stacksDir && fs.existsSync(command.stacksDir) ? command.stacksDir : undefined;
    io.stderr(`${command.problem}\n${usage(dir)}\n`);
    return EXIT.usage;
  }
  if (command.kind === "diff") return diffCommand(command.base, command.head, command.format, io);
  const { stacksDir, all, json } = command;
  if (stacksDir && !fs.statSync(stacksDir, { throwIfNoEntry: false })?.isDirectory()) {
    io.stderr(`--stacks-dir: there is no directory ${stacksDir}\n`);
    return EXIT.invalid;
  }
  const { STACKS_DIR, listStacks } = await import("./engine");
  const stacks = all ? listStacks(stacksDir ?? STACKS_DIR) : [command.stack!];
  if (!stacks.length) {
    io.stderr(`There is no stack file Pulumi.<stack>.yaml in ${stacksDir ?? STACKS_DIR}.\n`);
    return EXIT.invalid;
  }

  const outcomes: Outcome[] = [];
  let reports = 0;
  for (const stack of stacks) {
    const outcome = await planOne(stack, stacksDir, io);
    outcomes.push(outcome);
    if ("message" in outcome) io.stderr(`${outcome.message}\n`);
    else {
      // Text reports stream as each stack finishes; JSON is printed once, whole.
      if (!json) io.stdout(`${reports++ ? `\n${"=".repeat(78)}\n\n` : ""}${outcome.text()}\n`);
      if (outcome.mandatory) {
        io.stderr(`${outcome.mandatory} mandatory policy violation(s) in stack "${stack}": \`pulumi preview --policy-pack policies\` would fail.\n`);
      }
    }
  }
  if (json) {
    const { PLAN_SCHEMA_VERSION } = await import("./report");
    const docs = outcomes.map((o) =>
      "json" in o ? o.json() : { schemaVersion: PLAN_SCHEMA_VERSION, stack: o.stack, error: { exitCode: o.code, message: o.message } },
    );
    // One stack: its plan, or nothing when it could not be planned (the message is on stderr).
    if (all) io.stdout(`${JSON.stringify(docs, null, 2)}\n`);
    else if ("json" in outcomes[0]!) io.stdout(`${JSON.stringify(docs[0], null, 2)}\n`);
  }
  return SEVERITY.find((code) => outcomes.some((o) => o.code === code)) ?? EXIT.ok;
}

async function planOne(stack: string, stacksDir: string | undefined, io: CliIo): Promise<Outcome> {
  const { PlanError, planStack, REPO_ROOT } = await import("./engine");
  const { ConfigError } = await import("../config/resolve");
  const seen = io.unhandledRejections?.length ?? 0;
  const newRejections = async () => {
    // Node reports a rejection once the microtask queue has drained: give it a few turns.
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    return io.unhandledRejections?.splice(seen) ?? [];
  };
  let run: PlanRun;
  try {
    run = await (io.plan ?? planStack)(stack, { stacksDir });
  } catch (err) {
    await newRejections(); // the same error, reported again by the engine's own promises
    if (err instanceof ConfigError || err instanceof PlanError) return { stack, code: EXIT.invalid, message: err.message };
    return { stack, code: EXIT.programFailed, message: programFailure(stack, err, REPO_ROOT) };
  }
  const rejections = await newRejections();
  if (rejections.length) {
    // The engine's own promises reject again with the same error: count distinct ones.
    const distinct = new Set(rejections.map((r) => (r instanceof Error ? r.message : String(r)))).size;
    return { stack, code: EXIT.programFailed, message: programFailure(stack, rejections[0], REPO_ROOT, distinct) };
  }
  const duplicates = duplicateUrns(run);
  if (duplicates.length) {
    return {
      stack,
      code: EXIT.programFailed,
      message: `Plan of stack "${stack}" failed: the program declares ${duplicates.length === 1 ? "a resource" : `${duplicates.length} resources`} twice, which the Pulumi engine refuses (duplicate URN): ${duplicates.map((u) => `${u.split("::")[2]?.split("$").pop()} ${u.split("::").pop()}`).join(", ")}.`,
    };
  }
  const { costOf, policyOf, renderCost, renderPolicy, renderText, toJsonPlan } = await import("./report");
  const policy = policyOf(run);
  return {
    stack,
    code: policy.mandatory.length ? EXIT.policy : EXIT.ok,
    mandatory: policy.mandatory.length,
    json: () => toJsonPlan(run, policy),
    text: () => renderText(run, [renderCost(costOf(run)), renderPolicy(policy)]),
  };
}

/** URNs registered more than once (the mock engine accepts them; the real one does not). */
export function duplicateUrns(run: Pick<PlanRun, "resources">): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const r of run.resources) (seen.has(r.urn) ? dup : seen).add(r.urn);
  return [...dup];
}

/** One clear message for an error the program threw: what, and where in this repository. */
export function programFailure(stack: string, err: unknown, repoRoot: string, count = 1): string {
  const message = err instanceof Error ? err.message : String(err);
  const frame = err instanceof Error ? err.stack?.split("\n").find((l) => l.includes(repoRoot) && !l.includes("node_modules")) : undefined;
  const where = frame && /\(?([^\s()]+):(\d+):\d+\)?\s*$/.exec(frame);
  return [
    `Plan of stack "${stack}" failed while running the program: ${message}`,
    ...(where ? [`  thrown in ${path.relative(repoRoot, where[1]!)}, line ${where[2]}`] : []),
    ...(count > 1 ? [`  (and ${count - 1} more error(s))`] : []),
    "  The config checks did not catch this: it is a bug, please report it with the stack file.",
  ].join("\n");
}

/**
 * The process entry (scripts/plan.js). A reader that closes the pipe early
 * (`| head`) is normal use: stdout's EPIPE ends the output quietly and the
 * exit code stays what the plan decided.
 */
export function run(argv: string[] = process.argv.slice(2), overrides: Pick<CliIo, "plan"> = {}): void {
  let stdoutClosed = false;
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE" || err.code === "ERR_STREAM_DESTROYED") {
      stdoutClosed = true;
      return;
    }
    process.stderr.write(`plan: cannot write to stdout: ${err.message}\n`);
    process.exit(EXIT.programFailed);
  });
  const unhandledRejections: unknown[] = [];
  process.on("unhandledRejection", (reason) => unhandledRejections.push(reason));
  const io: CliIo = {
    stdout: (text) => {
      if (!stdoutClosed) process.stdout.write(text);
    },
    stderr: (text) => process.stderr.write(text),
    callerDir: process.env.INIT_CWD || process.cwd(),
    unhandledRejections,
    ...overrides,
  };
  const unexpected = (err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    const where = e.stack
      ?.split("\n")
      .find((l) => l.trimStart().startsWith("at "))
      ?.trim();
    process.stderr.write(`plan failed unexpectedly (a bug in the plan CLI, please report it): ${e.message}${where ? `\n  ${where}` : ""}\n`);
    process.exitCode = EXIT.programFailed;
  };
  main(argv, io)
    // exitCode, not exit(): stdout to a pipe may be asynchronous, and exiting
    // at once would cut a large --json plan short.
    .then((code) => {
      process.exitCode = code;
      // Anything still unhandled was not attributed to a stack's plan.
      setImmediate(() => unhandledRejections.splice(0).slice(0, 1).forEach(unexpected));
    })
    .catch(unexpected);
}
