/**
 * Every Helm release the program declares, in every shipped stack and every
 * fixture stack the config checks accept, rendered for real: `helm template`
 * on the vendored archive (charts/) with exactly the values the plan passes,
 * the cluster's Kubernetes minor and the CRDs included. A (chart, values)
 * pair that several stacks share renders once (and is cached on disk across
 * runs, scripts/charts/archives.ts).
 */
import * as fs from "fs";
import { parseAllDocuments } from "yaml";
import { helmChartName } from "../../lib/versions";
import { helmTemplate } from "../../scripts/charts/archives";
import type { PlanRun, PlannedResource } from "../../plan/engine";
import { FIXTURE_STACKS, SHIPPED_STACKS, ofType, plan } from "./plan";

export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered manifests are untyped nested data
export type K8sObject = Record<string, any>;

/** A stack by name, and where its file is (undefined: stacks/). */
export interface StackRef {
  stack: string;
  dir?: string;
}

/** Fixture stacks the config checks refuse by design (their tests say why); nothing is planned for them. */
const REFUSED_FIXTURES = ["bad-gpu", "bad-override", "bad-stage"];

/** Every stack whose plan declares resources: the shipped ones, then the fixtures but those refused. */
export const RENDERED_STACKS: StackRef[] = [
  ...SHIPPED_STACKS.map((stack) => ({ stack })),
  ...fs
    .readdirSync(FIXTURE_STACKS)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => !!s && !REFUSED_FIXTURES.includes(s))
    .sort()
    .map((stack) => ({ stack, dir: FIXTURE_STACKS })),
];

export interface RenderedRelease {
  /** The stacks that declare this release with these values ("mvp", "fixture gpu-mvp"). */
  stacks: string[];
  /** The Helm release resource of the first of them. */
  resource: PlannedResource;
  chart: string;
  version: string;
  release: string;
  namespace: string;
  kubeVersion: string;
  values: K8sObject;
  /** The rendered objects, CRDs first as Helm orders them. */
  objects: K8sObject[];
}

export interface RenderedStack {
  ref: StackRef;
  run: PlanRun;
  /** The releases of this stack, as rendered (shared with other stacks where identical). */
  releases: RenderedRelease[];
}

/** The Kubernetes minor of a plan's EKS cluster. */
function kubeVersionOf(run: PlanRun): string {
  const clusters = ofType(run, "aws:eks/cluster:Cluster");
  if (clusters.length !== 1) throw new Error(`${run.stack}: expected one EKS cluster beside Helm releases, found ${clusters.length}`);
  return String(clusters[0]!.inputs.version);
}

const parsedDocuments = new Map<string, K8sObject[]>();

/**
 * Parses `helm template` output into objects: empty documents dropped, and a
 * `v1 List` replaced by its items, as Helm sends them to the API server. A
 * document several renders share (a chart's CRDs, megabytes of them) is
 * parsed once.
 */
export function parseManifests(text: string): K8sObject[] {
  return text.split(/^---[ \t]*$/m).flatMap((doc) => {
    let objects = parsedDocuments.get(doc);
    if (!objects) {
      objects = parseAllDocuments(doc, { uniqueKeys: false })
        .map((d) => {
          if (d.errors.length) throw new Error(`helm template printed invalid YAML: ${d.errors[0]!.message}`);
          return d.toJS({ maxAliasCount: -1 }) as K8sObject | null;
        })
        .filter((o): o is K8sObject => o !== null && typeof o === "object")
        .flatMap((o) => (o.apiVersion === "v1" && o.kind === "List" ? ((o.items ?? []) as K8sObject[]) : [o]));
      parsedDocuments.set(doc, objects);
    }
    return objects;
  });
}

const rendered = new Map<string, RenderedRelease>();

/** Renders one release resource of a plan (memoised by chart and values). */
export function renderRelease(run: PlanRun, r: PlannedResource, stackLabel: string): RenderedRelease {
  const inputs = r.inputs as K8sObject;
  const args = {
    chart: helmChartName(inputs.chart),
    version: String(inputs.version),
    release: String(inputs.name ?? inputs.chart),
    namespace: String(inputs.namespace ?? "default"),
    kubeVersion: kubeVersionOf(run),
    values: (inputs.values ?? {}) as K8sObject,
  };
  const key = JSON.stringify(args);
  let out = rendered.get(key);
  if (!out) {
    out = { ...args, stacks: [], resource: r, objects: parseManifests(helmTemplate(args)) };
    rendered.set(key, out);
  }
  if (!out.stacks.includes(stackLabel)) out.stacks.push(stackLabel);
  return out;
}

export const stackLabel = (ref: StackRef) => (ref.dir ? `fixture ${ref.stack}` : ref.stack);

/** Every rendered stack, planned once per test file (shipped stacks once per run). */
export async function renderedStacks(): Promise<RenderedStack[]> {
  const out: RenderedStack[] = [];
  for (const ref of RENDERED_STACKS) {
    const run = await plan(ref.stack, ref.dir);
    out.push({ ref, run, releases: ofType(run, HELM_RELEASE).map((r) => renderRelease(run, r, stackLabel(ref))) });
  }
  return out;
}

/** The distinct rendered releases of the stacks. */
export function distinctReleases(stacks: RenderedStack[]): RenderedRelease[] {
  return [...new Set(stacks.flatMap((s) => s.releases))];
}
