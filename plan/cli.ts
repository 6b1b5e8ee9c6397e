/**
 * `npm run plan -- <stack> [--json]`: the offline plan of one stack.
 * Exit codes: 0 planned, 1 the stack or its configuration is invalid, 2 usage,
 * 4 planned but the policy pack has mandatory violations (as `pulumi preview
 * --policy-pack` would fail).
 */
import { ConfigError } from "../config/resolve";
import { PlanError, listStacks, planStack } from "./engine";
import { costOf, policyOf, renderCost, renderPolicy, renderText, toJsonPlan } from "./report";

const USAGE = `usage: npm run plan -- <stack> [--json] [--stacks-dir <dir>]
  <stack>             one of the files stacks/Pulumi.<stack>.yaml (${listStacks().join(", ")})
  --json              print a machine-readable plan on stdout
  --stacks-dir <dir>  read Pulumi.<stack>.yaml from <dir> instead of stacks/`;

export async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  let stacksDir: string | undefined;
  const dirAt = args.indexOf("--stacks-dir");
  if (dirAt >= 0) {
    stacksDir = args[dirAt + 1];
    args.splice(dirAt, 2);
    if (!stacksDir) {
      process.stderr.write(`--stacks-dir needs a directory\n${USAGE}\n`);
      return 2;
    }
  }
  const json = args.includes("--json");
  const rest = args.filter((a) => a !== "--json");
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const unknown = rest.filter((a) => a.startsWith("-"));
  if (rest.length !== 1 || unknown.length) {
    process.stderr.write(`${unknown.length ? `unknown option ${unknown.join(" ")}\n` : ""}${USAGE}\n`);
    return 2;
  }
  try {
    const run = await planStack(rest[0]!, { stacksDir });
    const policy = policyOf(run);
    process.stdout.write(json ? `${JSON.stringify(toJsonPlan(run, policy), null, 2)}\n` : `${renderText(run, [renderCost(costOf(run)), renderPolicy(policy)])}\n`);
    if (policy.mandatory.length) {
      process.stderr.write(`${policy.mandatory.length} mandatory policy violation(s): \`pulumi preview --policy-pack policies\` would fail.\n`);
      return 4;
    }
    return 0;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof PlanError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
