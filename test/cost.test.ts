/** The cost model: what a stack costs as declared, at worst, and what it cannot price. */
import { CostInput, estimateCost } from "../cost/model";
import { HOURS_PER_MONTH, PRICES, SPOT_PRICE_FACTOR } from "../cost/prices";
import { costOf } from "../plan/report";
import { SHIPPED_STACKS, plan } from "./support/plan";

const r = (type: string, name: string, inputs: Record<string, unknown>): CostInput => ({ urn: `urn:${type}::${name}`, type, name, inputs });
const nodeGroup = (inputs: Record<string, unknown>) => r("aws:eks/nodeGroup:NodeGroup", "ng", { diskSize: 20, ...inputs });

describe("price table", () => {
  it("is dated and covers us-east-1 and an EU region", () => {
    expect(Object.keys(PRICES)).toEqual(expect.arrayContaining(["us-east-1", "eu-west-1"]));
    for (const p of Object.values(PRICES)) expect(p.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(HOURS_PER_MONTH).toBe(730);
  });

  it("prices every instance type and database class the presets use, in us-east-1", () => {
    for (const t of ["t3.medium", "t3.large", "m6i.large", "g5.xlarge", "g6.xlarge", "g5.12xlarge"]) expect(PRICES["us-east-1"]!.ec2[t]).toBeGreaterThan(0);
    for (const c of ["db.t4g.micro", "db.t4g.small", "db.t4g.medium", "db.m6g.large"]) expect(PRICES["us-east-1"]!.rdsPostgres[c]).toBeGreaterThan(0);
  });
});

describe("node groups", () => {
  it("expected cost uses the desired size, the worst case the maximum", () => {
    const report = estimateCost([nodeGroup({ instanceTypes: ["g5.xlarge"], scalingConfig: { minSize: 0, desiredSize: 1, maxSize: 4 } })], "us-east-1");
    const perNode = 1.006 * 730 + 20 * 0.08;
    expect(report.expectedMonthlyUsd).toBeCloseTo(perNode, 1);
    expect(report.worstCaseMonthlyUsd).toBeCloseTo(4 * perNode, 1);
  });

  it("a GPU group at zero costs nothing expected and nothing idle, but its worst case is priced (unlike Infracost's desired-size view)", () => {
    const report = estimateCost([nodeGroup({ instanceTypes: ["g5.12xlarge"], scalingConfig: { minSize: 0, desiredSize: 0, maxSize: 2 } })], "us-east-1");
    expect(report.expectedMonthlyUsd).toBe(0);
    expect(report.idleGpuMonthlyUsd).toBe(0);
    expect(report.worstCaseMonthlyUsd).toBeCloseTo(2 * (5.672 * 730 + 1.6), 1);
  });

  it("counts warm GPU nodes as idle GPU spend", () => {
    const report = estimateCost([nodeGroup({ instanceTypes: ["g4dn.xlarge"], scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 1 } })], "us-east-1");
    expect(report.idleGpuMonthlyUsd).toBeCloseTo(0.526 * 730 + 1.6, 1);
  });

  it("Spot is discounted in the expected figure and at full on-demand price in the worst case", () => {
    const report = estimateCost([nodeGroup({ instanceTypes: ["g5.xlarge"], capacityType: "SPOT", diskSize: 0, scalingConfig: { minSize: 0, desiredSize: 1, maxSize: 1 } })], "us-east-1");
    expect(report.expectedMonthlyUsd).toBeCloseTo(1.006 * 730 * SPOT_PRICE_FACTOR, 1);
    expect(report.worstCaseMonthlyUsd).toBeCloseTo(1.006 * 730, 1);
  });

  it("a mixed-type group's worst case uses its dearest type", () => {
    const worst = estimateCost([nodeGroup({ instanceTypes: ["g6.xlarge", "g5.xlarge"], diskSize: 0, scalingConfig: { minSize: 0, desiredSize: 0, maxSize: 1 } })], "us-east-1").worstCaseMonthlyUsd;
    expect(worst).toBeCloseTo(1.006 * 730, 1);
  });

  it("an unknown type is unpriced, never $0", () => {
    const report = estimateCost([nodeGroup({ instanceTypes: ["g9.mega"], scalingConfig: { minSize: 0, desiredSize: 1, maxSize: 1 } })], "us-east-1");
    expect(report.unpriced).toEqual([expect.objectContaining({ name: "ng", reason: expect.stringMatching(/g9\.mega/) })]);
    expect(report.byResource).toEqual([]);
    expect(estimateCost([nodeGroup({ instanceTypes: ["g9.mega"] })], "us-east-1").worstCaseMonthlyUsd).toBe(0);
  });

  it("a type not offered in the region is unpriced there (g6 in eu-west-1)", () => {
    const report = estimateCost([nodeGroup({ instanceTypes: ["g6.xlarge"], scalingConfig: { minSize: 0, desiredSize: 0, maxSize: 1 } })], "eu-west-1");
    expect(report.unpriced[0]!.reason).toMatch(/no eu-west-1 price for g6\.xlarge/);
  });
});

describe("databases and the rest", () => {
  const db = (over: Record<string, unknown> = {}) => r("aws:rds/instance:Instance", "db", { instanceClass: "db.m6g.large", allocatedStorage: 100, maxAllocatedStorage: 500, storageType: "gp3", ...over });

  it("Multi-AZ doubles instance and storage; the worst case is the storage ceiling", () => {
    const single = estimateCost([db()], "us-east-1");
    const multi = estimateCost([db({ multiAz: true })], "us-east-1");
    expect(single.expectedMonthlyUsd).toBeCloseTo(0.159 * 730 + 100 * 0.115, 1);
    expect(multi.expectedMonthlyUsd).toBeCloseTo(2 * single.expectedMonthlyUsd, 1);
    expect(single.worstCaseMonthlyUsd).toBeCloseTo(0.159 * 730 + 500 * 0.115, 1);
  });

  it("provisioned IOPS are priced per IOPS-month; a storage type without a price is unpriced", () => {
    const io1 = estimateCost([db({ storageType: "io1", iops: 3000, maxAllocatedStorage: 100 })], "us-east-1");
    expect(io1.expectedMonthlyUsd).toBeCloseTo(0.159 * 730 + 100 * 0.125 + 3000 * 0.1, 1);
    expect(estimateCost([db({ storageType: "io2", iops: 3000 })], "us-east-1").unpriced).toHaveLength(1);
  });

  it("EKS control plane: $73 a month, with extended support ($438) as the worst case unless pinned to STANDARD", () => {
    const pinned = estimateCost([r("aws:eks/cluster:Cluster", "eks", { upgradePolicy: { supportType: "STANDARD" } })], "us-east-1");
    const unpinned = estimateCost([r("aws:eks/cluster:Cluster", "eks", {})], "us-east-1");
    expect(pinned.expectedMonthlyUsd).toBe(73);
    expect(pinned.worstCaseMonthlyUsd).toBe(73);
    expect(unpinned.worstCaseMonthlyUsd).toBe(438);
  });

  it("NAT gateways and their addresses are priced; their traffic is listed as usage-based", () => {
    const report = estimateCost([r("aws:ec2/natGateway:NatGateway", "nat", {}), r("aws:ec2/eip:Eip", "ip", {})], "us-east-1");
    expect(report.expectedMonthlyUsd).toBeCloseTo(32.85 + 3.65, 2);
    expect(report.usageBased).toEqual([expect.objectContaining({ name: "nat", rate: "$0.045 per GB processed" })]);
  });

  it("storage is priced from the stack's expected volumes, or listed as usage-based when none is given", () => {
    const bucket = r("aws:s3/bucket:Bucket", "b", {});
    expect(estimateCost([bucket], "us-east-1", { s3StorageGbPerBucket: 1000 }).expectedMonthlyUsd).toBe(23);
    const noVolume = estimateCost([bucket], "us-east-1");
    expect(noVolume.expectedMonthlyUsd).toBe(0);
    expect(noVolume.usageBased[0]!.rate).toMatch(/\$0\.023 per GB-month/);
    expect(noVolume.unpriced).toEqual([]);
  });

  it("log groups are priced from the expected ingestion and their retention, else listed as usage-based", () => {
    const logs = r("aws:cloudwatch/logGroup:LogGroup", "audit", { retentionInDays: 90 });
    const priced = estimateCost([logs], "us-east-1", { logIngestGbPerMonth: { [logs.urn]: 60 } });
    expect(priced.expectedMonthlyUsd).toBeCloseTo(60 * 0.5 + 60 * 3 * 0.03, 2);
    const unknownVolume = estimateCost([logs], "us-east-1");
    expect(unknownVolume.expectedMonthlyUsd).toBe(0);
    expect(unknownVolume.usageBased[0]!.rate).toMatch(/\$0\.50 per GB ingested/);
  });

  it("free resources cost $0 on purpose; unknown types and unknown regions are unpriced", () => {
    const report = estimateCost([r("aws:iam/role:Role", "role", {}), r("aws:ec2/subnet:Subnet", "s", {}), r("aws:sagemaker/endpoint:Endpoint", "ep", {})], "us-east-1");
    expect(report.freeResources).toBe(2);
    expect(report.unpriced).toEqual([expect.objectContaining({ name: "ep", reason: expect.stringMatching(/no rule for aws:sagemaker/) })]);
    const elsewhere = estimateCost([r("aws:ec2/natGateway:NatGateway", "nat", {})], "ap-south-2");
    expect(elsewhere.unpriced[0]!.reason).toMatch(/no price table for region ap-south-2/);
  });

  it("a public LoadBalancer Service is priced as the load balancer it creates", () => {
    const nlb = r("kubernetes:core/v1:Service", "svc", { metadata: { annotations: { "service.beta.kubernetes.io/aws-load-balancer-type": "external" } }, spec: { type: "LoadBalancer" } });
    expect(estimateCost([nlb], "us-east-1").expectedMonthlyUsd).toBeCloseTo(0.0225 * 730, 2);
    expect(estimateCost([r("kubernetes:core/v1:Service", "c", { spec: { type: "ClusterIP" } })], "us-east-1").expectedMonthlyUsd).toBe(0);
  });
});

describe("shipped stacks", () => {
  it("POC's expected monthly cost stays under $25", async () => {
    const cost = costOf(await plan("poc"));
    expect(cost.expectedMonthlyUsd).toBeLessThan(25);
    expect(cost.expectedMonthlyUsd).toBeGreaterThan(0);
    expect(cost.unpriced).toEqual([]);
  });

  it.each(SHIPPED_STACKS)("%s: worst case >= expected, idle GPUs $0, every line explained", async (stack) => {
    const cost = costOf(await plan(stack));
    expect(cost.worstCaseMonthlyUsd).toBeGreaterThanOrEqual(cost.expectedMonthlyUsd);
    expect(cost.idleGpuMonthlyUsd).toBe(0);
    for (const line of cost.byResource) expect(line.basis.length).toBeGreaterThan(5);
    const sum = cost.byComponent.reduce((s, c) => s + c.expectedMonthlyUsd, 0);
    expect(sum).toBeCloseTo(cost.expectedMonthlyUsd, 0);
  });

  it("Series B prod's worst case is dominated by the GPU pools at their caps", async () => {
    const cost = costOf(await plan("seriesb-prod"));
    const gpuLines = cost.byResource.filter((l) => l.name.includes("-gpu-"));
    expect(gpuLines.map((l) => l.name).sort()).toEqual(["mlp-prod-cluster-gpu-inference", "mlp-prod-cluster-gpu-training"]);
    const gpuWorst = gpuLines.reduce((s, l) => s + l.worstCaseMonthlyUsd, 0);
    expect(gpuWorst / cost.worstCaseMonthlyUsd).toBeGreaterThan(0.8);
    expect(gpuLines.every((l) => l.expectedMonthlyUsd === 0)).toBe(true);
  });
});
