/**
 * The policy pack run the way the Pulumi CLI runs it: policies/ started through
 * @pulumi/pulumi/cmd/run-policy-pack (ts-node, type-checked), spoken to over the
 * Analyzer gRPC protocol: Configure with the stage's --policy-pack-config file,
 * Remediate + Analyze for each resource, AnalyzeStack for the whole stack.
 */
import * as path from "path";
import { EvalResource, PolicyConfig, stagePolicyConfig } from "../policies/evaluate";
import { policies } from "../policies/rules";
import { money } from "../policies/rules/common";
import { estimateCost } from "../cost/model";
import { policyResources } from "../plan/report";
import { AnalyzerResource, PolicyDiagnostic, RunningPolicyPack, UNKNOWN, startPolicyPack } from "./support/policy-server";
import { SHIPPED_STACKS, plan } from "./support/plan";

jest.setTimeout(120_000);

const PACK_DIR = path.join(__dirname, "..", "policies");
let pack: RunningPolicyPack;

beforeAll(async () => {
  pack = await startPolicyPack(PACK_DIR, { project: "ml-platform", stack: "integration", dryRun: true, timeoutMs: 90_000 });
});
afterAll(async () => {
  await pack?.stop();
});

function toAnalyzer(r: EvalResource): AnalyzerResource {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    properties: r.props,
    parent: r.parent,
    options: { protect: r.protect ?? false },
    provider: r.provider ? { type: r.provider.type, name: r.provider.name, urn: r.provider.urn, properties: r.provider.props } : undefined,
    dependencies: r.dependencies,
    propertyDependencies: r.propertyDependencies,
  };
}

/** What `pulumi preview --policy-pack` does with a stack's resources: remediate, analyze each, analyze the stack. */
async function analyzeLikeTheEngine(resources: EvalResource[]): Promise<PolicyDiagnostic[]> {
  const diagnostics: PolicyDiagnostic[] = [];
  const remediated: AnalyzerResource[] = [];
  for (const r of resources.map(toAnalyzer)) {
    const fixes = await pack.remediate(r);
    const last = [...fixes].reverse().find((f) => f.properties);
    const resource = last?.properties ? { ...r, properties: last.properties } : r;
    remediated.push(resource);
    diagnostics.push(...(await pack.analyze(resource)));
  }
  diagnostics.push(...(await pack.analyzeStack(remediated)));
  return diagnostics;
}

const mandatory = (ds: PolicyDiagnostic[]) => ds.filter((d) => d.enforcementLevel === "mandatory");

describe("the policy pack under the CLI's runner", () => {
  it("serves every policy of the pack, with its enforcement level and config schema", async () => {
    const info = await pack.info();
    expect(info.name).toBe("ml-platform");
    expect(info.policies.map((p) => p.name).sort()).toEqual(policies.map((p) => p.name).sort());
    const budget = info.policies.find((p) => p.name === "stack-monthly-budget");
    expect(budget?.enforcementLevel).toBe("mandatory");
    expect(JSON.stringify(budget?.configSchema)).toContain("maxWorstCaseMonthlyUsd");
  });

  it.each(SHIPPED_STACKS)("%s: zero mandatory violations with its stage's config file", async (stack) => {
    const run = await plan(stack);
    await pack.configure(stagePolicyConfig(run.spec.stage) as Record<string, Record<string, unknown>>);
    const found = await analyzeLikeTheEngine(policyResources(run));
    expect(mandatory(found).map((d) => `${d.policyName}: ${d.message.split("\n")[0]}`)).toEqual([]);
  });

  it("the Series B prod stack breaks the strict defaults (no config file): the budget and GPU caps bite", async () => {
    await pack.configure({});
    const resources = policyResources(await plan("seriesb-prod"));
    const found = mandatory(await analyzeLikeTheEngine(resources));
    const names = found.map((d) => d.policyName);
    for (const policy of ["stack-monthly-budget", "allowed-instance-types", "node-group-worst-case-spend"]) expect(names).toContain(policy);
    // The pack knows no storage volumes, so its worst case is the plan's without the usage-based storage.
    const worst = estimateCost(resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, inputs: r.props })), "us-east-1").worstCaseMonthlyUsd;
    expect(worst).toBeGreaterThan(11_000);
    const budget = found.find((d) => d.policyName === "stack-monthly-budget")!;
    expect(budget.message).toContain(`can cost ${money(worst)}/month with every autoscaler at its maximum`);
  });
});

/** A deliberately broken resource for each costly or dangerous mistake, and the policy that must block it. */
const provider = { type: "pulumi:providers:aws", name: "default", urn: "urn:pulumi:integration::ml-platform::pulumi:providers:aws::default", properties: { region: "us-east-1" } };
const gpuGroup = (over: Record<string, unknown>) => ({
  instanceTypes: ["g5.xlarge"],
  amiType: "AL2023_x86_64_NVIDIA",
  scalingConfig: { minSize: 0, desiredSize: 0, maxSize: 1 },
  taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }],
  ...over,
});
const BROKEN: [string, string, AnalyzerResource][] = [
  ["an untainted GPU node group", "gpu-node-groups-tainted", { type: "aws:eks/nodeGroup:NodeGroup", name: "untainted", properties: gpuGroup({ taints: [] }), provider }],
  ["a GPU node group that never scales to zero", "gpu-node-groups-scale-to-zero", { type: "aws:eks/nodeGroup:NodeGroup", name: "warm", properties: gpuGroup({ scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 1 } }), provider }],
  ["a p5.48xlarge node group", "allowed-instance-types", { type: "aws:eks/nodeGroup:NodeGroup", name: "h100", properties: gpuGroup({ instanceTypes: ["p5.48xlarge"] }), provider }],
  ["a GPU group that can grow to 20 nodes", "node-group-size-caps", { type: "aws:eks/nodeGroup:NodeGroup", name: "huge", properties: gpuGroup({ scalingConfig: { minSize: 0, desiredSize: 0, maxSize: 20 } }), provider }],
  ["a GPU node group on a CPU AMI", "gpu-node-groups-use-nvidia-ami", { type: "aws:eks/nodeGroup:NodeGroup", name: "noDriver", properties: gpuGroup({ amiType: "AL2023_x86_64_STANDARD" }), provider }],
  ["a stray GPU instance", "no-standalone-gpu-instances", { type: "aws:ec2/instance:Instance", name: "forgotten", properties: { instanceType: "g5.xlarge" }, provider }],
  ["a public database", "rds-private-and-encrypted", { type: "aws:rds/instance:Instance", name: "open-db", properties: { instanceClass: "db.t4g.small", publiclyAccessible: true, storageEncrypted: true, backupRetentionPeriod: 7 }, provider }],
  ["a database without backups", "rds-backups", { type: "aws:rds/instance:Instance", name: "nobackup", properties: { instanceClass: "db.t4g.small", storageEncrypted: true, backupRetentionPeriod: 0 }, provider }],
  ["a public-read bucket", "s3-no-public-access", { type: "aws:s3/bucket:Bucket", name: "leaky", properties: { acl: "public-read" }, provider }],
  ["a mutable ECR repository", "ecr-immutable-tags", { type: "aws:ecr/repository:Repository", name: "mutable", properties: { imageTagMutability: "MUTABLE", imageScanningConfiguration: { scanOnPush: true } }, provider }],
  ["PostgreSQL open to the internet", "no-world-open-admin-ports", { type: "aws:ec2/securityGroup:SecurityGroup", name: "open-sg", properties: { ingress: [{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["0.0.0.0/0"] }] }, provider }],
  ["an admin wildcard IAM policy", "no-wildcard-admin-iam", { type: "aws:iam/policy:Policy", name: "god", properties: { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) }, provider }],
  ["an EKS API open to 0.0.0.0/0", "eks-api-not-public", { type: "aws:eks/cluster:Cluster", name: "open-eks", properties: { vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] }, upgradePolicy: { supportType: "STANDARD" } }, provider }],
  ["an EKS cluster drifting into extended support", "eks-standard-support-only", { type: "aws:eks/cluster:Cluster", name: "extended", properties: { vpcConfig: { endpointPublicAccess: false } }, provider }],
  ["a public LoadBalancer without source ranges", "public-load-balancers-restricted", { type: "kubernetes:core/v1:Service", name: "open-lb", properties: { spec: { type: "LoadBalancer", ports: [{ port: 80 }] } } }],
  ["a Deployment holding 8 GPUs", "gpu-workloads-within-caps", { type: "kubernetes:apps/v1:Deployment", name: "greedy", properties: { spec: { replicas: 8, template: { spec: { containers: [{ name: "m", resources: { limits: { "nvidia.com/gpu": 1 } } }], tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }] } } } } }],
  ["a GPU pod that does not tolerate the taint", "gpu-workloads-tolerate-taint", { type: "kubernetes:core/v1:Pod", name: "stuck", properties: { spec: { containers: [{ name: "m", resources: { limits: { "nvidia.com/gpu": 1 } } }] } } }],
];

describe("deliberately broken resources are blocked (strict defaults)", () => {
  beforeAll(async () => {
    await pack.configure({});
  });

  it.each(BROKEN)("%s is a mandatory violation of %s", async (_label, policy, resource) => {
    const found = mandatory(await pack.analyze(resource));
    expect(found.map((d) => d.policyName)).toContain(policy);
    expect(found.find((d) => d.policyName === policy)!.message).toMatch(/Why it matters: [^]*Fix: /);
  });

  it("stack policies block a bucket without its hardening and a stack over budget", async () => {
    const bucket = { type: "aws:s3/bucket:Bucket", name: "bare", urn: "urn:pulumi:integration::ml-platform::aws:s3/bucket:Bucket::bare", properties: { bucket: "bare-1" }, provider };
    const big = { type: "aws:eks/nodeGroup:NodeGroup", name: "big", properties: gpuGroup({ instanceTypes: ["g5.12xlarge"], scalingConfig: { minSize: 0, desiredSize: 0, maxSize: 2 } }), provider };
    const found = mandatory(await pack.analyzeStack([{ ...provider, properties: provider.properties }, bucket, big]));
    expect(found.map((d) => d.policyName).sort()).toEqual(["s3-buckets-hardened", "stack-monthly-budget"]);
  });

  it("a value unknown during preview downgrades that finding to advisory, as the CLI shows it", async () => {
    const found = await pack.analyze({ type: "aws:rds/instance:Instance", name: "pending", properties: { instanceClass: "db.t4g.small", publiclyAccessible: UNKNOWN, storageEncrypted: true, backupRetentionPeriod: 7 }, provider });
    const d = found.find((x) => x.policyName === "rds-private-and-encrypted");
    expect(d?.enforcementLevel).toBe("advisory");
    expect(d?.message).toMatch(/can't run policy/);
  });

  it("remediation fills missing cost tags from the stage defaults, and only tags", async () => {
    const config = stagePolicyConfig("mvp") as PolicyConfig;
    await pack.configure(config as Record<string, Record<string, unknown>>);
    const db = { type: "aws:rds/instance:Instance", name: "untagged", properties: { instanceClass: "db.t4g.small", tags: { environment: "prod" } }, provider };
    const fixes = await pack.remediate(db);
    const fixed = fixes.find((f) => f.policyName === "required-cost-tags")?.properties as Record<string, unknown>;
    expect(fixed.tags).toEqual({ environment: "prod", owner: "unassigned", costCenter: "unallocated" });
    expect(fixed.instanceClass).toBe("db.t4g.small");
  });
});
