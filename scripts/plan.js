#!/usr/bin/env node
// Runs plan/cli.ts without a build step: ts-node in transpile-only mode with
// swc (types are checked by `npm test`), so a plan starts in about a second.
const path = require("path");
require("ts-node").register({
  transpileOnly: true,
  swc: true,
  project: path.join(__dirname, "..", "tsconfig.json"),
});
require("../plan/cli")
  .main(process.argv.slice(2))
  // exitCode, not exit(): stdout to a pipe is asynchronous, and exiting at once
  // would cut a large --json plan short.
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err) => {
    process.stderr.write(`plan failed unexpectedly: ${err && err.stack ? err.stack : err}\n`);
    process.exit(3);
  });
