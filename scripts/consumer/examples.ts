/**
 * The repository's examples, copied next to this file, run against the
 * packed package through its `ml-platform/testing` subpath: proves the
 * shipped testing helper (mocks, cost model, policy pack and its stage
 * config files) works outside this repository.
 */
import { planProgram, stagePolicyConfig } from "ml-platform/testing";
import servingOnExistingCluster = require("./examples/serving-on-existing-cluster/index");
import storageAndTracking = require("./examples/storage-and-tracking/index");

async function main(): Promise<void> {
  const serving = await planProgram(servingOnExistingCluster, {
    project: "serving-on-existing-cluster",
    config: { clusterName: "shared-eks", modelsBucket: "acme-models" },
  });
  const platformStack = "acme/ml-platform/prod";
  const storage = await planProgram(storageAndTracking, {
    project: "storage-and-tracking",
    config: { platformStack, environment: "prod" },
    stackOutputs: {
      [platformStack]: {
        vpcId: "vpc-1",
        privateSubnetIds: ["subnet-1", "subnet-2"],
        clusterSecurityGroupId: "sg-1",
        clusterName: "mlp-prod-cluster",
        oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
        oidcIssuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC",
        kubeconfig: "{}",
      },
    },
    policyConfig: stagePolicyConfig("mvp"),
  });
  const count = (plan: { resources: { type: string }[] }, type: string) => plan.resources.filter((r) => r.type === type).length;
  const checks: [string, boolean][] = [
    [
      "serving example: a registry, the model's Deployment and IRSA role, no cluster of its own",
      count(serving, "aws:ecr/repository:Repository") === 1 &&
        count(serving, "kubernetes:apps/v1:Deployment") === 1 &&
        count(serving, "aws:iam/role:Role") === 1 &&
        count(serving, "aws:eks/cluster:Cluster") === 0,
    ],
    ["serving example: no mandatory policy violation", serving.policy.mandatory.length === 0],
    [
      "storage example: 2 buckets, a PostgreSQL instance and the MLflow server",
      count(storage, "aws:s3/bucket:Bucket") === 2 &&
        count(storage, "aws:rds/instance:Instance") === 1 &&
        count(storage, "kubernetes:apps/v1:Deployment") === 1,
    ],
    ["storage example: passes the MVP policy config", storage.policy.mandatory.length === 0 && storage.policy.config === "given policyConfig"],
    ["storage example: the database is priced", storage.cost.expectedMonthlyUsd > 20],
  ];
  for (const [what, ok] of checks) console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
