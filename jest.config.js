/** Transpile-only jest: types are checked once by `tsc --noEmit` (npm test). */
const os = require("os");

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test", "<rootDir>/examples"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }] },
  // The examples import the package by its name, as a consumer would; here the
  // name maps to the sources (tsconfig.json "paths" does the same for tsc).
  // scripts/check-package.sh checks the packed package itself.
  moduleNameMapper: {
    "^ml-platform$": "<rootDir>/api/index.ts",
    "^ml-platform/(schemas|cost|policies|plan)$": "<rootDir>/api/$1.ts",
    "^ml-platform/testing$": "<rootDir>/offline/index.ts",
  },
  // The shipped stacks are planned once per run, in the background, and every
  // test file reads those plans (test/support/shared-plans.js).
  globalSetup: "<rootDir>/test/support/global-setup.js",
  globalTeardown: "<rootDir>/test/support/global-teardown.js",
  // jest's default is one worker per core but one. On 2 cores that is a single
  // worker, serial, which leaves a core idle whenever the static checks that
  // npm test runs beside jest are done, and while the worker waits (for the
  // shared plans, the policy pack's process, a spawned CLI). Two at least.
  maxWorkers: Math.max(2, os.cpus().length - 1),
  // Generous: tests that plan stacks or spawn the CLI take seconds idle, but minutes on a loaded 2-core machine.
  testTimeout: 180000,
};
