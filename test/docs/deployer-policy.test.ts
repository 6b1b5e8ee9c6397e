/**
 * docs/deployer-policy.json: the IAM permissions of the role that runs
 * `pulumi up`. A resource type the plans declare without a row in the table
 * would make `pulumi up` fail with AccessDenied halfway through a real run;
 * these tests fail first.
 */
import * as fs from "fs";
import * as path from "path";
import {
  DEPLOYER_ACTIONS,
  INLINE_ROLE_POLICY_LIMIT,
  ROLE_NAME_PREFIX,
  deployerActions,
  deployerPolicy,
  deployerPolicySize,
  iamResourceOf,
} from "../../docs/generator/deployer-policy";
import { SHIPPED_STACKS, plan } from "../support/plan";

const ROOT = path.join(__dirname, "..", "..");

describe("the deployer's IAM policy", () => {
  it.each(SHIPPED_STACKS)("covers every AWS resource type the %s plan declares", async (stack) => {
    const run = await plan(stack);
    const types = [...new Set(run.resources.map((r) => r.type).filter((t) => t.startsWith("aws:")))].sort();
    expect(types.length).toBeGreaterThan(0);
    expect(types.filter((t) => !DEPLOYER_ACTIONS[t])).toEqual([]);
  });

  it.each(SHIPPED_STACKS)("scopes iam:PassRole to names every role of the %s plan has", async (stack) => {
    const run = await plan(stack);
    const roles = run.resources.filter((r) => r.type === "aws:iam/role:Role");
    // Pulumi names a role after its logical name plus a random suffix, unless the program gives a name.
    for (const r of roles) expect({ role: r.name, name: String(r.inputs.name ?? r.name).startsWith(ROLE_NAME_PREFIX) }).toEqual({ role: r.name, name: true });
  });

  it("writes actions as service:Action, and scopes every IAM action (iam:PassRole never on *)", () => {
    for (const a of deployerActions()) expect(a).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
    const iam = deployerActions().filter((a) => a.startsWith("iam:"));
    expect(iam.filter((a) => iamResourceOf(a) === undefined)).toEqual([]);
    const passRole = deployerPolicy().Statement.filter((s) => s.Action.includes("iam:PassRole"));
    expect(passRole.map((s) => s.Resource)).toEqual([`arn:aws:iam::*:role/${ROLE_NAME_PREFIX}*`]);
    // An IAM action the table does not know has no scope: deployerPolicy() refuses to write it.
    expect(iamResourceOf("iam:CreateUser")).toBeUndefined();
  });

  it("fits a role's inline policies, and is the committed docs/deployer-policy.json (npm run docs)", () => {
    expect(deployerPolicySize()).toBeLessThanOrEqual(INLINE_ROLE_POLICY_LIMIT);
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, "docs", "deployer-policy.json"), "utf8"))).toEqual(deployerPolicy());
  });
});
