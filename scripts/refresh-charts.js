#!/usr/bin/env node
// `npm run charts:refresh -- <chart> [<version> <repository>]`: scripts/charts/refresh.ts, run without a build step.
const path = require("path");
require("ts-node").register({ transpileOnly: true, swc: true, project: path.join(__dirname, "..", "tsconfig.json") });
require("./charts/refresh");
