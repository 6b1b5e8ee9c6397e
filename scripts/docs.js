#!/usr/bin/env node
// `npm run docs [-- --check]`: regenerates docs/ (and the README's diagram)
// from the real program under the mock engine; --check only compares and
// exits 1 naming the stale files. ts-node transpile-only with swc, as the plan.
const path = require("path");
require("ts-node").register({
  transpileOnly: true,
  swc: true,
  project: path.join(__dirname, "..", "tsconfig.json"),
});
require("../docs/generator/main")
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err) => {
    process.stderr.write(`docs failed unexpectedly: ${err && err.stack ? err.stack : err}\n`);
    process.exit(3);
  });
