/**
 * Editor support for stack files: docs/stack-config.schema.json, a JSON
 * schema of `stacks/Pulumi.<stack>.yaml` as the YAML has it (keys
 * `ml-platform:<key>` and `aws:region` under `config:`), generated from the
 * zod StackConfig schema with zod 4's z.toJSONSchema; and
 * docs/config-reference.md, every key with its type, allowed values,
 * description and each stage's preset value, from the same schema.
 *
 * JSON Schema draft-07: the YAML language server behind the VS Code YAML
 * extension supported "JSON Schema 7 and below" until its 1.20.0 release
 * added 2019-09 and 2020-12 (redhat-developer/yaml-language-server README and
 * CHANGELOG, checked 2026-11-23), so draft-07 works in old and new editors.
 */
import { z } from "zod";
import { PROJECT } from "../../config/resolve";
import { StackConfig } from "../../config/schema";
import { AWS_REGIONS, AWS_REGIONS_AS_OF } from "../../lib/regions";
import { STAGE_PRESETS } from "../../config/presets";
import { STAGES, Stage } from "../../lib/stages";
import { PRICED_REGIONS } from "../../cost/prices";
import { cell, code, generatedBanner, table } from "./markdown";

/**
 * `ml-platform:<key>`. Built without the text dollar-brace-PROJECT-brace, which
 * `pulumi new` replaces in every file it copies (pulumi/pulumi
 * sdk/go/common/workspace/templates.go transform; checked 2026-12-07).
 */
const platformKey = (key: string) => PROJECT + ":" + key;

/** A JSON schema node (the subset we read). */
export interface JsonSchema {
  $schema?: string;
  title?: string;
  description?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
  examples?: unknown[];
  [k: string]: unknown;
}

/** The `ml-platform:*` keys as zod describes them (draft-07, input side: what a user writes). */
export function stackConfigKeysSchema(): JsonSchema {
  const schema = z.toJSONSchema(StackConfig, { target: "draft-7", io: "input" }) as JsonSchema;
  delete schema.$schema;
  return tidy(schema) as JsonSchema;
}

/**
 * Drops zod's placeholder bounds (±Number.MAX_SAFE_INTEGER on every int): they
 * say nothing to a reader; and zod's own format names that are not JSON
 * Schema formats (`cidrv4`), which editors ignore: zod writes the `pattern`
 * that checks the same thing next to them.
 */
function tidy(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tidy);
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if ((k === "maximum" || k === "minimum") && Math.abs(v as number) === Number.MAX_SAFE_INTEGER) continue;
    if (k === "format" && v === "cidrv4" && "pattern" in node) continue;
    out[k] = tidy(v);
  }
  return out;
}

const SECURE_VALUE: JsonSchema = {
  type: "object",
  description: "A secret, encrypted by `pulumi config set --secret`.",
  properties: { secure: { type: "string", description: "The ciphertext Pulumi wrote." } },
  required: ["secure"],
  additionalProperties: false,
};

/**
 * How a top-level key may appear in the YAML: as written by hand, as the
 * Pulumi CLI writes scalars (`pulumi config set protectStatefulResources true`
 * stores the string "true", which the program parses back: top-level values
 * are always written as strings, while `--path` writes nested booleans and
 * integers typed; pulumi/pulumi#5442 and #18285, checked 2026-11-23), or, for
 * strings, encrypted by `pulumi config set --secret`.
 */
function asYamlValue(schema: JsonSchema): JsonSchema {
  const { description, ...rest } = schema;
  if (rest.type === "boolean") return { description, anyOf: [rest, { type: "string", enum: ["true", "false"] }] };
  if (rest.type === "integer" || rest.type === "number") return { description, anyOf: [rest, { type: "string", pattern: "^-?[0-9]+(\\.[0-9]+)?$" }] };
  if (rest.type === "string" && !rest.enum) return { description, anyOf: [rest, SECURE_VALUE] };
  return schema;
}

/** docs/stack-config.schema.json: a whole stack file. */
export function stackConfigJsonSchema(): JsonSchema {
  const keys = stackConfigKeysSchema();
  const properties: Record<string, JsonSchema> = {
    "aws:region": {
      type: "string",
      enum: [...AWS_REGIONS],
      description: `AWS region every resource is created in (one of the real regions as of ${AWS_REGIONS_AS_OF}, lib/regions.ts). The cost model has prices for ${PRICED_REGIONS.join(", ")}; other regions plan with their resources listed as unpriced.`,
      examples: [...PRICED_REGIONS],
    },
  };
  for (const [key, schema] of Object.entries(keys.properties ?? {})) properties[platformKey(key)] = asYamlValue(schema);
  const known = Object.keys(properties);
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "ml-platform stack file (stacks/Pulumi.<stack>.yaml)",
    description:
      "Generated from config/schema.ts by `npm run docs`; do not edit. The program checks the same rules (and a few cross-key ones) before it declares anything.",
    type: "object",
    properties: {
      config: {
        type: "object",
        description: `The stack's configuration: \`${platformKey("<key>")}\` keys for the platform, \`aws:region\`, and any other provider's \`<namespace>:<key>\`.`,
        properties,
        required: ["aws:region", ...(keys.required ?? []).map(platformKey)],
        // Any other namespace is the business of its provider; an unknown ml-platform key is a typo.
        propertyNames: { anyOf: [{ enum: known }, { pattern: `^(?!${platformKey("")})[A-Za-z0-9_.-]+:[^:]+` }] },
      },
      secretsprovider: { type: "string", description: "Pulumi: the stack's secrets provider (written by `pulumi stack init --secrets-provider`)." },
      encryptedkey: { type: "string", description: "Pulumi: the stack's data key, encrypted by the secrets provider." },
      encryptionsalt: { type: "string", description: "Pulumi: salt of the passphrase secrets provider." },
    },
    required: ["config"],
  };
}

// --- the reference page ---------------------------------------------------------------------

export interface KeyRow {
  /** `ml-platform:cluster.gpuNodeGroups[].maxSize` */
  key: string;
  /** Path below `ml-platform:` with `[]` for list items: ["cluster", "gpuNodeGroups", "[]", "maxSize"]. */
  path: string[];
  schema: JsonSchema;
  required: boolean;
}

/** Every key of the stack config, depth first, in the schema's order. */
export function flattenKeys(schema: JsonSchema = stackConfigKeysSchema()): KeyRow[] {
  const rows: KeyRow[] = [];
  const walk = (node: JsonSchema, path: string[]) => {
    const obj = objectOf(node);
    if (!obj) return;
    for (const [k, child] of Object.entries(obj.properties ?? {})) {
      const childPath = [...path, k];
      rows.push({ key: keyName(childPath), path: childPath, schema: child, required: (obj.required ?? []).includes(k) });
      walk(child, childPath);
      const items = itemsOf(child);
      if (items) walk(items, [...childPath, "[]"]);
    }
  };
  walk(schema, []);
  return rows;
}

function keyName(path: string[]): string {
  return platformKey(path.join(".").replace(/\.\[\]/g, "[]"));
}

function objectOf(node: JsonSchema): JsonSchema | undefined {
  if (node.properties) return node;
  return node.anyOf?.map(objectOf).find(Boolean);
}

function itemsOf(node: JsonSchema): JsonSchema | undefined {
  if (node.items && !Array.isArray(node.items)) return node.items;
  return node.anyOf?.map(itemsOf).find(Boolean);
}

/** "integer 2-3", "one of: none, single, perAz", "list of string", ... */
export function describeType(node: JsonSchema): string {
  if (node.anyOf) return node.anyOf.map(describeType).join(", or ");
  if (node.enum) return `one of ${node.enum.map((v) => String(v)).join(", ")}`;
  if (node.const !== undefined) return String(node.const);
  const type = Array.isArray(node.type) ? node.type.join(" or ") : (node.type ?? "any");
  if (type === "array") {
    const bounds = node.minItems !== undefined ? `, at least ${node.minItems}` : "";
    const items = node.items ? describeType(node.items) : "values";
    return `list of ${items.startsWith("one of") ? `(${items})` : items}${bounds}`;
  }
  if (type === "object") return node.properties ? "map (keys below)" : "map of strings";
  const range =
    node.minimum !== undefined && node.maximum !== undefined
      ? ` ${node.minimum}-${node.maximum}`
      : node.minimum !== undefined
        ? ` ≥ ${node.minimum}`
        : node.maximum !== undefined
          ? ` ≤ ${node.maximum}`
          : "";
  const length = node.maxLength !== undefined ? ` (${node.minLength ?? 0}-${node.maxLength} characters)` : "";
  return `${type}${range}${length}`;
}

/** The preset's value for a key at a stage, or undefined where the preset has none. */
export function presetValue(stage: Stage, path: string[]): unknown {
  const preset = STAGE_PRESETS[stage] as unknown as Record<string, unknown>;
  const [head, ...rest] = path;
  if (head === undefined || rest.includes("[]")) return undefined;
  const top = preset[head];
  if (!rest.length) {
    // A piece's override object has no single preset value; a plain key may (protectStatefulResources).
    return top !== null && typeof top === "object" ? undefined : top;
  }
  if (top === null || typeof top !== "object") return undefined;
  const toggle = top as { enabled?: unknown; settings?: unknown };
  if (rest.length === 1 && rest[0] === "enabled") return toggle.enabled;
  let node: unknown = toggle.settings;
  for (const part of rest) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function showPreset(value: unknown): string {
  if (value === undefined) return "";
  if (Array.isArray(value) && value.length && value.every((v) => v !== null && typeof v === "object" && "name" in v)) {
    return value.map((v) => (v as { name: string }).name).join(", ");
  }
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return code(text.length > 40 ? `${text.slice(0, 37)}...` : text);
}

export function renderConfigReference(schema: JsonSchema = stackConfigKeysSchema()): string {
  const rows = flattenKeys(schema);
  const out: string[] = [];
  out.push(generatedBanner("config/schema.ts (the zod schema's descriptions) and config/presets.ts"));
  out.push("");
  out.push("# Stack configuration reference");
  out.push("");
  out.push(
    "Every key a `stacks/Pulumi.<stack>.yaml` file may set, under `config:`. Keys of the platform are in the `ml-platform:` namespace; " +
      "nested keys are written as YAML maps (`ml-platform:cluster:` then `  autoscaler: true`). An unknown key, a value out of range, an override " +
      "for a piece the stage does not deploy, or a piece whose prerequisite is off stops the program before anything is declared, with the key, the value and what is allowed.",
  );
  out.push("");
  out.push(
    "Editors validate and complete these keys with [`stack-config.schema.json`](stack-config.schema.json) (see [the configuration guide](guides/configuration.md#editor-support-for-stack-files)). " +
      "The preset columns show what each stage uses when the stack file says nothing ([`config/presets.ts`](../config/presets.ts)).",
  );
  out.push("");
  const presetColumns = STAGES.map((st) => `${st} preset`);
  const row = (r: KeyRow) => [
    code(r.key),
    cell(describeType(r.schema)),
    cell(withDefault(r.schema)),
    r.required ? "yes" : "",
    ...STAGES.map((st) => cell(showPreset(presetValue(st, r.path)))),
  ];
  const topLevel = rows.filter((r) => r.path.length === 1);
  const isMap = (r: KeyRow) => objectOf(r.schema) !== undefined;
  out.push("## Top-level keys", "");
  out.push(
    table(
      ["key", "type", "what it is", "required", ...presetColumns],
      [
        [code("aws:region"), "string", "AWS region every resource is created in, e.g. us-east-1 (the AWS provider's own key).", "yes", ...STAGES.map(() => "")],
        ...topLevel.filter((r) => !isMap(r)).map(row),
      ],
    ),
  );
  for (const top of topLevel.filter(isMap)) {
    out.push("", `## \`${top.key}\``, "");
    out.push(`${cell(top.schema.description ?? "")}${top.required ? " Required." : ""}`);
    out.push("");
    out.push(table(["key", "type", "what it is", "required", ...presetColumns], rows.filter((r) => r.path[0] === top.path[0] && r !== top).map(row)));
  }
  out.push("");
  return out.join("\n");
}

/** A key's description, with its default where the schema has one the description does not state (a list entry's fields). */
function withDefault(schema: JsonSchema): string {
  const description = schema.description ?? "(no description)";
  if (schema.default === undefined || /\bDefault\b/.test(description)) return description;
  const value = Array.isArray(schema.default) && schema.default.length === 0 ? "none" : JSON.stringify(schema.default);
  return `${description} Default ${value}.`;
}

/** Keys (and list items' keys) whose schema carries no description: must be empty. */
export function keysWithoutDescription(schema: JsonSchema = stackConfigKeysSchema()): string[] {
  return flattenKeys(schema)
    .filter((r) => !r.schema.description?.trim())
    .map((r) => r.key);
}
