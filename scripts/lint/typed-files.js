// The files ESLint lints with type information (the @pulumi/eslint-plugin
// rules): the code that handles Pulumi Outputs. Shared by eslint.config.mjs
// and scripts/check.js, which hands ESLint the type check's program for them.
"use strict";
module.exports = ["index.ts", "components/**/*.ts", "lib/**/*.ts", "api/**/*.ts", "offline/**/*.ts", "examples/**/*.ts"];
