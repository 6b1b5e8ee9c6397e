/** Layering rules a reviewer would otherwise check by hand, as cheap source scans. */
import * as fs from "fs";
import * as path from "path";

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
    // Spreading a settings object would pass fields along unseen.
    expect(code).not.toMatch(/\.\.\.\s*spec\./);
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
