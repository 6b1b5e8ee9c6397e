/**
 * Stack config, refused by name: each class of mistake as a
 * class, over every key of the schema where the class applies, so a key added
 * later is covered or the test says what to add.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { z } from "zod";
import { ConfigError, ConfigProblem, PROJECT, STACK_TAG_KEYS } from "../../config/resolve";
import { resolveWithAccess as resolvePlatformSpec } from "../support/cluster-access";
import { REPEATS_ALLOWED } from "../../config/lists";
import { ENGINE_NAMESPACE, PROVIDER_NAMESPACES } from "../../config/namespaces";
import { StackConfig } from "../../config/schema";
import { AWS_REGIONS } from "../../lib/regions";
import { KUBERNETES_VERSION, SUPPORTED_KUBERNETES_VERSIONS } from "../../lib/versions";
import { editDistance } from "../../lib/suggest";
import { COMPONENT_TAG_KEYS } from "../../lib/tags";
import { PlanError, planStack, readProjectName, readStackConfig } from "../../plan/engine";
import { main as planCli } from "../../plan/cli";
import { fieldsOf, objectAt } from "../support/schema-walk";

const base: Record<string, string> = {
  "aws:region": "us-east-1",
  "ml-platform:stage": "mvp",
  "ml-platform:environment": "prod",
  "ml-platform:tags": JSON.stringify({ owner: "ml-team", costCenter: "research" }),
};

/** The problems of a config (base plus `changes`; undefined deletes a key); [] when it resolves. */
function problemsOf(changes: Record<string, unknown>, project?: string, baseConfig = base): ConfigProblem[] {
  const raw: Record<string, string> = { ...baseConfig };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete raw[k];
    else raw[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  try {
    resolvePlatformSpec(raw, "test", { project });
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems;
  }
}

/** `{ "ml-platform:cluster": {...} }` with `value` at a path such as ["cluster", "gpuNodeGroups", 0, "name"]. */
function configAt(path: (string | number)[], value: unknown): Record<string, unknown> {
  const [piece, ...rest] = path;
  return { [`ml-platform:${piece}`]: objectAt(rest, value) };
}

/** `ml-platform:cluster.gpuNodeGroups[0].name` for ["cluster", "gpuNodeGroups", 0, "name"]. */
function keyAt(path: (string | number)[]): string {
  let key = "ml-platform:";
  path.forEach((p, i) => (key += typeof p === "number" ? `[${p}]` : `${i ? "." : ""}${p}`));
  return key;
}

const fields = fieldsOf(StackConfig);

describe("config namespaces", () => {
  it.each([
    ["ml-platfrom:database", "ml-platform"],
    ["mlplatform:stage", "ml-platform"],
    ["asw:region", "aws"],
    ["kubernets:context", "kubernetes"],
    ["radnom:seed", "random"],
    ["pulumi_:disable-default-providers", "pulumi"],
  ])("refuses %s, suggesting %s", (key, suggestion) => {
    const problems = problemsOf({ [key]: "x" });
    expect(problems).toContainEqual(expect.objectContaining({ key, message: expect.stringContaining(`did you mean "${suggestion}"`) }));
  });

  it("lists the namespaces when nothing is close", () => {
    const [p] = problemsOf({ "terraform:region": "x" });
    expect(p).toMatchObject({
      key: "terraform:region",
      message: expect.stringMatching(/unknown config namespace "terraform".*ml-platform, aws, kubernetes, random, pulumi/),
    });
  });

  it("accepts every provider's and the engine's namespace", () => {
    for (const ns of [...PROVIDER_NAMESPACES, ENGINE_NAMESPACE]) expect(problemsOf({ [`${ns}:someKey`]: "x" })).toEqual([]);
  });

  it("knows every provider package the program depends on", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as Record<string, Record<string, string> | undefined>;
    // What the program runs with (not the dev tools: @pulumi/eslint-plugin is no provider).
    const deps = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies });
    const providers = deps.filter((d) => d.startsWith("@pulumi/") && !["@pulumi/pulumi", "@pulumi/policy"].includes(d)).map((d) => d.slice("@pulumi/".length));
    expect([...PROVIDER_NAMESPACES].sort()).toEqual(expect.arrayContaining(providers.sort()));
  });

  it("takes the project's namespace from its name, so a renamed project keeps working", () => {
    const renamed = Object.fromEntries(Object.entries(base).map(([k, v]) => [k.replace(/^ml-platform:/, "acme-ml:"), v]));
    expect(problemsOf({}, "acme-ml", renamed)).toEqual([]);
    const spec = resolvePlatformSpec({ ...renamed, "acme-ml:database": JSON.stringify({ instanceClass: "db.m6g.large" }) }, "x", { project: "acme-ml" });
    expect(spec.database.settings.instanceClass).toBe("db.m6g.large");
    expect(spec.tags.project).toBe("acme-ml");
    // The old namespace is now a stranger, and the new one names the keys in errors.
    expect(problemsOf({ "ml-platform:stage": "mvp" }, "acme-ml", renamed)).toEqual([
      expect.objectContaining({ key: "ml-platform:stage", message: expect.stringMatching(/unknown config namespace/) }),
    ]);
    expect(problemsOf({ "acme-ml:stage": "seed" }, "acme-ml", renamed)[0]!.key).toBe("acme-ml:stage");
  });

  it("reads the project's name from Pulumi.yaml for the plan (test/program/program.test.ts: the program asks the engine)", () => {
    expect(readProjectName()).toBe(PROJECT);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlp-project-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: acme-ml\nruntime: nodejs\n");
    expect(readProjectName(dir)).toBe("acme-ml");
  });
});

describe("tags", () => {
  const long = "k".repeat(129);
  it.each([
    ["aws:createdBy", /aws: prefix is reserved/],
    ["AWS:owner", /aws: prefix is reserved/],
    ["Aws:Team", /aws: prefix is reserved/],
    ...[...STACK_TAG_KEYS, ...COMPONENT_TAG_KEYS].map((k): [string, RegExp] => [k, /the program sets itself/]),
    ["Environment", /differs only in case from the tag "environment"/],
    ["NAME", /differs only in case from the tag "Name"/],
    ["kubernetes.io/cluster/other", /kubernetes\.io\/ prefix is reserved/],
    ["k8s.io/cluster-autoscaler/enabled", /k8s\.io\/ prefix is reserved/],
    ["ml-platform/planned-storage-gb", /ml-platform\/ prefix is reserved/],
    [long, /at most 128 characters/],
    ["cost#center", /letters, digits, spaces and/],
  ])("refuses the user tag key %s, naming it", (key, message) => {
    const problems = problemsOf({ "ml-platform:tags": { owner: "a", costCenter: "b", [key]: "v" } });
    expect(problems).toContainEqual(expect.objectContaining({ key: `ml-platform:tags.${key}`, message: expect.stringMatching(message) }));
  });

  it.each([
    ["v".repeat(257), /at most 256 characters/],
    ["aws:anything", /aws: prefix is reserved/],
    ["a;b", /letters, digits, spaces and/],
  ])("refuses the tag value %s", (value, message) => {
    const problems = problemsOf({ "ml-platform:tags": { owner: "a", costCenter: "b", team: value } });
    expect(problems).toContainEqual(expect.objectContaining({ key: "ml-platform:tags.team", message: expect.stringMatching(message) }));
  });

  it("keeps the tags a user may set, Unicode included, and adds the computed ones", () => {
    const spec = resolvePlatformSpec(
      { ...base, "ml-platform:tags": JSON.stringify({ owner: "Zoë Müller", costCenter: "r&d".replace("&", "+"), "team/sub": "a b=c:d@e" }) },
      "t",
    );
    expect(spec.tags).toMatchObject({ owner: "Zoë Müller", costCenter: "r+d", "team/sub": "a b=c:d@e", environment: "prod", stage: "mvp" });
  });
});

describe("regions", () => {
  it.each([
    ["us-east-9", "us-east-1"],
    ["eu-wset-1", "eu-west-1"],
    ["us-west-3", "us-west-1"],
    ["eu-central1", "eu-central-1"],
  ])("refuses %s, which only looks like a region, suggesting %s", (region, suggestion) => {
    const [p] = problemsOf({ "aws:region": region });
    expect(p).toMatchObject({ key: "aws:region", value: region, message: expect.stringContaining(`did you mean "${suggestion}"`) });
  });

  it("accepts every region in the dated list", () => {
    for (const region of AWS_REGIONS) expect(problemsOf({ "aws:region": region }).filter((p) => p.key === "aws:region")).toEqual([]);
  });
});

describe("CIDR blocks: every CIDR key refuses host bits and non-CIDRs", () => {
  const cidrFields = fields.filter((f) => /cidr|sourceRanges/i.test(f.pattern) && !(f.schema instanceof z.ZodArray));
  it("finds the CIDR keys", () => {
    expect(cidrFields.map((f) => f.pattern)).toEqual(expect.arrayContaining(["network.cidrBlock", "cluster.publicAccessCidrs[]"]));
  });
  it.each(["10.0.0.1/16", "10.1.2.3/16", "172.16.17.0/20"])("%s (host bits set)", (value) => {
    for (const f of cidrFields) {
      const problems = problemsOf(configAt(f.path, value));
      expect(problems).toContainEqual(
        expect.objectContaining({ key: keyAt(f.path), value, message: expect.stringMatching(/host bits set.*so write \d+\.\d+\.\d+\.0\/\d+/) }),
      );
    }
  });
  it.each(["10.0.0.0", "300.0.0.0/16", "10.0.0.0/33", "10.0.0.0/16 ", "ten/8"])("%s (not a CIDR)", (value) => {
    for (const f of cidrFields) expect(problemsOf(configAt(f.path, value))).toContainEqual(expect.objectContaining({ key: keyAt(f.path), value }));
  });
  it("accepts network addresses", () => {
    expect(
      problemsOf({ "ml-platform:network": { cidrBlock: "10.32.0.0/16" }, "ml-platform:cluster": { publicAccessCidrs: ["203.0.113.0/24", "198.51.100.7/32"] } }),
    ).toEqual([]);
  });
});

/**
 * One entry per list in the schema (by its pattern): a valid entry to repeat.
 * A list added to the schema fails "every list is covered" until it is here
 * or in REPEATS_ALLOWED (config/lists.ts) with its reason.
 */
const LIST_SAMPLES: Record<string, unknown> = {
  "artifacts.buckets": "datasets",
  "registry.repositories": "models",
  "cluster.publicAccessCidrs": "203.0.113.0/24",
  "cluster.adminRoleArns": "arn:aws:iam::123456789012:role/admins",
  "cluster.readOnlyRoleArns": "arn:aws:iam::123456789012:role/viewers",
  "cluster.systemNodeGroup.instanceTypes": "m6i.large",
  "cluster.gpuNodeGroups": { name: "gpu", instanceTypes: ["g5.xlarge"] },
  "cluster.gpuNodeGroups[].instanceTypes": "g5.xlarge",
  "network.availabilityZoneIds": "use1-az1",
  "cluster.privateAccessCidrs": "10.8.0.0/16",
  "cluster.privateAccessSecurityGroupIds": "sg-0123456789abcdef0",
  "serving.viewerRoleArns": "arn:aws:iam::123456789012:role/ml-engineers",
  "serving.models": { name: "churn", image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/mlp-prod-registry/models:1.0.0" },
  "serving.models[].exposure.sourceRanges": "203.0.113.0/24",
  "monitoring.receivers": { name: "oncall", severities: ["critical"] },
  "alerts.emails": "oncall@example.com",
  "alerts.httpsEndpoints": "https://events.pagerduty.com/integration/abc/enqueue",
  "healthChecks.publicEndpoints": { name: "api", host: "models.example.com" },
  "healthChecks.internalUrls": { name: "mlflow", url: "http://mlflow.mlflow.svc:5000/health" },
  "monitoring.receivers[].severities": "critical",
};

describe("duplicate entries: every list in the schema", () => {
  const lists = fields.filter((f) => f.schema instanceof z.ZodArray);

  it("every list is covered: a sample to repeat here, or a reason to allow repeats", () => {
    const uncovered = lists.map((l) => l.pattern).filter((p) => !(p in LIST_SAMPLES) && !(p in REPEATS_ALLOWED));
    expect(uncovered).toEqual([]);
  });

  it("refuses a repeated entry in each list, naming the second one and the first", () => {
    for (const list of lists.filter((l) => l.pattern in LIST_SAMPLES)) {
      const sample = LIST_SAMPLES[list.pattern];
      const byName = typeof sample === "object";
      const problems = problemsOf(configAt(list.path, [sample, sample]));
      const second = keyAt([...list.path, 1, ...(byName ? ["name"] : [])]);
      const first = keyAt([...list.path, 0, ...(byName ? ["name"] : [])]);
      expect({ list: list.pattern, problems }).toEqual({
        list: list.pattern,
        problems: expect.arrayContaining([expect.objectContaining({ key: second, message: expect.stringContaining(`repeats ${first}`) })]),
      });
    }
  });

  it.each([
    [
      { adminRoleArns: ["arn:aws:iam::123456789012:role/a"], readOnlyRoleArns: ["arn:aws:iam::123456789012:role/a"] },
      "ml-platform:cluster.readOnlyRoleArns[0]",
      "ml-platform:cluster.adminRoleArns[0]",
    ],
    [
      { readOnlyRoleArns: ["arn:aws:iam::123456789012:role/b", "arn:aws:iam::123456789012:role/a"], adminRoleArns: ["arn:aws:iam::123456789012:role/a"] },
      "ml-platform:cluster.readOnlyRoleArns[1]",
      "ml-platform:cluster.adminRoleArns[0]",
    ],
    [
      { deployerRoleArn: "arn:aws:iam::123456789012:role/a", adminRoleArns: ["arn:aws:iam::123456789012:role/a"] },
      "ml-platform:cluster.adminRoleArns[0]",
      "ml-platform:cluster.deployerRoleArn",
    ],
  ])("refuses one role in two access lists (%#)", (cluster, key, first) => {
    expect(problemsOf({ "ml-platform:cluster": cluster })).toContainEqual(
      expect.objectContaining({ key, message: expect.stringContaining(`is also ${first}`) }),
    );
  });

  it("refuses a serving viewer that already has cluster-wide access", () => {
    const arn = "arn:aws:iam::123456789012:role/a";
    expect(problemsOf({ "ml-platform:cluster": { readOnlyRoleArns: [arn] }, "ml-platform:serving": { viewerRoleArns: [arn] } })).toContainEqual(
      expect.objectContaining({
        key: "ml-platform:serving.viewerRoleArns[0]",
        message: expect.stringContaining("is also ml-platform:cluster.readOnlyRoleArns[0]"),
      }),
    );
  });
});

describe("names over AWS's limits once the naming scheme and Pulumi's suffix apply", () => {
  const env22 = "a-very-long-env-name-x"; // the longest environment the schema allows
  const prod = readStackConfig("seriesb-prod").config;
  const long = (changes: Record<string, unknown>) => problemsOf({ "ml-platform:environment": env22, ...changes }, undefined, prod);
  const model = (name: string) => ({ models: [{ ...JSON.parse(prod["ml-platform:serving"]!).models[0], name }] });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    [
      "an EKS node group (63)",
      { "ml-platform:cluster": { gpuNodeGroups: [{ name: "a-long-gpu-pool-name-x", instanceTypes: ["g5.xlarge"] }] } },
      "ml-platform:cluster.gpuNodeGroups[0].name",
      /EKS node group names are at most 63/,
    ],
    [
      "an S3 bucket (63)",
      { "ml-platform:artifacts": { buckets: ["datasets", "models", "a-long-bucket-name-xyz"] } },
      "ml-platform:artifacts.buckets[2]",
      /S3 bucket names are at most 63/,
    ],
    [
      "an IAM role (64), from a model's name",
      { "ml-platform:serving": model("churn-predictor-eu-v2x") },
      "ml-platform:serving.models[0].name",
      /IAM role names are at most 64/,
    ],
    [
      "an IAM role (64), from the environment alone",
      { "ml-platform:predictionMonitoring": { image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/drift:1.0.0" } },
      "ml-platform:environment",
      /"mlp-a-very-long-env-name-x-prediction-monitoring-irsa-role-xxxxxxx" 66 characters long; IAM role names are at most 64/,
    ],
  ])("%s: refused at the key, naming every key that makes up the name and how much to cut", (_what, changes, key, limit) => {
    const problems = long(changes);
    const p = problems.find((x) => x.key === key);
    expect({ key, problems }).toEqual({ key, problems: expect.arrayContaining([expect.objectContaining({ key, message: expect.stringMatching(limit) })]) });
    expect(p!.message).toMatch(/including Pulumi's 8-character random suffix/);
    expect(p!.message).toMatch(/shorten .* by \d+ characters/);
    if (key !== "ml-platform:environment") expect(p!.message).toMatch(/with ml-platform:environment, /);
  });

  it("reports one problem per mistake, not one per AZ or per launch template", () => {
    const problems = long({ "ml-platform:cluster": { gpuNodeGroups: [{ name: "a-long-gpu-pool-name-x", instanceTypes: ["g5.xlarge"], maxSize: 3 }] } });
    expect(problems.filter((p) => p.key.startsWith("ml-platform:cluster.gpuNodeGroups[0]"))).toHaveLength(1);
  });

  it("every shipped stack's names fit with the longest environment the schema allows", () => {
    for (const stack of ["poc", "mvp", "seriesb-staging", "seriesb-prod"]) {
      expect({ stack, problems: problemsOf({ "ml-platform:environment": env22 }, undefined, readStackConfig(stack).config) }).toEqual({ stack, problems: [] });
    }
  });
});

describe("the stack file itself", () => {
  function stackFile(text: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlp-stack-"));
    fs.writeFileSync(path.join(dir, "Pulumi.t.yaml"), text);
    return dir;
  }

  it("says so when the keys are not under config:", () => {
    const dir = stackFile("aws:region: us-east-1\nml-platform:stage: mvp\n");
    expect(() => readStackConfig("t", dir)).toThrow(PlanError);
    expect(() => readStackConfig("t", dir)).toThrow(/aws:region, ml-platform:stage are at the top level, not under "config:"/);
  });

  it("names unknown top-level settings, and accepts Pulumi's own", () => {
    expect(() => readStackConfig("t", stackFile("stage: mvp\nconfig:\n  aws:region: us-east-1\n"))).toThrow(/unknown top-level key stage/);
    expect(readStackConfig("t", stackFile("secretsprovider: passphrase\nencryptionsalt: v1:abc\nconfig:\n  aws:region: us-east-1\n")).config).toEqual({
      "aws:region": "us-east-1",
    });
  });
});

/** The user path: `npm run plan -- <stack> --stacks-dir <dir>` (plan/cli.ts in process), one bad stack file per class. */
describe("a bad stack file of each class exits 1 with one line naming the key, no stack trace", () => {
  const header =
    "config:\n  aws:region: us-east-1\n  ml-platform:stage: mvp\n  ml-platform:environment: prod\n  ml-platform:tags:\n    owner: a\n    costCenter: b\n";
  const cases: [string, string, RegExp][] = [
    [
      "namespace",
      `${header}  ml-platfrom:database:\n    instanceClass: db.t4g.small\n`,
      /^ {2}- ml-platfrom:database: unknown config namespace .*did you mean "ml-platform"\?/m,
    ],
    ["reserved-tag", header.replace("costCenter: b", "costCenter: b\n    aws:team: x"), /^ {2}- ml-platform:tags\.aws:team: .*reserved/m],
    ["computed-tag", header.replace("costCenter: b", "costCenter: b\n    environment: staging"), /^ {2}- ml-platform:tags\.environment: .*sets itself/m],
    ["region", header.replace("us-east-1", "us-east-9"), /^ {2}- aws:region: is not an AWS region; did you mean "us-east-1"\?/m],
    ["cidr", `${header}  ml-platform:network:\n    cidrBlock: 10.0.0.1/16\n`, /^ {2}- ml-platform:network\.cidrBlock: has host bits set/m],
    [
      "duplicate-admin",
      `${header}  ml-platform:cluster:\n    adminRoleArns: ["arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/a"]\n`,
      /^ {2}- ml-platform:cluster\.adminRoleArns\[1\]: repeats/m,
    ],
    ["duplicate-bucket", `${header}  ml-platform:artifacts:\n    buckets: [models, models]\n`, /^ {2}- ml-platform:artifacts\.buckets\[1\]: repeats/m],
    ["not-under-config", "aws:region: us-east-1\nml-platform:stage: mvp\n", /ml-platform:stage are at the top level, not under "config:"/],
    [
      "name-too-long",
      `${header.replace("environment: prod", "environment: a-very-long-env-name-x")}  ml-platform:cluster:\n    gpuNodeGroups: [{ name: a-long-gpu-pool-name-x, instanceTypes: [g5.xlarge] }]\n`,
      /^ {2}- ml-platform:cluster\.gpuNodeGroups\[0\]\.name: with ml-platform:environment, makes the name .* EKS node group names are at most 63/m,
    ],
  ];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlp-bad-"));
  for (const [name, text] of cases) fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), text);

  it.each(cases)("%s", async (name, _text, line) => {
    let stderr = "";
    let stdout = "";
    const code = await planCli([name, "--stacks-dir", dir], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), callerDir: process.cwd() });
    expect({ code, stdout }).toEqual({ code: 1, stdout: "" });
    expect(stderr).toMatch(line);
    expect(stderr).not.toMatch(/\n\s+at .*:\d+/);
  });

  it("fails in planStack before the program runs (config errors need no engine)", async () => {
    await expect(
      planStack("duplicate-admin", {
        stacksDir: dir,
        program: () => {
          throw new Error("the program ran");
        },
      }),
    ).rejects.toBeInstanceOf(ConfigError);
  });
});

describe("edit distance", () => {
  it("counts a swap of neighbours as one edit", () => {
    expect(editDistance("ml-platfrom", "ml-platform")).toBe(1);
    expect(editDistance("", "aws")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });
});

describe("cluster.kubernetesVersion", () => {
  it("takes every supported minor, and the default minor when unset", () => {
    const cluster = (v?: string) =>
      resolvePlatformSpec({ ...base, ...(v ? { "ml-platform:cluster": JSON.stringify({ kubernetesVersion: v }) } : {}) }, "test").cluster.settings
        .kubernetesVersion;
    for (const minor of SUPPORTED_KUBERNETES_VERSIONS) expect(cluster(minor)).toBe(minor);
    expect(cluster()).toBe(KUBERNETES_VERSION);
  });

  it.each([
    ["1.37", /1\.37: EKS offers it since 2026-10-02, but the node-autoscaling image, built per Kubernetes minor, has no 1\.37 release/],
    ["1.34", /^(?!.*1\.34:)/],
    ["1.36.2", /^(?!.*1\.36\.2:)/],
  ])("refuses %s by key, naming the value and the minors it allows", (minor, why) => {
    const problems = problemsOf({ "ml-platform:cluster": { kubernetesVersion: minor } });
    expect(problems).toEqual([{ key: "ml-platform:cluster.kubernetesVersion", value: minor, message: expect.stringContaining("1.35, 1.36") }]);
    expect(problems[0]!.message).toMatch(why);
  });
});
