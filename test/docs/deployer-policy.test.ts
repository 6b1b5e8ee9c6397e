/**
 * docs/deployer-policy/<group>.json: the IAM permissions of the role that runs
 * `pulumi up`, as customer-managed policies. A resource type the plans declare without a row in the table
 * would make `pulumi up` fail with AccessDenied halfway through a real run;
 * these tests fail first.
 */
import * as fs from "fs";
import * as path from "path";
import * as os from "os";
import {
  DEPLOYER_ACTIONS,
  DEPLOYER_POLICY_GROUPS,
  LAMBDA_RESOURCES,
  MANAGED_POLICIES_PER_ROLE,
  MANAGED_POLICY_SIZE_LIMIT,
  PolicyDocument,
  ROLE_NAME_PREFIX,
  deployerActions,
  deployerPolicies,
  deployerPolicy,
  iamResourceOf,
  policySize,
} from "../../docs/generator/deployer-policy";
import { orphanFiles } from "../../docs/generator/main";
import { canaryName } from "../../components/operations/health-checks/canary";
import { SHIPPED_STACKS, plan } from "../support/plan";

const ROOT = path.join(__dirname, "..", "..");
const ROLES = `arn:aws:iam::*:role/${ROLE_NAME_PREFIX}*`;
const POLICIES = deployerPolicies();
/** Every statement of the managed policies, as the role gets them. */
const STATEMENTS = POLICIES.flatMap((p) => p.document.Statement);
/** The statements that grant an action. */
const grantsOf = (action: string) => STATEMENTS.filter((s) => s.Action.includes(action));
/** What documents grant, as sorted "action resource" pairs. */
const pairsOf = (documents: PolicyDocument[]) =>
  [...new Set(documents.flatMap((d) => d.Statement.flatMap((s) => s.Action.flatMap((a) => [s.Resource].flat().map((r) => `${a} ${r}`)))))].sort();
const hasTags = (inputs: Record<string, unknown>) => Object.keys((inputs.tags as Record<string, string> | undefined) ?? {}).length > 0;

/**
 * What the AWS provider calls beyond a type's plain create/read/delete, when the
 * resource's inputs ask for it (sources in docs/generator/deployer-policy.ts).
 * Each applies to resources some shipped plan declares that way.
 */
const INPUT_DRIVEN: { type: string; when: string; applies: (inputs: Record<string, unknown>) => boolean; actions: string[] }[] = [
  {
    type: "aws:ec2/routeTable:RouteTable",
    when: "inline routes",
    applies: (i) => Array.isArray(i.routes) && i.routes.length > 0,
    actions: ["ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute"],
  },
  { type: "aws:ec2/eip:Eip", when: "a VPC address (its PTR record is read)", applies: (i) => i.domain === "vpc", actions: ["ec2:DescribeAddressesAttribute"] },
  {
    type: "aws:backup/vault:Vault",
    when: "forceDestroy",
    applies: (i) => i.forceDestroy === true,
    actions: ["backup:ListRecoveryPointsByBackupVault", "backup:DeleteRecoveryPoint", "rds:DeleteDBSnapshot"],
  },
  {
    type: "aws:synthetics/canary:Canary",
    when: "startCanary",
    applies: (i) => i.startCanary === true,
    actions: ["synthetics:StartCanary", "synthetics:StopCanary", "lambda:CreateFunction", "lambda:PublishLayerVersion", "iam:PassRole"],
  },
  {
    type: "aws:synthetics/canary:Canary",
    when: "deleteLambda",
    applies: (i) => i.deleteLambda === true,
    actions: ["lambda:DeleteFunction", "lambda:DeleteLayerVersion"],
  },
  { type: "aws:synthetics/canary:Canary", when: "tags", applies: hasTags, actions: ["synthetics:TagResource", "synthetics:UntagResource"] },
  { type: "aws:s3/bucketObjectv2:BucketObjectv2", when: "tags", applies: hasTags, actions: ["s3:PutObjectTagging"] },
  { type: "aws:cloudwatch/logGroup:LogGroup", when: "tags", applies: hasTags, actions: ["logs:TagResource", "logs:UntagResource"] },
];

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

  it.each(INPUT_DRIVEN.map((r) => [r.type, r.when, r] as const))("grants what %s with %s makes the provider call", async (_type, _when, rule) => {
    const runs = await Promise.all(SHIPPED_STACKS.map((stack) => plan(stack)));
    const declared = runs.flatMap((run) => run.resources).filter((r) => r.type === rule.type && rule.applies(r.inputs));
    // The rule is about something the shipped stacks do: if none does any more, drop or move the rule.
    expect(declared.length).toBeGreaterThan(0);
    expect(rule.actions.filter((a) => !DEPLOYER_ACTIONS[rule.type]!.actions.includes(a))).toEqual([]);
  });

  it("scopes every action of the IAM role row to the stack's roles, ListInstanceProfilesForRole (a role action) included", () => {
    const role = DEPLOYER_ACTIONS["aws:iam/role:Role"]!.actions;
    // A changed trust policy is an update of the role.
    expect(role).toContain("iam:UpdateAssumeRolePolicy");
    expect(role.filter((a) => grantsOf(a).some((s) => s.Resource !== ROLES))).toEqual([]);
    expect(grantsOf("iam:ListInstanceProfilesForRole").map((s) => s.Resource)).toEqual([ROLES]);
  });

  it("scopes the canary's Lambda actions to the function and layers Synthetics names after it", () => {
    const lambda = deployerActions().filter((a) => a.startsWith("lambda:"));
    expect(lambda.length).toBeGreaterThan(0);
    for (const a of lambda) expect({ a, resource: grantsOf(a).map((s) => s.Resource) }).not.toEqual({ a, resource: expect.arrayContaining(["*"]) });
    expect(grantsOf("lambda:CreateFunction").map((s) => s.Resource)).toEqual([LAMBDA_RESOURCES.functions]);
    expect(grantsOf("lambda:PublishLayerVersion").map((s) => s.Resource)).toEqual([LAMBDA_RESOURCES.layers]);
    // Synthetics names the function cwsyn-<canary name>-<id>.
    const pattern = new RegExp(`^${LAMBDA_RESOURCES.functions.split(":").pop()!.replace("*", ".*")}$`);
    expect(`cwsyn-${canaryName("seriesb-staging")}-0123abcd`).toMatch(pattern);
  });

  it("writes actions as service:Action, and scopes every IAM action (iam:PassRole never on *)", () => {
    for (const a of deployerActions()) expect(a).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
    const iam = deployerActions().filter((a) => a.startsWith("iam:"));
    expect(iam.filter((a) => iamResourceOf(a) === undefined)).toEqual([]);
    expect(grantsOf("iam:PassRole").map((s) => s.Resource)).toEqual([`arn:aws:iam::*:role/${ROLE_NAME_PREFIX}*`]);
    // An IAM action the table does not know has no scope: deployerPolicy() refuses to write it.
    expect(iamResourceOf("iam:CreateUser")).toBeUndefined();
  });

  it("is a few managed policies, each within IAM's size limit for one, together within a role's default attachment quota", () => {
    expect(POLICIES.length).toBeGreaterThan(1);
    expect(POLICIES.length).toBeLessThanOrEqual(MANAGED_POLICIES_PER_ROLE);
    expect(POLICIES.map((p) => ({ name: p.name, fits: policySize(p.document) <= MANAGED_POLICY_SIZE_LIMIT }))).toEqual(
      POLICIES.map((p) => ({ name: p.name, fits: true })),
    );
    // The whole would not fit one: the split is what makes it attachable.
    expect(policySize(deployerPolicy())).toBeGreaterThan(MANAGED_POLICY_SIZE_LIMIT);
    // IAM counts without white space: the committed files are indented, the count is not.
    expect(policySize({ a: "b c" })).toBe(JSON.stringify({ a: "bc" }).length);
  });

  it("grants together exactly what the full document grants, each statement whole in one document with its scope", () => {
    expect(pairsOf(POLICIES.map((p) => p.document))).toEqual(pairsOf([deployerPolicy()]));
    expect(STATEMENTS.map((s) => s.Sid).sort()).toEqual(
      deployerPolicy()
        .Statement.map((s) => s.Sid)
        .sort(),
    );
    expect(STATEMENTS).toEqual(expect.arrayContaining(deployerPolicy().Statement));
  });

  it("groups by service, deterministically: a service in one group only, and a service in none is refused, not dropped", () => {
    const services = DEPLOYER_POLICY_GROUPS.flatMap((g) => g.services);
    expect(services.filter((s, i) => services.indexOf(s) !== i)).toEqual([]);
    for (const p of POLICIES) {
      const group = DEPLOYER_POLICY_GROUPS.find((g) => g.name === p.name)!;
      expect({ group: p.name, outside: p.document.Statement.flatMap((s) => s.Action).filter((a) => !group.services.includes(a.split(":")[0]!)) }).toEqual({
        group: p.name,
        outside: [],
      });
    }
    expect(() => deployerPolicies(DEPLOYER_POLICY_GROUPS.filter((g) => g.name !== "network"))).toThrow(/lists the service ec2/);
    expect(deployerPolicies()).toEqual(POLICIES);
  });

  it("is the committed docs/deployer-policy/<group>.json files, and no others (npm run docs)", () => {
    const dir = path.join(ROOT, "docs", "deployer-policy");
    const committed = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => ({ name: f.replace(/\.json$/, ""), document: JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as PolicyDocument }));
    expect(committed).toEqual([...POLICIES].sort((a, b) => a.name.localeCompare(b.name)));
  });

  it("has npm run docs -- --check name a document whose group is gone", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "deployer-policy-"));
    try {
      fs.mkdirSync(path.join(root, "docs", "deployer-policy"), { recursive: true });
      for (const f of ["network.json", "retired.json"]) fs.writeFileSync(path.join(root, "docs", "deployer-policy", f), "{}\n");
      expect(orphanFiles(root, new Map([["docs/deployer-policy/network.json", "{}\n"]]))).toEqual([
        { file: "docs/deployer-policy/retired.json", why: "its policy group is gone" },
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
