import { ConfigError } from "../../config/resolve";
import { resolveWithAccess as resolvePlatformSpec } from "../support/cluster-access";
import { STAGE_PRESETS } from "../../config/presets";

const base = {
  "aws:region": "us-east-1",
  "ml-platform:stage": "mvp",
  "ml-platform:environment": "prod",
  "ml-platform:tags": JSON.stringify({ owner: "ml-team", costCenter: "research" }),
};

function problemsOf(overrides: Record<string, unknown>): { key: string; message: string; value: unknown }[] {
  const raw: Record<string, string> = { ...base };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete raw[k];
    else raw[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  try {
    resolvePlatformSpec(raw, "test");
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("stack configuration", () => {
  it("resolves a valid stack to the stage preset plus tags", () => {
    const spec = resolvePlatformSpec(base, "mvp");
    expect(spec.stage).toBe("mvp");
    expect(spec.namePrefix).toBe("mlp-prod");
    expect(spec.tags).toMatchObject({ owner: "ml-team", costCenter: "research", stage: "mvp", environment: "prod", "managed-by": "pulumi" });
    expect(spec.database.settings.instanceClass).toBe(STAGE_PRESETS.mvp.database.settings.instanceClass);
    expect(spec.protectStatefulResources).toBe(true);
  });

  it("layers overrides over the preset without losing the preset's other settings", () => {
    const spec = resolvePlatformSpec({ ...base, "ml-platform:database": JSON.stringify({ instanceClass: "db.m6g.large" }) }, "mvp");
    expect(spec.database.settings.instanceClass).toBe("db.m6g.large");
    expect(spec.database.settings.backupRetentionDays).toBe(STAGE_PRESETS.mvp.database.settings.backupRetentionDays);
    expect(spec.database.decidedBy).toBe("preset");
  });

  it("lets a stack turn on a piece its stage leaves off, and says so", () => {
    const spec = resolvePlatformSpec(
      {
        ...base,
        "ml-platform:stage": "poc",
        "ml-platform:network": JSON.stringify({ enabled: true }),
        "ml-platform:database": JSON.stringify({ enabled: true }),
      },
      "poc",
    );
    expect(spec.database.enabled).toBe(true);
    expect(spec.database.decidedBy).toBe("stack");
    expect(spec.database.why).toMatch(/Turned on by the stack file/);
  });

  it("rejects an unknown stage, naming the key, the value and the allowed stages", () => {
    const [p] = problemsOf({ "ml-platform:stage": "seed" });
    expect(p).toMatchObject({ key: "ml-platform:stage", value: "seed" });
    expect(p!.message).toMatch(/poc, mvp, seriesb/);
  });

  it("rejects misspelt keys instead of ignoring them", () => {
    const problems = problemsOf({ "ml-platform:databse": { instanceClass: "db.t4g.micro" } });
    expect(problems[0]!.key).toBe("ml-platform:databse");
    expect(problems[0]!.message).toMatch(/unknown key; allowed here: .*database/);
    const nested = problemsOf({ "ml-platform:database": { instanceClas: "db.t4g.micro" } });
    expect(nested[0]!.key).toBe("ml-platform:database.instanceClas");
  });

  it("rejects negative and impossible sizes", () => {
    const problems = problemsOf({
      "ml-platform:cluster": { systemNodeGroup: { minSize: -1 }, gpuNodeGroups: [{ name: "gpu", instanceTypes: ["g5.xlarge"], minSize: 2, maxSize: 1 }] },
      "ml-platform:database": { backupRetentionDays: -3 },
    });
    const keys = problems.map((p) => p.key);
    expect(keys).toContain("ml-platform:cluster.systemNodeGroup.minSize");
    expect(keys).toContain("ml-platform:database.backupRetentionDays");
    const cross = problemsOf({ "ml-platform:cluster": { gpuNodeGroups: [{ name: "gpu", instanceTypes: ["g5.xlarge"], minSize: 2, maxSize: 1 }] } });
    expect(cross[0]).toMatchObject({ key: "ml-platform:cluster.gpuNodeGroups[0].minSize", value: 2 });
    expect(cross[0]!.message).toMatch(/maxSize \(1\)/);
  });

  it("rejects a GPU node group on a CPU instance type, and GPUs in the system pool", () => {
    const problems = problemsOf({
      "ml-platform:cluster": { systemNodeGroup: { instanceTypes: ["g5.xlarge"] }, gpuNodeGroups: [{ name: "gpu", instanceTypes: ["m5.xlarge"] }] },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          key: "ml-platform:cluster.gpuNodeGroups[0].instanceTypes[0]",
          value: "m5.xlarge",
          message: expect.stringMatching(/not a GPU instance type/),
        }),
        expect.objectContaining({ key: "ml-platform:cluster.systemNodeGroup.instanceTypes[0]", value: "g5.xlarge" }),
      ]),
    );
    const amd = problemsOf({ "ml-platform:cluster": { gpuNodeGroups: [{ name: "gpu", instanceTypes: ["g4ad.xlarge"] }] } });
    expect(amd[0]!.message).toMatch(/AMD/);
  });

  it("rejects overrides for a piece the stage does not deploy", () => {
    const [p] = problemsOf({ "ml-platform:stage": "poc", "ml-platform:database": { instanceClass: "db.m6g.large" } });
    expect(p!.key).toBe("ml-platform:database");
    expect(p!.message).toMatch(/poc stage does not deploy the database.*enabled: true/);
  });

  it("rejects a piece whose prerequisite is off", () => {
    const [p] = problemsOf({ "ml-platform:stage": "poc", "ml-platform:database": { enabled: true } });
    expect(p).toMatchObject({ key: "ml-platform:database.enabled" });
    expect(p!.message).toMatch(/needs the network/);
  });

  it("rejects Performance Insights on a class RDS does not offer it on", () => {
    const [p] = problemsOf({ "ml-platform:database": { instanceClass: "db.t4g.small", performanceInsights: true } });
    expect(p).toMatchObject({ key: "ml-platform:database.performanceInsights", value: true });
    expect(p!.message).toMatch(/db\.t4g\.medium or larger/);
  });

  it("rejects a cluster without NAT egress", () => {
    const [p] = problemsOf({ "ml-platform:network": { natGateways: "none" } });
    expect(p).toMatchObject({ key: "ml-platform:network.natGateways", value: "none" });
  });

  it("requires cost-allocation tags and a region", () => {
    const problems = problemsOf({ "ml-platform:tags": { owner: "a" }, "aws:region": undefined });
    expect(problems.map((p) => p.key)).toEqual(expect.arrayContaining(["aws:region", "ml-platform:tags.costCenter"]));
  });

  it("formats every problem on its own line with the key and the value", () => {
    try {
      resolvePlatformSpec({ ...base, "ml-platform:stage": "seed", "ml-platform:environment": "Prod!" }, "x", { source: "stack x" });
      throw new Error("expected a ConfigError");
    } catch (err) {
      const text = (err as Error).message;
      expect(text).toMatch(/^Invalid stack x: 2 problems/);
      expect(text).toContain('- ml-platform:stage: allowed values: poc, mvp, seriesb (got "seed")');
      expect(text).toContain("- ml-platform:environment:");
      expect(text).toContain('(got "Prod!")');
    }
  });
});

describe("cluster configuration", () => {
  it("accepts only Kubernetes minors whose charts and images are pinned", () => {
    const [p] = problemsOf({ "ml-platform:cluster": { kubernetesVersion: "1.31" } });
    expect(p).toMatchObject({ key: "ml-platform:cluster.kubernetesVersion", value: "1.31" });
    expect(p!.message).toMatch(/pins its add-ons for: 1\.35, 1\.36$/);
  });

  it("refuses a role that is both admin and read-only", () => {
    const arn = "arn:aws:iam::123456789012:role/platform";
    const [p] = problemsOf({ "ml-platform:cluster": { adminRoleArns: [arn], readOnlyRoleArns: [arn] } });
    expect(p).toMatchObject({ key: "ml-platform:cluster.readOnlyRoleArns[0]", value: arn });
  });
});
