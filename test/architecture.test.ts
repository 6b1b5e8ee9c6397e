/** Layering rules a reviewer would otherwise check by hand, as cheap source scans. */
import * as fs from "fs";
import * as path from "path";
import { PIECE_SCHEMAS } from "../config/pieces";
import { GpuClusterArgsSchema } from "../components/compute/gpu-cluster.schema";
import { ArtifactStoreArgsSchema } from "../components/data/artifact-store.schema";
import { ContainerRegistryArgsSchema } from "../components/data/container-registry.schema";
import { NetworkArgsSchema } from "../components/network/network.schema";
import { DatabaseBackupArgsSchema } from "../components/operations/backup/database-backup.schema";

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

  it("index.ts hands each component its settings by its schema's keys (settingsFor), never a whole settings object", () => {
    const code = fs.readFileSync(path.join(ROOT, "index.ts"), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    // A bare spread of a piece's settings would pass keys the component does not declare.
    expect(code).not.toMatch(/\.\.\.\s*spec\./);
    const picked = [...code.matchAll(/settingsFor\((\w+),/g)].map((m) => m[1]);
    expect(picked.sort()).toEqual(
      ["AlertThresholdSettings", "AlertingArgsSchema", "ArtifactStoreArgsSchema", "ContainerRegistryArgsSchema", "DatabaseBackupArgsSchema", "ExternalHealthChecksArgsSchema", "GpuClusterArgsSchema", "MetadataStoreArgsSchema", "MonitoringArgsSchema", "NetworkArgsSchema", "PredictionMonitoringArgsSchema"].sort(),
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
    const figures = Object.entries(PIECE_SCHEMAS).flatMap(([piece, p]) => Object.keys(p.stackOnly.shape).filter((k) => k.startsWith("expected")).map((key) => ({ piece, key })));
    expect(figures.map((f) => f.piece).sort()).toEqual(Object.keys(components).sort());
    for (const { piece, key } of figures) {
      const c = components[piece]!;
      expect({ piece, key, declared: key in c.schema.shape, writesTag: /withPlannedGb\(/.test(fs.readFileSync(path.join(ROOT, c.file), "utf8")) }).toEqual({ piece, key, declared: true, writesTag: true });
    }
  });
});
