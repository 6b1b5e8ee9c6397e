#!/usr/bin/env node
// Builds the package into dist/ (npm run build; `npm pack` runs it through
// prepack): JavaScript + .d.ts from tsconfig.build.json, plus the data files
// the compiled code reads at run time (fs, not import), which tsc does not copy.
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
const dist = path.join(root, "dist");
/**
 * Directories of run-time data, copied as they are: policies/evaluate.ts reads
 * policies/config/<stage>.json. (The price sources under cost/price-data are
 * compiled into table.generated.ts and stay out of the package.)
 */
const DATA_DIRS = ["policies/config"];

fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json")], { stdio: "inherit", cwd: root });
for (const dir of DATA_DIRS) {
  const from = path.join(root, dir);
  if (!fs.existsSync(from)) continue;
  fs.cpSync(from, path.join(dist, dir), { recursive: true, filter: (src) => !src.endsWith(".ts") });
}
for (const entry of ["api/index.js", "api/schemas.js", "api/cost.js", "api/policies.js", "offline/index.js", "api/plan.js", "plan/bin.js"]) {
  if (!fs.existsSync(path.join(dist, entry))) throw new Error(`build: dist/${entry} is missing`);
}
console.log("built dist/");
