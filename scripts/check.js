#!/usr/bin/env node
// The static checks of `npm test`: the type check (what
// `tsc --noEmit -p tsconfig.json` reports), import cycles
// (scripts/lint/import-cycles.js) and ESLint (eslint.config.mjs), sharing one
// TypeScript program, and the formatting check (Prettier, .prettierrc.json),
// which runs beside them in a process of its own. The @pulumi/eslint-plugin rules need type
// information; built separately, ESLint's program costs as much CPU as tsc's,
// so ESLint is handed the one the type check already built
// (typescript-eslint's `parserOptions.programs`). `npm run typecheck`,
// `npm run lint:cycles`, `npm run lint` and `npm run format:check` still run
// each on its own; `npm run format` rewrites what Prettier would change. Exits 1
// on any error, warning or cycle.
"use strict";
const path = require("path");
const ts = require("typescript");
const { ESLint } = require("eslint");

const root = path.join(__dirname, "..");

/** The files eslint.config.mjs lints with type information. */
const TYPED_FILES = require("./lint/typed-files.js");
const { findImportCycles, formatCycles } = require("./lint/import-cycles.js");
const { spawn } = require("child_process");

/** The arguments of `npm run format:check`, which this check runs. */
const PRETTIER_CHECK = require("../package.json").scripts["format:check"].split(" ").slice(1);

/**
 * Prettier over the sources, in a child process started first so that it runs
 * while TypeScript builds its program. Its cache (.cache/prettier, git-ignored)
 * lets an unchanged file skip formatting on the next run.
 */
function checkFormatting() {
  return new Promise((resolve) => {
    const bin = path.join(root, "node_modules", "prettier", "bin", "prettier.cjs");
    const child = spawn(process.execPath, [bin, ...PRETTIER_CHECK.map((a) => a.replace(/^"|"$/g, ""))], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", (err) => resolve({ code: 1, output: `prettier did not start: ${err.message}\n` }));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

async function main() {
  const formatting = checkFormatting();
  // 1. The type check, exactly as tsc reads tsconfig.json.
  const configPath = path.join(root, "tsconfig.json");
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => report([d]) });
  if (!parsed) return 1;
  // Incremental, as `tsc --incremental` is: the state of the last check
  // (.cache/check.tsbuildinfo, git-ignored) lets TypeScript skip the semantic
  // check of every file that neither changed nor depends on one that did. Each
  // file is still read and parsed; a missing or outdated state file is rebuilt.
  const options = { ...parsed.options, noEmit: true, incremental: true, tsBuildInfoFile: path.join(root, ".cache", "check.tsbuildinfo") };
  const builder = ts.createIncrementalProgram({
    rootNames: parsed.fileNames,
    options,
    projectReferences: parsed.projectReferences,
    host: ts.createIncrementalCompilerHost(options),
  });
  const program = builder.getProgram();
  // What ts.getPreEmitDiagnostics(program) returns, through the builder's cache.
  const diagnostics = [
    ...parsed.errors,
    ...ts.sortAndDeduplicateDiagnostics([
      ...builder.getConfigFileParsingDiagnostics(),
      ...builder.getOptionsDiagnostics(),
      ...builder.getSyntacticDiagnostics(),
      ...builder.getGlobalDiagnostics(),
      ...builder.getSemanticDiagnostics(),
    ]),
  ];
  builder.emit(); // with noEmit, writes only the state file
  const typeErrors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error).length;
  report(diagnostics);

  // 2. Import cycles among our own files, type-only imports included, read off the same program.
  const cyclesStarted = Date.now();
  const cycles = findImportCycles(program, root);
  const cycleSeconds = (Date.now() - cyclesStarted) / 1000;
  if (cycles.length) process.stdout.write(formatCycles(cycles));

  // 3. ESLint over the same sources, typed rules on the same program.
  const eslint = new ESLint({
    cwd: root,
    overrideConfig: [{ files: TYPED_FILES, languageOptions: { parserOptions: { projectService: false, programs: [program] } } }],
  });
  const results = await eslint.lintFiles(["."]);
  const formatter = await eslint.loadFormatter("stylish");
  const text = await formatter.format(results);
  if (text) process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  const lintProblems = results.reduce((n, r) => n + r.errorCount + r.warningCount, 0);

  // 4. Formatting.
  const format = await formatting;
  if (format.code !== 0) process.stdout.write(`${format.output}Run \`npm run format\` to rewrite these files as Prettier would.\n`);

  process.stdout.write(
    `typecheck: ${typeErrors} error${typeErrors === 1 ? "" : "s"}; import cycles: ${cycles.length} (${cycleSeconds.toFixed(2)} s); lint: ${lintProblems} problem${lintProblems === 1 ? "" : "s"} in ${results.length} files; formatting: ${format.code === 0 ? "ok" : "files differ"}\n`,
  );
  return typeErrors || cycles.length || lintProblems || format.code !== 0 ? 1 : 0;
}

function report(diagnostics) {
  if (!diagnostics.length) return;
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" };
  const format = process.stdout.isTTY ? ts.formatDiagnosticsWithColorAndContext : ts.formatDiagnostics;
  process.stdout.write(format(diagnostics, host));
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    process.stderr.write(`check failed unexpectedly: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 1;
  },
);
