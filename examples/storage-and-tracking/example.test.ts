/**
 * The data-layer example under the mock engine, through `ml-platform/testing`:
 * the network stack's outputs are given as a StackReference's, the way this
 * stack reads them in production.
 */
import { ComponentArgsError } from "ml-platform";
import { ProgramPlan, planProgram, resourcesOfType, stagePolicyConfig } from "ml-platform/testing";
import program = require("./index");

const NETWORK_STACK = "acme/ml-network/prod";
const network = { vpcId: "vpc-0abc", vpcCidrBlock: "10.20.0.0/16", privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"] };
const options = {
  project: "storage-and-tracking",
  stack: "prod",
  config: { networkStack: NETWORK_STACK, environment: "prod" },
  stackOutputs: { [NETWORK_STACK]: network },
  // The MVP stage's policy config: production data must be protected, backed up, private.
  policyConfig: stagePolicyConfig("mvp"),
  usage: { s3StorageGbPerBucket: 250 },
};

let plan: ProgramPlan;
beforeAll(async () => {
  plan = await planProgram(program, options);
});

const one = (type: string) => {
  const found = resourcesOfType(plan, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
};

describe("example: storage and tracking on a network stack", () => {
  it("puts the database in the network stack's private subnets, reachable only from its VPC", () => {
    expect(one("aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds).toEqual(network.privateSubnetIds);
    const sg = one("aws:ec2/securityGroup:SecurityGroup");
    expect(sg.inputs.vpcId).toBe(network.vpcId);
    expect(sg.inputs.ingress).toEqual([expect.objectContaining({ fromPort: 5432, toPort: 5432, cidrBlocks: [network.vpcCidrBlock] })]);
    expect(one("aws:rds/instance:Instance").inputs).toMatchObject({ publiclyAccessible: false, storageEncrypted: true, backupRetentionPeriod: 7 });
  });

  it("keeps data sets and MLflow artifacts in protected, KMS-encrypted buckets", () => {
    const buckets = resourcesOfType(plan, "aws:s3/bucket:Bucket");
    expect(buckets.map((b) => b.name).sort()).toEqual(["tracking-prod-artifacts-datasets", "tracking-prod-artifacts-mlflow"]);
    for (const b of buckets) expect([b.protect, b.retainOnDelete]).toEqual([true, true]);
    expect(one("aws:kms/key:Key").inputs.enableKeyRotation).toBe(true);
  });

  it("exports what the cluster layer needs through a StackReference", () => {
    expect(Object.keys(plan.outputs).sort()).toEqual(["bucketArns", "bucketNames", "databaseEndpoint", "databaseSecretArn", "databaseSecurityGroupId", "kmsKeyArn"]);
    expect(plan.outputs.bucketArns).toEqual({ datasets: expect.stringMatching(/^arn:aws:s3:::tracking-prod-artifacts-datasets/), mlflow: expect.stringMatching(/^arn:aws:s3:::/) });
    expect(plan.outputs.databaseSecurityGroupId).toMatch(/^sg-/);
  });

  it("passes the MVP policy config and prices the database and storage, by component", () => {
    expect(plan.policy.mandatory).toEqual([]);
    const byComponent = Object.fromEntries(plan.cost.byComponent.map((c) => [c.component, c.expectedMonthlyUsd]));
    // db.t4g.small and its storage; KMS key and 2 x 250 GB of S3 Standard.
    expect(byComponent["tracking-prod-metadata"]).toBeGreaterThan(20);
    expect(byComponent["tracking-prod-artifacts"]).toBeGreaterThan(10);
    expect(plan.cost.unpriced).toEqual([]);
  });

  it("refuses an environment name that cannot be part of a bucket name, naming it", async () => {
    const bad = planProgram(program, { ...options, config: { ...options.config, environment: "Prod_1" } });
    await expect(bad).rejects.toThrow(ComponentArgsError);
    await expect(bad).rejects.toThrow(/ArtifactStore "tracking-Prod_1-artifacts".*\n.*\(name\): .*'-'.*\(got "tracking-Prod_1-artifacts"\)/);
  });
});
