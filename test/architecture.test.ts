/** Layering rules a reviewer would otherwise check by hand, as cheap source scans. */
import * as fs from "fs";
import * as path from "path";
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

  it("index.ts names every component argument (no settings spread); planning figures go only to components that write them as planning tags", () => {
    const index = fs.readFileSync(path.join(ROOT, "index.ts"), "utf8");
    const code = index.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    // Spreading a settings object would pass fields along unseen. The one spread: the settings the
    // cluster's add-ons declare, picked by their own keys (components/compute/addons/registry.ts).
    expect(code).not.toMatch(/\.\.\.\s*spec\./);
    expect(code.match(/\.\.\.[^,\n]*/g)).toEqual(["...clusterAddonSettings(c)"]);
    // A planning figure (expectedStorageGb, ...) is passed only to a component that turns it into an
    // ml-platform/planned-* tag (lib/tags.ts), so the budget policy in a real preview prices the plan's volumes.
    for (const [field, components] of Object.entries({ expectedStorageGb: ["artifact-store", "container-registry", "operations/database-backup"], expectedLogGbPerMonth: ["compute/gpu-cluster"], expectedFlowLogGbPerMonth: ["network/network"] })) {
      const passed = code.split(`${field}:`).length - 1;
      expect({ field, passed }).toEqual({ field, passed: components.length });
      for (const c of components) {
        const file = fs.readdirSync(path.join(ROOT, "components"), { recursive: true }).map(String).find((f) => f.endsWith(`${c.split("/").pop()}.ts`))!;
        expect({ field, component: c, writesTag: /withPlannedGb\(/.test(fs.readFileSync(path.join(ROOT, "components", file), "utf8")) }).toEqual({ field, component: c, writesTag: true });
      }
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
const AUTOSCALER_PATH = [path.join(ROOT, "index.ts"), ...["config", "lib", path.join("components", "compute")].flatMap((dir) => sourcesUnder(path.join(ROOT, dir)))];

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
    for (const file of ["index.ts", "config/schema.ts", "config/resolve.ts", "components/compute/gpu-cluster.ts", "components/compute/gpu-cluster.schema.ts", "components/compute/node-tags.ts", "lib/versions.ts"]) {
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
