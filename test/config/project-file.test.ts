/**
 * Pulumi.yaml's generated part: the `config:` declarations the Pulumi CLI
 * checks every stack against before `pulumi up`, and the `pulumi new`
 * template. A wrong declaration would stop `pulumi up` on a real stack file,
 * or (a default that means something) change what a stack deploys; these
 * tests run the CLI's rules (test/support/pulumi-project.ts) on every
 * shipped stack.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { StackConfig } from "../../config/schema";
import { ConfigError, resolvePlatformSpec } from "../../config/resolve";
import { readStackConfig } from "../../plan/engine";
import { STAGES } from "../../lib/stages";
import { AWS_REGIONS } from "../../lib/regions";
import {
  PROJECT_FILE_END,
  PROJECT_FILE_START,
  TEMPLATE_DEFAULTS,
  projectFileBlock,
  quickstartSettings,
  withProjectFileBlock,
} from "../../docs/generator/project-file";
import { PROJECT_FILE, ProjectFile, cliAccepts, cliConfigProblems, readProjectFile, withProjectDefaults } from "../support/pulumi-project";
import { SHIPPED_STACKS } from "../support/plan";

const ROOT = path.join(__dirname, "..", "..");
const project: ProjectFile = readProjectFile();
const stackYaml = (stack: string) =>
  (parseYaml(fs.readFileSync(path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }).config;

describe("Pulumi.yaml config declarations", () => {
  it("declare every top-level key of the stack config, without the project prefix", () => {
    expect(Object.keys(project.config)).toEqual(Object.keys(StackConfig.shape));
  });

  it("are what the generator writes from the schema (npm run docs), and keep the hand-written part", () => {
    const text = fs.readFileSync(PROJECT_FILE, "utf8");
    expect(withProjectFileBlock(text, projectFileBlock())).toBe(text);
    expect(project).toMatchObject({
      name: "ml-platform",
      main: "index.ts",
      runtime: { name: "nodejs", options: { typescript: true } },
      stackConfigDir: "stacks",
    });
  });

  it("are written back once after `pulumi new` rewrote the file without its comments (markers included), keeping the rest", () => {
    const text = fs.readFileSync(PROJECT_FILE, "utf8");
    // pulumi new saves the parsed project: same keys, no comments, so no markers; a stale declaration stands in for an old one.
    // It also drops template: and adds the pulumi:template stack tag to config:.
    const { template: _template, ...saved } = parseYaml(text) as Record<string, unknown>;
    const tags = { value: { "pulumi:template": "https://github.com/example/ml-platform" } };
    const rewritten = stringifyYaml({ ...saved, config: { stage: { type: "string", description: "stale" }, "pulumi:tags": tags } });
    expect(rewritten).not.toContain(PROJECT_FILE_START);
    const regenerated = withProjectFileBlock(rewritten, projectFileBlock());
    // Parsing refuses duplicate keys: config and template are declared once.
    const expected = parseYaml(text) as { config: Record<string, unknown> };
    expect(parseYaml(regenerated)).toEqual({ ...expected, config: { ...expected.config, "pulumi:tags": tags } });
    expect(regenerated.split(PROJECT_FILE_START).length - 1).toBe(1);
    expect(regenerated.split(PROJECT_FILE_END).length - 1).toBe(1);
    // The hand-written part keeps its text, and running the generator again changes nothing.
    expect(regenerated.startsWith(rewritten.slice(0, rewritten.indexOf("config:")))).toBe(true);
    expect(withProjectFileBlock(regenerated, projectFileBlock())).toBe(regenerated);
  });

  it("use only Pulumi's types, and every default has its key's type (Pulumi refuses the project file otherwise)", () => {
    for (const [key, decl] of Object.entries(project.config)) {
      if (decl.type) expect({ key, type: ["string", "integer", "boolean", "array", "object"].includes(decl.type) }).toEqual({ key, type: true });
      if (decl.type === "array") expect({ key, items: decl.items }).toEqual({ key, items: expect.anything() });
      if (decl.type && decl.default !== undefined) expect({ key, ok: cliAccepts(decl.type, decl.items, decl.default) }).toEqual({ key, ok: true });
      // A secret key's injected default is plain text, which the CLI refuses for a secret key.
      expect({ key, secretWithDefault: Boolean(decl.secret) && decl.default !== undefined }).toEqual({ key, secretWithDefault: false });
      expect(decl.description).toBeTruthy();
    }
  });

  it("require exactly the keys the schema requires", () => {
    const required = Object.entries(project.config)
      .filter(([, d]) => d.default === undefined)
      .map(([k]) => k);
    const optional = (k: string) => StackConfig.shape[k as keyof typeof StackConfig.shape].safeParse(undefined).success;
    expect(required).toEqual(Object.keys(StackConfig.shape).filter((k) => !optional(k)));
  });

  it.each(SHIPPED_STACKS)("accept the values of stacks/Pulumi.%s.yaml (pulumi up would not stop on them)", (stack) => {
    expect(cliConfigProblems(project, stackYaml(stack))).toEqual([]);
  });

  it("catch a stack value of another type, a missing required key and a plain-text secret", () => {
    const mvp = stackYaml("mvp");
    const { "ml-platform:tags": _tags, ...withoutTags } = mvp;
    expect(cliConfigProblems(project, withoutTags)).toEqual(["missing configuration value 'tags'"]);
    expect(cliConfigProblems(project, { ...mvp, "ml-platform:cluster": "yes" })).toEqual(["'cluster' must be of type 'object'"]);
    const secret = { ...project, config: { ...project.config, sentryDsn: { ...project.config.sentryDsn!, secret: true, default: undefined } } };
    expect(cliConfigProblems(secret, { ...mvp, "ml-platform:sentryDsn": "https://key@o1.ingest.sentry.io/1" })).toEqual([
      "'sentryDsn' must be encrypted as it's secret",
    ]);
    expect(cliConfigProblems(secret, { ...mvp, "ml-platform:sentryDsn": { secure: "v1:abc" } })).toEqual([]);
  });

  it.each(SHIPPED_STACKS)("defaults change nothing: stacks/Pulumi.%s.yaml resolves to the same spec with the CLI's defaults applied", (stack) => {
    const { config, secretKeys } = readStackConfig(stack);
    const options = { secretKeys };
    expect(resolvePlatformSpec(withProjectDefaults(project, config), stack, options)).toEqual(resolvePlatformSpec(config, stack, options));
  });
});

describe("Pulumi.yaml template (pulumi new)", () => {
  const template = project.template;

  it("offers an environment no shipped stack uses and a stack name no shipped stack file has, so a new stack clashes with none", () => {
    // pulumi new offers the stack `dev` (pulumi/pulumi pkg/cmd/pulumi/project/newcmd/stack.go defaultStackName, checked 2026-12-07)
    // and merges its answers into that stack's file when one exists.
    const environments = SHIPPED_STACKS.map((stack) => readStackConfig(stack).config["ml-platform:environment"]);
    expect(environments).not.toContain(TEMPLATE_DEFAULTS.environment);
    expect(SHIPPED_STACKS).not.toContain("dev");
  });

  it("copies every file unchanged: none holds the text pulumi new replaces with the project's name or description", () => {
    // pulumi/pulumi sdk/go/common/workspace/templates.go transform (checked 2026-12-07). Spelled in pieces here for the same reason.
    const substituted = ["PROJECT", "DESCRIPTION"].map((name) => "$" + "{" + name + "}");
    const skipped = new Set([".git", "node_modules", "dist", ".cache", "charts"]);
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (skipped.has(entry.name)) continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.(ts|js|mjs|json|ya?ml|md)$/.test(entry.name)) files.push(full);
      }
    };
    walk(ROOT);
    expect(files.length).toBeGreaterThan(100);
    const holding = files.filter((f) => substituted.some((text) => fs.readFileSync(f, "utf8").includes(text)));
    expect(holding.map((f) => path.relative(ROOT, f))).toEqual([]);
  });

  it("asks for the region, the stage and the environment, with defaults the config accepts", () => {
    expect(Object.keys(template.config)).toEqual(["aws:region", "stage", "environment"]);
    for (const [key, value] of Object.entries(template.config)) {
      expect(value.description).toBeTruthy();
      if (key === "aws:region") expect(AWS_REGIONS).toContain(value.default);
      else expect({ key, ok: StackConfig.shape[key as keyof typeof StackConfig.shape].safeParse(value.default).success }).toEqual({ key, ok: true });
    }
    expect(template.config.stage!.description).toMatch(/poc, mvp or seriesb/);
  });

  it("asks only for top-level scalar keys: pulumi new saves each answer as a plain value, never a nested path", () => {
    for (const key of Object.keys(template.config).filter((k) => !k.includes(":"))) expect(project.config[key]?.type).toBe("string");
  });

  /** `pulumi config set --path <path> <value>` on Pulumi's flat config map. */
  function setPath(config: Record<string, string>, keyPath: string, value: string): void {
    const [top, ...rest] = keyPath.split(/\.|\[|\]/).filter(Boolean);
    const full = `${project.name}:${top}`;
    const root: Record<string, unknown> = config[full] ? JSON.parse(config[full]) : {};
    let node: Record<string, unknown> | unknown[] = root;
    rest.forEach((part, i) => {
      const last = i === rest.length - 1;
      const next = rest[i + 1];
      const k = /^\d+$/.test(part) ? Number(part) : part;
      if (last) (node as Record<string | number, unknown>)[k] = value;
      else node = ((node as Record<string | number, unknown>)[k] ??= /^\d+$/.test(next!) ? [] : {}) as Record<string, unknown>;
    });
    config[full] = JSON.stringify(root);
  }

  it.each(STAGES)("gives a %s stack that resolves once the quickstart's settings are set", (stage) => {
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...TEMPLATE_DEFAULTS, stage })) config[key.includes(":") ? key : `${project.name}:${key}`] = value;
    for (const s of quickstartSettings().filter((q) => q.stages.includes(stage))) setPath(config, s.path, s.example);
    for (const s of quickstartSettings()) expect(template.quickstart).toContain(`pulumi config set --path '${s.path}' ${s.example}`);
    const resolve = () => resolvePlatformSpec(withProjectDefaults(project, config), "new", { secretKeys: [] });
    expect(resolve).not.toThrow();
    // Without the quickstart's settings, the stack is refused (tags are required at every stage).
    const bare = Object.fromEntries(Object.entries(config).filter(([k]) => !k.endsWith(":tags") && !k.endsWith(":cluster")));
    expect(() => resolvePlatformSpec(withProjectDefaults(project, bare), "new", { secretKeys: [] })).toThrow(ConfigError);
  });
});
