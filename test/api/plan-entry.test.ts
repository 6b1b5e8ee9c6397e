/**
 * What a platform team runs in its own repository: `ml-platform-plan` (the
 * package's bin) plans its program with its stack file and diffs two plans,
 * and `planProgram` (ml-platform/testing) fails loudly on an invoke nobody
 * mocked, lets the team's mocks extend ours, hides secret outputs, and runs
 * each program in a runtime state of its own with either shape of the SDK's.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ec2 from "@pulumi/aws/ec2";
import { getCallerIdentity } from "@pulumi/aws/getCallerIdentity";
import * as pulumi from "@pulumi/pulumi";
import { ContainerRegistry } from "../../api";
import { EXIT, PLAN_SCHEMA_VERSION, type JsonPlan } from "../../api/plan";
import { MOCK_ACCOUNT_ID, SECRET_PLACEHOLDER, SdkShapeError, UnmockedInvokeError, planProgram, resourcesOfType } from "../../offline";
import { RuntimeStateModule, inFreshRuntimeState } from "../../offline/record";
import { binMain } from "../../plan/bin";

const FIXTURE = path.join(__dirname, "..", "fixtures", "consumer");

async function bin(argv: string[], cwd: string) {
  let [stdout, stderr] = ["", ""];
  const code = await binMain(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd });
  return { code, stdout, stderr };
}

describe("planProgram: invokes, mocks and secrets", () => {
  it("an invoke nobody mocked fails the plan, naming the function and how to mock it", async () => {
    const plan = planProgram(async () => {
      const vpc = await ec2.getVpc({ default: true });
      new ContainerRegistry("images", { repositories: [vpc.id] });
    });
    await expect(plan).rejects.toThrow(UnmockedInvokeError);
    await expect(plan).rejects.toThrow(
      /^The offline plan has no answer for the invoke aws:ec2\/getVpc:getVpc\. Mock it: planProgram\(program, \{ mocks: \{ call:/,
    );
  });

  it("your mocks extend ours: what they answer wins, the rest is ours, and a StackReference still sees stackOutputs", async () => {
    const plan = await planProgram(
      async () => {
        const vpc = await ec2.getVpc({ default: true });
        const account = await getCallerIdentity();
        const platform = new pulumi.StackReference("acme/platform/prod");
        new ContainerRegistry("images", { repositories: ["models"], tags: { vpc: vpc.id } });
        return { cluster: platform.getOutput("clusterName"), account: account.accountId };
      },
      {
        stackOutputs: { "acme/platform/prod": { clusterName: "prod-eks" } },
        mocks: {
          call: (args) => (args.token === "aws:ec2/getVpc:getVpc" ? { id: "vpc-mine", cidrBlock: "10.0.0.0/16" } : undefined)!,
          // Answers every resource: the StackReference must still get the stack outputs.
          newResource: (args) =>
            (args.type === "aws:ecr/repository:Repository" ? { id: "mine", state: { ...args.inputs, repositoryUrl: "mine" } } : undefined)!,
        },
      },
    );
    // The VPC is yours, the account ours (your call() returned undefined for it).
    expect(plan.outputs).toEqual({ cluster: "prod-eks", account: MOCK_ACCOUNT_ID });
    expect(resourcesOfType(plan, "aws:ecr/repository:Repository")[0]!.inputs.tags).toMatchObject({ vpc: "vpc-mine" });
  });

  it("secret outputs and secret config show as the placeholder", async () => {
    const plan = await planProgram(
      () => {
        const config = new pulumi.Config();
        return { password: pulumi.secret("hunter2"), token: config.requireSecret("token"), open: "visible" };
      },
      { config: { token: "s3cr3t" }, secretKeys: ["token"] },
    );
    expect(plan.outputs).toEqual({ password: SECRET_PLACEHOLDER, token: SECRET_PLACEHOLDER, open: "visible" });
    expect(JSON.stringify(plan)).not.toMatch(/hunter2|s3cr3t/);
  });
});

describe("the offline plan's one use of SDK internals: a runtime state of its own per program", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's internal module, as offline/record.ts loads it
  const sdkState = require("@pulumi/pulumi/runtime/state") as RuntimeStateModule;
  const stackInside = (state: RuntimeStateModule) =>
    inFreshRuntimeState(async () => {
      await pulumi.runtime.setMocks({ newResource: () => ({ id: undefined, state: {} }), call: () => ({}) }, "inside", "inside-stack");
      return pulumi.getStack();
    }, state);

  it("runs with the SDK's state module of 3.210 and later and of 3.142 to 3.200, leaving the caller's state alone", async () => {
    const outside = pulumi.getStack();
    expect(await stackInside(sdkState)).toBe("inside-stack");
    // The earlier shape: no withLocalStorage(), the AsyncLocalStorage and the LocalStore class exported.
    const storage = (globalThis as { asyncLocalStorage?: RuntimeStateModule["asyncLocalStorage"] }).asyncLocalStorage;
    expect(await stackInside({ asyncLocalStorage: storage, LocalStore: sdkState.LocalStore })).toBe("inside-stack");
    expect(pulumi.getStack()).toBe(outside);
  });

  it("an SDK of another shape fails naming the SDK's version and what is missing", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the installed SDK's version, as the error reads it
    const version = (require("@pulumi/pulumi/package.json") as { version: string }).version;
    expect(() => stackInside({})).toThrow(SdkShapeError);
    expect(() => stackInside({})).toThrow(`@pulumi/pulumi ${version}: @pulumi/pulumi/runtime/state has neither withLocalStorage()`);
  });
});

describe("ml-platform-plan: a consumer's program and stack file", () => {
  let tmp: string;
  let base: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "consumer-plan-"));
    for (const f of ["Pulumi.yaml", "Pulumi.dev.yaml"]) fs.copyFileSync(path.join(FIXTURE, f), path.join(tmp, f));
    base = await bin([path.join(FIXTURE, "program.ts"), "--stack-file", "Pulumi.dev.yaml", "--environment", "dev"], tmp);
    fs.writeFileSync(path.join(tmp, "base.json"), base.stdout);
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("prints the JSON plan of the stack, with schemaVersion, its config read as Pulumi would, secrets hidden", () => {
    expect(base.stderr).toBe("");
    expect(base.code).toBe(EXIT.ok);
    const plan = JSON.parse(base.stdout) as JsonPlan;
    expect(plan).toMatchObject({ schemaVersion: PLAN_SCHEMA_VERSION, stack: "dev", region: "eu-west-1", environment: "dev" });
    expect(plan.resources.filter((r) => r.type === "aws:s3/bucket:Bucket").map((r) => [r.name, r.protect])).toEqual([["dev-data-datasets", true]]);
    expect(plan.outputs.token).toBe(SECRET_PLACEHOLDER);
  });

  it("diff of a renamed environment: the protected bucket replaced, first, and exit 5", async () => {
    fs.writeFileSync(path.join(tmp, "Pulumi.dev.yaml"), fs.readFileSync(path.join(FIXTURE, "Pulumi.dev.yaml"), "utf8").replace("env: dev", "env: prod"));
    const head = await bin([path.join(FIXTURE, "program.ts"), "--stack-file", "Pulumi.dev.yaml", "--environment", "prod"], tmp);
    expect(head.code).toBe(EXIT.ok);
    fs.writeFileSync(path.join(tmp, "head.json"), head.stdout);
    const diff = await bin(["diff", "base.json", "head.json", "--markdown"], tmp);
    expect(diff.code).toBe(EXIT.protectedReplaced);
    expect(diff.stdout.split("\n")[0]).toMatch(/^## Plan diff: ⛔ \d+ replaced \(1 protected, \d+ holding data\)/);
    expect(diff.stdout).toMatch(/\| `aws:s3:Bucket` `prod-data-datasets` \(was `dev-data-datasets`\) \| \*\*replaced\*\* \| renamed \| ⛔ protected/);
  });

  it("refuses a stack file without a project, and wrong arguments, with their own codes", async () => {
    fs.writeFileSync(path.join(tmp, "Pulumi.orphan.yaml"), "config: {}\n");
    fs.mkdirSync(path.join(tmp, "orphan"), { recursive: true });
    fs.renameSync(path.join(tmp, "Pulumi.orphan.yaml"), path.join(tmp, "orphan", "Pulumi.orphan.yaml"));
    const orphan = await bin([path.join(FIXTURE, "program.ts"), "--stack-file", "orphan/Pulumi.orphan.yaml"], tmp);
    expect([orphan.code, orphan.stderr]).toEqual([EXIT.invalid, expect.stringMatching(/orphan\/Pulumi\.yaml: ENOENT/)]);
    expect((await bin([path.join(FIXTURE, "program.ts")], tmp)).code).toBe(EXIT.usage);
    expect((await bin(["diff", "base.json"], tmp)).code).toBe(EXIT.usage);
  });
});
