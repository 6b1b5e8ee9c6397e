/** Layering rules a reviewer would otherwise check by hand, as cheap source scans. */
import * as fs from "fs";
import * as path from "path";
import { PIECE_SCHEMAS } from "../config/pieces";
import { GpuClusterArgsSchema } from "../components/compute/gpu-cluster.schema";
import { ArtifactStoreArgsSchema } from "../components/data/artifact-store.schema";
import { ContainerRegistryArgsSchema } from "../components/data/container-registry.schema";
import { NetworkArgsSchema } from "../components/network/network.schema";
import { DatabaseBackupArgsSchema } from "../components/operations/backup/database-backup.schema";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..");

function sourcesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourcesUnder(full));
    else if (entry.name.endsWith(".ts")) out.push(full);
  }
  return out;
}

/** Relative module specifiers of every import / export-from / require in a file. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|require\(\s*["']([^"']+)["']\s*\)/g)) {
    specs.push(m[1] ?? m[2] ?? m[3]!);
  }
  return specs;
}

/** A file's code without its comments: TypeScript's printer drops them, and keeps strings and templates as written. */
function codeOf(file: string): string {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return ts.createPrinter({ removeComments: true }).printFile(source);
}

describe("layering", () => {
  it("components/ and lib/ import nothing from config/", () => {
    const files = [...sourcesUnder(path.join(ROOT, "components")), ...sourcesUnder(path.join(ROOT, "lib"))];
    expect(files.length).toBeGreaterThan(10);
    const offending: string[] = [];
    for (const file of files) {
      for (const spec of importsOf(file)) {
        if (!spec.startsWith(".")) continue;
        const target = path.relative(ROOT, path.resolve(path.dirname(file), spec));
        if (target === "config" || target.startsWith(`config${path.sep}`)) offending.push(`${path.relative(ROOT, file)} -> ${spec}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it("the scan sees a config import when there is one (it cannot pass vacuously)", () => {
    const probe = path.join(ROOT, "index.ts");
    expect(importsOf(probe)).toContain("./config/resolve");
  });

  it("index.ts hands each component its settings by its schema's keys (settingsFor), never a whole settings object", () => {
    const code = fs.readFileSync(path.join(ROOT, "index.ts"), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    // A bare spread of a piece's settings would pass keys the component does not declare.
    expect(code).not.toMatch(/\.\.\.\s*spec\./);
    const picked = [...code.matchAll(/settingsFor\((\w+),/g)].map((m) => m[1]);
    expect(picked.sort()).toEqual(
      [
        "AlertThresholdSettings",
        "AlertingArgsSchema",
        "ArtifactStoreArgsSchema",
        "ContainerRegistryArgsSchema",
        "DatabaseBackupArgsSchema",
        "ExternalHealthChecksArgsSchema",
        "GpuClusterArgsSchema",
        "MetadataStoreArgsSchema",
        "MonitoringArgsSchema",
        "NetworkArgsSchema",
        "PredictionMonitoringArgsSchema",
      ].sort(),
    );
  });

  it("a planning figure reaches exactly the component that writes it as a planning tag", () => {
    // A planning figure (expectedStorageGb, ...) is a stack-only key (config/pieces.ts). settingsFor passes it
    // to a component only when the component's schema declares it, and such a component must turn it into an
    // ml-platform/planned-* tag (lib/tags.ts), so the budget policy in a real preview prices the plan's volumes.
    const components: Record<string, { schema: { shape: Record<string, unknown> }; file: string }> = {
      network: { schema: NetworkArgsSchema, file: "components/network/network.ts" },
      artifacts: { schema: ArtifactStoreArgsSchema, file: "components/data/artifact-store.ts" },
      registry: { schema: ContainerRegistryArgsSchema, file: "components/data/container-registry.ts" },
      cluster: { schema: GpuClusterArgsSchema, file: "components/compute/gpu-cluster.ts" },
      backup: { schema: DatabaseBackupArgsSchema, file: "components/operations/backup/database-backup.ts" },
    };
    const figures = Object.entries(PIECE_SCHEMAS).flatMap(([piece, p]) =>
      Object.keys(p.stackOnly.shape)
        .filter((k) => k.startsWith("expected"))
        .map((key) => ({ piece, key })),
    );
    expect(figures.map((f) => f.piece).sort()).toEqual(Object.keys(components).sort());
    for (const { piece, key } of figures) {
      const c = components[piece]!;
      expect({ piece, key, declared: key in c.schema.shape, writesTag: /withPlannedGb\(/.test(fs.readFileSync(path.join(ROOT, c.file), "utf8")) }).toEqual({
        piece,
        key,
        declared: true,
        writesTag: true,
      });
    }
  });
});

/**
 * The files the `ml-platform:cluster.autoscaler` stack key flows through on
 * its way to its resources: the program (index.ts), config/ (its preset,
 * schema and checks), lib/, and the cluster's own folder (its schema, its
 * add-ons and the registry, its node pools and their tags). The other
 * components' folders are not on it: the setting never reaches them (their
 * alert texts may speak of the autoscaler's work).
 */
// Generated files (`*.args.ts`, written from the schemas by `npm run generate`) are never edited: not counted.
const AUTOSCALER_PATH = [
  path.join(ROOT, "index.ts"),
  ...["config", "lib", path.join("components", "compute")].flatMap((dir) => sourcesUnder(path.join(ROOT, dir))),
].filter((f) => !f.endsWith(".args.ts"));

/** Whether code names the Cluster Autoscaler (Kubernetes' HorizontalPodAutoscaler is another thing). */
const namesAutoscaler = (code: string) => /autoscaler/i.test(code.replace(/HorizontalPodAutoscaler/gi, ""));

describe("the Cluster Autoscaler has one home", () => {
  const naming = AUTOSCALER_PATH.filter((file) => namesAutoscaler(codeOf(file))).map((file) => path.relative(ROOT, file).split(path.sep).join("/"));

  it("its stack key reaches its resources through at most 3 files whose code names it: its preset, its add-on file, the registry", () => {
    expect({ files: naming, count: naming.length <= 3 }).toEqual({ files: naming, count: true });
    expect(naming).toContain("config/presets.ts");
    expect(naming).toContain("components/compute/addons/cluster-autoscaler.ts");
  });

  it("the scan covers the path and counts code, not comments (it cannot pass vacuously)", () => {
    const onPath = AUTOSCALER_PATH.map((file) => path.relative(ROOT, file).split(path.sep).join("/"));
    for (const file of [
      "index.ts",
      "config/schema.ts",
      "config/resolve.ts",
      "components/compute/gpu-cluster.ts",
      "components/compute/gpu-cluster.schema.ts",
      "components/compute/node-tags.ts",
      "lib/versions.ts",
    ]) {
      expect(onPath).toContain(file);
    }
    // gpu-cluster.ts speaks of the autoscaler in comments only: not counted.
    const cluster = path.join(ROOT, "components", "compute", "gpu-cluster.ts");
    expect(fs.readFileSync(cluster, "utf8")).toMatch(/autoscaler/i);
    expect(namesAutoscaler(codeOf(cluster))).toBe(false);
    // A key, a string or an import in code is counted; the HorizontalPodAutoscaler is not the autoscaler.
    expect(codeOf(path.join(ROOT, "config", "presets.ts"))).toMatch(/autoscaler: (true|false)/);
    expect([namesAutoscaler('import { x } from "./cluster-autoscaler";'), namesAutoscaler('"a HorizontalPodAutoscaler"')]).toEqual([true, false]);
  });
});

/**
 * The files the `ml-platform:alerts` stack key flows through on its way to
 * the alert topic: the program, config/, lib/ and the topic's own folder.
 * The components that publish to the topic (monitoring, backup, health
 * checks) take its ARN as an input like any other ARN and never see the
 * alerting settings: they are not on the path.
 */
const ALERT_TOPIC_PATH = [
  path.join(ROOT, "index.ts"),
  ...["config", "lib", path.join("components", "operations", "alerting")].flatMap((dir) => sourcesUnder(path.join(ROOT, dir))),
].filter((f) => !f.endsWith(".args.ts"));

/** The identifiers of a file's code: comments and string literals (prose such as a preset's `why`) removed. */
function identifiersOf(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const names: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) names.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

/** Whether an identifier names the alert topic (`AlertTopic`, `alertTopicArn`, `alertTopicPolicy`, ...). */
const namesAlertTopic = (identifier: string) => /alert_?topic/i.test(identifier);

describe("the alert topic has one home", () => {
  const naming = ALERT_TOPIC_PATH.filter((file) => identifiersOf(file).some(namesAlertTopic)).map((file) =>
    path.relative(ROOT, file).split(path.sep).join("/"),
  );

  it("its stack key reaches the topic through at most 4 files whose code names it: its schema, its component, its policies and the program that hands its ARN on", () => {
    expect({ files: naming, count: naming.length <= 4 }).toEqual({ files: naming, count: true });
    expect(naming).toEqual(expect.arrayContaining(["components/operations/alerting/alerting.schema.ts", "components/operations/alerting/alerting.ts"]));
    expect(naming.filter((f) => f.startsWith("config/") || f.startsWith("lib/"))).toEqual([]);
  });

  it("the scan covers the path and counts identifiers, not prose (it cannot pass vacuously)", () => {
    const onPath = ALERT_TOPIC_PATH.map((file) => path.relative(ROOT, file).split(path.sep).join("/"));
    for (const file of ["index.ts", "config/presets.ts", "config/pieces.ts", "config/resolve.ts", "components/operations/alerting/iam.ts"])
      expect(onPath).toContain(file);
    // The presets speak of the alert topic in their `why` prose only: not counted.
    expect(fs.readFileSync(path.join(ROOT, "config", "presets.ts"), "utf8")).toMatch(/alert topic/);
    expect(identifiersOf(path.join(ROOT, "config", "presets.ts")).some(namesAlertTopic)).toBe(false);
    expect(["alertTopicArn", "AlertTopic", "alertTopicPolicy", "alerts", "topicArn"].map(namesAlertTopic)).toEqual([true, true, true, false, false]);
  });
});

/**
 * The packages a file reaches through its imports, following our own files.
 * `types: false` follows only what runs (type-only imports are erased);
 * `types: true` follows what a type checker reads as well (ts-node, which
 * serves the policy pack, type-checks everything it reaches).
 */
function packagesReached(entry: string, types: boolean): { packages: Set<string>; files: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    for (const st of source.statements) {
      if (!(ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) || !st.moduleSpecifier || !ts.isStringLiteral(st.moduleSpecifier)) continue;
      if (!types) {
        if (ts.isImportDeclaration(st)) {
          const clause = st.importClause;
          if (clause?.isTypeOnly) continue;
          const named = clause?.namedBindings;
          if (clause && !clause.name && named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)) continue;
        } else if (st.isTypeOnly) continue;
      }
      const spec = st.moduleSpecifier.text;
      if (!spec.startsWith(".")) {
        packages.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);
        continue;
      }
      const base = path.resolve(path.dirname(file), spec);
      const target = [`${base}.ts`, path.join(base, "index.ts")].find((f) => fs.existsSync(f));
      if (target) visit(target);
    }
  };
  visit(entry);
  return { packages, files };
}

const PROVIDERS = ["@pulumi/aws", "@pulumi/kubernetes"];

describe("what the checks load", () => {
  it("the stack's config checks (config/resolve.ts) load no Pulumi provider: components expose their names and footprints in provider-free files, and add-ons declare through their owner", () => {
    const { packages, files } = packagesReached(path.join(ROOT, "config", "resolve.ts"), false);
    expect(PROVIDERS.filter((p) => packages.has(p))).toEqual([]);
    // Not vacuous: it does reach every add-on's file, and the cluster's, through the registry.
    expect(files.has(path.join(ROOT, "components", "compute", "addons", "cluster-autoscaler.ts"))).toBe(true);
    expect(packagesReached(path.join(ROOT, "components", "compute", "gpu-cluster.ts"), false).packages.has("@pulumi/aws")).toBe(true);
  });

  it("the policy pack's sources, types included, reach no Pulumi provider and no component (ts-node type-checks all it reaches when the CLI starts the pack)", () => {
    const { packages, files } = packagesReached(path.join(ROOT, "policies", "index.ts"), true);
    expect(PROVIDERS.filter((p) => packages.has(p))).toEqual([]);
    const rel = [...files].map((f) => path.relative(ROOT, f).split(path.sep).join("/"));
    expect(
      rel.filter(
        (f) =>
          f.startsWith("config/") ||
          (/^components\/.*\/[^/]+\.ts$/.test(f) && !/(labels|rules|values|charts|contract|canary|bucket-policy|node-pool\.args)\.ts$/.test(f)),
      ),
    ).toEqual([]);
    // Not vacuous: config/presets.ts, which a type import once pulled in, reaches every component's types.
    expect(packagesReached(path.join(ROOT, "config", "presets.ts"), true).packages.has("@pulumi/aws")).toBe(true);
  });
});

describe("what the type check reads", () => {
  it("no file the type check reads imports the root of @pulumi/aws, whose declarations cover every AWS service; components import lib/aws.ts, one module per service", () => {
    const roots = [
      "index.ts",
      "components",
      "lib",
      "config",
      "api",
      "offline",
      "plan",
      "policies",
      "examples",
      "test",
      "docs",
      "scripts/generate",
      "scripts/charts",
    ]
      .flatMap((p) => (fs.statSync(path.join(ROOT, p)).isDirectory() ? sourcesUnder(path.join(ROOT, p)) : [path.join(ROOT, p)]))
      .filter((f) => /from\s+"@pulumi\/aws"/.test(fs.readFileSync(f, "utf8")))
      .map((f) => path.relative(ROOT, f));
    expect(roots).toEqual([]);
    // Not vacuous: the components do use AWS through the per-service barrel.
    expect(fs.readFileSync(path.join(ROOT, "components", "compute", "gpu-cluster.ts"), "utf8")).toMatch(/import \* as aws from "\.\.\/\.\.\/lib\/aws";/);
    expect(fs.readFileSync(path.join(ROOT, "lib", "aws.ts"), "utf8")).toMatch(/export \* as eks from "@pulumi\/aws\/eks";/);
  });
});
