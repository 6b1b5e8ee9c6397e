/** Every shipped stack file, run through the real program under the mock engine. */
import { helmChartName } from "../../lib/versions";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { elasticIpCount } from "../../config/warnings";
import { COMPONENT_PIECES, componentName, stackPhysicalNames } from "../../config/naming-input";
import { HOURS_PER_MONTH, pricesFor } from "../../cost/prices";
import { ConfigError, ConfigProblem } from "../../config/resolve";
import { resolveWithAccess as resolvePlatformSpec } from "../support/cluster-access";
import { PlanRun, PlannedResource, STACKS_DIR, readStackConfig } from "../../plan/engine";
import { costOf, policyOf, renderPolicy, renderText, toJsonPlan } from "../../plan/report";
import { REPLACEMENT_RULES, replacingPaths } from "../../plan/replacements";
import { diffStack } from "../../plan/diff";
import { SHIPPED_STACKS, ofType, plan } from "../support/plan";

const EKS = "aws:eks/cluster:Cluster";
const RDS = "aws:rds/instance:Instance";
const NAT = "aws:ec2/natGateway:NatGateway";
const VPC = "aws:ec2/vpc:Vpc";
const BUCKET = "aws:s3/bucket:Bucket";
const ECR = "aws:ecr/repository:Repository";

describe("shipped stacks", () => {
  it("ships the five documented environments", () => {
    expect(SHIPPED_STACKS).toEqual(["mvp", "poc", "seriesb-dev", "seriesb-prod", "seriesb-staging"]);
  });

  it("ships no stack file named Pulumi.dev.yaml: `pulumi new` would write a new user's answers into it", () => {
    // `pulumi new` (Pulumi.yaml's template) offers the stack name "dev" by default (pulumi/pulumi
    // pkg/cmd/pulumi/project/newcmd/stack.go, defaultStackName) and merges its answers, stage poc first,
    // into that stack's existing config file (newcmd/config.go, SaveConfig; both checked 2026-12-07):
    // a shipped Series B dev stack would turn into a POC stack that still overrides the network,
    // database and cluster, which the program refuses. The Series B dev stack is seriesb-dev.
    const clashing = fs.readdirSync(STACKS_DIR).filter((f) => f.toLowerCase() === "pulumi.dev.yaml");
    expect(clashing).toEqual([]);
  });

  it.each(SHIPPED_STACKS)("%s plans without errors and tags every taggable resource with owner and costCenter", async (stack) => {
    const run = await plan(stack);
    expect(run.resources.length).toBeGreaterThan(10);
    const tagged = run.resources.filter((r) => r.custom && "tags" in r.inputs);
    expect(tagged.length).toBeGreaterThanOrEqual(3);
    for (const r of tagged) {
      expect({ name: r.name, tags: r.inputs.tags }).toEqual({
        name: r.name,
        tags: expect.objectContaining({ owner: expect.any(String), costCenter: expect.any(String), environment: run.spec.environment }),
      });
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
    for (const [stack, expected] of [
      ["poc", false],
      ["mvp", true],
      ["seriesb-prod", true],
      ["seriesb-staging", false],
    ] as const) {
      const run = await plan(stack);
      const resources = run.resources.filter((r) => stateful.includes(r.type));
      expect(resources.length).toBeGreaterThan(0);
      for (const r of resources)
        expect({ stack, name: r.name, protect: r.protect, retainOnDelete: r.retainOnDelete }).toEqual({
          stack,
          name: r.name,
          protect: expected,
          retainOnDelete: expected,
        });
    }
  });
});

describe("the GPU cluster in the shipped stacks", () => {
  it.each(["mvp", "seriesb-staging", "seriesb-prod"])("%s: EKS, a CPU system pool, GPU pools tainted on the NVIDIA AMI, the device plugin", async (stack) => {
    const run = await plan(stack);
    expect(ofType(run, EKS)).toHaveLength(1);
    const groups = ofType(run, "aws:eks/nodeGroup:NodeGroup");
    const gpu = groups.filter((g) => g.inputs.amiType === "AL2023_x86_64_NVIDIA");
    const cpu = groups.filter((g) => g.inputs.amiType === "AL2023_x86_64_STANDARD");
    expect(cpu).toHaveLength(1);
    expect(gpu.length).toBeGreaterThanOrEqual(1);
    for (const g of gpu) {
      expect(g.inputs.taints).toEqual([{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }]);
    }
    // Series B's pools start at 0 (the autoscaler adds nodes); MVP's pool runs what its model needs (nothing adds nodes there).
    expect(gpu.map((g) => (g.inputs.scalingConfig as { minSize: number }).minSize)).toEqual(gpu.map(() => (stack === "mvp" ? 1 : 0)));
    const releases = ofType(run, "kubernetes:helm.sh/v3:Release").map((r) => helmChartName(r.inputs.chart));
    expect(releases).toContain("nvidia-device-plugin");
  });

  it("only Series B runs the Cluster Autoscaler, with its own IRSA role", async () => {
    const mvp = await plan("mvp");
    expect(ofType(mvp, "kubernetes:helm.sh/v3:Release").map((r) => helmChartName(r.inputs.chart))).not.toContain("cluster-autoscaler");
    const prod = await plan("seriesb-prod");
    const autoscaler = ofType(prod, "kubernetes:helm.sh/v3:Release").find((r) => helmChartName(r.inputs.chart) === "cluster-autoscaler");
    expect(autoscaler).toBeDefined();
    const role = prod.resources.find((r) => r.type === "aws:iam/role:Role" && r.name.includes("autoscaler"));
    const trust = JSON.parse(role!.inputs.assumeRolePolicy as string);
    expect(JSON.stringify(trust)).toContain("system:serviceaccount:kube-system:cluster-autoscaler");
    const values = autoscaler!.inputs.values as { rbac: { serviceAccount: { annotations: Record<string, string> } } };
    const roleArn = values.rbac.serviceAccount.annotations["eks.amazonaws.com/role-arn"];
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
    expect(text).toMatch(/\[on\] {2}artifacts/);
    expect(text).toMatch(/stateful resources NOT protected/);
  });

  it("renders a mandatory verdict with its why and fix", () => {
    const text = renderPolicy({
      pack: "ml-platform",
      config: "x",
      mandatory: [{ policy: "p", enforcementLevel: "mandatory", message: "What.\nWhy it matters: w.\nFix: f." }],
      advisory: [],
    });
    expect(text).toBe("Policy pack ml-platform (x): 1 mandatory, 0 advisory\n  [MANDATORY] p: What.\n      Why it matters: w.\n      Fix: f.");
  });
});

describe("cost allocation of node group instances", () => {
  it.each(["mvp", "seriesb-prod"])("%s: every node group's launch template tags its instances and volumes with the cost tags", async (stack) => {
    const run = await plan(stack);
    const templates = new Map(ofType(run, "aws:ec2/launchTemplate:LaunchTemplate").map((t) => [t.inputs.name as string, t]));
    for (const group of ofType(run, "aws:eks/nodeGroup:NodeGroup")) {
      const lt = templates.get((group.inputs.launchTemplate as { name: string }).name)!;
      const specs = lt.inputs.tagSpecifications as { resourceType: string; tags: Record<string, string> }[];
      for (const type of ["instance", "volume"]) {
        expect({ group: group.name, type, tags: specs.find((t) => t.resourceType === type)?.tags }).toEqual({
          group: group.name,
          type,
          tags: expect.objectContaining({ owner: run.spec.tags.owner, costCenter: run.spec.tags.costCenter, environment: run.spec.environment }),
        });
      }
    }
    // The autoscaler's node-template hints stay on the group only.
    const asgTags = ofType(run, "aws:autoscaling/tag:Tag").map((t) => t.inputs.tag as { key: string; propagateAtLaunch: boolean });
    expect(asgTags.every((t) => t.key.startsWith("k8s.io/cluster-autoscaler/node-template/") && !t.propagateAtLaunch)).toBe(true);
  });
});

// ------------------------------------------- what a real deployment needs

const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";

describe.each(["mvp", "seriesb-prod"])("%s: a cluster AWS accepts and that behaves", (stack) => {
  let run: PlanRun;
  beforeAll(async () => {
    run = await plan(stack);
  });

  it("every GPU node group is in exactly one AZ (one subnet) and carries the accelerator label", () => {
    const gpu = ofType(run, NODE_GROUP).filter((g) => g.inputs.amiType === "AL2023_x86_64_NVIDIA");
    expect(gpu.length).toBeGreaterThanOrEqual(1);
    for (const g of gpu) {
      expect({ group: g.name, subnets: (g.inputs.subnetIds as string[]).length }).toEqual({ group: g.name, subnets: 1 });
      expect((g.inputs.labels as Record<string, string>)["k8s.amazonaws.com/accelerator"]).toMatch(/^nvidia/);
    }
  });

  it("every node group has a launch template with IMDSv2 required and hop limit 1", () => {
    const templates = new Map(ofType(run, LT).map((t) => [t.inputs.name as string, t]));
    for (const g of ofType(run, NODE_GROUP)) {
      const lt = templates.get((g.inputs.launchTemplate as { name?: string } | undefined)?.name ?? "");
      expect({ group: g.name, metadata: lt?.inputs.metadataOptions }).toEqual({
        group: g.name,
        metadata: expect.objectContaining({ httpTokens: "required", httpPutResponseHopLimit: 1 }),
      });
    }
  });

  it("vpc-cni has its own IRSA role, and the node role does not carry the CNI policy", () => {
    const cni = ofType(run, "aws:eks/addon:Addon").find((a) => a.inputs.addonName === "vpc-cni")!;
    expect(cni.inputs.serviceAccountRoleArn).toMatch(/:role\/.*vpc-cni/);
    const role = ofType(run, "aws:iam/role:Role").find((r) => cni.inputs.serviceAccountRoleArn === `arn:aws:iam::123456789012:role/${r.name}`)!;
    expect(role.inputs.assumeRolePolicy).toContain("system:serviceaccount:kube-system:aws-node");
    const cniAttachments = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(
      (a) => a.inputs.policyArn === "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    );
    expect(cniAttachments.map((a) => a.name)).toEqual([`${run.spec.namePrefix}-cluster-vpc-cni-AmazonEKS_CNI_Policy`]);
  });

  it("the cluster security group admits 443 from the VPC, so the private endpoint is reachable", () => {
    const eks = ofType(run, "aws:eks/cluster:Cluster")[0]!;
    const rules = ofType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) =>
      (r.propertyDependencies.securityGroupId ?? []).includes(eks.urn),
    );
    expect(rules.map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4])).toContainEqual([
      "tcp",
      443,
      443,
      ofType(run, "aws:ec2/vpc:Vpc")[0]!.inputs.cidrBlock,
    ]);
  });
});

describe("the cost model sees a GPU pool as its per-AZ groups summed to the pool's cap", () => {
  it("seriesb-prod: each pool's worst case is its cap x (dearest type on-demand + root volume), whatever the split", async () => {
    const run = await plan("seriesb-prod");
    const cost = costOf(run);
    const prices = pricesFor(run.spec.region)!;
    for (const pool of run.spec.cluster.settings.gpuNodeGroups) {
      const lines = cost.byResource.filter((l) => new RegExp(`-gpu-${pool.name}-\\d$`).test(l.name));
      expect(lines.length).toBe(Math.min(pool.maxSize, run.spec.network.settings.azCount));
      const dearest = Math.max(...pool.instanceTypes.map((t) => prices.ec2[t]!));
      const perNode = dearest * HOURS_PER_MONTH + pool.diskSizeGb * prices.ebsGp3PerGbMonth!;
      expect(lines.reduce((s, l) => s + l.worstCaseMonthlyUsd, 0)).toBeCloseTo(pool.maxSize * perNode, 0);
      for (const l of lines) expect(l.basis).toContain(`${pool.diskSizeGb} GB gp3 root volume`);
    }
  });
});

describe("the components' physical names (config/naming-input.ts) predict the names the program declares", () => {
  it.each(["mvp", "seriesb-prod"])("%s: every length-limited name in the plan is one the components named, and all fit", async (stack) => {
    const run = await plan(stack);
    const predicted = stackPhysicalNames(run.spec);
    for (const n of predicted) expect({ name: n.physicalName, fits: n.length <= n.limit }).toEqual({ name: n.physicalName, fits: true });
    const limited = [
      "aws:s3/bucket:Bucket",
      "aws:eks/nodeGroup:NodeGroup",
      "aws:iam/role:Role",
      "aws:rds/instance:Instance",
      "aws:ec2/launchTemplate:LaunchTemplate",
      "aws:ecr/repository:Repository",
      "aws:backup/vault:Vault",
      "aws:backup/plan:Plan",
      "aws:backup/selection:Selection",
    ];
    // (A node group and its launch template share their logical name.) Every component's names: a component
    // that adds an auto-named role, bucket or node group adds it to its <component>PhysicalNames too.
    const covered = Object.keys(COMPONENT_PIECES).map((p) => componentName(run.spec.environment, p as keyof typeof COMPONENT_PIECES));
    const declared = new Set(run.resources.filter((r) => limited.includes(r.type) && covered.some((c) => r.name.startsWith(`${c}-`))).map((r) => r.name));
    expect([...declared].sort()).toEqual([...new Set(predicted.filter((n) => n.kind !== "eksCluster").map((n) => n.logicalName))].sort());
    expect(predicted.find((n) => n.kind === "eksCluster")!.physicalName).toBe(run.outputs.clusterName);
  });
});

describe("details a real deployment needs, in the shipped stacks", () => {
  it("seriesb-prod: the flow log waits for its role's policy, and the role trusts only this account's flow logs", async () => {
    const run = await plan("seriesb-prod");
    const flowLog = ofType(run, "aws:ec2/flowLog:FlowLog")[0]!;
    const rolePolicy = ofType(run, "aws:iam/rolePolicy:RolePolicy").find((r) => r.name.endsWith("-network-flow-logs"))!;
    expect(flowLog.dependencies).toContain(rolePolicy.urn);
    const role = ofType(run, "aws:iam/role:Role").find((r) => r.name.endsWith("-network-flow-logs"))!;
    const trust = JSON.parse(role.inputs.assumeRolePolicy as string);
    expect(trust.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "vpc-flow-logs.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": "123456789012" },
          ArnLike: { "aws:SourceArn": "arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*" },
        },
      },
    ]);
  });

  it("the database applies stage changes during the update, and the protected one keeps its automated backups", async () => {
    for (const stack of ["mvp", "seriesb-prod"]) {
      const db = ofType(await plan(stack), "aws:rds/instance:Instance")[0]!;
      expect({ stack, applyImmediately: db.inputs.applyImmediately, deleteAutomatedBackups: db.inputs.deleteAutomatedBackups }).toEqual({
        stack,
        applyImmediately: true,
        deleteAutomatedBackups: false,
      });
    }
  });

  it.each(["mvp", "seriesb-prod", "seriesb-staging"])(
    "%s: the deployer role has its own admin access entry; the creator gets none implicitly",
    async (stack) => {
      const run = await plan(stack);
      const eks = ofType(run, "aws:eks/cluster:Cluster")[0]!;
      expect(eks.inputs.accessConfig).toEqual({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
      const entry = ofType(run, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").find((a) => a.name.endsWith("-cluster-deployer"))!;
      expect(entry.inputs).toMatchObject({
        principalArn: run.spec.cluster.settings.deployerRoleArn,
        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
        accessScope: { type: "cluster" },
      });
      // The shipped files carry the documentation's example account: the plan says to replace it.
      expect(
        toJsonPlan(run).warnings.some((w) => w.startsWith("Placeholder: ml-platform:cluster.deployerRoleArn") && w.includes("example account 123456789012")),
      ).toBe(true);
    },
  );
});

describe("teardown: non-production data can be destroyed, production data cannot", () => {
  it.each([
    ["seriesb-staging", true],
    ["seriesb-prod", false],
    ["mvp", false],
    ["poc", false],
  ] as const)("%s: forceDestroy/forceDelete = %s", async (stack, allowed) => {
    const run = await plan(stack);
    const buckets = ofType(run, "aws:s3/bucket:Bucket");
    const repos = ofType(run, "aws:ecr/repository:Repository");
    expect(buckets.length).toBeGreaterThan(0);
    expect(repos.length).toBeGreaterThan(0);
    for (const b of buckets) expect({ bucket: b.name, forceDestroy: b.inputs.forceDestroy }).toEqual({ bucket: b.name, forceDestroy: allowed });
    for (const r of repos) expect({ repo: r.name, forceDelete: r.inputs.forceDelete }).toEqual({ repo: r.name, forceDelete: allowed });
    // Backup vaults hold recovery points: the same switch.
    for (const v of ofType(run, "aws:backup/vault:Vault"))
      expect({ vault: v.name, forceDestroy: v.inputs.forceDestroy }).toEqual({ vault: v.name, forceDestroy: allowed });
  });
});

describe("Elastic IP quota", () => {
  it("Series B stacks warn that two of them exceed the default quota of 5, with the quota request; MVP does not", async () => {
    const prod = toJsonPlan(await plan("seriesb-prod"));
    expect(elasticIpCount((await plan("seriesb-prod")).spec) + elasticIpCount((await plan("seriesb-staging")).spec)).toBe(6);
    const eip = prod.warnings.filter((w) => w.startsWith("Elastic IPs"));
    expect(eip).toHaveLength(1);
    expect(eip[0]).toContain("aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-0263D0A3");
    expect(eip[0]).toContain("--region us-east-1");
    expect(renderText(await plan("seriesb-prod"))).toMatch(/\nWhat the first `pulumi up` needs that this plan cannot prove\n {2}! Elastic IPs/);
    expect(toJsonPlan(await plan("mvp")).warnings.filter((w) => w.startsWith("Elastic IPs"))).toEqual([]);
  });
});

/** Inputs whose change makes the provider replace the resource (ForceNew in the AWS provider): plan/replacements.ts. */
const STATEFUL = [
  "aws:s3/bucket:Bucket",
  "aws:rds/instance:Instance",
  "aws:kms/key:Key",
  "aws:secretsmanager/secret:Secret",
  "aws:ec2/vpc:Vpc",
  "aws:ec2/subnet:Subnet",
  "aws:eks/cluster:Cluster",
];
const REPLACE_ON = Object.fromEntries(STATEFUL.map((t) => [t, REPLACEMENT_RULES[t]!.paths.filter((p) => !p.includes("."))]));

describe("stage growth: mvp grown to seriesb by its stage key alone", () => {
  let before: PlanRun;
  let after: PlanRun;
  beforeAll(async () => {
    const source = fs.readFileSync(path.join(STACKS_DIR, "Pulumi.mvp.yaml"), "utf8");
    const grown = source.replace(/^(\s*ml-platform:stage:\s*)mvp\s*$/m, "$1seriesb");
    const changed = source.split("\n").filter((line, i) => line !== grown.split("\n")[i]);
    expect(changed).toEqual(["  ml-platform:stage: mvp"]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlp-growth-"));
    fs.writeFileSync(path.join(dir, "Pulumi.mvp.yaml"), grown);
    [before, after] = await Promise.all([plan("mvp"), plan("mvp", dir)]);
  });

  const byUrn = (run: PlanRun) => new Map(run.resources.map((r) => [r.urn, r]));
  const eks = (run: PlanRun) => ofType(run, "aws:eks/cluster:Cluster")[0]!;
  const subnetsOf = (run: PlanRun, urns: string[]) =>
    urns.map((u) => byUrn(run).get(u)!).map((s) => ({ name: s.name, cidr: s.inputs.cidrBlock, zone: s.inputs.availabilityZoneId }));

  it("plans cleanly as Series B (valid config, no mandatory policy violation)", () => {
    expect(after.spec.stage).toBe("seriesb");
    expect(after.spec.network.settings.azCount).toBe(3);
    expect(policyOf(after).mandatory).toEqual([]);
  });

  it("keeps the control plane's subnets (same subnet resources, CIDRs and zones) and the cluster's name", () => {
    const cpBefore = eks(before).propertyDependencies.vpcConfig!.filter((u) => u.includes("Subnet"));
    const cpAfter = eks(after).propertyDependencies.vpcConfig!.filter((u) => u.includes("Subnet"));
    expect(cpBefore).toHaveLength(2);
    expect(subnetsOf(after, cpAfter)).toEqual(subnetsOf(before, cpBefore));
    expect((eks(after).inputs.vpcConfig as { subnetIds: string[] }).subnetIds).toEqual((eks(before).inputs.vpcConfig as { subnetIds: string[] }).subnetIds);
    expect(after.outputs.clusterName).toBe(before.outputs.clusterName);
    // Nodes get the new AZ; the control plane does not.
    const system = (run: PlanRun) => ofType(run, NODE_GROUP).find((g) => g.name.endsWith("-system"))!;
    expect((system(after).inputs.subnetIds as string[]).length).toBe(3);
  });

  it("keeps the database and the bucket names", () => {
    expect(after.outputs.databaseEndpoint).toBe(before.outputs.databaseEndpoint);
    expect(after.outputs.buckets).toEqual(before.outputs.buckets);
    expect(after.outputs.repositoryUrls).toEqual(before.outputs.repositoryUrls);
  });

  it("replaces nothing stateful: same URNs and the same replace-triggering inputs for buckets, the database, KMS keys, secrets, VPC, subnets, the cluster", () => {
    const later = byUrn(after);
    const stateful = before.resources.filter((r) => r.type in REPLACE_ON);
    expect(stateful.map((r) => r.type)).toEqual(expect.arrayContaining(["aws:s3/bucket:Bucket", "aws:rds/instance:Instance", "aws:kms/key:Key"]));
    for (const r of stateful) {
      const grown = later.get(r.urn) as PlannedResource | undefined;
      expect({ urn: r.urn, kept: grown !== undefined }).toEqual({ urn: r.urn, kept: true });
      const pick = (x: PlannedResource) => Object.fromEntries(REPLACE_ON[r.type]!.map((k) => [k, x.inputs[k]]));
      expect({ urn: r.urn, inputs: pick(grown!) }).toEqual({ urn: r.urn, inputs: pick(r) });
      expect({ urn: r.urn, protect: grown!.protect }).toEqual({ urn: r.urn, protect: r.protect });
    }
  });

  it("the diff says the system node group is replaced (its instance types and subnets are create-only), not changed", () => {
    const d = diffStack(toJsonPlan(before), toJsonPlan(after));
    const system = d.resources.replaced.find((r) => r.name.endsWith("-cluster-system") && r.type === NODE_GROUP)!;
    expect(system.change).toBe("replaced");
    expect(
      replacingPaths(
        system.type,
        system.inputChanges!.map((c) => c.path),
      ),
    ).toEqual(expect.arrayContaining([expect.stringMatching(/^instanceTypes/), expect.stringMatching(/^subnetIds/)]));
    expect(d.resources.changed.find((r) => r.name.endsWith("-cluster-system") && r.type === NODE_GROUP)).toBeUndefined();
    // Nothing stateful is among the replaced.
    expect(d.resources.replaced.filter((r) => STATEFUL.includes(r.type))).toEqual([]);
  });
});

describe("tags the program sets are refused as user tags (no user tag is ever silently overwritten)", () => {
  const base = { "aws:region": "us-east-1", "ml-platform:stage": "mvp", "ml-platform:environment": "prod" };
  it.each(["mvp", "seriesb-prod"])("%s: every tag key on a planned resource is the user's or one config refuses", async (stack) => {
    const run = await plan(stack);
    const userKeys = Object.keys(readStackConfig(stack).config).includes("ml-platform:tags")
      ? Object.keys(JSON.parse(readStackConfig(stack).config["ml-platform:tags"]!) as object)
      : [];
    const keys = new Set<string>();
    for (const r of run.resources) {
      for (const k of Object.keys((r.inputs.tags as Record<string, string> | undefined) ?? {})) keys.add(k);
      const asgTag = r.inputs.tag as { key?: string } | undefined;
      if (r.type === "aws:autoscaling/tag:Tag" && asgTag?.key) keys.add(asgTag.key);
    }
    const programKeys = [...keys].filter((k) => !userKeys.includes(k));
    expect(programKeys).toEqual(expect.arrayContaining(["environment", "Name"]));
    for (const key of programKeys) {
      const raw = { ...base, "ml-platform:tags": JSON.stringify({ owner: "a", costCenter: "b", [key]: "x" }) };
      let problems: ConfigProblem[] = [];
      try {
        resolvePlatformSpec(raw, stack);
      } catch (err) {
        problems = (err as ConfigError).problems;
      }
      expect({ key, refused: problems.some((p) => p.key === `ml-platform:tags.${key}`) }).toEqual({ key, refused: true });
    }
  });
});
