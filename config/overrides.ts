/**
 * Stack-file overrides built from a component's own settings schema (one
 * source of truth): every field optional and without its default, at every
 * depth of nested objects, so an override that leaves a field out keeps the
 * stage preset's value (a nested `systemNodeGroup: { minSize: 3 }` changes
 * minSize only). Lists are replaced whole, so their entries keep their
 * defaults: `gpuNodeGroups: [{ name, instanceTypes }]` is a complete pool.
 */
import { z } from "zod";

type Bare<T extends z.ZodType> =
  T extends z.ZodDefault<infer I extends z.ZodType>
    ? Bare<I>
    : T extends z.ZodPrefault<infer I extends z.ZodType>
      ? Bare<I>
      : T extends z.ZodOptional<infer I extends z.ZodType>
        ? Bare<I>
        : T;
type OverrideInner<T extends z.ZodType> =
  Bare<T> extends z.ZodObject<infer S> ? z.ZodObject<{ [K in keyof S]: S[K] extends z.ZodType ? OverrideField<S[K]> : never }, z.core.$strict> : Bare<T>;
type OverrideField<T extends z.ZodType> = z.ZodOptional<OverrideInner<T> extends z.ZodType ? OverrideInner<T> : never>;
export type DeepOverrides<S extends Record<string, z.ZodType>> = z.ZodObject<{ [K in keyof S]: OverrideField<S[K]> }, z.core.$strict>;

function stripped(field: z.ZodType): z.ZodType {
  let inner: z.ZodType = field;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodPrefault || inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
  const nested: z.ZodType = inner instanceof z.ZodObject ? deepOverridesOf(inner as z.ZodObject<Record<string, z.ZodType>>) : inner;
  const description = field.description ?? inner.description;
  const optional = nested.optional();
  return description ? optional.describe(description) : optional;
}

/** The overrides schema of a settings object (strict: unknown keys are refused). */
export function deepOverridesOf<S extends Record<string, z.ZodType>>(settings: z.ZodObject<S>): DeepOverrides<S> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(settings.shape)) shape[key] = stripped(field);
  return z.strictObject(shape) as unknown as DeepOverrides<S>;
}
