#!/usr/bin/env node
// Runs plan/cli.ts without a build step: ts-node in transpile-only mode with
// swc (types are checked by `npm test`), so a plan starts in about a second.
const path = require("path");
require("ts-node").register({
  transpileOnly: true,
  swc: true,
  project: path.join(__dirname, "..", "tsconfig.json"),
});
require("../plan/cli").run(process.argv.slice(2));
