/**
 * The first `pulumi up` of every shipped stack, and the changes the runbooks
 * describe, against rules AWS and Kubernetes check and the mock engine does
 * not: a network path to the API during the run that creates the VPC, one
 * EKS access entry per principal, and a node for every GPU pod `pulumi up`
 * waits for. (The HPA's ownership of `.spec.replicas` is simulated in
 * test/serving/serving-plan.test.ts.)
 */
import * as fs from "fs";
import * as path from "path";
import { checkGpuPool, gpuNodeRoom, gpuNodesNeeded } from "../../components/compute/capacity";
import { gpuClusterGpuNodeWorkloads } from "../../components/compute/gpu-cluster.footprint";
import { placeholderProblems } from "../../config/placeholders";
import { STAGE_PRESETS } from "../../config/presets";
import { ConfigError, ConfigProblem, resolvePlatformSpec } from "../../config/resolve";
import { runsUnderMocks } from "../../lib/engine";
import { helmChartName } from "../../lib/versions";
import { PlanRun, STACKS_DIR } from "../../plan/engine";
import { costOf, policyOf, renderText, toJsonPlan } from "../../plan/report";
import { recordProgram } from "../../offline/record";
import { createMocks } from "../../offline/mocks";
import { SHIPPED_STACKS, ofType, plan, planEdited } from "../support/plan";

const CLUSTER_STACKS = SHIPPED_STACKS.filter((s) => s !== "poc");
const EKS = "aws:eks/cluster:Cluster";

const base = {
  "aws:region": "us-east-1",
  "ml-platform:stage": "mvp",
  "ml-platform:environment": "prod",
  "ml-platform:tags": JSON.stringify({ owner: "o", costCenter: "c" }),
};
const DEPLOYER = "arn:aws:iam::111122223333:role/ml-platform-deployer";

function problems(extra: Record<string, unknown>, raw: Record<string, string> = base): ConfigProblem[] {
  const config: Record<string, string> = { ...raw };
  for (const [k, v] of Object.entries(extra)) config[k] = typeof v === "string" ? v : JSON.stringify(v);
  try {
    resolvePlatformSpec(config, "t");
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

// ------------------------------------------------- blocker 1: a way to the API

describe("a network path to the Kubernetes API exists during the first run", () => {
  it("a cluster stack with a private endpoint only and no statement that it deploys from inside the VPC is refused, naming the keys", () => {
    const [p, ...rest] = problems({ "ml-platform:cluster": { deployerRoleArn: DEPLOYER } });
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ key: "ml-platform:cluster.publicAccessCidrs", value: [] });
    expect(p!.message).toMatch(/creates the VPC in the same `pulumi up`/);
    expect(p!.message).toMatch(/203\.0\.113\.10\/32; never 0\.0\.0\.0\/0/);
    for (const key of ["ml-platform:cluster.deployFromVpc", "ml-platform:cluster.privateAccessCidrs", "ml-platform:cluster.privateAccessSecurityGroupIds"])
      expect(p!.message).toContain(key);
  });

  it("accepts the operator's /32, or a later run from inside the VPC; never the whole internet", () => {
    expect(problems({ "ml-platform:cluster": { deployerRoleArn: DEPLOYER, publicAccessCidrs: ["198.18.0.10/32"] } })).toEqual([]);
    expect(problems({ "ml-platform:cluster": { deployerRoleArn: DEPLOYER, deployFromVpc: true } })).toEqual([]);
    expect(problems({ "ml-platform:cluster": { deployerRoleArn: DEPLOYER, publicAccessCidrs: ["0.0.0.0/0"] } })[0]).toMatchObject({
      key: "ml-platform:cluster.publicAccessCidrs[0]",
    });
  });

  it("refuses a private CIDR that is the VPC's own block (a duplicate rule EC2 refuses) or the whole internet", () => {
    const access = { deployerRoleArn: DEPLOYER, deployFromVpc: true };
    expect(problems({ "ml-platform:cluster": { ...access, privateAccessCidrs: ["10.0.0.0/16"] } })[0]).toMatchObject({
      key: "ml-platform:cluster.privateAccessCidrs[0]",
      message: expect.stringMatching(/VPC's own block .*InvalidPermission\.Duplicate/),
    });
    expect(problems({ "ml-platform:cluster": { ...access, privateAccessCidrs: ["0.0.0.0/0"] } })[0]).toMatchObject({
      key: "ml-platform:cluster.privateAccessCidrs[0]",
      message: expect.stringMatching(/every address/),
    });
  });

  it.each(CLUSTER_STACKS)("%s: the endpoint is public to one /32 (the first-run path) and private, and the file says how to narrow it", async (stack) => {
    const run = await plan(stack);
    const vpc = ofType(run, EKS)[0]!.inputs.vpcConfig as Record<string, unknown>;
    expect(vpc).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.10/32"] });
    const text = fs.readFileSync(path.join(STACKS_DIR, `Pulumi.${stack}.yaml`), "utf8");
    expect(text).toMatch(/publicAccessCidrs: \["203\.0\.113\.10\/32"\]/);
    expect(text).toMatch(/# deployFromVpc: true/);
    expect(text).toMatch(/remove publicAccessCidrs/);
    // A documentation address: the plan says to replace it, and a real `pulumi up` refuses it.
    expect(toJsonPlan(run).warnings.filter((w) => w.startsWith("Placeholder: ml-platform:cluster.publicAccessCidrs[0] (203.0.113.10/32)"))).toHaveLength(1);
    expect(placeholderProblems(run.spec).map((p) => p.key)).toEqual(
      expect.arrayContaining(["ml-platform:cluster.publicAccessCidrs[0]", "ml-platform:cluster.deployerRoleArn"]),
    );
  });

  it("a stack narrowed to the private endpoint keeps the cluster and opens no public endpoint", async () => {
    const narrowed = await planEdited("mvp", (t) =>
      t.replace('    publicAccessCidrs: ["203.0.113.10/32"]\n    # deployFromVpc: true\n', "    deployFromVpc: true\n"),
    );
    const vpc = ofType(narrowed, EKS)[0]!.inputs.vpcConfig as Record<string, unknown>;
    expect(vpc).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: false });
    expect(ofType(narrowed, EKS)[0]!.inputs.name).toBe(ofType(await plan("mvp"), EKS)[0]!.inputs.name);
  });
});

describe("example values: the plan warns, the real engine refuses", () => {
  it("the program can tell the mock engine from the real one", async () => {
    let seen: boolean | undefined;
    await recordProgram(
      () => {
        seen = runsUnderMocks();
        return {};
      },
      { project: "ml-platform", stack: "t", config: {}, mocks: createMocks("us-east-1") },
    );
    expect(seen).toBe(true);
  });

  it("lists every example value a stack would deploy, by key", async () => {
    const prod = placeholderProblems((await plan("seriesb-prod")).spec);
    expect(prod.map((p) => p.key)).toEqual([
      "ml-platform:cluster.deployerRoleArn",
      "ml-platform:cluster.publicAccessCidrs[0]",
      "ml-platform:alerts.emails[0]",
      "ml-platform:alerts.emails[1]",
    ]);
    expect(placeholderProblems((await plan("poc")).spec)).toEqual([]);
  });
});

// ------------------------------------------------- blocker 2: access entries

/**
 * The access entries EKS holds after `pulumi up` when `creator` created the
 * cluster: its implicit entry for the creator while
 * bootstrapClusterCreatorAdminPermissions is on (EKS API reference,
 * CreateCluster accessConfig; the provider's default), plus one per
 * AccessEntry the program declares. A principal can hold one entry
 * (CreateAccessEntry: ResourceInUseException), so a repeated principal is
 * the 409 a real `pulumi up` meets.
 */
function entryCollisions(run: PlanRun, creator: string): string[] {
  const cluster = ofType(run, EKS)[0]!;
  const access = (cluster.inputs.accessConfig ?? {}) as { bootstrapClusterCreatorAdminPermissions?: boolean };
  const entries = [
    ...(access.bootstrapClusterCreatorAdminPermissions !== false ? [creator] : []),
    ...ofType(run, "aws:eks/accessEntry:AccessEntry").map((e) => String(e.inputs.principalArn)),
  ];
  return entries.filter((p, i) => entries.indexOf(p) !== i);
}

describe("no access entry collides with one EKS made for the cluster's creator", () => {
  it.each(CLUSTER_STACKS)("%s: created by the deployer role, or by any role it lists, no principal holds two entries", async (stack) => {
    const run = await plan(stack);
    const c = run.spec.cluster.settings;
    for (const creator of [c.deployerRoleArn!, ...c.adminRoleArns, ...c.readOnlyRoleArns, ...run.spec.serving.settings.viewerRoleArns])
      expect({ creator, collisions: entryCollisions(run, creator) }).toEqual({ creator, collisions: [] });
  });

  // The creator's role listed under each key the issue names, the deployer being another role (one plan: three creators).
  it("mvp: the creator's role in adminRoleArns, readOnlyRoleArns or serving.viewerRoleArns, the deployer another role: no collision", async () => {
    const creators = {
      adminRoleArns: "arn:aws:iam::123456789012:role/platform-admins",
      readOnlyRoleArns: "arn:aws:iam::123456789012:role/ml-readers",
      viewerRoleArns: "arn:aws:iam::123456789012:role/ml-engineers",
    };
    const run = await planEdited("mvp", (t) =>
      t
        .replace('    # adminRoleArns: ["arn:aws:iam::123456789012:role/platform-admins"]', `    adminRoleArns: ["${creators.adminRoleArns}"]`)
        .replace('    # readOnlyRoleArns: ["arn:aws:iam::123456789012:role/ml-engineers"]', `    readOnlyRoleArns: ["${creators.readOnlyRoleArns}"]`)
        .replace('    # viewerRoleArns: ["arn:aws:iam::123456789012:role/ml-engineers"]', `    viewerRoleArns: ["${creators.viewerRoleArns}"]`),
    );
    const principals = ofType(run, "aws:eks/accessEntry:AccessEntry").map((e) => e.inputs.principalArn);
    for (const creator of Object.values(creators)) {
      expect(principals).toContain(creator);
      expect({ creator, collisions: entryCollisions(run, creator) }).toEqual({ creator, collisions: [] });
    }
  });

  it("a cluster stack without a deployer role is refused (with none, EKS's creator entry would be the way in, and setting the role later collides with it)", () => {
    const [p, ...rest] = problems({ "ml-platform:cluster": { publicAccessCidrs: ["198.18.0.10/32"], adminRoleArns: [DEPLOYER] } });
    expect(rest).toEqual([]);
    expect(p).toMatchObject({
      key: "ml-platform:cluster.deployerRoleArn",
      message: expect.stringMatching(/is required: .*nobody is admin just for creating the cluster/),
    });
  });

  it("the cluster is created without the creator's entry whatever the settings, and a cluster created with it is never replaced", async () => {
    for (const stack of CLUSTER_STACKS) {
      const cluster = ofType(await plan(stack), EKS)[0]!;
      expect(cluster.inputs.accessConfig).toEqual({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
    }
  });
});

// ------------------------------------------------- blocker 3: a node for every awaited GPU pod

describe("every GPU pod `pulumi up` waits for finds a node during that run", () => {
  it("mvp: the GPU pool runs the node its model needs (nothing adds nodes at MVP), and the plan says why", async () => {
    const run = await plan("mvp");
    const [group, ...more] = ofType(run, "aws:eks/nodeGroup:NodeGroup").filter((g) => g.inputs.amiType === "AL2023_x86_64_NVIDIA");
    expect(more).toEqual([]);
    expect(group!.inputs.scalingConfig).toEqual({ minSize: 1, desiredSize: 1, maxSize: 1 });
    expect(STAGE_PRESETS.mvp.cluster.settings.gpuNodeGroups[0]!.minSize).toBe(0);
    expect(run.spec.cluster.why).toMatch(
      /The gpu GPU pool runs 1 node\(s\) instead of 0: nothing autoscales at this stage, and the models on it \(classifier 1 x 1 GPU\)/,
    );
    expect(run.spec.gpuPools).toEqual([expect.objectContaining({ pool: "gpu", fits: true, nodes: 1, placement: [["classifier"]] })]);
  });

  it("mvp: its cost is honest: the model's GPU node is in the cluster's expected cost, none of it idle, and no policy objects", async () => {
    const run = await plan("mvp");
    const cost = costOf(run);
    const group = cost.byResource.find((l) => l.type === "aws:eks/nodeGroup:NodeGroup" && l.name.includes("-gpu-"))!;
    expect(group.expectedMonthlyUsd).toBeGreaterThan(734);
    expect(cost.idleGpuMonthlyUsd).toBe(0);
    expect(cost.byComponent.find((c) => c.component === "mlp-prod-serving")?.expectedMonthlyUsd ?? 0).toBe(0);
    expect(policyOf(run).mandatory).toEqual([]);
  });

  it("Series B stacks count a pool at its maximum, where the Cluster Autoscaler adds nodes", async () => {
    for (const stack of ["seriesb-prod", "seriesb-staging"]) {
      const run = await plan(stack);
      expect(run.spec.gpuPools).toEqual([expect.objectContaining({ pool: "inference", fits: true, nodes: 4 })]);
    }
  });

  it("refuses a GPU pool minimum the stack file set below what its models need, naming the key and the size that fits", () => {
    const [p] = problems({
      "ml-platform:cluster": {
        deployerRoleArn: DEPLOYER,
        publicAccessCidrs: ["198.18.0.10/32"],
        gpuNodeGroups: [{ name: "gpu", instanceTypes: ["g5.xlarge"], minSize: 0, maxSize: 2 }],
      },
      "ml-platform:serving": {
        maxGpus: 2,
        models: [{ name: "classifier", image: "<registry>/models:1.4.0", modelUri: "s3://<models-bucket>/classifier/1.4.0/", replicas: 2, gpus: 1 }],
      },
    });
    expect(p).toMatchObject({ key: "ml-platform:cluster.gpuNodeGroups[0].minSize", value: 0 });
    expect(p!.message).toMatch(
      /its minimum: nothing adds nodes at this stage.* 2 of the 2 classifier pod\(s\) .* find no room on 0 x g5\.xlarge .*set minSize to 2/,
    );
  });

  it("refuses a model whose pod no node of its pool can hold, naming the model's key", () => {
    const [p] = problems({
      "ml-platform:cluster": { deployerRoleArn: DEPLOYER, publicAccessCidrs: ["198.18.0.10/32"] },
      "ml-platform:serving": {
        models: [{ name: "classifier", image: "<registry>/models:1.4.0", modelUri: "s3://<models-bucket>/classifier/1.4.0/", gpus: 1, memory: "16Gi" }],
      },
    });
    expect(p).toMatchObject({ key: "ml-platform:serving.models[0].memory", value: "16Gi" });
    expect(p!.message).toMatch(/one classifier pod \(1 GPU, 1,000m CPU, 16,384 MiB\) does not fit on a g5\.xlarge/);
  });

  it("places pods by GPUs, CPU and memory after the DaemonSets of a GPU node", () => {
    const ds = gpuClusterGpuNodeWorkloads(STAGE_PRESETS.mvp.cluster.settings);
    expect(ds.map((d) => d.name)).toEqual(expect.arrayContaining(["aws-node", "kube-proxy", "ebs-csi-node", "nvidia-device-plugin"]));
    const room = gpuNodeRoom(["g5.xlarge"], ds)!;
    expect(room).toMatchObject({ instanceType: "g5.xlarge", gpus: 1 });
    expect(room.cpuMillis).toBeLessThan(4000);
    // 4 one-GPU pods of 16 vCPU on g5.12xlarge nodes (4 GPUs, 48 vCPU): GPUs alone would say 1 node, CPU says 2.
    const big = [{ name: "trainer", replicas: 4, gpus: 1, cpuMillis: 16000, memoryMiB: 8192 }];
    expect(checkGpuPool({ name: "training", instanceTypes: ["g5.12xlarge"], nodes: 1 }, ds, big).fits).toBe(false);
    expect(gpuNodesNeeded({ name: "training", instanceTypes: ["g5.12xlarge"], nodes: 1 }, ds, big)).toBe(2);
  });
});

// ------------------------------------------------- the order the engine creates things in

/** Every resource a resource waits for, directly or through others (dependencies, property dependencies, its provider). */
function waitsFor(run: PlanRun): (urn: string) => Set<string> {
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  const memo = new Map<string, Set<string>>();
  const direct = (urn: string): string[] => {
    const r = byUrn.get(urn);
    if (!r) return [];
    const provider = r.provider ? r.provider.split("::").slice(0, -1).join("::") : undefined;
    return [...r.dependencies, ...Object.values(r.propertyDependencies).flat(), ...(provider ? [provider] : [])];
  };
  const closure = (urn: string): Set<string> => {
    const known = memo.get(urn);
    if (known) return known;
    const out = new Set<string>();
    memo.set(urn, out);
    for (const d of direct(urn)) {
      out.add(d);
      for (const x of closure(d)) out.add(x);
    }
    return out;
  };
  return closure;
}

describe.each(CLUSTER_STACKS)("%s: the first `pulumi up` creates things in an order that works", (stack) => {
  const named = (run: PlanRun, type: string, suffix: string) => ofType(run, type).filter((r) => r.name.endsWith(suffix));

  it("every Kubernetes object waits for the deployer's access entry and a reachable endpoint", async () => {
    const run = await plan(stack);
    const closure = waitsFor(run);
    const access = named(run, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "-cluster-deployer");
    const apiRules = ofType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => /-cluster-api-/.test(r.name));
    const cluster = ofType(run, EKS)[0]!;
    expect(access).toHaveLength(1);
    expect(apiRules.length).toBeGreaterThanOrEqual(1);
    // The first run reaches the API on the public endpoint, which the cluster itself opens to the operator's /32.
    expect((cluster.inputs.vpcConfig as { publicAccessCidrs?: string[] }).publicAccessCidrs?.length).toBeGreaterThan(0);
    const objects = run.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
    expect(objects.length).toBeGreaterThan(5);
    for (const o of objects) {
      const w = closure(o.urn);
      expect({ object: o.name, access: w.has(access[0]!.urn), cluster: w.has(cluster.urn), apiRules: apiRules.every((r) => w.has(r.urn)) }).toEqual({
        object: o.name,
        access: true,
        cluster: true,
        apiRules: true,
      });
    }
  });

  it("every custom resource waits for the Helm release that installs its CRD", async () => {
    const run = await plan(stack);
    const closure = waitsFor(run);
    const crs = run.resources.filter((r) => r.type.startsWith("kubernetes:monitoring.coreos.com/"));
    const operator = ofType(run, "kubernetes:helm.sh/v3:Release").filter((r) => helmChartName(r.inputs.chart) === "kube-prometheus-stack");
    if (!run.spec.monitoring.enabled) {
      expect(crs).toEqual([]);
      return;
    }
    expect(crs.length).toBeGreaterThan(0);
    for (const cr of crs) expect({ cr: cr.name, afterCrd: closure(cr.urn).has(operator[0]!.urn) }).toEqual({ cr: cr.name, afterCrd: true });
  });

  it("every workload `pulumi up` waits for is schedulable on the capacity of that moment", async () => {
    const run = await plan(stack);
    const closure = waitsFor(run);
    const groups = ofType(run, "aws:eks/nodeGroup:NodeGroup");
    const system = groups.filter((g) => g.inputs.amiType === "AL2023_x86_64_STANDARD");
    const devicePlugin = ofType(run, "kubernetes:helm.sh/v3:Release").filter((r) => helmChartName(r.inputs.chart) === "nvidia-device-plugin");
    // Awaited: Deployments and StatefulSets, and Helm releases (they wait for their pods).
    const awaited = run.resources.filter((r) =>
      ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:helm.sh/v3:Release"].includes(r.type),
    );
    for (const w of awaited) {
      const pod = ((w.inputs.spec as Record<string, unknown> | undefined)?.template as { spec?: Record<string, unknown> } | undefined)?.spec;
      const pool = (pod?.nodeSelector as Record<string, string> | undefined)?.["ml-platform/node-group"];
      const needs = pool ? [...groups.filter((g) => (g.inputs.labels as Record<string, string>)["ml-platform/node-group"] === pool), ...devicePlugin] : system;
      expect(needs.length).toBeGreaterThan(0);
      const waits = closure(w.urn);
      expect({ workload: w.name, missing: needs.filter((n) => !waits.has(n.urn)).map((n) => n.name) }).toEqual({ workload: w.name, missing: [] });
    }
    // ...and the nodes hold them: the system pool at its minimum, each GPU pool as the capacity check placed its pods.
    expect(run.spec.systemPool?.fits).toBe(true);
    for (const report of run.spec.gpuPools ?? []) expect({ pool: report.pool, problems: report.problems }).toEqual({ pool: report.pool, problems: [] });
    // Nodes wait for their subnets' route to a NAT gateway.
    const egress = ofType(run, "aws:ec2/routeTableAssociation:RouteTableAssociation").filter((r) => /-network-private-/.test(r.name));
    for (const g of groups) expect({ group: g.name, afterNat: egress.every((e) => closure(g.urn).has(e.urn)) }).toEqual({ group: g.name, afterNat: true });
  });
});

// ------------------------------------------------- the database's deletion and upgrades

describe("the metadata database survives a second deletion and a major upgrade, and refuses what RDS refuses", () => {
  it("names its final snapshot uniquely per instance, and allows the major upgrades the code makes", async () => {
    const run = await plan("mvp");
    const db = ofType(run, "aws:rds/instance:Instance")[0]!;
    expect(db.inputs.allowMajorVersionUpgrade).toBe(true);
    const suffix = ofType(run, "random:index/randomId:RandomId").find((r) => r.name === "mlp-prod-metadata-final-snapshot")!;
    expect(db.propertyDependencies.finalSnapshotIdentifier).toContain(suffix.urn);
    expect(String(db.inputs.finalSnapshotIdentifier)).toMatch(/^mlp-prod-metadata-final-[0-9a-f]+$/);
  });

  it("refuses io1/io2 storage under 100 GiB and a PostgreSQL major past RDS standard support, by key", () => {
    const access = { deployerRoleArn: DEPLOYER, publicAccessCidrs: ["198.18.0.10/32"] };
    expect(problems({ "ml-platform:cluster": access, "ml-platform:database": { storageType: "io1", iops: 3000, allocatedStorageGb: 50 } })).toEqual([
      expect.objectContaining({ key: "ml-platform:database.allocatedStorageGb", value: 50, message: expect.stringMatching(/at least 100 .* io1/) }),
    ]);
    expect(problems({ "ml-platform:cluster": access, "ml-platform:database": { storageType: "io2", iops: 3000, allocatedStorageGb: 100 } })).toEqual([]);
    expect(problems({ "ml-platform:cluster": access, "ml-platform:database": { engineVersion: "13" } })).toEqual([
      expect.objectContaining({ key: "ml-platform:database.engineVersion", message: expect.stringMatching(/left RDS standard support on 2026-02-28/) }),
    ]);
  });
});

// ------------------------------------------------- health checks that can pass

describe("external health checks are refused where they could never pass", () => {
  const seriesb = { ...base, "ml-platform:stage": "seriesb" };
  const access = { deployerRoleArn: DEPLOYER, publicAccessCidrs: ["198.18.0.10/32"] };

  it("a Route 53 check when no model of the stack is on the internet, naming the keys", () => {
    expect(
      problems({ "ml-platform:cluster": access, "ml-platform:healthChecks": { publicEndpoints: [{ name: "models", host: "models.acme.io" }] } }, seriesb),
    ).toEqual([
      expect.objectContaining({
        key: "ml-platform:healthChecks.publicEndpoints",
        message: expect.stringMatching(/no model of this stack is exposed to the internet/),
      }),
    ]);
  });

  it("cluster-local names: in a Route 53 check (its checkers cannot resolve them), and Kubernetes Services in a canary URL", () => {
    expect(
      problems(
        { "ml-platform:cluster": access, "ml-platform:healthChecks": { publicEndpoints: [{ name: "models", host: "classifier.serving.svc.cluster.local" }] } },
        seriesb,
      )[0],
    ).toMatchObject({ key: "ml-platform:healthChecks.publicEndpoints[0].host", message: expect.stringMatching(/cluster-local or private name/) });
    expect(
      problems(
        { "ml-platform:cluster": access, "ml-platform:healthChecks": { internalUrls: [{ name: "models", url: "http://classifier.serving.svc:80/health" }] } },
        seriesb,
      )[0],
    ).toMatchObject({ key: "ml-platform:healthChecks.internalUrls[0].url", message: expect.stringMatching(/names a Kubernetes Service/) });
  });
});

describe("AWS Backup's names are within AWS's limits", () => {
  it("the vault, plan and selection names count, with Pulumi's suffix, against AWS Backup's 50 characters", async () => {
    const { databaseBackupPhysicalNames } = await import("../../components/operations/backup/database-backup.footprint");
    const names = databaseBackupPhysicalNames("mlp-abcdefghijklmnopqrstuv-backup");
    expect(names.map((n) => [n.kind, n.length, n.limit])).toEqual([
      ["iamRole", 46, 64],
      ["backupVault", 47, 50],
      ["backupPlan", 46, 50],
      ["backupSelection", 50, 50],
    ]);
    // The shipped stacks' backups are among the names config checks.
    const run = await plan("seriesb-prod");
    expect(ofType(run, "aws:backup/selection:Selection")[0]!.name).toBe("mlp-prod-backup-database");
  });
});

describe("bad input refused by key", () => {
  const access = { deployerRoleArn: DEPLOYER, publicAccessCidrs: ["198.18.0.10/32"] };

  it("serving in a namespace of the cluster's or of MLflow", () => {
    expect(problems({ "ml-platform:cluster": access, "ml-platform:serving": { namespace: "kube-system" } })[0]).toMatchObject({
      key: "ml-platform:serving.namespace",
      message: expect.stringMatching(/not one of the cluster's/),
    });
    expect(problems({ "ml-platform:cluster": access, "ml-platform:serving": { namespace: "mlflow" } })[0]).toMatchObject({
      key: "ml-platform:serving.namespace",
      message: expect.stringMatching(/also the namespace of ml-platform:tracking\.namespace/),
    });
  });

  it("a malformed security group id (8 or 17 hex digits only)", () => {
    expect(problems({ "ml-platform:cluster": { ...access, privateAccessSecurityGroupIds: ["sg-0123456789"] } })[0]).toMatchObject({
      key: "ml-platform:cluster.privateAccessSecurityGroupIds[0]",
    });
    expect(problems({ "ml-platform:cluster": { ...access, privateAccessSecurityGroupIds: ["sg-01234567", "sg-0123456789abcdef0"] } })).toEqual([]);
  });
});

describe("two objects with one name", () => {
  it("a model named like another's preview Service (or colour Deployment) at Series B is refused by key", () => {
    const colours = {
      activeColor: "blue",
      blue: { image: "<registry>/models:1.4.0", modelUri: "s3://<models-bucket>/x/1.4.0/", replicas: 1 },
      green: { replicas: 0 },
    };
    const [p] = problems(
      {
        "ml-platform:cluster": { deployerRoleArn: DEPLOYER, publicAccessCidrs: ["198.18.0.10/32"] },
        "ml-platform:serving": {
          models: [
            { name: "fraud", ...colours, blue: { ...colours.blue, modelUri: "s3://<models-bucket>/fraud/1.4.0/" } },
            { name: "fraud-preview", ...colours, blue: { ...colours.blue, modelUri: "s3://<models-bucket>/fraud-preview/1.4.0/" } },
          ],
        },
      },
      { ...base, "ml-platform:stage": "seriesb" },
    );
    expect(p).toMatchObject({
      key: "ml-platform:serving.models[1].name",
      value: "fraud-preview",
      message: expect.stringMatching(/names the object "fraud-preview"/),
    });
  });
});

describe("ARNs of another partition or region", () => {
  it("role ARNs of another partition, and receiver topics of another region, are refused by key", () => {
    const ps = problems(
      {
        "ml-platform:cluster": { deployerRoleArn: "arn:aws-us-gov:iam::111122223333:role/deployer", publicAccessCidrs: ["198.18.0.10/32"] },
        "ml-platform:serving": { viewerRoleArns: ["arn:aws-cn:iam::111122223333:role/ml-engineers"] },
        "ml-platform:monitoring": { receivers: [{ name: "oncall", severities: ["critical"], topicArn: "arn:aws:sns:eu-west-1:111122223333:oncall" }] },
      },
      { ...base, "ml-platform:stage": "seriesb" },
    );
    expect(ps.map((p) => p.key)).toEqual([
      "ml-platform:cluster.deployerRoleArn",
      "ml-platform:serving.viewerRoleArns[0]",
      "ml-platform:monitoring.receivers[0].topicArn",
    ]);
    expect(ps[0]!.message).toMatch(/partition aws-us-gov, but the stack deploys to us-east-1 \(partition aws\)/);
  });
});

describe("image references: one grammar (the OCI distribution reference) everywhere", () => {
  const DIGEST = "sha256:" + "a".repeat(64);
  const access = { deployerRoleArn: DEPLOYER, publicAccessCidrs: ["198.18.0.10/32"] };
  const seriesb = { ...base, "ml-platform:stage": "seriesb" };
  const model = (image: string) => ({
    models: [{ name: "classifier", image, modelUri: "s3://<models-bucket>/classifier/1.4.0/", gpus: 1 }],
  });
  const keysOf = (ps: ConfigProblem[]) => ps.map((p) => p.key);

  it("serving accepts name:tag@digest, and refuses an upper-case repository and a truncated digest", () => {
    expect(problems({ "ml-platform:cluster": access, "ml-platform:serving": model(`<registry>/models:1.4.0@${DIGEST}`) })).toEqual([]);
    expect(keysOf(problems({ "ml-platform:cluster": access, "ml-platform:serving": model("<registry>/Models:1.4.0") }))).toEqual([
      "ml-platform:serving.models[0].image",
    ]);
    expect(keysOf(problems({ "ml-platform:cluster": access, "ml-platform:serving": model("<registry>/models@sha256:abc123") }))).toEqual([
      "ml-platform:serving.models[0].image",
    ]);
  });

  it("prediction monitoring and MLflow follow the same grammar", () => {
    const pm = (image: string) => keysOf(problems({ "ml-platform:cluster": access, "ml-platform:predictionMonitoring": { image } }, seriesb));
    expect(pm(`123456789012.dkr.ecr.us-east-1.amazonaws.com/drift-report:1.4.0@${DIGEST}`)).toEqual([]);
    expect(pm("123456789012.dkr.ecr.us-east-1.amazonaws.com/Drift-Report:1.4.0")).toEqual(["ml-platform:predictionMonitoring.image"]);
    expect(pm("123456789012.dkr.ecr.us-east-1.amazonaws.com/drift-report@sha256:abc")).toEqual(["ml-platform:predictionMonitoring.image"]);
    const mlflow = (image: string) => keysOf(problems({ "ml-platform:cluster": access, "ml-platform:tracking": { image } }));
    expect(mlflow(`ghcr.io/mlflow/mlflow:v3.16.1-full@${DIGEST}`)).toEqual([]);
    expect(mlflow("ghcr.io/MLflow/mlflow:v3.16.1-full")).toEqual(["ml-platform:tracking.image"]);
  });
});

describe("requests larger than a node of their pool can allocate", () => {
  it("a CPU model larger than a system node is refused at its own key", () => {
    const [p] = problems({
      "ml-platform:cluster": { deployerRoleArn: DEPLOYER, publicAccessCidrs: ["198.18.0.10/32"] },
      "ml-platform:serving": {
        models: [{ name: "ranker", image: "<registry>/models:1.4.0", modelUri: "s3://<models-bucket>/ranker/1.4.0/", cpu: "2", memory: "16Gi" }],
      },
    });
    expect(p).toMatchObject({
      key: "ml-platform:serving.models[0].memory",
      value: "16Gi",
      message: expect.stringMatching(/one pod of ranker does not fit on any node/),
    });
  });
});

describe("a GPU replica added at MVP gets its node in the same `pulumi up`", () => {
  // (The program owns the desired size of every MVP node group, so a raised minimum goes out with a matching
  // desired size: test/compute/gpu-cluster.test.ts.)
  it("mvp: a second replica grows the GPU pool to 2 nodes, minimum and desired size alike, within the cap and quota it raises", async () => {
    const run = await planEdited("mvp", (t) =>
      t
        .replace("        replicas: 1\n", "        replicas: 2\n")
        .replace("  ml-platform:serving:\n", "  ml-platform:serving:\n    maxGpus: 2\n")
        .replace("    deployerRoleArn:", "    gpuNodeGroups: [{ name: gpu, instanceTypes: [g5.xlarge], maxSize: 2 }]\n    deployerRoleArn:"),
    );
    // The pool's 2 nodes over its 2 AZs: one node group per AZ, each 1/1/1.
    const groups = ofType(run, "aws:eks/nodeGroup:NodeGroup").filter((g) => g.inputs.amiType === "AL2023_x86_64_NVIDIA");
    expect(groups.map((g) => g.inputs.scalingConfig)).toEqual([
      { minSize: 1, desiredSize: 1, maxSize: 1 },
      { minSize: 1, desiredSize: 1, maxSize: 1 },
    ]);
    expect(run.spec.gpuPools?.[0]).toMatchObject({ fits: true, nodes: 2 });
  });
});

describe("every shipped stack's plan says, under one heading, what its first `pulumi up` needs that the plan cannot prove", () => {
  it.each(SHIPPED_STACKS)("%s", async (stack) => {
    const text = renderText(await plan(stack));
    const [, section = ""] = text.split("\nWhat the first `pulumi up` needs that this plan cannot prove\n");
    const lines = section.split("\n\n")[0]!.split("\n");
    expect(lines.length).toBeGreaterThan(0);
    if (stack === "poc") expect(lines).toEqual(["  nothing: no account quota, zone offering or example value this stack depends on"]);
    else expect(lines.every((l) => l.startsWith("  ! "))).toBe(true);
    if (stack !== "poc") expect(lines.some((l) => l.includes("GPU vCPU quota"))).toBe(true);
  });
});
