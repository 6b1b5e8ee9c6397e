/** Transpile-only jest: types are checked once by `tsc --noEmit` (npm test). */
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
    "^ml-platform/(schemas|cost|policies)$": "<rootDir>/api/$1.ts",
    "^ml-platform/testing$": "<rootDir>/testing/index.ts",
  },
  // The shipped stacks are planned once per run, in the background, and every
  // test file reads those plans (test/support/shared-plans.js).
  globalSetup: "<rootDir>/test/support/global-setup.js",
  globalTeardown: "<rootDir>/test/support/global-teardown.js",
  // Generous: tests that plan stacks or spawn the CLI take seconds idle, but minutes on a loaded 2-core machine.
  testTimeout: 180000,
};
