/**
 * The package a platform team installs: components refuse bad arguments by
 * name before declaring anything, the stack config is built from the
 * components' own schemas, the testing helper plans any program, and the
 * package layout points at what the build produces.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import * as api from "../../api";
import { ArtifactStore, ComponentArgsError, ContainerRegistry } from "../../api";
import { ArtifactStoreSettings, ContainerRegistrySettings } from "../../api/schemas";
import { STAGE_PRESETS } from "../../config/presets";
import { STAGES } from "../../lib/stages";
import { ConfigError } from "../../config/resolve";
import { resolveWithAccess as resolvePlatformSpec } from "../support/cluster-access";
import { ArtifactOverrides, RegistryOverrides } from "../../config/schema";
import { ecrLifecyclePolicy } from "../../components/data/ecr-lifecycle";
import { planProgram, resourcesOfType } from "../../offline";

const ROOT = path.join(__dirname, "..", "..");

class Sentinel extends pulumi.CustomResource {
  constructor() {
    super("test:index:Sentinel", "sentinel", {});
  }
}

/**
 * Runs `declare` under hand-written mocks (not ours), returning what was
 * registered and what was thrown. Registration is asynchronous: a sentinel
 * resource declared afterwards is waited for, so whatever `declare` registered
 * has reached the mocks too.
 */
async function underTrivialMocks(declare: () => void): Promise<{ registered: string[]; error: unknown }> {
  const registered: string[] = [];
  let sentinelSeen: () => void = () => undefined;
  const sentinel = new Promise<void>((resolve) => (sentinelSeen = resolve));
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        if (a.type === "test:index:Sentinel") sentinelSeen();
        else registered.push(a.type);
        return { id: `${a.name}-id`, state: a.inputs };
      },
      call: () => ({}),
    },
    "lib",
    "test",
    false,
  );
  let error: unknown;
  try {
    declare();
  } catch (e) {
    error = e;
  }
  new Sentinel();
  await sentinel;
  await new Promise((resolve) => setTimeout(resolve, 20));
  return { registered, error };
}

describe("components refuse bad arguments by name", () => {
  it("ContainerRegistry names the bad repository, the argument and what is allowed, and declares nothing", async () => {
    const { registered, error } = await underTrivialMocks(() => new ContainerRegistry("r", { repositories: ["Bad_Name!"] }));
    expect(error).toBeInstanceOf(ComponentArgsError);
    expect(error).toBeInstanceOf(pulumi.InputPropertiesError);
    const message = (error as Error).message;
    expect(message).toContain('ContainerRegistry "r"');
    expect(message).toMatch(/repositories\[0\]: must be an ECR repository name: start with a lower-case letter.* \(got "Bad_Name!"\)/);
    expect((error as ComponentArgsError).errors).toEqual([{ propertyPath: "repositories[0]", reason: expect.stringContaining('"Bad_Name!"') }]);
    expect(registered).toEqual([]);
  });

  it("reports every problem at once: a negative count, a typo'd argument, a wrong type", async () => {
    const args = { keepLastImages: -3, untaggedExpiryDay: 7, repositories: "models" } as unknown as api.ContainerRegistryArgs;
    const { error } = await underTrivialMocks(() => new ContainerRegistry("registry", args));
    const problems = (error as ComponentArgsError).problems.map((p) => `${p.path}=${JSON.stringify(p.value)}: ${p.message}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^keepLastImages=-3: must be at least 1/),
        expect.stringMatching(
          /^untaggedExpiryDay=7: unknown key; allowed here: repositories, untaggedExpiryDays, keepLastImages, forceDelete, expectedStorageGb, tags/,
        ),
        expect.stringMatching(/^repositories="models": must be array/),
      ]),
    );
  });

  it("refuses AWS-reserved tag keys and over-long tag values, naming the tag", async () => {
    const { error } = await underTrivialMocks(() => new ArtifactStore("store", { tags: { "aws:owner": "me", team: "x".repeat(257) } }));
    expect((error as ComponentArgsError).problems.map((p) => [p.path, p.value])).toEqual([
      ["tags.aws:owner", "aws:owner"],
      ["tags.team", "x".repeat(257)],
    ]);
  });

  it("(the helper above does see what a valid component registers)", async () => {
    const { registered, error } = await underTrivialMocks(() => new ContainerRegistry("r", { repositories: ["good-name"] }));
    expect(error).toBeUndefined();
    expect(registered).toEqual(expect.arrayContaining(["mlplatform:data:ContainerRegistry", "aws:ecr/repository:Repository"]));
  });

  it("ContainerRegistry refuses a component name ECR cannot take", async () => {
    const { error } = await underTrivialMocks(() => new ContainerRegistry("Registry", {}));
    expect((error as ComponentArgsError).problems).toEqual([expect.objectContaining({ path: "(name)", value: "Registry" })]);
  });

  it("ArtifactStore refuses a bucket whose auto-generated name would pass S3's 63 characters", async () => {
    // 56 characters + Pulumi's 8-character suffix = 64.
    const name = "mlp-abcdefghijklmnopqrstuv-artifacts";
    const { error, registered } = await underTrivialMocks(() => new ArtifactStore(name, { buckets: ["models", "abcdefghijklmnopqrst"] }));
    expect((error as ComponentArgsError).problems).toEqual([
      expect.objectContaining({ path: "buckets[1]", value: "abcdefghijklmnopqrst", message: expect.stringMatching(/exceeds S3's 63/) }),
    ]);
    expect(registered).toEqual([]);
  });

  it("ArtifactStore refuses an expiry that does not come after the Standard-IA transition, and duplicate buckets", async () => {
    const { error } = await underTrivialMocks(
      () => new ArtifactStore("a", { buckets: ["models", "models"], noncurrentToInfrequentAccessDays: 30, noncurrentVersionExpirationDays: 30 }),
    );
    const paths = (error as ComponentArgsError).problems.map((p) => p.path);
    expect(paths).toEqual(["buckets[1]", "noncurrentVersionExpirationDays"]);
  });

  it("every optional argument has a default: empty Args declare the documented defaults", async () => {
    const plan = await planProgram(() => {
      new ArtifactStore("store", {});
      new ContainerRegistry("registry", {});
    });
    expect(resourcesOfType(plan, "aws:s3/bucket:Bucket").map((b) => [b.name, b.protect])).toEqual([
      ["store-datasets", true],
      ["store-models", true],
    ]);
    expect(resourcesOfType(plan, "aws:ecr/repository:Repository").map((r) => r.inputs.name)).toEqual(["registry/models"]);
    const [lifecycle] = resourcesOfType(plan, "aws:ecr/lifecyclePolicy:LifecyclePolicy");
    expect(JSON.parse(lifecycle!.inputs.policy as string)).toEqual(ecrLifecyclePolicy(7, 100));
  });
});

describe("one source of truth: the stack config is built from the component schemas", () => {
  const settingsSchemas = { artifacts: ArtifactStoreSettings, registry: ContainerRegistrySettings } as const;
  const overrides = { artifacts: ArtifactOverrides, registry: RegistryOverrides } as const;

  it.each(Object.keys(settingsSchemas) as (keyof typeof settingsSchemas)[])(
    "%s: every component setting is an override, described, with a default",
    (piece) => {
      const settings = settingsSchemas[piece];
      for (const [key, field] of Object.entries(settings.shape)) {
        expect([key, field instanceof z.ZodDefault]).toEqual([key, true]);
        expect([key, (field.description ?? (field as z.ZodType as z.ZodDefault<z.ZodType>).unwrap().description ?? "").length > 10]).toEqual([key, true]);
        expect(overrides[piece].shape).toHaveProperty(key);
      }
      // An absent override leaves the preset alone: no defaults in the overrides.
      expect(overrides[piece].parse({})).toEqual({});
    },
  );

  it("config and component accept and refuse the same values", () => {
    const samples: [keyof typeof settingsSchemas, string, unknown][] = [
      ["registry", "repositories", ["Bad_Name!"]],
      ["registry", "repositories", ["fraud-model", "ranker.v2"]],
      ["registry", "keepLastImages", -3],
      ["registry", "keepLastImages", 300],
      ["artifacts", "buckets", ["datasets"]],
      ["artifacts", "buckets", ["Data_Sets"]],
      ["artifacts", "encryption", "sse-c"],
      ["artifacts", "noncurrentToInfrequentAccessDays", 10],
      ["artifacts", "noncurrentToInfrequentAccessDays", 45],
    ];
    for (const [piece, key, value] of samples) {
      const component = settingsSchemas[piece].safeParse({ [key]: value }).success;
      const config = overrides[piece].safeParse({ [key]: value }).success;
      expect([piece, key, value, config]).toEqual([piece, key, value, component]);
    }
  });

  it("the stack config runs the components' cross-field rules: an expiry before the Standard-IA move is refused by key", () => {
    const raw = {
      "aws:region": "us-east-1",
      "ml-platform:stage": "seriesb",
      "ml-platform:environment": "dev",
      "ml-platform:tags": JSON.stringify({ owner: "ml-team", costCenter: "research" }),
      // Series B moves old versions to Standard-IA after 30 days.
      "ml-platform:artifacts": JSON.stringify({ noncurrentVersionExpirationDays: 14 }),
    };
    let error: unknown;
    try {
      resolvePlatformSpec(raw, "dev");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.objectContaining({
        key: "ml-platform:artifacts.noncurrentVersionExpirationDays",
        value: 14,
        message: expect.stringMatching(/later than noncurrentToInfrequentAccessDays \(30\)/),
      }),
    ]);
  });

  it.each(STAGES)("the %s preset's storage and registry settings are valid component arguments", (stage) => {
    const { expectedStorageGb: _a, ...artifacts } = STAGE_PRESETS[stage].artifacts.settings;
    const { expectedStorageGb: _r, ...registry } = STAGE_PRESETS[stage].registry.settings;
    expect(ArtifactStoreSettings.safeParse(artifacts).error?.issues).toBeUndefined();
    expect(ContainerRegistrySettings.safeParse(registry).error?.issues).toBeUndefined();
  });
});

describe("ContainerRegistry.registryPrefix", () => {
  it("is what `<registry>` stands for: the prefix plus `/<repository>` is each repository's URL", async () => {
    const plan = await planProgram(() => {
      const registry = new ContainerRegistry("team-images", { repositories: ["models", "tools"] });
      return { prefix: registry.registryPrefix, models: registry.repositories["models"]!.url, tools: registry.repositories["tools"]!.url };
    });
    const { prefix, models, tools } = plan.outputs as Record<string, string>;
    expect(prefix).toBe("123456789012.dkr.ecr.us-east-1.amazonaws.com/team-images");
    expect([`${prefix}/models`, `${prefix}/tools`]).toEqual([models, tools]);
  });
});

describe("planProgram (ml-platform/testing)", () => {
  it("rejects with the program's own error instead of crashing the process", async () => {
    await expect(
      planProgram(() => {
        throw new Error("the program failed");
      }),
    ).rejects.toThrow("the program failed");
  });
});

describe("the package", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

  it("exports every component from the root", () => {
    for (const name of [
      "Network",
      "ArtifactStore",
      "ContainerRegistry",
      "MetadataStore",
      "GpuCluster",
      "GpuNodePool",
      "IrsaRole",
      "ModelServing",
      "ExperimentTracking",
      "Monitoring",
      "Alerting",
      "DatabaseBackup",
      "ExternalHealthChecks",
      "PredictionMonitoring",
      "ComponentArgsError",
      "existingEksCluster",
      "clusterFromStack",
    ]) {
      expect([name, typeof (api as Record<string, unknown>)[name]]).toEqual([name, expect.stringMatching(/function|object/)]);
    }
  });

  it("exports every argument shape a constructor takes: each Args, and each Input and resolved Settings type of the generated Args files", () => {
    const index = fs.readFileSync(path.join(ROOT, "api", "index.ts"), "utf8");
    const exported = new Set([...index.matchAll(/export type \{([^}]*)\}/g)].flatMap((m) => m[1]!.split(",").map((n) => n.trim())));
    const argsFiles = fs.readdirSync(path.join(ROOT, "components"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".args.ts"));
    const declared = argsFiles.flatMap((f) =>
      [...fs.readFileSync(path.join(ROOT, "components", f), "utf8").matchAll(/^export interface (\w+)/gm)].map((m) => m[1]!),
    );
    expect(declared).toEqual(expect.arrayContaining(["ServingSettingsInput", "GpuNodeGroupInput", "TrackingSettingsInput"]));
    expect([...new Set(declared)].filter((name) => !exported.has(name)).sort()).toEqual([]);
  });

  it("maps the root and each subpath to a file the build compiles, and ships only dist/", () => {
    const build = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.build.json"), "utf8").replace(/^\s*\/\/.*$/gm, ""));
    const compiled = new Set((build.files as string[]).map((f) => `./dist/${f.replace(/\.ts$/, ".js")}`));
    expect(Object.keys(pkg.exports).sort()).toEqual([".", "./cost", "./package.json", "./plan", "./policies", "./schemas", "./testing"]);
    for (const [subpath, target] of Object.entries(pkg.exports as Record<string, string | { types: string; default: string }>)) {
      if (subpath === "./package.json") continue;
      const { types, default: js } = target as { types: string; default: string };
      expect([subpath, compiled.has(js), types]).toEqual([subpath, true, js.replace(/\.js$/, ".d.ts")]);
    }
    expect(pkg.files).toEqual(["dist/"]);
    expect(pkg.main).toBe(pkg.exports["."].default.replace(/^\.\//, ""));
  });

  it("takes @pulumi/* as peer dependencies (one runtime in the consumer's program): npm test runs the pins, the package check the floors", () => {
    const version = (v: string) => v.split(".").map(Number);
    const atMost = (a: number[], b: number[]) => (a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!) <= 0;
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(["@pulumi/aws", "@pulumi/kubernetes", "@pulumi/policy", "@pulumi/pulumi", "@pulumi/random"]);
    for (const [dep, range] of Object.entries(pkg.peerDependencies as Record<string, string>)) {
      expect(pkg.dependencies[dep]).toBeUndefined();
      // scripts/check-package.sh installs the floor (what follows the caret); npm ci the pin, which the range must admit.
      expect([dep, range]).toEqual([dep, expect.stringMatching(/^\^\d+\.\d+\.\d+$/)]);
      const [floor, pin] = [version(range.slice(1)), version(pkg.devDependencies[dep])];
      expect([dep, floor[0] === pin[0] && atMost(floor, pin)]).toEqual([dep, true]);
    }
  });

  it("the library guide's table of peer floors is package.json's, each with its reason", () => {
    const guide = fs.readFileSync(path.join(ROOT, "docs", "guides", "library.md"), "utf8");
    const rows = [...guide.matchAll(/^\| `(@pulumi\/[a-z]+)` \| `([^`]+)` \| (.*) \|$/gm)];
    expect(Object.fromEntries(rows.map((m) => [m[1], m[2]]))).toEqual(pkg.peerDependencies);
    for (const [, dep, range, reason] of rows) expect([dep, reason!.includes(range!.slice(1))]).toEqual([dep, true]);
  });

  it("the library guide's jest config for consumers transpiles as this repository's jest.config.js does", () => {
    const guide = fs.readFileSync(path.join(ROOT, "docs", "guides", "library.md"), "utf8");
    const block = /```js\n(\/\/ jest\.config\.js\n[\s\S]*?)```/.exec(guide)?.[1] ?? "";
    const shown: { exports?: { transform?: unknown } } = {};
    new Function("module", block)(shown);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- jest.config.js is CommonJS, read as jest reads it
    expect(shown.exports?.transform).toEqual(require(path.join(ROOT, "jest.config.js")).transform);
  });

  it("Pulumi.yaml names the stack program, so `pulumi up` never runs the package entry", () => {
    // Without `main`, the Node.js language host runs package.json exports["."] (the library).
    const project = parseYaml(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { main?: string };
    expect(project.main).toBe("index.ts");
    expect(pkg.exports["."].default).not.toMatch(/^\.\/index\.(ts|js)$/);
    for (const example of ["serving-on-existing-cluster", "storage-and-tracking"]) {
      const file = parseYaml(fs.readFileSync(path.join(ROOT, "examples", example, "Pulumi.yaml"), "utf8")) as { main?: string };
      expect([example, file.main]).toEqual([example, "index.ts"]);
    }
  });
});
