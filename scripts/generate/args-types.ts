/**
 * The components' argument types, generated from their zod schemas: a
 * setting is declared once, in its component's schema (type, rules,
 * description, default), and its TypeScript interface is written from there,
 * with the description and the default as JSDoc. The interfaces are plain
 * TypeScript, so the package's type declarations carry no zod types.
 *
 * `npm run generate` writes every `*.args.ts`; `npm run generate -- --check`
 * (run by the tests) fails when one differs from what the schemas say.
 *
 * Types zod cannot describe at run time (Pulumi inputs, a cluster handle) are
 * declared with `tsType()` (lib/validate.ts): the TypeScript type and where
 * it is imported from. A nested object schema with `typeName()` becomes a
 * named interface of its own (its output form with `outputTypeName`).
 */
import * as path from "path";
import { z } from "zod";
import { TYPE_META, TypeMeta } from "../../lib/validate";

export interface ArgsTypeSpec {
  /** The schema's module, from the repository root (for the header). */
  schemaFile: string;
  /** The generated file, from the repository root. */
  outFile: string;
  /** Interface name -> the schema it is generated from, with its form ("input": what a caller writes; "output": with defaults applied). */
  types: { name: string; schema: z.ZodType; form: "input" | "output"; doc?: string }[];
}

type Form = "input" | "output";

interface Emitter {
  outFile: string;
  imports: Map<string, Set<string>>;
  named: Map<string, string>;
  order: string[];
}

function metaOf(schema: z.ZodType): TypeMeta | undefined {
  return TYPE_META.get(schema);
}

/** The description, looking through optional/default wrappers (zod keeps it on the schema `.describe()` was called on). */
function descriptionOf(schema: z.ZodType): string | undefined {
  let s: z.ZodType | undefined = schema;
  while (s) {
    if (s.description) return s.description;
    const def = s._zod.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
    s =
      def.type === "optional" || def.type === "default" || def.type === "prefault" || def.type === "nullable"
        ? def.innerType
        : def.type === "pipe"
          ? def.in
          : undefined;
  }
  return undefined;
}

/** The default a field gets when it is left out, as TypeScript source; undefined when it has none. */
function defaultOf(schema: z.ZodType): unknown {
  let s: z.ZodType | undefined = schema;
  while (s) {
    const def = s._zod.def as { type: string; innerType?: z.ZodType; defaultValue?: unknown };
    if (def.type === "default" || def.type === "prefault") return { value: def.defaultValue };
    s = def.type === "optional" || def.type === "nullable" ? def.innerType : undefined;
  }
  return undefined;
}

/** Whether a caller may leave the field out (input) or it may be missing after parsing (output). */
function isOptional(schema: z.ZodType, form: Form): boolean {
  const def = schema._zod.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
  if (def.type === "optional") return true;
  if (def.type === "default" || def.type === "prefault") return form === "input";
  if (def.type === "nullable") return isOptional(def.innerType!, form);
  if (def.type === "pipe" && form === "input") return isOptional(def.in!, form);
  return false;
}

function relativeModule(fromFile: string, toFile: string): string {
  let rel = path.relative(path.dirname(fromFile), toFile).replace(/\\/g, "/").replace(/\.ts$/, "");
  if (!rel.startsWith(".")) rel = `./${rel}`;
  return rel;
}

function addImport(e: Emitter, meta: TypeMeta) {
  for (const [name, from] of Object.entries(meta.imports ?? {})) {
    const spec = from.startsWith("@") ? from : relativeModule(e.outFile, from);
    if (!e.imports.has(spec)) e.imports.set(spec, new Set());
    e.imports.get(spec)!.add(name);
  }
}

const wrap = (t: string) => (/[|&]/.test(t) ? `(${t})` : t);

function typeOf(schema: z.ZodType, form: Form, e: Emitter, indent: string): string {
  const meta = metaOf(schema);
  if (meta) {
    const t = form === "output" && meta.outputType ? meta.outputType : meta.type;
    if (t) {
      addImport(e, meta);
      return t;
    }
    const name = form === "output" ? meta.outputTypeName : meta.typeName;
    if (name && meta.home && meta.home !== e.outFile) {
      addImport(e, { imports: { [name]: meta.home } });
      return name;
    }
    if (name) {
      if (!e.named.has(name)) {
        e.named.set(name, "");
        e.named.set(name, interfaceBody(schema, form, e, name, meta.doc));
        e.order.push(name);
      }
      return name;
    }
  }
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case "string":
      return "string";
    case "number":
    case "int":
      return "number";
    case "boolean":
      return "boolean";
    case "any":
      return "any";
    case "unknown":
      return "unknown";
    case "enum":
      return Object.values(def.entries as Record<string, string>)
        .map((v) => JSON.stringify(v))
        .join(" | ");
    case "literal":
      return (def.values as unknown[]).map((v) => JSON.stringify(v)).join(" | ");
    case "union": {
      const parts = [...new Set((def.options as z.ZodType[]).map((o) => typeOf(o, form, e, indent)))];
      // A number literal beside number says nothing more.
      return parts.filter((p) => !(parts.includes("number") && /^-?\d+(\.\d+)?$/.test(p))).join(" | ");
    }
    case "array":
      return `${wrap(typeOf(def.element as z.ZodType, form, e, indent))}[]`;
    case "record":
      return `Record<${typeOf(def.keyType as z.ZodType, form, e, indent)}, ${typeOf(def.valueType as z.ZodType, form, e, indent)}>`;
    case "optional":
    case "nullable":
    case "default":
    case "prefault": {
      const inner = typeOf(def.innerType as z.ZodType, form, e, indent);
      return def.type === "nullable" ? `${inner} | null` : inner;
    }
    case "pipe":
      if (form === "input") return typeOf(def.in as z.ZodType, form, e, indent);
      if ((def.out as z.ZodType)._zod.def.type === "transform")
        throw new Error(`a transform's output type is unknown at run time: give the schema tsType({ outputType })`);
      return typeOf(def.out as z.ZodType, form, e, indent);
    case "object":
      return objectLiteral(schema as z.ZodObject, form, e, indent);
    default:
      throw new Error(`no TypeScript type for a zod ${def.type}: declare it with tsType()`);
  }
}

function jsdoc(lines: string[], indent: string): string {
  const text = lines.filter(Boolean).join(" ");
  if (!text) return "";
  const words = text.split(/\s+/);
  const out: string[] = [];
  let line = "";
  for (const w of words) {
    if (line && indent.length + 3 + line.length + 1 + w.length > 100) {
      out.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(line);
  if (out.length === 1) return `${indent}/** ${out[0]} */\n`;
  return `${indent}/**\n${out.map((l) => `${indent} * ${l}`).join("\n")}\n${indent} */\n`;
}

function defaultText(field: z.ZodType): string {
  const d = defaultOf(field) as { value: unknown } | undefined;
  if (!d) return "";
  const v = typeof d.value === "function" ? (d.value as () => unknown)() : d.value;
  const description = descriptionOf(field) ?? "";
  if (/\bDefault\b/.test(description)) return "";
  const empty = v !== null && typeof v === "object" && Object.keys(v).length === 0;
  const inner = (field._zod.def as { innerType?: z.ZodType }).innerType;
  if (empty && (Array.isArray(v) || inner?._zod.def.type === "record")) return "Default none.";
  if (empty) return "Default: every field's default.";
  return `Default ${JSON.stringify(v)}.`;
}

function members(schema: z.ZodObject, form: Form, e: Emitter, indent: string, required: string[] = []): string {
  let out = "";
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    out += jsdoc([descriptionOf(field) ?? "", form === "input" ? defaultText(field) : ""], indent);
    const optional = !required.includes(key) && isOptional(field, form);
    let t: string;
    try {
      t = typeOf(field, form, e, indent);
    } catch (err) {
      throw new Error(`${key}: ${(err as Error).message}`, { cause: err });
    }
    out += `${indent}${key}${optional ? "?" : ""}: ${t}${optional ? " | undefined" : ""};\n`;
  }
  const catchall = (schema._zod.def as { catchall?: z.ZodType }).catchall;
  if (catchall && catchall._zod.def.type !== "never" && catchall._zod.def.type !== "unknown")
    out += `${indent}[key: string]: ${typeOf(catchall, form, e, indent)};\n`;
  return out;
}

function objectLiteral(schema: z.ZodObject, form: Form, e: Emitter, indent: string): string {
  return `{\n${members(schema, form, e, `${indent}  `)}${indent}}`;
}

function interfaceBody(schema: z.ZodType, form: Form, e: Emitter, name: string, doc?: string): string {
  let s = schema;
  let required: string[] = [];
  for (;;) {
    const def = s._zod.def as { type: string; innerType?: z.ZodType; in?: z.ZodType; out?: z.ZodType };
    if (def.type === "optional" || def.type === "default" || def.type === "prefault") s = def.innerType!;
    else if (def.type === "pipe") {
      const meta = metaOf(s);
      if (form === "input" || meta?.outputRequired) {
        required = form === "output" ? (meta?.outputRequired ?? []) : [];
        s = def.in!;
      } else throw new Error(`${name}: a transform's output type is unknown at run time: declare withType(schema, { outputRequired })`);
    } else break;
  }
  if (s._zod.def.type !== "object") throw new Error(`${name}: only object schemas become interfaces`);
  // Every generated interface is documented (the API reference fails on one that is not): the
  // schema's own doc or description, and for the parsed form, what parsing added.
  const text = doc ?? metaOf(schema)?.doc ?? descriptionOf(schema) ?? "";
  const docText = form === "output" && !/default/.test(text) ? `${text} Parsed: every default applied.` : text;
  return `${jsdoc([docText], "")}export interface ${name} {\n${members(s as z.ZodObject, form, e, "  ", required)}}\n`;
}

/** The text of one generated file. */
export function argsTypesSource(spec: ArgsTypeSpec): string {
  const e: Emitter = { outFile: spec.outFile, imports: new Map(), named: new Map(), order: [] };
  for (const t of spec.types) {
    // Already written where an earlier type refers to it: once is enough (a second, identical
    // declaration would merge in TypeScript, but documentation tools report each member twice).
    if (e.order.includes(t.name)) continue;
    e.named.set(t.name, "");
    try {
      e.named.set(t.name, interfaceBody(t.schema, t.form, e, t.name, t.doc));
    } catch (err) {
      throw new Error(`${spec.schemaFile}, ${t.name}.${(err as Error).message}`, { cause: err });
    }
    e.order.push(t.name);
  }
  const imports = [...e.imports]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([from, names]) => {
      const list = [...names].sort();
      return from === "@pulumi/pulumi" && list.includes("pulumi")
        ? `import type * as pulumi from "@pulumi/pulumi";`
        : `import type { ${list.join(", ")} } from "${from}";`;
    });
  const header = `// Generated from ${spec.schemaFile} by \`npm run generate\`: edit the schema, not this file.\n`;
  return `${header}${imports.length ? `${imports.join("\n")}\n` : ""}\n${e.order.map((n) => e.named.get(n)).join("\n")}`;
}
