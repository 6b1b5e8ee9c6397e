/**
 * The import-cycle check of `npm test` (scripts/lint/import-cycles.js, run by
 * scripts/check.js on the type check's program): it finds a cycle, type-only
 * imports included, names the files, and finds none where there is none. Each
 * case is a few files written to a temporary directory, so the repository's
 * own check never sees them.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain Node script, shared with scripts/check.js
const { findImportCycles, formatCycles } = require("../../scripts/lint/import-cycles.js") as {
  findImportCycles(program: ts.Program, root: string): { files: string[]; cycle: string[] }[];
  formatCycles(cycles: { files: string[]; cycle: string[] }[]): string;
};

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "import-cycles-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes the files and returns the cycles the check finds among them. */
function cyclesOf(files: Record<string, string>) {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  const program = ts.createProgram({
    rootNames: Object.keys(files).map((f) => path.join(dir, f)),
    options: { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, noEmit: true, noLib: true, types: [] },
  });
  return findImportCycles(program, dir);
}

describe("the import-cycle check", () => {
  it("finds a cycle closed by a type-only import: a schema importing its component's type", () => {
    const cycles = cyclesOf({
      "x.ts": 'import { XSchema } from "./x.schema";\nexport interface XArgs { a?: number }\nexport const x = XSchema;\n',
      "x.schema.ts": 'import type { XArgs } from "./x";\nexport const XSchema = {} as XArgs;\n',
    });
    expect(cycles).toEqual([{ files: ["x.schema.ts", "x.ts"], cycle: ["x.schema.ts", "x.ts", "x.schema.ts"] }]);
    expect(formatCycles(cycles)).toBe("import cycle between 2 files: x.schema.ts -> x.ts -> x.schema.ts\n");
  });

  it("follows re-exports, `export type` and import types across folders, and reports each loop once", () => {
    const cycles = cyclesOf({
      "a/index.ts": 'export { b } from "../b/b";\n',
      "b/b.ts": 'export type { C } from "../c";\nexport const b = 1;\n',
      "c.ts": 'export type C = import("./a/index").Nothing;\nexport type Nothing = never;\n',
      "d.ts": 'import { b } from "./b/b";\nexport const d = b;\n',
    });
    expect(cycles).toEqual([{ files: ["a/index.ts", "b/b.ts", "c.ts"], cycle: ["a/index.ts", "b/b.ts", "c.ts", "a/index.ts"] }]);
  });

  it("finds a file that imports itself and a lazy require() that closes a loop", () => {
    const cycles = cyclesOf({
      "self.ts": 'import type { T } from "./self";\nexport type T = number;\nexport const t: T = 1;\n',
      "p.ts": 'import { q } from "./q";\nexport const p = q;\n',
      "q.ts": 'export const q = 1;\nexport function later(): unknown {\n  return require("./p");\n}\n',
    });
    expect(cycles.map((c) => c.cycle)).toEqual([
      ["p.ts", "q.ts", "p.ts"],
      ["self.ts", "self.ts"],
    ]);
  });

  it("finds none in a graph without loops (shared imports, a diamond) and ignores packages", () => {
    const cycles = cyclesOf({
      "top.ts":
        'import { left } from "./left";\nimport { right } from "./right";\nimport * as path from "path";\nexport const top = [left, right, path.sep];\n',
      "left.ts": 'import { base } from "./base";\nexport const left = base;\n',
      "right.ts": 'import type { Base } from "./base";\nexport const right: Base = 1;\n',
      "base.ts": "export type Base = number;\nexport const base: Base = 0;\n",
    });
    expect(cycles).toEqual([]);
  });
});
