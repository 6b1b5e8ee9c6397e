/**
 * What the Pulumi CLI does with Pulumi.yaml's `config:` declarations before it
 * runs the program, for tests: copies each declared default into a stack that
 * lacks the key, stops on a declared key with no default that the stack lacks,
 * and checks each typed key's stack value (pulumi/pulumi
 * pkg/workspace/config.go mergeConfig / validateStackConfigValue,
 * sdk/go/common/workspace/project.go ValidateConfigValue; checked 2026-12-07).
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import type { PulumiConfigDeclaration, PulumiItemsType } from "../../docs/generator/project-file";

export const PROJECT_FILE = path.join(__dirname, "..", "..", "Pulumi.yaml");

export interface ProjectFile {
  name: string;
  config: Record<string, PulumiConfigDeclaration>;
  template: { config: Record<string, { description?: string; default?: string; secret?: boolean }>; quickstart?: string; description?: string };
}

export function readProjectFile(file = PROJECT_FILE): ProjectFile {
  return parseYaml(fs.readFileSync(file, "utf8")) as ProjectFile;
}

const isSecure = (v: unknown): boolean => v !== null && typeof v === "object" && !Array.isArray(v) && "secure" in v;

/**
 * A stack value as the CLI's type check sees it: a top-level scalar is text
 * (the YAML `false` is "false"), a `secure:` value its decrypted text, a map
 * or list its JSON value with nested secrets decrypted.
 */
export function cliValueOf(yamlValue: unknown, topLevel = true): unknown {
  if (isSecure(yamlValue)) return "<decrypted>";
  if (Array.isArray(yamlValue)) return yamlValue.map((v) => cliValueOf(v, false));
  if (yamlValue !== null && typeof yamlValue === "object") return Object.fromEntries(Object.entries(yamlValue).map(([k, v]) => [k, cliValueOf(v, false)]));
  return topLevel ? String(yamlValue) : yamlValue;
}

/** ValidateConfigValue: may `value` stand for `type`? */
export function cliAccepts(type: string, items: PulumiItemsType | undefined, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^[+-]?\d+$/.test(value));
    case "boolean":
      return typeof value === "boolean" || value === "true" || value === "false";
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    default:
      return Array.isArray(value) && items !== undefined && value.every((v) => cliAccepts(items.type, items.items, v));
  }
}

/** The errors `pulumi up` would stop on for this stack file's config (its YAML `config:` map). */
export function cliConfigProblems(project: ProjectFile, stackConfig: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [key, decl] of Object.entries(project.config)) {
    const full = key.includes(":") ? key : `${project.name}:${key}`;
    const present = full in stackConfig;
    if (!present && decl.default === undefined) problems.push(`missing configuration value '${key}'`);
    if (!present) continue;
    const value = stackConfig[full];
    if (decl.secret && !isSecure(value)) problems.push(`'${key}' must be encrypted as it's secret`);
    if (decl.type && !cliAccepts(decl.type, decl.items, cliValueOf(value))) problems.push(`'${key}' must be of type '${decl.type}'`);
  }
  return problems;
}

/** Pulumi's flat config map (plan/engine readStackConfig's form) with the project's defaults applied as the CLI does. */
export function withProjectDefaults(project: ProjectFile, config: Record<string, string>): Record<string, string> {
  const out = { ...config };
  for (const [key, decl] of Object.entries(project.config)) {
    const full = key.includes(":") ? key : `${project.name}:${key}`;
    if (decl.default !== undefined && !(full in out)) out[full] = typeof decl.default === "string" ? decl.default : JSON.stringify(decl.default);
  }
  return out;
}
