#!/usr/bin/env node
// Builds cost/price-data/table.generated.ts from the price-list extracts in
// cost/price-data/sources/ (see cost/price-data/README.md).
//   node scripts/prices/build.js           write the module
//   node scripts/prices/build.js --check   exit 1 if the committed module is stale
const fs = require("fs");
const path = require("path");
require("ts-node").register({ transpileOnly: true, swc: true, project: path.join(__dirname, "..", "..", "tsconfig.json") });
const { buildPriceTable, renderTableModule } = require("../../cost/price-data/build");

const dataDir = path.join(__dirname, "..", "..", "cost", "price-data");
const sourcesDir = path.join(dataDir, "sources");
const files = Object.fromEntries(fs.readdirSync(sourcesDir).map((f) => [f, fs.readFileSync(path.join(sourcesDir, f), "utf8")]));
let text;
try {
  text = renderTableModule(buildPriceTable(files));
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
const target = path.join(dataDir, "table.generated.ts");
if (process.argv.includes("--check")) {
  const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
  if (current !== text) {
    process.stderr.write(`${path.relative(process.cwd(), target)} is stale: run node scripts/prices/build.js\n`);
    process.exit(1);
  }
} else {
  fs.writeFileSync(target, text);
  process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
}
