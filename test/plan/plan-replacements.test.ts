/**
 * The diff shows what a change destroys first: replacements forced by an
 * input, resources renamed by a setting, and deletions, protected and
 * stateful ones by name; `plan diff` exits 5 when a protected one is among them.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { emptyCostReport } from "../../cost/model";
import { EXIT, main } from "../../plan/cli";
import { PlanDiff, diffPlans, renderDiffMarkdown } from "../../plan/diff";
import { REPLACEMENT_RULES, replacingPaths } from "../../plan/replacements";
import { toJsonPlan } from "../../plan/report";
import type { JsonPlan, JsonPlanResource } from "../../plan/report";
import { SHIPPED_STACKS, plan } from "../support/plan";

const ROOT = path.join(__dirname, "..", "..");

function resource(type: string, name: string, inputs: Record<string, unknown>, protect = false): JsonPlanResource {
  return { type, name, custom: true, parent: null, urn: `urn:pulumi:s::ml-platform::${type}::${name}`, inputs, protect, retainOnDelete: protect };
}

function planOf(resources: JsonPlanResource[]): JsonPlan {
  return {
    schemaVersion: 1,
    stack: "s",
    stage: "mvp",
    environment: "prod",
    region: "us-east-1",
    decisions: [],
    warnings: [],
    resources,
    outputs: {},
    cost: { ...emptyCostReport("us-east-1"), priceTableAsOf: "2026-11-01" },
    policy: { pack: "ml-platform", config: "test", mandatory: [], advisory: [] },
  };
}

/** The diff of one resource whose inputs go from `before` to `after`. */
function change(type: string, before: Record<string, unknown>, after: Record<string, unknown>, protect = false) {
  return diffPlans(planOf([resource(type, "r", before, protect)]), planOf([resource(type, "r", after, protect)]));
}

describe("which input changes replace a resource", () => {
  it("a VPC's CIDR block and a database's dbName replace them; a database's instance class does not", () => {
    const vpc = change("aws:ec2/vpc:Vpc", { cidrBlock: "10.0.0.0/16", enableDnsSupport: true }, { cidrBlock: "10.1.0.0/16", enableDnsSupport: true });
    expect(vpc.stacks[0]!.resources).toMatchObject({ changed: [], replaced: [{ name: "r", replacedBy: ["cidrBlock"] }] });
    const db = { dbName: "mlflow", instanceClass: "db.t4g.small" };
    const renamed = change("aws:rds/instance:Instance", db, { ...db, dbName: "tracking" }, true);
    expect(renamed.stacks[0]!.resources.replaced).toEqual([expect.objectContaining({ name: "r", replacedBy: ["dbName"], protect: true })]);
    expect(renamed.destructive).toEqual([expect.objectContaining({ name: "r", change: "replaced", protect: true, stateful: true, why: "dbName changed" })]);
    expect(renamed.destructive[0]!.loses).toMatch(/data: every table/);
    const resized = change("aws:rds/instance:Instance", db, { ...db, instanceClass: "db.t4g.large" });
    expect(resized.stacks[0]!.resources).toMatchObject({ replaced: [], changed: [{ name: "r" }] });
    expect(resized.destructive).toEqual([]);
  });

  it("in place, as the provider does it: an EKS cluster's subnets edited within its VPC, a database renamed; not its service CIDR or its engine", () => {
    const eks = { name: "c", vpcConfig: { subnetIds: ["subnet-1", "subnet-2"] }, kubernetesNetworkConfig: { serviceIpv4Cidr: "172.20.0.0/16" } };
    const resubnetted = change("aws:eks/cluster:Cluster", eks, { ...eks, vpcConfig: { subnetIds: ["subnet-1", "subnet-3"] } }, true);
    expect(resubnetted.stacks[0]!.resources).toMatchObject({ replaced: [], changed: [{ name: "r" }] });
    const recidred = change("aws:eks/cluster:Cluster", eks, { ...eks, kubernetesNetworkConfig: { serviceIpv4Cidr: "10.100.0.0/16" } }, true);
    expect(recidred.stacks[0]!.resources.replaced).toEqual([expect.objectContaining({ replacedBy: ["kubernetesNetworkConfig.serviceIpv4Cidr"] })]);
    const db = { identifier: "mlflow-prod", engine: "postgres" };
    expect(change("aws:rds/instance:Instance", db, { ...db, identifier: "tracking-prod" }, true).destructive).toEqual([]);
    expect(change("aws:rds/instance:Instance", db, { ...db, engine: "mysql" }, true).destructive).toEqual([expect.objectContaining({ why: "engine changed" })]);
  });

  it("Kubernetes: a Deployment's selector and a Service's clusterIP replace them; replicas and ports do not", () => {
    const deployment = { metadata: { name: "m" }, spec: { replicas: 1, selector: { matchLabels: { app: "m" } } } };
    expect(replacingPaths("kubernetes:apps/v1:Deployment", ["spec.selector.matchLabels.app", "spec.replicas"])).toEqual(["spec.selector.matchLabels.app"]);
    const moved = change("kubernetes:apps/v1:Deployment", deployment, { ...deployment, spec: { ...deployment.spec, selector: { matchLabels: { app: "n" } } } });
    expect(moved.stacks[0]!.resources.replaced.map((r) => r.replacedBy)).toEqual([["spec.selector.matchLabels.app"]]);
    const scaled = change("kubernetes:apps/v1:Deployment", deployment, { ...deployment, spec: { ...deployment.spec, replicas: 3 } });
    expect(scaled.stacks[0]!.resources.replaced).toEqual([]);
    const service = { spec: { clusterIP: "10.100.0.10", ports: [{ port: 80 }] } };
    expect(change("kubernetes:core/v1:Service", service, { spec: { ...service.spec, clusterIP: "10.100.0.11" } }).stacks[0]!.resources.replaced).toHaveLength(
      1,
    );
    expect(change("kubernetes:core/v1:Service", service, { spec: { ...service.spec, ports: [{ port: 8080 }] } }).stacks[0]!.resources.replaced).toEqual([]);
  });

  it("a replacement cascades: a subnet's vpcId from a replaced VPC, a cluster's subnets, the Kubernetes provider and what it deploys; an update does not", () => {
    const urn = (type: string, name: string) => `urn:pulumi:s::ml-platform::${type}::${name}`;
    const vpc = (cidrBlock: string) => resource("aws:ec2/vpc:Vpc", "vpc", { cidrBlock });
    const subnet = { ...resource("aws:ec2/subnet:Subnet", "private", { vpcId: "vpc-1" }), propertyDependencies: { vpcId: [urn("aws:ec2/vpc:Vpc", "vpc")] } };
    const cluster = {
      ...resource("aws:eks/cluster:Cluster", "eks", { vpcConfig: { subnetIds: ["subnet-1"] } }),
      propertyDependencies: { vpcConfig: [urn("aws:ec2/subnet:Subnet", "private")] },
    };
    const provider = {
      ...resource("pulumi:providers:kubernetes", "k8s", { kubeconfig: "{}" }),
      propertyDependencies: { kubeconfig: [urn("aws:eks/cluster:Cluster", "eks")] },
    };
    const namespace = { ...resource("kubernetes:core/v1:Namespace", "serving", { metadata: { name: "serving" } }), provider: provider.urn };
    // Its security groups come from the VPC too, but vpcSecurityGroupIds is updated in place.
    const db = {
      ...resource("aws:rds/instance:Instance", "db", { vpcSecurityGroupIds: ["sg-1"] }, true),
      propertyDependencies: { vpcSecurityGroupIds: [urn("aws:ec2/vpc:Vpc", "vpc")] },
    };
    const before = [vpc("10.0.0.0/16"), subnet, cluster, provider, namespace, db];
    const d = diffPlans(planOf(before), planOf([vpc("10.1.0.0/16"), ...before.slice(1)]));
    expect(d.stacks[0]!.resources.replaced.map((r) => [r.name, r.replacedBy, r.cascadeFrom])).toEqual([
      ["vpc", ["cidrBlock"], undefined],
      ["private", ["vpcId"], ["vpc"]],
      ["eks", ["vpcConfig"], ["private"]],
      ["k8s", ["kubeconfig"], ["eks"]],
      ["serving", ["(provider)"], ["k8s"]],
    ]);
    expect(d.destructive.find((x) => x.name === "eks")).toMatchObject({ why: "vpcConfig from replaced private", stateful: true });
    expect(d.destructive.map((x) => x.name)).not.toContain("db");
    // Without the VPC's replacement nothing cascades.
    expect(diffPlans(planOf(before), planOf(before)).stacks[0]!.resources.replaced).toEqual([]);
  });

  it("the table covers every resource type the shipped stacks declare", async () => {
    const types = new Set<string>();
    for (const stack of SHIPPED_STACKS) for (const r of (await plan(stack)).resources) if (r.custom) types.add(r.type);
    expect([...types].filter((t) => !REPLACEMENT_RULES[t]).sort()).toEqual([]);
  });

  it("the table's paths are inputs the shipped stacks set, for the types whose inputs they name by their own names", async () => {
    // A typo in a path (e.g. "cidr_block") would never match: check the paths against inputs the program records.
    const inputs = new Map<string, Set<string>>();
    for (const stack of SHIPPED_STACKS) {
      for (const r of (await plan(stack)).resources) {
        const seen = inputs.get(r.type) ?? new Set<string>();
        for (const k of Object.keys(r.inputs)) seen.add(k);
        inputs.set(r.type, seen);
      }
    }
    const checked = ["aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:rds/instance:Instance", "aws:eks/nodeGroup:NodeGroup", "aws:eks/cluster:Cluster"];
    for (const type of checked) {
      const top = (p: string) => p.split(".")[0]!;
      const used = REPLACEMENT_RULES[type]!.paths.filter((p) => inputs.get(type)!.has(top(p)));
      expect({ type, used: used.length > 0 }).toEqual({ type, used: true });
    }
  });
});

describe("renaming the mvp stack's environment", () => {
  let tmp: string;
  let diff: PlanDiff;
  let markdown: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-rename-"));
    const stackFile = fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.mvp.yaml"), "utf8");
    const renamed = stackFile.replace(/^(\s*ml-platform:environment:) prod$/m, "$1 staging");
    expect(renamed).not.toBe(stackFile);
    fs.writeFileSync(path.join(tmp, "Pulumi.mvp.yaml"), renamed);
    const [base, head] = [toJsonPlan(await plan("mvp")), toJsonPlan(await plan("mvp", tmp))];
    fs.writeFileSync(path.join(tmp, "base.json"), JSON.stringify(base));
    fs.writeFileSync(path.join(tmp, "head.json"), JSON.stringify(head));
    diff = diffPlans(base, head);
    let [stdout, stderr] = ["", ""];
    const code = await main(["diff", "base.json", "head.json"], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), callerDir: tmp });
    markdown = { code, stdout, stderr };
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("exits with the protected-replacement code, naming the protected resources on stderr", () => {
    expect(markdown.code).toBe(EXIT.protectedReplaced);
    expect(markdown.stderr).toMatch(/protected resource\(s\) replaced or deleted: .*mlp-staging-metadata-postgres/);
  });

  it("lists the replacements in the comment's first lines: the database and both buckets by name, with what they lose", () => {
    const first = markdown.stdout.split("\n").slice(0, 12).join("\n");
    expect(first).toMatch(/^## Plan diff: ⛔ \d+ replaced \(4 protected, \d+ holding data\)/);
    for (const [type, name] of [
      ["aws:rds:Instance", "metadata-postgres"],
      ["aws:s3:Bucket", "artifacts-datasets"],
      ["aws:s3:Bucket", "artifacts-models"],
    ]) {
      expect(first).toMatch(
        new RegExp(`\\| \`${type}\` \`mlp-staging-${name}\` \\(was \`mlp-prod-${name}\`\\) \\| \\*\\*replaced\\*\\* \\| renamed \\| ⛔ protected.*\\| data: `),
      );
    }
    // The old headline hid all this behind "+$0/month ... no new policy findings".
    expect(markdown.stdout.indexOf("metadata-postgres")).toBeLessThan(markdown.stdout.indexOf("| stack | expected $/month"));
  });

  it("the JSON puts them first too: protected, then stateful, every one of them (none cut)", () => {
    expect(Object.keys(diff).slice(0, 4)).toEqual(["schemaVersion", "kind", "headline", "destructive"]);
    const replaced = diff.stacks[0]!.resources.replaced.filter((r) => r.custom);
    expect(diff.destructive).toHaveLength(replaced.length + diff.stacks[0]!.resources.removed.filter((r) => r.custom).length);
    expect(diff.stacks[0]!.resources).toMatchObject({ added: [], removed: [] });
    const protectedOnes = diff.destructive.filter((d) => d.protect);
    expect(diff.destructive.slice(0, protectedOnes.length)).toEqual(protectedOnes);
    expect(protectedOnes.map((d) => d.name).sort()).toEqual(
      ["mlp-staging-artifacts-datasets", "mlp-staging-artifacts-models", "mlp-staging-metadata-credentials", "mlp-staging-metadata-postgres"].sort(),
    );
    expect(diff.totals.protectedDestroyed).toBe(4);
    expect(renderDiffMarkdown(diff)).toBe(markdown.stdout);
  });
});
