/**
 * Argument validation for components: one zod schema per component is the
 * single source of truth for what its Args accept, their defaults and their
 * documentation. The component validates its own Args with it before it
 * declares anything (a library user never runs our stack-config schema), and
 * config/schema.ts builds the stack-file overrides from the same schema
 * (`overridesOf`), so the two cannot disagree.
 *
 * The pattern, for a component X in components/<concern>/x.ts (see
 * container-registry.ts and container-registry.schema.ts):
 *  1. x.ts: `export interface XArgs` with JSDoc on every field (what, allowed, default);
 *     an optional field fed from another component's optional output is
 *     `?: T | undefined` (consumers may compile with exactOptionalPropertyTypes).
 *  2. x.schema.ts: `export const XSettings = z.strictObject({...})`, every
 *     field with `.describe()` and `.default()` (so every optional field has
 *     one), plain values only; `XArgsSchema = XSettings.extend({ tags, ... })`;
 *     `schemaMatches<XArgs, z.input<typeof XArgsSchema>>(true)` so tsc proves
 *     the interface and the schema accept the same arguments; cross-field and
 *     name-dependent rules in a pure `xProblems(name, settings)` returning
 *     ArgProblem[] (not a refinement on the object: overrides built from its
 *     shape would drop it, and zod 4 refuses `.partial()` on refined objects).
 *     The schema lives apart so x.ts's declarations stay free of zod types.
 *  3. First statement of the constructor, before `super`:
 *     `const s = validateArgs(TYPE, name, XArgsSchema, args, xProblems)`, then
 *     build from `s` (defaults applied). An argument a caller may hold as
 *     another resource's output (an id, an ARN, a region passed through) is
 *     `pulumiInput(<plain schema>)`: a plain value is checked as before, an
 *     Output passes through. Every other argument must be plain: an Output
 *     there is refused by key before zod runs (`planTime(field, what)` says
 *     what it decides; docs/guides/library.md lists the decisions).
 *  4. config/schema.ts: `XOverrides = overridesOf(XSettings).extend({ enabled, ...planning figures })`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ArgProblem, ComponentArgsError, isPulumiOutput } from "./args-error";
import { STAGES } from "./stages";
import { STAGE_TAG, reservedTagKeyProblem, tagKeyProblem, tagValueProblem } from "./tags";

/** What withType declares of a schema (TypeMeta), keyed by the schema's definition, which `.describe()` and other clones share. */
const typeMeta = new WeakMap<object, TypeMeta>();

export { ComponentArgsError, isPulumiOutput } from "./args-error";
export type { ArgProblem } from "./args-error";

/** `["repositories", 0]` -> `repositories[0]`; an optional prefix for config keys. */
export function pathOf(path: readonly PropertyKey[], prefix = ""): string {
  let out = prefix;
  for (const part of path) out += typeof part === "number" ? `[${part}]` : `${out ? "." : ""}${String(part)}`;
  return out || "(arguments)";
}

/** The value at `path` inside `root` (undefined where the path leaves the object). */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = root;
  for (const part of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node;
}

/** The schema inside optional, nullable, default, prefault and transform wrappers: the one that names the keys. */
function unwrap(schema: unknown): unknown {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault || s instanceof z.ZodPrefault) s = s.unwrap();
    else if (s instanceof z.ZodPipe) s = s.in instanceof z.ZodTransform ? s.out : s.in;
    else return s;
  }
}

/** The keys allowed at a path of an object schema, to say what would have been accepted. */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: unknown = schema;
  for (const part of path) {
    const s = unwrap(node);
    if (s instanceof z.ZodObject) node = (s.shape as Record<string, unknown>)[String(part)];
    else if (s instanceof z.ZodArray) node = s.element;
    else return [];
  }
  const s = unwrap(node);
  return s instanceof z.ZodObject ? Object.keys(s.shape as Record<string, unknown>) : [];
}

/** zod's generic messages ("Too small: expected ...") rewritten in the words of the checks we write. */
function messageOf(issue: z.core.$ZodIssue, value: unknown): string {
  const generic = /^(Too small|Too big|Invalid input|Invalid option)/.test(issue.message);
  switch (issue.code) {
    case "invalid_value":
      return `allowed values: ${issue.values.map((v) => String(v)).join(", ")}`;
    case "invalid_type":
      return value === undefined ? "is required" : `must be ${issue.expected === "int" ? "a whole number" : issue.expected}`;
    case "invalid_union": {
      if (value === undefined) return "is required";
      // Every alternative wanted another type: say which types are allowed.
      const expected = issue.errors.map((alternative) => {
        const only = alternative.length === 1 ? alternative[0] : undefined;
        return only?.code === "invalid_type" && only.path.length === 0 ? only.expected : undefined;
      });
      return generic && expected.every((e) => e !== undefined) ? `must be ${[...new Set(expected)].join(" or ")}` : issue.message;
    }
    case "too_small":
      if (!generic) return issue.message;
      return issue.origin === "array"
        ? `needs at least ${String(issue.minimum)} item${Number(issue.minimum) === 1 ? "" : "s"}`
        : issue.origin === "string"
          ? `must be at least ${String(issue.minimum)} characters`
          : `must be at least ${String(issue.minimum)}${issue.inclusive ? "" : " (exclusive)"}`;
    case "too_big":
      if (!generic) return issue.message;
      return issue.origin === "array"
        ? `takes at most ${String(issue.maximum)} items`
        : issue.origin === "string"
          ? `must be at most ${String(issue.maximum)} characters`
          : `must be at most ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

/** One bad value zod found: its path in the input (as zod gives it), the value, and what is wrong and allowed. */
export interface IssueProblem {
  path: PropertyKey[];
  value: unknown;
  message: string;
}

/**
 * The one wording of zod's findings, for a component's arguments
 * (validateArgs, zodProblems) and a stack file's keys (config/resolve.ts)
 * alike, so that a bad value reads the same through either: one problem per
 * bad value; an unknown key names the keys allowed where it was found; a
 * record key that breaks the key schema is itself the bad value.
 */
export function issueProblems(error: z.ZodError, input: unknown, schema: z.ZodType): IssueProblem[] {
  const problems: IssueProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      const parent = valueAt(input, issue.path);
      const allowed = keysAt(schema, issue.path);
      for (const key of issue.keys) {
        problems.push({
          path: [...issue.path, key],
          value: (parent as Record<string, unknown>)[key],
          message: `unknown key${allowed.length ? `; allowed here: ${allowed.join(", ")}` : ""}`,
        });
      }
      continue;
    }
    if (issue.code === "invalid_key") {
      // A record key that breaks the key schema: the key is the bad value.
      const key = issue.path[issue.path.length - 1];
      problems.push({ path: issue.path, value: key, message: `bad key: ${issue.issues.map((i) => i.message).join("; ")}` });
      continue;
    }
    const value = valueAt(input, issue.path);
    problems.push({ path: issue.path, value, message: messageOf(issue, value) });
  }
  return problems;
}

/**
 * Turns a zod error into one problem per bad value (issueProblems), the path
 * written as an argument path. `prefix` prepends a config namespace such as
 * "ml-platform:registry".
 */
export function zodProblems(error: z.ZodError, input: unknown, schema: z.ZodType, prefix = ""): ArgProblem[] {
  return issueProblems(error, input, schema).map((p) => ({ path: pathOf(p.path, prefix), value: p.value, message: p.message }));
}

/**
 * Validates a component's arguments against its schema and returns them with
 * every default applied. Throws ComponentArgsError listing every problem
 * (schema and `check` together) before the component declares anything.
 */
export function validateArgs<S extends z.ZodType>(
  componentType: string,
  name: string,
  schema: S,
  args: unknown,
  check?: (name: string, settings: z.output<S>) => ArgProblem[],
): z.output<S> {
  const unknowable = outputProblems(schema, args ?? {});
  if (unknowable.length) throw new ComponentArgsError(componentType, name, unknowable);
  const parsed = schema.safeParse(args ?? {});
  if (!parsed.success) throw new ComponentArgsError(componentType, name, zodProblems(parsed.error, args ?? {}, schema));
  const problems = check?.(name, parsed.data) ?? [];
  if (problems.length) throw new ComponentArgsError(componentType, name, problems);
  return withStageTag(parsed.data);
}

/** Arguments with a `stage` get it written into their `tags` (the argument wins over a `stage` tag). */
function withStageTag<T>(data: T): T {
  const d = data as { stage?: unknown; tags?: Record<string, string> };
  if (typeof d?.stage !== "string" || typeof d.tags !== "object" || d.tags === null) return data;
  return { ...d, tags: { ...d.tags, [STAGE_TAG]: d.stage } } as T;
}

/** A zod object's shape: field name -> schema. */
export type Shape = Record<string, z.ZodType>;
/** A field without its default: what an override of it accepts. */
export type WithoutDefault<T> = T extends z.ZodDefault<infer Inner> ? Inner : T;
/** The shape of `overridesOf(settings)`: every field optional and without its default. */
export type OverridesShape<S extends Shape> = { [K in keyof S]: z.ZodOptional<WithoutDefault<S[K]>> };

/**
 * The stack-file overrides of a component's settings: the same fields and
 * rules, every one optional and WITHOUT its default (an override that is
 * absent must leave the stage preset's value alone), descriptions kept.
 */
export function overridesOf<S extends Shape>(settings: z.ZodObject<S>): z.ZodObject<OverridesShape<S>, z.core.$strict> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(settings.shape)) {
    const inner = field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : field;
    const description = field.description ?? inner.description;
    const optional = inner.optional();
    shape[key] = description ? optional.describe(description) : optional;
  }
  return z.strictObject(shape) as unknown as z.ZodObject<OverridesShape<S>, z.core.$strict>;
}

/**
 * The fields of `settings` that `schema` declares, and no others: how the
 * program hands a component its settings (by the schema's keys, so a setting
 * added to the schema reaches the component with no other edit, and a key
 * the component does not take never does).
 */
export function settingsFor<S extends z.ZodRawShape, T extends object>(schema: z.ZodObject<S>, settings: T): Pick<T, Extract<keyof T, keyof S>> {
  const keys = new Set(Object.keys(schema.shape));
  return Object.fromEntries(Object.entries(settings).filter(([k]) => keys.has(k))) as Pick<T, Extract<keyof T, keyof S>>;
}

/** True when A and B are the same type (not merely assignable). */
export type SameType<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * Compile-time proof, written next to a component: `schemaMatches<XArgs, z.input<typeof XArgsSchema>>(true)`
 * fails to type-check as soon as the Args interface and the schema disagree.
 */
export function schemaMatches<A, B>(_proof: SameType<A, B>): void {
  // Nothing to do at run time: the proof is the type check.
}

/**
 * AWS tags (lib/tags.ts, sourced there): keys 1-128 characters, values up to
 * 256, letters, digits, spaces and `_ . : / = + - @`, no `aws:` prefix; and
 * none of the keys the components set themselves (`Name`, `purpose`, `tier`,
 * the `kubernetes.io/`, `k8s.io/` and `ml-platform/` prefixes), which would
 * be overwritten.
 */
export const awsTags = planTime(
  z.record(
    z.string().superRefine((k, ctx) => {
      const why = tagKeyProblem(k) ?? reservedTagKeyProblem(k);
      if (why) ctx.addIssue({ code: "custom", message: why });
    }),
    z.string().superRefine((v, ctx) => {
      const why = tagValueProblem(v);
      if (why) ctx.addIssue({ code: "custom", message: why });
    }),
  ),
  "what the policy pack reads at preview (the `stage` and `environment` tags) and the stage label of Kubernetes objects",
).describe("Tags for every resource the component creates (cost allocation: owner, costCenter, environment).");

/**
 * The company's stage, for components composed in a program of one's own:
 * validateArgs writes it as the `stage` tag on everything the component tags
 * (STAGE_TAG, lib/tags.ts), which is what the policy pack reads to apply the
 * stage's limits.
 */
export const stageArg = planTime(z.enum(STAGES), "the `stage` tag, which sets the limits the policy pack applies at preview")
  .optional()
  .describe(
    "The company's stage (poc, mvp or seriesb), written as the `stage` tag on every AWS resource the component tags, so the policy pack applies that stage's limits. Default: none (a `stage` in tags, or the AWS provider's defaultTags, still counts).",
  );

/**
 * What the argument-type generator (scripts/generate/args-types.ts) needs to
 * know of a schema that zod cannot describe at run time: `type` (a Pulumi
 * input, a cluster handle) with the `imports` it needs, or the name of the
 * interface a nested object schema becomes (`typeName` as a caller writes
 * it, `outputTypeName` with defaults applied), or the `outputType` of a
 * transform.
 */
export interface TypeMeta {
  type?: string;
  outputType?: string;
  imports?: Record<string, string>;
  typeName?: string;
  outputTypeName?: string;
  /** The generated file the named interface lives in; other generated files import it from there. */
  home?: string;
  /** A transform's output: the input's fields, with these filled in. */
  outputRequired?: string[];
  doc?: string;
  /** It takes a pulumi Output (pulumiInput). */
  acceptsOutput?: boolean;
  /** What the argument decides at plan time, for the error an Output there gets (planTime). */
  planTime?: string;
}

export const TYPE_META = { get: (schema: z.ZodType): TypeMeta | undefined => typeMeta.get(schema._zod.def) };

/** Declares what a schema is in TypeScript (see TypeMeta); returns the schema. */
export function withType<S extends z.ZodType>(schema: S, meta: TypeMeta): S {
  typeMeta.set(schema._zod.def, { ...typeMeta.get(schema._zod.def), ...meta });
  return schema;
}

/** What deletion protection decides, for the error an Output there gets. */
export const PROTECTION = "resource options (protect, retainOnDelete), which Pulumi takes as plain values";

/** What a planning figure decides, for the error an Output there gets. */
export const PLANNED_FIGURE = "a planned-usage tag the cost model prices";

/** A Pulumi input of a string: an id or ARN that may be another resource's output. */
export const PULUMI_STRING: TypeMeta = { type: "pulumi.Input<string>", imports: { pulumi: "@pulumi/pulumi" } };

/**
 * An argument a caller may hold as a pulumi Output: a plain value is checked
 * by `plain` (same rules, same messages), an Output (or a Promise) is passed
 * through unchecked (its value is unknown until deployment). `plain` must not
 * transform: what passes is what the resources get. `meta` is its TypeScript
 * type in the generated Args (default `pulumi.Input<string>`).
 */
export function pulumiInput<S extends z.ZodType>(plain: S, meta: TypeMeta = PULUMI_STRING) {
  const schema = z.custom<pulumi.Input<z.input<S>>>().superRefine((value, ctx) => {
    if (isPulumiOutput(value) || value instanceof Promise) return;
    const parsed = plain.safeParse(value);
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, input: value } as Parameters<typeof ctx.addIssue>[0]);
  });
  return withType(schema, { ...meta, acceptsOutput: true });
}

/** What an argument that must be plain decides, for the error an Output there gets; see outputProblems. */
export function planTime<S extends z.ZodType>(schema: S, decides: string): S {
  return withType(schema, { planTime: decides });
}

/** A field's metadata, looking through optional/default/nullable wrappers to the schema that declares it. */
function metaThrough(schema: unknown): TypeMeta {
  let s = schema;
  let meta: TypeMeta = {};
  for (;;) {
    if (!(s instanceof z.ZodType)) return meta;
    meta = { ...TYPE_META.get(s), ...meta };
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault || s instanceof z.ZodPrefault) s = s.unwrap();
    else if (s instanceof z.ZodPipe) s = s.in;
    else return meta;
  }
}

/**
 * Every pulumi Output given where the component needs a plain value, before
 * anything else is checked: such an argument decides what is declared (how
 * many resources, their names, what the cost model and the policy pack read
 * at plan time), which an Output's value, unknown until deployment, cannot.
 * Walks objects, arrays and records of the schema; an argument declared with
 * `pulumiInput` (or a Pulumi input type) takes Outputs.
 */
export function outputProblems(schema: z.ZodType, args: unknown): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const walk = (field: unknown, value: unknown, path: PropertyKey[], decides: string | undefined) => {
    const meta = metaThrough(field);
    if (meta.acceptsOutput || meta.type?.startsWith("pulumi.")) return;
    const what = meta.planTime ?? decides;
    if (isPulumiOutput(value)) {
      problems.push({
        path: pathOf(path),
        value,
        message: `must be a plain value known at plan time: it decides ${what ?? "what the component declares, and is checked before anything is"}; got a pulumi Output`,
      });
      return;
    }
    if (value === null || typeof value !== "object") return;
    const s = unwrap(field);
    if (s instanceof z.ZodObject) {
      const shape = s.shape as Record<string, z.ZodType>;
      for (const [key, v] of Object.entries(value)) if (key in shape) walk(shape[key], v, [...path, key], what);
    } else if (s instanceof z.ZodArray && Array.isArray(value)) {
      value.forEach((v, i) => walk(s.element, v, [...path, i], what));
    } else if (s instanceof z.ZodRecord) {
      for (const [key, v] of Object.entries(value)) walk(s.valueType, v, [...path, key], what);
    }
  };
  walk(schema, args, [], undefined);
  return problems;
}
