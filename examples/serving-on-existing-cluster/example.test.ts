/**
 * The example under the mock engine, through the package's own testing
 * helper (`ml-platform/testing`), exactly as a platform team would test its
 * program: what it declares, what it costs, what the policy pack says.
 */
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { MOCK_ACCOUNT_ID, ProgramPlan, planProgram, resourcesOfType } from "ml-platform/testing";
import program = require("./index");

const config = { clusterName: "shared-eks", modelsBucket: "acme-models", environment: "prod" };
let plan: ProgramPlan;
beforeAll(async () => {
  plan = await planProgram(program, {
    project: "serving-on-existing-cluster",
    stack: "prod",
    region: "eu-west-1",
    config,
    usage: { ecrStorageGbPerRepository: 30 },
  });
});

const one = (type: string) => {
  const found = resourcesOfType(plan, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
};

describe("example: serving on an existing EKS cluster", () => {
  it("creates no cluster, network or nodes of its own: the registry, the model's role and its objects in the cluster", () => {
    const types = new Set(plan.resources.map((r) => r.type));
    for (const owned of ["aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup", "aws:ec2/vpc:Vpc", "aws:iam/openIdConnectProvider:OpenIdConnectProvider"]) {
      expect([owned, types.has(owned)]).toEqual([owned, false]);
    }
    expect(one("aws:ecr/repository:Repository").inputs).toMatchObject({
      name: "serving-prod-registry/models",
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
    });
  });

  it("the model's role trusts only its service account, through the existing cluster's OIDC provider, and reads only its prefix", () => {
    const role = one("aws:iam/role:Role");
    const [statement] = JSON.parse(role.inputs.assumeRolePolicy as string).Statement;
    expect(statement.Principal.Federated).toMatch(new RegExp(`^arn:aws:iam::${MOCK_ACCOUNT_ID}:oidc-provider/oidc\\.eks\\.eu-west-1\\.amazonaws\\.com/id/`));
    const conditions = statement.Condition.StringEquals as Record<string, string>;
    expect(Object.entries(conditions).find(([k]) => k.endsWith(":sub"))?.[1]).toBe("system:serviceaccount:serving:fraud-model-model");
    const inline = JSON.stringify(JSON.parse(one("aws:iam/rolePolicy:RolePolicy").inputs.policy as string));
    expect(inline).toContain("arn:aws:s3:::acme-models/fraud-model/*");
    expect(inline).not.toContain("arn:aws:s3:::acme-models/*");
  });

  it("deploys into the existing cluster through its own provider, from the registry, as the model's service account", () => {
    const provider = one("pulumi:providers:kubernetes");
    const kubeconfig = JSON.parse(provider.inputs.kubeconfig as string);
    expect(kubeconfig.users[0].user.exec.args).toEqual(expect.arrayContaining(["--cluster-name", "shared-eks", "--region", "eu-west-1"]));
    const deployment = one("kubernetes:apps/v1:Deployment");
    const sa = one("kubernetes:core/v1:ServiceAccount");
    for (const r of [deployment, sa]) expect(r.provider).toContain(provider.urn);
    expect(() => new Deployment(deployment.inputs as object).validate()).not.toThrow();
    expect(() => new ServiceAccount(sa.inputs as object).validate()).not.toThrow();
    const pod = (deployment.inputs.spec as { template: { spec: { serviceAccountName: string; containers: { image: string }[] } } }).template.spec;
    expect(pod.serviceAccountName).toBe("fraud-model-model");
    expect(pod.containers[0]!.image).toMatch(
      new RegExp(`^${MOCK_ACCOUNT_ID}\\.dkr\\.ecr\\.eu-west-1\\.amazonaws\\.com/serving-prod-registry/models:1\\.0\\.0$`),
    );
  });

  it("passes the policy pack without a config file (its tags state the MVP stage) and costs only the image storage", () => {
    expect(plan.policy.mandatory).toEqual([]);
    expect(plan.cost.unpriced).toEqual([]);
    expect(plan.cost.byResource.map((l) => l.type)).toEqual(["aws:ecr/repository:Repository"]);
    // 30 GB of images at ECR's $0.10 per GB-month; the cluster's nodes are the other team's bill.
    expect(plan.cost.expectedMonthlyUsd).toBeCloseTo(3, 2);
    expect(plan.cost.idleGpuMonthlyUsd).toBe(0);
  });
});
