/**
 * Server-side apply's field ownership, as the API server keeps it
 * (Kubernetes docs, "Server-Side Apply": conflicts, managers, "Transferring
 * ownership", "Merge strategy"; checked 2026-12-07), reduced to what decides
 * whether Pulumi's apply of an object succeeds: every leaf field has a value
 * and a set of managers. An apply that sets a field to a value other than
 * the live one while another manager owns it conflicts, unless forced
 * (Pulumi's `pulumi.com/patchForce` annotation); a field the applier stops
 * stating and no one else owns is removed (a Deployment's replicas then
 * default to 1). An update (a controller's Update or patch, not an apply)
 * takes every field whose value it changes from every other manager. A list
 * of named items (containers) is a map by name; an atomic field (a Service's
 * selector) is one leaf, whatever its contents.
 */
import type { PlanRun } from "../../plan/engine";
import { ofType } from "./plan";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifests are untyped nested data

/** Pulumi's field manager. */
export const PULUMI = "pulumi";

export class LiveObject {
  readonly fields = new Map<string, { value: unknown; managers: Set<string> }>();

  /** `atomic`: the paths whose value is owned as a whole (x-kubernetes-map-type: atomic). */
  constructor(private readonly atomic: readonly string[] = []) {}

  apply(manager: string, manifest: Obj, force: boolean): string[] {
    const applied = leaves(manifest, this.atomic);
    const conflicts = [...applied].filter(([path, value]) => {
      const live = this.fields.get(path);
      return live && JSON.stringify(live.value) !== JSON.stringify(value) && [...live.managers].some((m) => m !== manager);
    });
    if (conflicts.length && !force) return conflicts.map(([path]) => `conflict with ${[...this.fields.get(path)!.managers].join(", ")}: .${path}`);
    for (const [path, value] of applied) {
      const live = this.fields.get(path);
      const managers = force || !live || JSON.stringify(live.value) !== JSON.stringify(value) ? new Set<string>() : live.managers;
      this.fields.set(path, { value, managers: new Set([...managers, manager]) });
    }
    for (const [path, live] of this.fields) {
      if (applied.has(path) || !live.managers.has(manager)) continue;
      live.managers.delete(manager);
      if (live.managers.size === 0) this.fields.delete(path);
    }
    return [];
  }

  /** A controller's update of the whole object (`object`: every field it keeps): it owns what it changed; what it left out is gone. */
  update(manager: string, object: Obj): void {
    const written = leaves(object, this.atomic);
    for (const [path, value] of written) {
      const live = this.fields.get(path);
      if (!live || JSON.stringify(live.value) !== JSON.stringify(value)) this.fields.set(path, { value, managers: new Set([manager]) });
    }
    for (const path of [...this.fields.keys()]) if (!written.has(path)) this.fields.delete(path);
  }

  /** A controller's patch of some fields: it owns those it changed. */
  patch(manager: string, fields: Obj): void {
    for (const [path, value] of leaves(fields, this.atomic)) {
      const live = this.fields.get(path);
      if (!live || JSON.stringify(live.value) !== JSON.stringify(value)) this.fields.set(path, { value, managers: new Set([manager]) });
    }
  }

  /** The HPA controller scaling the object (an update of the scale subresource). */
  scale(replicas: number): void {
    this.fields.set("spec.replicas", { value: replicas, managers: new Set(["kube-controller-manager"]) });
  }

  /** What the object runs: its replicas, or the API's default of 1. */
  get replicas(): number {
    return (this.fields.get("spec.replicas")?.value as number | undefined) ?? 1;
  }

  /** The live object, rebuilt from its fields. */
  get object(): Obj {
    const out: Obj = {};
    for (const [path, { value }] of this.fields) {
      const keys = splitPath(path);
      let at = out;
      for (const k of keys.slice(0, -1)) at = at[k] ??= {};
      at[keys[keys.length - 1]!] = value;
    }
    return relist(out) as Obj;
  }
}

/** Path segments: dots separate keys, except inside a named item's brackets. */
const splitPath = (path: string) => path.match(/\[[^\]]*\]|[^.]+/g)!;

/** A named list item is written `[name=<name>]`; the rebuilt object turns such keys back into lists. */
function relist(o: unknown): unknown {
  if (!o || typeof o !== "object" || Array.isArray(o)) return o;
  const entries = Object.entries(o as Obj);
  if (entries.length && entries.every(([k]) => k.startsWith("[name="))) return entries.map(([, v]) => relist(v));
  return Object.fromEntries(entries.map(([k, v]) => [k, relist(v)]));
}

function leaves(value: unknown, atomic: readonly string[], at = "", out = new Map<string, unknown>()): Map<string, unknown> {
  const named = Array.isArray(value) && value.length > 0 && value.every((v) => v && typeof v === "object" && typeof (v as Obj).name === "string");
  if (named) for (const v of value as Obj[]) leaves(v, atomic, `${at}.[name=${v.name}]`, out);
  else if (value && typeof value === "object" && !Array.isArray(value) && !atomic.includes(at))
    for (const [k, v] of Object.entries(value)) leaves(v, atomic, at ? `${at}.${k}` : k, out);
  else out.set(at, value);
  return out;
}

/** A plan's object of a type and name: its metadata and spec, and whether Pulumi forces its apply. */
export function planned(run: PlanRun, type: string, name: string): { manifest: Obj; force: boolean; ignoreChanges: string[] } {
  const r = ofType(run, type).find((x) => (x.inputs as Obj).metadata.name === name)!;
  const o = r.inputs as Obj;
  return {
    manifest: { metadata: o.metadata, spec: o.spec },
    force: o.metadata.annotations?.["pulumi.com/patchForce"] === "true",
    ignoreChanges: r.ignoreChanges ?? [],
  };
}

/**
 * A `pulumi up` of one plan object onto the live object, as Pulumi's provider
 * applies it (field manager `pulumi`): a field named in ignoreChanges that
 * another manager owns and Pulumi does not is left out of the apply
 * (pulumi-kubernetes provider/pkg/await/await.go handleSSAIgnoreFields,
 * checked 2026-12-07).
 */
export function up(live: LiveObject, run: PlanRun, type: string, name: string): string[] {
  const { manifest, force, ignoreChanges } = planned(run, type, name);
  const sent = JSON.parse(JSON.stringify(manifest)) as Obj;
  for (const path of ignoreChanges) {
    const f = live.fields.get(path);
    if (f && !f.managers.has(PULUMI)) {
      const keys = path.split(".");
      let at = sent;
      for (const k of keys.slice(0, -1)) at = at?.[k];
      if (at) delete at[keys[keys.length - 1]!];
    }
  }
  return live.apply(PULUMI, sent, force);
}
