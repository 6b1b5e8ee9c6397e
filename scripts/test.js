#!/usr/bin/env node
// `npm test`: the static checks (scripts/check.js: the type check, import
// cycles and ESLint, sharing one TypeScript program, and Prettier's check) and
// the test suite (jest) at the same time.
// The checks are single-threaded and jest takes longer, so running them side
// by side costs little more wall time than jest alone on 2 cores. jest prints
// as it goes; the checks print their output when they finish. Arguments go
// to jest (`npm test -- test/docs/docs.test.ts`). Exits 1 when either fails.
"use strict";
const { spawn } = require("child_process");
const path = require("path");

const root = path.join(__dirname, "..");

const steps = [
  { name: "typecheck, lint + format", args: [path.join(__dirname, "check.js")], buffered: true },
  { name: "jest", args: [path.join(root, "node_modules", "jest", "bin", "jest.js"), ...process.argv.slice(2)], buffered: false },
];

function run(step) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, step.args, { cwd: root, stdio: step.buffered ? ["ignore", "pipe", "pipe"] : "inherit" });
    let output = "";
    if (step.buffered) {
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
    }
    child.on("error", (err) => resolve({ step, code: 1, seconds: 0, output: `${step.name} did not start: ${err.message}\n` }));
    child.on("close", (code, signal) => {
      const result = { step, code: code ?? 1, signal, seconds: (Date.now() - started) / 1000, output };
      if (step.buffered) {
        process.stdout.write(`\n── ${step.name}: ${result.code === 0 ? "ok" : "FAILED"} (${result.seconds.toFixed(1)} s)\n${output}`);
      }
      resolve(result);
    });
  });
}

Promise.all(steps.map(run)).then((results) => {
  const summary = results
    .map((r) => `${r.step.name} ${r.code === 0 ? "ok" : `FAILED${r.signal ? ` (${r.signal})` : ""}`} ${r.seconds.toFixed(1)} s`)
    .join(", ");
  process.stdout.write(`\nnpm test: ${summary}\n`);
  process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
});
