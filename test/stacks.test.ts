/** Every shipped stack file, run through the real program under the mock engine. */
import { costOf, renderPolicy, renderText, toJsonPlan } from "../plan/report";
import { SHIPPED_STACKS, ofType, plan } from "./support/plan";

const EKS = "aws:eks/cluster:Cluster";
const RDS = "aws:rds/instance:Instance";
const NAT = "aws:ec2/natGateway:NatGateway";
const VPC = "aws:ec2/vpc:Vpc";
const BUCKET = "aws:s3/bucket:Bucket";
const ECR = "aws:ecr/repository:Repository";

describe("shipped stacks", () => {
  it("ships the five documented environments", () => {
    expect(SHIPPED_STACKS).toEqual(["dev", "mvp", "poc", "seriesb-prod", "seriesb-staging"]);
  });

  it.each(SHIPPED_STACKS)("%s plans without errors and tags every taggable resource with owner and costCenter", async (stack) => {
    const run = await plan(stack);
    expect(run.resources.length).toBeGreaterThan(10);
    const tagged = run.resources.filter((r) => r.custom && "tags" in r.inputs);
    expect(tagged.length).toBeGreaterThanOrEqual(3);
    for (const r of tagged) {
      expect({ name: r.name, tags: r.inputs.tags }).toEqual({ name: r.name, tags: expect.objectContaining({ owner: expect.any(String), costCenter: expect.any(String), environment: run.spec.environment }) });
    }
  });

  it("POC stays cheap: buckets and a registry, no VPC, NAT, database or cluster", async () => {
    const run = await plan("poc");
    expect(ofType(run, EKS)).toHaveLength(0);
    expect(ofType(run, RDS)).toHaveLength(0);
    expect(ofType(run, NAT)).toHaveLength(0);
    expect(ofType(run, VPC)).toHaveLength(0);
    expect(ofType(run, BUCKET)).toHaveLength(2);
    expect(ofType(run, ECR)).toHaveLength(1);
  });

  it("MVP runs production pieces: VPC over 2 AZs with one shared NAT, RDS, S3 and ECR", async () => {
    const run = await plan("mvp");
    expect(ofType(run, VPC)).toHaveLength(1);
    expect(ofType(run, "aws:ec2/subnet:Subnet")).toHaveLength(4);
    expect(ofType(run, NAT)).toHaveLength(1);
    expect(ofType(run, RDS)).toHaveLength(1);
    expect(ofType(run, BUCKET)).toHaveLength(2);
    expect(ofType(run, ECR)).toHaveLength(1);
  });

  it.each(["seriesb-staging", "seriesb-prod"])("%s spreads over 3 AZs with a NAT gateway in each", async (stack) => {
    const run = await plan(stack);
    const nats = ofType(run, NAT);
    expect(nats).toHaveLength(3);
    // One NAT in each AZ's public subnet.
    expect(new Set(nats.map((n) => n.inputs.subnetId)).size).toBe(3);
    // Each private route table sends its AZ's traffic through a different NAT.
    const privateRoutes = ofType(run, "aws:ec2/routeTable:RouteTable").filter((r) => r.name.includes("private"));
    const natIds = privateRoutes.map((r) => (r.inputs.routes as { natGatewayId: string }[])[0]!.natGatewayId);
    expect(new Set(natIds).size).toBe(3);
  });

  it("staging and prod use non-overlapping VPC blocks", async () => {
    const [staging, prod] = await Promise.all([plan("seriesb-staging"), plan("seriesb-prod")]);
    expect(ofType(staging, VPC)[0]!.inputs.cidrBlock).toBe("10.1.0.0/16");
    expect(ofType(prod, VPC)[0]!.inputs.cidrBlock).toBe("10.0.0.0/16");
  });

  it("protects stateful resources at production stages and not at POC or in staging", async () => {
    const stateful = [BUCKET, RDS];
    for (const [stack, expected] of [["poc", false], ["mvp", true], ["seriesb-prod", true], ["seriesb-staging", false]] as const) {
      const run = await plan(stack);
      const resources = run.resources.filter((r) => stateful.includes(r.type));
      expect(resources.length).toBeGreaterThan(0);
      for (const r of resources) expect({ stack, name: r.name, protect: r.protect, retainOnDelete: r.retainOnDelete }).toEqual({ stack, name: r.name, protect: expected, retainOnDelete: expected });
    }
  });
});

describe("the GPU cluster in the shipped stacks", () => {
  it.each(["mvp", "seriesb-staging", "seriesb-prod"])("%s: EKS, a CPU system pool, GPU pools tainted on the NVIDIA AMI at 0 nodes, the device plugin", async (stack) => {
    const run = await plan(stack);
    expect(ofType(run, EKS)).toHaveLength(1);
    const groups = ofType(run, "aws:eks/nodeGroup:NodeGroup");
    const gpu = groups.filter((g) => g.inputs.amiType === "AL2023_x86_64_NVIDIA");
    const cpu = groups.filter((g) => g.inputs.amiType === "AL2023_x86_64_STANDARD");
    expect(cpu).toHaveLength(1);
    expect(gpu.length).toBeGreaterThanOrEqual(1);
    for (const g of gpu) {
      expect(g.inputs.taints).toEqual([{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }]);
      expect(g.inputs.scalingConfig).toMatchObject({ minSize: 0, desiredSize: 0 });
    }
    const releases = ofType(run, "kubernetes:helm.sh/v3:Release").map((r) => r.inputs.chart);
    expect(releases).toContain("nvidia-device-plugin");
  });

  it("only Series B runs the Cluster Autoscaler, with its own IRSA role", async () => {
    const mvp = await plan("mvp");
    expect(ofType(mvp, "kubernetes:helm.sh/v3:Release").map((r) => r.inputs.chart)).not.toContain("cluster-autoscaler");
    const prod = await plan("seriesb-prod");
    const autoscaler = ofType(prod, "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === "cluster-autoscaler");
    expect(autoscaler).toBeDefined();
    const role = prod.resources.find((r) => r.type === "aws:iam/role:Role" && r.name.includes("autoscaler"));
    const trust = JSON.parse(role!.inputs.assumeRolePolicy as string);
    expect(JSON.stringify(trust)).toContain("system:serviceaccount:kube-system:cluster-autoscaler");
    const roleArn = ((autoscaler!.inputs.values as Record<string, any>).rbac.serviceAccount.annotations as Record<string, string>)["eks.amazonaws.com/role-arn"]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(roleArn).toMatch(/^arn:aws:iam::\d{12}:role\/.*autoscaler/);
  });

  it("POC and every stage keep GPU capacity at $0 while idle", async () => {
    for (const stack of SHIPPED_STACKS) {
      expect({ stack, idle: costOf(await plan(stack)).idleGpuMonthlyUsd }).toEqual({ stack, idle: 0 });
    }
  });
});

describe("the JSON plan of every shipped stack", () => {
  it.each(SHIPPED_STACKS)("%s: resources with type, name, parent and inputs, secrets redacted, cost and policy", async (stack) => {
    const json = toJsonPlan(await plan(stack));
    expect(json).toMatchObject({ stack, stage: expect.stringMatching(/^(poc|mvp|seriesb)$/) });
    const components = new Set(json.resources.filter((r) => r.parent === null).map((r) => r.name));
    for (const r of json.resources) {
      expect(typeof r.type).toBe("string");
      if (r.parent !== null) expect(components.has(r.parent) || json.resources.some((p) => p.name === r.parent)).toBe(true);
    }
    expect(JSON.stringify(json)).not.toContain("mock-password");
    expect(json.cost.expectedMonthlyUsd).toBeGreaterThan(0);
    expect(json.policy.mandatory).toEqual([]);
  });
});

describe("the text plan", () => {
  it("POC says what it leaves off and why", async () => {
    const text = renderText(await plan("poc"));
    expect(text).toMatch(/\[off\] cluster +No Kubernetes before there are customers/);
    expect(text).toMatch(/\[on\]  artifacts/);
    expect(text).toMatch(/stateful resources NOT protected/);
  });

  it("renders a mandatory verdict with its why and fix", () => {
    const text = renderPolicy({ pack: "ml-platform", config: "x", mandatory: [{ policy: "p", enforcementLevel: "mandatory", message: "What.\nWhy it matters: w.\nFix: f." }], advisory: [] });
    expect(text).toBe("Policy pack ml-platform (x): 1 mandatory, 0 advisory\n  [MANDATORY] p: What.\n      Why it matters: w.\n      Fix: f.");
  });
});

describe("cost allocation of node group instances", () => {
  it.each(["mvp", "seriesb-prod"])("%s: every node group's ASG propagates the cost tags to the instances it launches", async (stack) => {
    const run = await plan(stack);
    const tags = ofType(run, "aws:autoscaling/tag:Tag").map((t) => ({ ...(t.inputs.tag as { key: string; value: string; propagateAtLaunch: boolean }), deps: t.propertyDependencies.autoscalingGroupName ?? [] }));
    for (const group of ofType(run, "aws:eks/nodeGroup:NodeGroup")) {
      const propagated = tags.filter((t) => t.deps.includes(group.urn) && t.propagateAtLaunch);
      expect({ group: group.name, tags: Object.fromEntries(propagated.map((t) => [t.key, t.value])) }).toEqual({
        group: group.name,
        tags: expect.objectContaining({ owner: run.spec.tags.owner, costCenter: run.spec.tags.costCenter, environment: run.spec.environment }),
      });
    }
    // The autoscaler's node-template hints stay on the group only.
    expect(tags.filter((t) => t.key.startsWith("k8s.io/cluster-autoscaler/")).every((t) => !t.propagateAtLaunch)).toBe(true);
  });
});
