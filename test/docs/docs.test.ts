/**
 * The living documentation's building blocks, without planning a stack (the
 * generated pages themselves are checked by `npm run docs -- --check`, which
 * plans every stack once): the editor schema agrees with the program on what a
 * stack file may say and describes every key; the diagram is valid, readable
 * Mermaid drawn from real dependencies; the graduation guide's diffs; the
 * README's marked block; and the lint rule that wants a reason on every
 * eslint-disable.
 */
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { parse as parseYaml } from "yaml";
import { Linter } from "eslint";
import { resolveWithAccess as resolvePlatformSpec } from "../support/cluster-access";
// Types only: plan/engine loads the Pulumi SDK, which this file does not need.
import type { PlanRun, PlannedResource } from "../../plan/engine";
import {
  JsonSchema,
  describeType,
  flattenKeys,
  keysWithoutDescription,
  presetValue,
  stackConfigJsonSchema,
  stackConfigKeysSchema,
} from "../../docs/generator/config-schema";
import { buildDiagram, quote, renderMermaid, transitiveReduction } from "../../docs/generator/diagram";
import { OPERATIONS_GUIDE, README_END, README_START, operationsGuide, replaceMarkedBlock } from "../../docs/generator/main";
import { MINORS_END, MINORS_START, renderKubernetesMinors } from "../../docs/generator/kubernetes-minors";
import { clusterAutoscalerImageTag } from "../../components/compute/addons/cluster-autoscaler";
import { eksAddonVersion } from "../../components/compute/addons/eks-addon";
import { ADDONS } from "../../components/compute/addons/registry";
import { EKS_KUBERNETES_RELEASES, KUBERNETES_VERSION, REFUSED_KUBERNETES_VERSIONS, SUPPORTED_KUBERNETES_VERSIONS } from "../../lib/versions";
import { purposeOf } from "../../docs/generator/purposes";
import { settingChanges } from "../../docs/generator/stages";

const ROOT = path.join(__dirname, "..", "..");
const STACKS_DIR = path.join(ROOT, "stacks");
const SHIPPED = fs
  .readdirSync(STACKS_DIR)
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((s): s is string => !!s)
  .sort();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the local rules are a CommonJS module that eslint.config.mjs imports too
const localRules = require("../../scripts/lint/rules.js") as { rules: Record<string, unknown>; parseDirective(text: string): unknown };

describe("stack-file JSON schema (docs/stack-config.schema.json)", () => {
  const schema = stackConfigJsonSchema();
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  const stackFile = (stack: string) => parseYaml(fs.readFileSync(path.join(STACKS_DIR, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };

  it("is the committed file (regenerate with npm run docs)", () => {
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, "docs", "stack-config.schema.json"), "utf8"))).toEqual(schema);
  });

  it("describes every key, nested keys and list items included", () => {
    expect(keysWithoutDescription()).toEqual([]);
    expect(flattenKeys().length).toBeGreaterThan(40);
  });

  it("reports a key without a description", () => {
    const bare: JsonSchema = {
      type: "object",
      properties: { a: { type: "string", description: "described" }, b: { type: "object", description: "x", properties: { c: { type: "number" } } } },
    };
    expect(keysWithoutDescription(bare)).toEqual(["ml-platform:b.c"]);
  });

  it.each(SHIPPED)("the shipped stack file %s points editors at the schema (first line)", (stack) => {
    const firstLine = fs.readFileSync(path.join(STACKS_DIR, `Pulumi.${stack}.yaml`), "utf8").split("\n")[0];
    expect(firstLine).toBe("# yaml-language-server: $schema=../docs/stack-config.schema.json");
  });

  it.each(SHIPPED)("accepts the shipped stack file %s, as the program does", (stack) => {
    const ok = validate(stackFile(stack));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  // Each mutation of the seriesb-prod file: what an editor says must match what the program says.
  const mutations: [string, (c: Record<string, unknown>) => void, boolean][] = [
    ["a typo in a key", (c) => (c["ml-platform:clustr"] = { autoscaler: true }), false],
    ["a stage that does not exist", (c) => (c["ml-platform:stage"] = "seed"), false],
    ["a wrong type deep inside", (c) => (c["ml-platform:cluster"] = { autoscaler: "yes" }), false],
    ["an unknown nested key", (c) => (c["ml-platform:database"] = { instanceClas: "db.t4g.small" }), false],
    ["a retention CloudWatch does not offer", (c) => (c["ml-platform:network"] = { flowLogRetentionDays: 45 }), false],
    ["a missing required key", (c) => delete c["ml-platform:tags"], false],
    ["a key without a namespace (Pulumi refuses it)", (c) => (c.stage = "mvp"), false],
    ["a boolean as `pulumi config set` writes it", (c) => (c["ml-platform:protectStatefulResources"] = "true"), true],
    ["another provider's key", (c) => (c["aws:profile"] = "prod-admin"), true],
    ["an encrypted value, as `pulumi config set --secret` writes it", (c) => (c["ml-platform:environment"] = { secure: "AAABAHhkZXJl" }), true],
    ["a GPU pool override", (c) => (c["ml-platform:cluster"] = { gpuNodeGroups: [{ name: "inference", instanceTypes: ["g5.xlarge"], maxSize: 6 }] }), true],
  ];
  it.each(mutations)("%s: editor and program agree", (_what, mutate, valid) => {
    const doc = stackFile("seriesb-prod");
    mutate(doc.config);
    expect(validate(doc)).toBe(valid);
    // As the plan hands values to the program: strings as written, objects as JSON, secrets decrypted (here: a placeholder name).
    const value = (v: unknown) => (typeof v === "string" ? v : v !== null && typeof v === "object" && "secure" in v ? "decrypted" : JSON.stringify(v));
    const flat = Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k.includes(":") ? k : `bare:${k}`, value(v)]));
    const program = () => resolvePlatformSpec(flat, "seriesb-prod");
    if (valid) expect(program).not.toThrow();
    // A bare key is refused by the Pulumi CLI before the program runs; the program itself ignores it.
    else if (!("stage" in doc.config)) expect(program).toThrow(/Invalid/);
  });

  it("says what each stage's preset uses", () => {
    expect(presetValue("mvp", ["database", "instanceClass"])).toBe("db.t4g.small");
    expect(presetValue("poc", ["cluster", "enabled"])).toBe(false);
    expect(presetValue("seriesb", ["protectStatefulResources"])).toBe(true);
    expect(presetValue("seriesb", ["cluster", "gpuNodeGroups", "[]", "maxSize"])).toBeUndefined();
  });

  it("renders types a reader understands", () => {
    const keys = stackConfigKeysSchema();
    const network = keys.properties!.network!.properties!;
    expect(describeType(network.natGateways!)).toBe("one of none, single, perAz");
    expect(describeType(network.azCount!)).toBe("integer 2-3");
    expect(describeType({ type: "array", items: { type: "string" }, minItems: 1 })).toBe("list of string, at least 1");
  });
});

/** A PlanRun by hand: a stack, two components, and resources with dependencies. */
function fakeRun(resources: (Partial<PlannedResource> & Pick<PlannedResource, "urn" | "type" | "name" | "dependencies">)[]): PlanRun {
  return {
    stack: "t",
    spec: { namePrefix: "mlp-t" } as PlanRun["spec"],
    outputs: {},
    resources: resources.map((r) => ({ custom: true, protect: false, retainOnDelete: false, inputs: {}, propertyDependencies: {}, ...r })),
  };
}

const S = "urn:stack";
const u = (n: string) => `urn:${n}`;

describe("architecture diagram", () => {
  const run = fakeRun([
    { urn: S, type: "pulumi:pulumi:Stack", name: "t", dependencies: [], custom: false },
    { urn: u("net"), type: "mlplatform:network:Network", name: "mlp-t-network", parent: S, dependencies: [], custom: false },
    { urn: u("vpc"), type: "aws:ec2/vpc:Vpc", name: "mlp-t-network-vpc", parent: u("net"), dependencies: [] },
    { urn: u("priv0"), type: "aws:ec2/subnet:Subnet", name: "mlp-t-network-private-0", parent: u("net"), dependencies: [u("vpc")] },
    { urn: u("priv1"), type: "aws:ec2/subnet:Subnet", name: "mlp-t-network-private-1", parent: u("net"), dependencies: [u("vpc")] },
    { urn: u("nat"), type: "aws:ec2/natGateway:NatGateway", name: "mlp-t-network-nat-0", parent: u("net"), dependencies: [] },
    { urn: u("rt"), type: "aws:ec2/routeTable:RouteTable", name: "mlp-t-network-private-rt-0", parent: u("net"), dependencies: [u("nat"), u("vpc")] },
    { urn: u("s3e"), type: "aws:ec2/vpcEndpoint:VpcEndpoint", name: "mlp-t-network-s3", parent: u("net"), dependencies: [u("rt"), u("vpc")] },
    { urn: u("db"), type: "mlplatform:data:MetadataStore", name: "mlp-t-metadata", parent: S, dependencies: [], custom: false },
    { urn: u("sng"), type: "aws:rds/subnetGroup:SubnetGroup", name: "mlp-t-metadata-subnets", parent: u("db"), dependencies: [u("priv0"), u("priv1")] },
    // Depends on the VPC directly and through the subnet group: the direct edge is implied by RDS -> subnet -> VPC.
    { urn: u("rds"), type: "aws:rds/instance:Instance", name: "mlp-t-metadata-postgres", parent: u("db"), dependencies: [u("sng"), u("vpc")] },
    // Undrawn, but it ties its owner (the secret of the same name) to the database.
    { urn: u("sec"), type: "aws:secretsmanager/secret:Secret", name: "mlp-t-metadata-credentials", parent: u("db"), dependencies: [] },
    {
      urn: u("secv"),
      type: "aws:secretsmanager/secretVersion:SecretVersion",
      name: "mlp-t-metadata-credentials",
      parent: u("db"),
      dependencies: [u("sec"), u("rds")],
    },
  ]);
  const diagram = buildDiagram(run);
  const text = renderMermaid(diagram);

  it("draws one box per component and one node per main kind, with counts", () => {
    expect(diagram.groups.map((g) => g.title)).toEqual(["mlp-t-network: Network, 6 resources", "mlp-t-metadata: MetadataStore, 4 resources"]);
    expect(text).toContain('c_network_private_subnet["private subnet ×2"]');
    expect(text).not.toMatch(/RouteTable|route table|subnet group/i);
  });

  it("follows dependencies through undrawn resources, drops implied edges, stops at route tables, speaks for owners", () => {
    expect(diagram.edges).toEqual([
      ["c_metadata_credentials_secret", "c_metadata_rds_postgresql"],
      ["c_metadata_rds_postgresql", "c_network_private_subnet"],
      ["c_network_private_subnet", "c_network_vpc"],
      ["c_network_s3_endpoint", "c_network_vpc"],
    ]);
  });

  it("is Mermaid GitHub can parse: ids are plain words, every label is quoted, subgraphs are closed", () => {
    const lines = text.split("\n");
    expect(lines[0]).toBe("flowchart TB");
    for (const line of lines.slice(1)) {
      expect(line).toMatch(/^\s+(subgraph [a-z0-9_]+\["[^"<>]*"\]|[a-z0-9_]+\["[^"<>]*"\]|end|[a-z0-9_]+ --> [a-z0-9_]+)$/);
    }
    expect(lines.filter((l) => l.trim().startsWith("subgraph")).length).toBe(lines.filter((l) => l.trim() === "end").length);
    expect(quote('say "hi" <b>')).toBe("\"say 'hi' b\"");
  });

  it("transitive reduction keeps reachability and drops only implied edges", () => {
    const adj = new Map([
      ["a", new Set(["b", "c"])],
      ["b", new Set(["c"])],
      ["x", new Set(["y"])],
      ["y", new Set(["x"])],
    ]);
    expect(transitiveReduction(adj)).toEqual([
      ["a", "b"],
      ["b", "c"],
      ["x", "y"],
      ["y", "x"],
    ]);
  });
});

describe("resource purposes", () => {
  const view = (type: string, name: string, role: string, inputs: Record<string, unknown> = {}) => ({ type, name, role, inputs });

  it("says what a resource is for, with facts from its inputs", () => {
    expect(
      purposeOf(
        view("aws:eks/nodeGroup:NodeGroup", "x-gpu", "gpu", {
          amiType: "AL2023_x86_64_NVIDIA",
          instanceTypes: ["g5.xlarge"],
          scalingConfig: { minSize: 0, maxSize: 2 },
        }),
      ).text,
    ).toBe("GPU nodes, tainted so only GPU work lands on them; start at zero (g5.xlarge, 0-2 nodes)");
    expect(
      purposeOf(view("aws:autoscaling/tag:Tag", "t", "t", { tag: { key: "k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu" } })).text,
    ).toMatch(/scale the group up from zero/);
    expect(purposeOf(view("aws:autoscaling/tag:Tag", "t", "t", { tag: { key: "costCenter" } })).text).toMatch(/^Cost-allocation tag `costCenter`/);
  });

  it("flags types and Helm charts the dictionary does not know, for npm run docs -- --check", () => {
    expect(purposeOf(view("aws:lambda/function:Function", "f", "f")).known).toBe(false);
    expect(purposeOf(view("kubernetes:helm.sh/v3:Release", "r", "r", { chart: "some-new-chart" })).known).toBe(false);
    expect(purposeOf(view("kubernetes:helm.sh/v3:Release", "r", "r", { chart: "cluster-autoscaler", version: "9.0.0" })).known).toBe(true);
  });
});

describe("graduation guide and README block", () => {
  it("lists the settings that change between two stages, leaf by leaf", () => {
    expect(settingChanges({ a: 1, n: { x: "s", y: [1] } }, { a: 1, n: { x: "m", y: [1, 2] }, z: true }, "p")).toEqual([
      { key: "p.n.x", before: "s", after: "m" },
      { key: "p.n.y", before: [1], after: [1, 2] },
      { key: "p.z", before: undefined, after: true },
    ]);
  });

  it("replaces only the README's marked block, and refuses a README without the markers", () => {
    const readme = `intro\n${README_START}\nold\n${README_END}\noutro\n`;
    expect(replaceMarkedBlock(readme, "new")).toBe(`intro\n${README_START}\n\nnew\n\n${README_END}\noutro\n`);
    expect(() => replaceMarkedBlock("no markers", "new")).toThrow(/markers/);
  });

  it("the README carries the markers", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    expect(readme).toContain(README_START);
    expect(readme).toContain(README_END);
  });
});

describe("the operations guide's table of Kubernetes minors", () => {
  it("is the one the code gives (npm run docs rewrites it)", () => {
    expect(fs.readFileSync(path.join(ROOT, OPERATIONS_GUIDE), "utf8")).toBe(operationsGuide(ROOT));
  });

  it("has one row per supported minor with its end of standard support and every pin bound to it, and names the refused minors", () => {
    const lines = renderKubernetesMinors("9.9.9").split("\n");
    const rows = lines.filter((l) => l.startsWith("| 9.9.9 |"));
    expect(rows).toHaveLength(SUPPORTED_KUBERNETES_VERSIONS.length);
    SUPPORTED_KUBERNETES_VERSIONS.forEach((minor, i) => {
      const pins = ADDONS.flatMap((a) => ("eks" in a.pin ? [eksAddonVersion(a.id, a.pin.eks, minor)!] : []));
      for (const fact of [minor, EKS_KUBERNETES_RELEASES[minor].endOfStandardSupport, clusterAutoscalerImageTag(minor), ...pins])
        expect(rows[i]).toContain(fact);
    });
    expect(rows.filter((r) => r.includes("(default)"))).toEqual([expect.stringContaining(KUBERNETES_VERSION)]);
    for (const minor of Object.keys(REFUSED_KUBERNETES_VERSIONS)) expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^- ${minor} is refused: `)));
  });

  it("refuses a guide without its markers, naming the file", () => {
    expect(() => replaceMarkedBlock("no markers", "new", { file: OPERATIONS_GUIDE, start: MINORS_START, end: MINORS_END })).toThrow(
      /docs\/guides\/operations\.md lacks the markers/,
    );
  });
});

describe("lint: an eslint-disable needs a reason", () => {
  const linter = new Linter({ configType: "flat" });
  const config = [{ plugins: { local: localRules }, rules: { "local/disable-needs-reason": "error", "no-console": "error" } }] as unknown as Linter.Config[];
  const messages = (code: string) => linter.verify(code, config).map((m) => m.ruleId ?? m.message);

  it("reports a directive without a reason, or without rules", () => {
    expect(messages("console.log(1); // eslint-disable-line no-console\n")).toEqual(["local/disable-needs-reason"]);
    expect(messages("// eslint-disable-next-line\nconsole.log(1);\n")).toEqual(["local/disable-needs-reason", "local/disable-needs-reason"]);
    expect(messages("/* eslint-disable no-console */\nconsole.log(1);\n")).toEqual(["local/disable-needs-reason"]);
  });

  it("accepts a directive that names its rules and says why", () => {
    expect(messages("console.log(1); // eslint-disable-line no-console -- the CLI's output\n")).toEqual([]);
    expect(messages("// eslint-enable no-console\n")).toEqual([]);
  });
});

describe("links in the README and the docs", () => {
  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to '-', repeats numbered. */
  const anchorsOf = (file: string): Set<string> => {
    const found = new Set<string>();
    const seen = new Map<string, number>();
    let fence = false;
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
      if (line.startsWith("```")) fence = !fence;
      if (fence) continue;
      const heading = /^#{1,6} (.*)$/.exec(line);
      if (!heading) continue;
      const slug = heading[1]!
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}_\- ]/gu, "")
        .replace(/ /g, "-");
      const n = seen.get(slug) ?? 0;
      found.add(n ? `${slug}-${n}` : slug);
      seen.set(slug, n + 1);
    }
    return found;
  };
  const markdown = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? markdown(path.join(dir, e.name)) : e.name.endsWith(".md") ? [path.join(dir, e.name)] : []));

  it("every relative link resolves to a file, and every #anchor to a heading there", () => {
    const broken: string[] = [];
    for (const file of [path.join(ROOT, "README.md"), ...markdown(path.join(ROOT, "docs"))]) {
      let fence = false;
      fs.readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (line.startsWith("```")) fence = !fence;
          if (fence) return;
          for (const [, target] of line.matchAll(/\]\(([^)\s]+)\)/g)) {
            if (/^[a-z]+:/.test(target!)) continue;
            const [file_, anchor] = target!.split("#");
            const resolved = file_ ? path.resolve(path.dirname(file), file_) : file;
            const where = `${path.relative(ROOT, file)}:${i + 1} ${target}`;
            if (!fs.existsSync(resolved)) broken.push(`${where}: no such file`);
            else if (anchor && resolved.endsWith(".md") && !anchorsOf(resolved).has(anchor)) broken.push(`${where}: no such heading`);
          }
        });
    }
    expect(broken).toEqual([]);
  });

  it("the README stays a page: the details live in docs/guides", () => {
    expect(fs.readFileSync(path.join(ROOT, "README.md"), "utf8").split("\n").length).toBeLessThan(500);
  });
});
