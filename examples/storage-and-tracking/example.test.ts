/**
 * The storage-and-tracking example under the mock engine, through
 * `ml-platform/testing`: the platform stack's outputs are given as a
 * StackReference's, the way this stack reads them in production.
 */
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { ComponentArgsError } from "ml-platform";
import { ProgramPlan, planProgram, resourcesOfType, stagePolicyConfig } from "ml-platform/testing";
import program = require("./index");

const PLATFORM_STACK = "acme/ml-platform/prod";
const issuer = "https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789";
const platform = {
  vpcId: "vpc-0abc",
  privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"],
  clusterSecurityGroupId: "sg-0cluster",
  clusterName: "mlp-prod-cluster",
  oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789",
  oidcIssuerUrl: issuer,
  kubeconfig: JSON.stringify({ apiVersion: "v1", kind: "Config", clusters: [], contexts: [], users: [] }),
};
const options = {
  project: "storage-and-tracking",
  stack: "prod",
  config: { platformStack: PLATFORM_STACK, environment: "prod" },
  stackOutputs: { [PLATFORM_STACK]: platform },
  // The MVP stage's policy config: production data must be protected, backed up, private.
  policyConfig: stagePolicyConfig("mvp"),
  usage: { s3StorageGbPerBucket: 250 },
};

let plan: ProgramPlan;
beforeAll(async () => {
  plan = await planProgram(program, options);
});

const one = (type: string, nameContains = "") => {
  const found = resourcesOfType(plan, type).filter((r) => r.name.includes(nameContains));
  if (found.length !== 1) throw new Error(`expected one ${type} *${nameContains}*, found ${found.length}`);
  return found[0]!;
};

describe("example: storage and MLflow tracking on a platform stack", () => {
  it("puts the database in the platform's private subnets, reachable only from the cluster's nodes and pods", () => {
    expect(one("aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds).toEqual(platform.privateSubnetIds);
    const sg = one("aws:ec2/securityGroup:SecurityGroup");
    expect(sg.inputs.vpcId).toBe(platform.vpcId);
    expect(sg.inputs.ingress).toEqual([expect.objectContaining({ fromPort: 5432, toPort: 5432, securityGroups: [platform.clusterSecurityGroupId] })]);
    expect(one("aws:rds/instance:Instance").inputs).toMatchObject({ publiclyAccessible: false, storageEncrypted: true, backupRetentionPeriod: 7 });
  });

  it("keeps data sets and MLflow artifacts in protected, KMS-encrypted buckets", () => {
    const buckets = resourcesOfType(plan, "aws:s3/bucket:Bucket");
    expect(buckets.map((b) => b.name).sort()).toEqual(["tracking-prod-artifacts-datasets", "tracking-prod-artifacts-mlflow"]);
    for (const b of buckets) expect([b.protect, b.retainOnDelete]).toEqual([true, true]);
    expect(one("aws:kms/key:Key").inputs.enableKeyRotation).toBe(true);
  });

  it("runs MLflow in the platform's cluster with a role for its service account that writes only its artifact prefix", () => {
    const role = one("aws:iam/role:Role", "mlflow");
    const [statement] = JSON.parse(role.inputs.assumeRolePolicy as string).Statement;
    expect(statement.Principal.Federated).toBe(platform.oidcProviderArn);
    expect(statement.Condition.StringEquals).toEqual(
      expect.objectContaining({ "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789:sub": "system:serviceaccount:mlflow:mlflow" }),
    );
    const policy = JSON.stringify(JSON.parse(one("aws:iam/rolePolicy:RolePolicy", "mlflow").inputs.policy as string));
    expect(policy).toMatch(/arn:aws:s3:::tracking-prod-artifacts-mlflow-[0-9a-f]+\/experiments\/\*/);
    const deployment = one("kubernetes:apps/v1:Deployment");
    expect(deployment.provider).toContain(one("pulumi:providers:kubernetes").urn);
    expect(() => new Deployment(deployment.inputs as object).validate()).not.toThrow();
  });

  it("never puts the database password in a manifest or an output", () => {
    expect(JSON.stringify(plan.resources)).not.toContain("mock-password-not-a-secret");
    expect(JSON.stringify(plan.outputs)).not.toContain("mock-password-not-a-secret");
    expect(plan.outputs.mlflowTrackingUri).toMatch(/^http:\/\/mlflow\.mlflow\.svc/);
  });

  it("exports what the next layer needs", () => {
    expect(plan.outputs.bucketArns).toEqual({
      datasets: expect.stringMatching(/^arn:aws:s3:::tracking-prod-artifacts-datasets/),
      mlflow: expect.stringMatching(/^arn:aws:s3:::/),
    });
    expect(plan.outputs.databaseSecurityGroupId).toMatch(/^sg-/);
  });

  it("passes the MVP policy config and prices the database and storage, by component", () => {
    expect(plan.policy.mandatory).toEqual([]);
    const byComponent = Object.fromEntries(plan.cost.byComponent.map((c) => [c.component, c.expectedMonthlyUsd]));
    // db.t4g.small and its storage; KMS key and 2 x 250 GB of S3 Standard.
    expect(byComponent["tracking-prod-metadata"]).toBeGreaterThan(20);
    expect(byComponent["tracking-prod-artifacts"]).toBeGreaterThan(10);
  });

  it("refuses an environment name that cannot be part of a bucket name, naming it", async () => {
    const bad = planProgram(program, { ...options, config: { ...options.config, environment: "Prod_1" } });
    await expect(bad).rejects.toThrow(ComponentArgsError);
    await expect(bad).rejects.toThrow(/ArtifactStore "tracking-Prod_1-artifacts".*\n.*\(name\): .*'-'.*\(got "tracking-Prod_1-artifacts"\)/);
  });
});
