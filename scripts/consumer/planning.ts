/**
 * The packed `ml-platform/testing` and `ml-platform/plan` in a consumer's
 * own tests: its mocks extend the package's (a StackReference still sees
 * `stackOutputs`), an invoke nobody mocked fails naming the function, the
 * consumer's own `pulumi.secret()` and secret config show as "[secret]", and a
 * plan turns into the JSON that `diffPlans` compares.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ContainerRegistry } from "ml-platform";
import { PLAN_SCHEMA_VERSION, diffPlans, renderDiffMarkdown } from "ml-platform/plan";
import { SECRET_PLACEHOLDER, planProgram, toPlanJson } from "ml-platform/testing";

async function main(): Promise<void> {
  const withMocks = await planProgram(
    async () => {
      const vpc = await aws.ec2.getVpc({ default: true });
      const platform = new pulumi.StackReference("acme/platform/prod");
      new ContainerRegistry("images", { repositories: ["models"], tags: { vpc: vpc.id } });
      return { cluster: platform.getOutput("clusterName") };
    },
    {
      stackOutputs: { "acme/platform/prod": { clusterName: "prod-eks" } },
      mocks: {
        call: (args) => (args.token === "aws:ec2/getVpc:getVpc" ? { id: "vpc-mine" } : undefined)!,
        newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
      },
    },
  );
  let unmocked = "";
  try {
    await planProgram(async () => {
      await aws.ec2.getVpc({ default: true });
    });
  } catch (err) {
    unmocked = err instanceof Error ? err.message : String(err);
  }
  // Secrets made with the consumer's own @pulumi/pulumi (the peer the package shares).
  const secrets = await planProgram(() => ({ password: pulumi.secret("hunter2"), token: new pulumi.Config().requireSecret("token"), open: "visible" }), {
    config: { token: "s3cr3t" },
    secretKeys: ["token"],
  });
  const before = toPlanJson(withMocks);
  const after = toPlanJson(await planProgram(() => new ContainerRegistry("images", { repositories: ["models", "tools"] })));
  const diff = diffPlans(before, after);
  const repo = withMocks.resources.find((r) => r.type === "aws:ecr/repository:Repository");
  const checks: [string, boolean][] = [
    ["own mocks: the StackReference still sees stackOutputs", withMocks.outputs["cluster"] === "prod-eks"],
    ["own mocks: the invoke they answer reaches the program", JSON.stringify(repo?.inputs["tags"]).includes("vpc-mine")],
    ["an unmocked invoke fails, naming the function", unmocked.includes("aws:ec2/getVpc:getVpc") && unmocked.includes("mocks")],
    [
      "pulumi.secret() and secret config show as [secret], their values nowhere",
      JSON.stringify(secrets.outputs) === JSON.stringify({ password: SECRET_PLACEHOLDER, token: SECRET_PLACEHOLDER, open: "visible" }) &&
        !/hunter2|s3cr3t/.test(JSON.stringify(secrets)),
    ],
    ["toPlanJson: a plan with schemaVersion", before.schemaVersion === PLAN_SCHEMA_VERSION],
    ["diffPlans + renderDiffMarkdown: the comment", diff.totals.resources.added > 0 && renderDiffMarkdown(diff).startsWith("## Plan diff: ")],
  ];
  for (const [what, ok] of checks) console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
}

main().catch((err: unknown) => {
  console.log(`FAIL planning.ts threw: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
