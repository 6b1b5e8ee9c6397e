/**
 * A fresh consumer of the packed package (scripts/check-package.sh): plain
 * tsc, hand-written mocks (not ours), the components from the package root.
 * Prints one line per check and exits non-zero when one fails.
 */
import * as pulumi from "@pulumi/pulumi";
import { ArtifactStore, ComponentArgsError, ContainerRegistry } from "ml-platform";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const registered: Registered[] = [];

async function main(): Promise<void> {
  await pulumi.runtime.setMocks(
    {
      newResource: (args: pulumi.runtime.MockResourceArgs) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args: pulumi.runtime.MockCallArgs) => args.inputs,
    },
    "consumer",
    "dev",
    false,
  );
  new ArtifactStore("data", { buckets: ["datasets", "models"], encryption: "sse-kms", tags: { owner: "me" } });
  new ContainerRegistry("images", { repositories: ["models"], keepLastImages: 20 });

  let refused = "";
  try {
    new ContainerRegistry("r", { repositories: ["Bad_Name!"] });
  } catch (e) {
    if (e instanceof ComponentArgsError) refused = e.message;
  }

  const deadline = Date.now() + 20000;
  while (
    registered.filter((r) => r.type === "aws:ecr/lifecyclePolicy:LifecyclePolicy").length < 1 ||
    registered.filter((r) => r.type === "aws:s3/bucketPolicy:BucketPolicy").length < 2
  ) {
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const count = (type: string) => registered.filter((r) => r.type === type).length;
  const repo = registered.find((r) => r.type === "aws:ecr/repository:Repository");
  const checks: [string, boolean][] = [
    ["an ArtifactStore component", count("mlplatform:data:ArtifactStore") === 1],
    ["2 S3 buckets", count("aws:s3/bucket:Bucket") === 2],
    ["2 public access blocks", count("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock") === 2],
    ["a KMS key", count("aws:kms/key:Key") === 1],
    ["a ContainerRegistry component", count("mlplatform:data:ContainerRegistry") === 1],
    ["the ECR repository images/models, immutable", repo?.inputs.name === "images/models" && repo?.inputs.imageTagMutability === "IMMUTABLE"],
    ["nothing registered for the refused registry", !registered.some((r) => r.name === "r" || r.name.startsWith("r-"))],
    ["the bad repository name refused by name", refused.includes("repositories[0]") && refused.includes('"Bad_Name!"')],
  ];
  for (const [what, ok] of checks) console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  console.log(`registered: ${registered.map((r) => r.type).join(", ")}`);
  if (refused) console.log(`refused with:\n${refused}`);
  process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
