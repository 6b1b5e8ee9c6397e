/**
 * The example under the mock engine, through the package's own testing
 * helper (`ml-platform/testing`), exactly as a platform team would test its
 * program: what it declares, what it costs, what the policy pack says.
 */
import { Namespace } from "kubernetes-models/v1/Namespace";
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
  it("creates no cluster, network or nodes: only the registry, one IRSA role and the objects in the cluster", () => {
    const types = new Set(plan.resources.map((r) => r.type));
    for (const owned of ["aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup", "aws:ec2/vpc:Vpc", "aws:iam/openIdConnectProvider:OpenIdConnectProvider"]) {
      expect(types.has(owned)).toBe(false);
    }
    expect(one("aws:ecr/repository:Repository").inputs).toMatchObject({
      name: "serving-prod-registry/models",
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
    });
  });

  it("the model server's role trusts only its service account, through the existing cluster's OIDC provider", () => {
    const role = one("aws:iam/role:Role");
    const trust = JSON.parse(role.inputs.assumeRolePolicy as string);
    const [statement] = trust.Statement;
    expect(statement.Principal.Federated).toMatch(new RegExp(`^arn:aws:iam::${MOCK_ACCOUNT_ID}:oidc-provider/oidc\\.eks\\.eu-west-1\\.amazonaws\\.com/id/`));
    const conditions = statement.Condition.StringEquals as Record<string, string>;
    expect(Object.entries(conditions).find(([k]) => k.endsWith(":sub"))?.[1]).toBe("system:serviceaccount:serving:model-server");
    const inline = JSON.parse(one("aws:iam/rolePolicy:RolePolicy").inputs.policy as string);
    expect(inline.Statement.flatMap((s: { Action: string[] }) => s.Action).sort()).toEqual(["s3:GetObject", "s3:ListBucket"]);
    expect(JSON.stringify(inline)).toContain("arn:aws:s3:::acme-models/*");
  });

  it("deploys into the existing cluster with its own provider, and the service account carries the role", () => {
    const provider = one("pulumi:providers:kubernetes");
    const kubeconfig = JSON.parse(provider.inputs.kubeconfig as string);
    expect(kubeconfig.users[0].user.exec.args).toEqual(expect.arrayContaining(["--cluster-name", "shared-eks", "--region", "eu-west-1"]));
    const ns = one("kubernetes:core/v1:Namespace");
    const sa = one("kubernetes:core/v1:ServiceAccount");
    for (const r of [ns, sa]) expect(r.provider).toContain(provider.urn);
    expect(() => new Namespace(ns.inputs as object).validate()).not.toThrow();
    expect(() => new ServiceAccount(sa.inputs as object).validate()).not.toThrow();
    expect((sa.inputs.metadata as { annotations: Record<string, string> }).annotations["eks.amazonaws.com/role-arn"]).toMatch(/^arn:aws:iam::\d{12}:role\//);
  });

  it("passes the policy pack at its strictest defaults and costs only the image storage", () => {
    expect(plan.policy.mandatory).toEqual([]);
    expect(plan.cost.unpriced).toEqual([]);
    expect(plan.cost.byResource.map((l) => l.type)).toEqual(["aws:ecr/repository:Repository"]);
    // 30 GB of images at ECR's $0.10 per GB-month; the cluster's nodes are the other team's bill.
    expect(plan.cost.expectedMonthlyUsd).toBeCloseTo(3, 2);
    expect(plan.cost.idleGpuMonthlyUsd).toBe(0);
  });
});
