/** Walks a zod schema: every field's path, so tests can cover a class of fields (every list, every CIDR) as it grows. */
import { z } from "zod";

export interface FieldPath {
  /** Path with `[]` for list entries: "cluster.gpuNodeGroups[].instanceTypes". */
  pattern: string;
  /** The same as parts; list entries are the number 0. */
  path: (string | number)[];
  schema: z.ZodType;
}

function inner(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault || s instanceof z.ZodPrefault) s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodPipe) s = s.in as z.ZodType;
    else return s;
  }
}

function patternOf(path: (string | number)[]): string {
  let out = "";
  for (const part of path) out += typeof part === "number" ? "[]" : `${out ? "." : ""}${part}`;
  return out;
}

/** Every field (objects' keys, list entries) of a schema, depth first. */
export function fieldsOf(schema: z.ZodType, path: (string | number)[] = []): FieldPath[] {
  const s = inner(schema);
  const here: FieldPath[] = path.length ? [{ pattern: patternOf(path), path, schema: s }] : [];
  if (s instanceof z.ZodObject) {
    return [...here, ...Object.entries(s.shape as Record<string, z.ZodType>).flatMap(([k, v]) => fieldsOf(v, [...path, k]))];
  }
  if (s instanceof z.ZodArray) return [...here, ...fieldsOf(s.element as z.ZodType, [...path, 0])];
  if (s instanceof z.ZodUnion) return [...here, ...(s.options as z.ZodType[]).flatMap((o) => fieldsOf(o, path).filter((f) => f.path.length > path.length))];
  return here;
}

/** Builds `{ a: { b: [value] } }` from a path ["a", "b", 0] and a value. */
export function objectAt(path: (string | number)[], value: unknown): unknown {
  if (!path.length) return value;
  const [head, ...rest] = path;
  return typeof head === "number" ? [objectAt(rest, value)] : { [head!]: objectAt(rest, value) };
}

/** A field's `.describe()` text, wherever it sits among its wrappers (default, prefault, optional, pipe). */
export function descriptionOf(field: z.ZodType): string | undefined {
  let f: z.ZodType = field;
  for (;;) {
    if (f.description) return f.description;
    if (f instanceof z.ZodDefault || f instanceof z.ZodPrefault || f instanceof z.ZodOptional) f = f.unwrap() as z.ZodType;
    else if (f instanceof z.ZodPipe) f = f.in as z.ZodType;
    else return undefined;
  }
}
