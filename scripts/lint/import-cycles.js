#!/usr/bin/env node
/**
 * Import cycles between the repository's own TypeScript files, type-only
 * imports included (`import type`, `export type ... from`, `import("...")`
 * types): a cycle means two modules cannot be understood, tested or moved
 * apart, even when the compiler erases the edge that closes it. The usual
 * fix is to move the shared type or value to the module both need (a
 * component's schema never imports its component; the component imports it).
 *
 * scripts/check.js runs it on the TypeScript program the type check already
 * built, so it parses nothing again; `node scripts/lint/import-cycles.js`
 * runs it alone on tsconfig.json's files. Exits 1 when there is a cycle.
 */
"use strict";
const path = require("path");
const ts = require("typescript");

/** The module specifiers a file names: imports, re-exports, `import x = require()`, require() and import() calls, import types. */
function specifiersOf(sourceFile) {
  const found = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      found.push(node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1 && ts.isStringLiteralLike(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require")) found.push(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/**
 * The import graph of the program's own files (under `root`, outside
 * node_modules, no declaration files): file -> the files it imports, paths
 * relative to `root`.
 */
function importGraph(program, root) {
  const options = program.getCompilerOptions();
  const cache = ts.createModuleResolutionCache(root, (f) => f, options);
  const own = (file) => !file.endsWith(".d.ts") && !file.split(/[\\/]/).includes("node_modules") && path.resolve(file).startsWith(root + path.sep);
  const graph = new Map();
  for (const sourceFile of program.getSourceFiles()) {
    if (sourceFile.isDeclarationFile || !own(sourceFile.fileName)) continue;
    const from = path.relative(root, path.resolve(sourceFile.fileName));
    const to = new Set();
    for (const specifier of specifiersOf(sourceFile)) {
      const resolved = ts.resolveModuleName(specifier, sourceFile.fileName, options, ts.sys, cache).resolvedModule;
      if (resolved && !resolved.isExternalLibraryImport && own(resolved.resolvedFileName)) to.add(path.relative(root, path.resolve(resolved.resolvedFileName)));
    }
    graph.set(from, to);
  }
  return graph;
}

/** The strongly connected components with more than one file, or a file that imports itself (Tarjan). */
function stronglyConnected(graph) {
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const connect = (v) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v).has(v)) components.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v);
  return components;
}

/** A shortest cycle through `start` inside `component`: [start, ..., start]. */
function cycleThrough(graph, component, start) {
  const inside = new Set(component);
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of [...(graph.get(v) ?? [])].sort()) {
      if (w === start) {
        const cycle = [start];
        for (let x = v; x !== undefined && x !== start; x = previous.get(x)) cycle.splice(1, 0, x);
        return [...cycle, start];
      }
      if (inside.has(w) && !previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/**
 * The import cycles of a TypeScript program's own files: one entry per set
 * of files that import each other (directly or around a loop), with its files
 * and one shortest cycle through them to show where to cut.
 */
function findImportCycles(program, root) {
  const graph = importGraph(program, path.resolve(root));
  return stronglyConnected(graph).map((files) => ({ files, cycle: cycleThrough(graph, files, files[0]) }));
}

function formatCycles(cycles) {
  return cycles
    .map(
      (c) =>
        `import cycle between ${c.files.length} file${c.files.length === 1 ? "" : "s"}: ${c.cycle.join(" -> ")}${c.files.length > c.cycle.length - 1 ? ` (also: ${c.files.filter((f) => !c.cycle.includes(f)).join(", ")})` : ""}\n`,
    )
    .join("");
}

module.exports = { findImportCycles, formatCycles };

if (require.main === module) {
  const root = path.join(__dirname, "..", "..");
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(root, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: { ...parsed.options, noEmit: true } });
  const cycles = findImportCycles(program, root);
  process.stdout.write(cycles.length ? formatCycles(cycles) : "no import cycles\n");
  process.exitCode = cycles.length ? 1 : 0;
}
