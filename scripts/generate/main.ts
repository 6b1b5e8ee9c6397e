/**
 * `npm run generate [-- --check]`: writes (or checks) every generated source
 * file, today the components' argument types (args-types.ts). With --check it
 * writes nothing and exits 1 naming each stale file (fix: npm run generate).
 */
import * as fs from "fs";
import * as path from "path";
import { ARGS_TYPES } from "./specs";
import { argsTypesSource } from "./args-types";

const ROOT = path.resolve(__dirname, "..", "..");

/** Every generated file and its text as the schemas say it should be. */
export function generatedFiles(): { file: string; text: string }[] {
  return ARGS_TYPES.map((spec) => ({ file: spec.outFile, text: argsTypesSource(spec) }));
}

/** Files whose text on disk differs from what would be generated. */
export function staleFiles(root = ROOT): string[] {
  return generatedFiles()
    .filter(({ file, text }) => !fs.existsSync(path.join(root, file)) || fs.readFileSync(path.join(root, file), "utf8") !== text)
    .map(({ file }) => file);
}

export function run(argv: string[]): number {
  if (argv.includes("--check")) {
    const stale = staleFiles();
    for (const f of stale) process.stderr.write(`stale: ${f} (run npm run generate)\n`);
    return stale.length ? 1 : 0;
  }
  for (const { file, text } of generatedFiles()) {
    const full = path.join(ROOT, file);
    if (fs.existsSync(full) && fs.readFileSync(full, "utf8") === text) continue;
    fs.writeFileSync(full, text);
    process.stdout.write(`wrote ${file}\n`);
  }
  return 0;
}
