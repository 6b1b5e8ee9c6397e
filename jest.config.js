/** Transpile-only jest: types are checked once by `tsc --noEmit` (npm test). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }] },
  // Generous: tests that plan stacks or spawn the CLI take seconds idle, but minutes on a loaded 2-core machine.
  testTimeout: 180000,
};
