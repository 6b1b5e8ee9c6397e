/**
 * Validates Kubernetes objects: built-in kinds against the Kubernetes
 * OpenAPI schemas (the kubernetes-models classes), custom resources against
 * the openAPIV3Schema of the CRD that defines them.
 *
 * A CRD schema is checked as the API server reads it, with one rule made
 * strict: a field an object schema does not declare is an error (the API
 * server would prune it, or refuse it under strict field validation), unless
 * the schema preserves unknown fields. Where a CRD is looser than the
 * generated models, it wins: e.g. a Prometheus' `volumeClaimTemplate` needs
 * no apiVersion or kind.
 */
import Ajv, { ValidateFunction } from "ajv";
import type { K8sObject } from "./releases";

type Schema = Record<string, unknown>;
interface Model {
  new (data: never): { validate(): void };
}

const models = new Map<string, Model | undefined>();

/** The kubernetes-models class of a built-in kind, or undefined. */
export function builtInModel(apiVersion: string, kind: string): Model | undefined {
  const key = `${apiVersion}/${kind}`;
  if (!models.has(key)) {
    let model: Model | undefined;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- one module per kind, chosen at run time
      model = (require(`kubernetes-models/${apiVersion}/${kind}`) as Record<string, Model>)[kind];
    } catch {
      model = undefined;
    }
    models.set(key, model);
  }
  return models.get(key);
}

/** A CRD schema with undeclared fields refused, as described above. */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== "object") return schema;
  const s = Object.fromEntries(
    Object.entries(schema as Schema).map(([k, v]) => [k, k === "enum" || k === "default" || k === "example" ? v : strict(v)]),
  ) as Schema;
  if (s["x-kubernetes-embedded-resource"] === true) {
    s.properties = { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" }, ...(s.properties as Schema) };
  }
  if (s.properties && s.additionalProperties === undefined && s["x-kubernetes-preserve-unknown-fields"] !== true) s.additionalProperties = false;
  return s;
}

/**
 * CRD patterns are Go (RE2) regular expressions: a flag group `(?i)`, which
 * JavaScript lacks, becomes the `i` flag of the whole pattern (the CRDs put
 * it where it applies to all of it, e.g. `^(?i)(abort|warn)?$`).
 */
const goRegExp = Object.assign(
  (source: string, flags: string) => {
    const js = source.replaceAll("(?i)", "");
    return new RegExp(js, js === source ? flags : `${flags}i`);
  },
  { code: "new RegExp" },
);

/** The custom resource kinds some CRDs define, each served version with its validator. */
export class CrdSchemas {
  private readonly schemas = new Map<string, unknown>();
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false, code: { regExp: goRegExp } });

  constructor(crds: K8sObject[]) {
    for (const crd of crds) {
      const { group, names, versions } = crd.spec as {
        group: string;
        names: { kind: string };
        versions: { name: string; served: boolean; schema?: { openAPIV3Schema: unknown } }[];
      };
      for (const v of versions) if (v.served && v.schema) this.schemas.set(`${group}/${v.name}/${names.kind}`, v.schema.openAPIV3Schema);
    }
  }

  /** Whether a CRD defines this kind at this apiVersion. */
  has(apiVersion: string, kind: string): boolean {
    return this.schemas.has(`${apiVersion}/${kind}`);
  }

  /** Problems of a custom resource against its CRD; [] when valid. */
  problems(obj: K8sObject): string[] {
    const key = `${obj.apiVersion}/${obj.kind}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      const schema = this.schemas.get(key);
      if (!schema) return [`no CRD defines ${key}`];
      validate = this.ajv.compile(strict(schema) as Schema);
      this.compiled.set(key, validate);
    }
    if (validate(obj)) return [];
    return (validate.errors ?? []).map(
      (e) => `${e.instancePath || "/"} ${e.message}${e.params && "additionalProperty" in e.params ? `: ${String(e.params.additionalProperty)}` : ""}`,
    );
  }
}

const checked = new WeakMap<K8sObject, string[]>();

/** Problems of one object: against its built-in schema or its CRD; [] when valid. Memoised per object (renders share parsed documents). */
export function objectProblems(obj: K8sObject, crds: CrdSchemas): string[] {
  if (!checked.has(obj)) checked.set(obj, validateObject(obj, crds));
  return checked.get(obj)!;
}

function validateObject(obj: K8sObject, crds: CrdSchemas): string[] {
  const { apiVersion, kind } = obj as { apiVersion?: string; kind?: string };
  if (!apiVersion || !kind) return ["no apiVersion or kind"];
  if (crds.has(apiVersion, kind)) return crds.problems(obj);
  const Model = builtInModel(apiVersion, kind);
  if (!Model) return [`${apiVersion} ${kind} is neither a built-in kind nor defined by a CRD the charts ship`];
  try {
    new Model(obj as never).validate();
    return [];
  } catch (e) {
    return [String((e as Error).message)];
  }
}
