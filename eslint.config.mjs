// ESLint flat config: typescript-eslint's recommended rules on every source
// file, @pulumi/eslint-plugin's rules (they need type information) on the code
// that handles Pulumi Outputs, and a reason on every eslint-disable comment.
// `npm run lint` runs it alone; `npm test` runs it through scripts/check.js,
// which hands it the type check's TypeScript program.
import { defineConfig, globalIgnores } from "eslint/config";
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";
import local from "./scripts/lint/rules.js";
import typedFiles from "./scripts/lint/typed-files.js";

// Node's CommonJS globals, for the few plain .js files (scripts, jest config).
const nodeGlobals = Object.fromEntries(
  ["require", "module", "exports", "process", "console", "__dirname", "__filename", "Buffer", "setTimeout", "clearTimeout"].map((g) => [g, "readonly"]),
);

export default defineConfig([
  // Ours only: not installed, built or generated files (generated ones are checked for staleness instead).
  globalIgnores(["**/node_modules/", "bin/", "dist/", "coverage/", ".cache/", "**/*.d.ts", "**/*.generated.ts", "**/*.args.ts"]),
  {
    linterOptions: { reportUnusedDisableDirectives: "error" },
    plugins: { local },
    rules: { "local/disable-needs-reason": "error" },
  },
  {
    files: ["**/*.ts"],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    rules: {
      // `_`-prefixed names are deliberately unused (tsc's noUnused* checks the rest).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // `import x = require("./index")` is TypeScript's typed import of an `export =`
      // module, the form a Pulumi program exports: allowed; a bare require() is not.
      "@typescript-eslint/no-require-imports": ["error", { allowAsImport: true }],
    },
  },
  {
    // @pulumi/eslint-plugin 0.3.1 exports only `rules` (no preset config), and
    // both rules ask the type checker whether a template-literal expression is
    // an Output (ESLintUtils.getParserServices), so they run with type
    // information: on the code that handles Outputs (the program, components,
    // helpers, the library entry, the testing helper, the examples). Type
    // checking the tests and policies for them would double the lint time.
    files: typedFiles,
    plugins: { "@pulumi": pulumi },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: "commonjs", globals: nodeGlobals },
  },
  {
    files: ["**/*.mjs"],
    languageOptions: { sourceType: "module" },
  },
]);
