#!/usr/bin/env node
// `npm run generate [-- --check]`: the generated sources (scripts/generate/main.ts),
// run without a build step like the plan (ts-node, transpile-only, swc).
const path = require("path");
require("ts-node").register({ transpileOnly: true, swc: true, project: path.join(__dirname, "..", "tsconfig.json") });
process.exitCode = require("./generate/main").run(process.argv.slice(2));
