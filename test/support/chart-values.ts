/**
 * What a chart's values accept: its values.yaml, with each subchart's own
 * values.yaml under the subchart's key (its alias or name), as Helm merges
 * them, and the `.Values.<path>` its templates read (a chart documents some
 * optional keys only as comments in values.yaml, e.g. Grafana's
 * `persistence.storageClassName`). A key the chart never reads is silently
 * ignored by Helm, so every key path the program sets must be one of these.
 */
import { parse } from "yaml";
import { ChartRef, archivePath, readTarGz } from "../../scripts/charts/archives";

type Values = Record<string, unknown>;
const isMap = (v: unknown): v is Values => !!v && typeof v === "object" && !Array.isArray(v);

/** `over` merged onto `base`, maps key by key (Helm's coalescing of a parent's values onto a subchart's). */
function merge(base: unknown, over: unknown): unknown {
  if (!isMap(base) || !isMap(over)) return over === undefined ? base : over;
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

/** What a chart's values accept. */
export interface ChartValues {
  /** values.yaml, subcharts' merged in under their keys. */
  defaults: Values;
  /** Every dotted path after `.Values.` in the templates (a subchart's prefixed with its key). */
  read: Set<string>;
}

const cache = new Map<string, ChartValues>();

/** `.Values.a.b.c` paths in template text. */
function valuesPaths(text: string, prefix: string): string[] {
  return [...text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)].map((m) => prefix + m[1]!.slice(1));
}

/** The chart's default values and the paths its templates read, subcharts included. */
export function chartValues(ref: ChartRef): ChartValues {
  const key = `${ref.chart}-${ref.version}`;
  if (!cache.has(key)) {
    const files = readTarGz(archivePath(ref));
    const readYaml = (p: string) => (parse(files.get(p)?.toString("utf8") ?? "{}") ?? {}) as Values;
    const chartYaml = readYaml(`${ref.chart}/Chart.yaml`) as { dependencies?: { name: string; alias?: string }[] };
    let defaults: Values = readYaml(`${ref.chart}/values.yaml`);
    const subchartKeys = new Map<string, string>();
    for (const dep of chartYaml.dependencies ?? []) {
      const sub = `${ref.chart}/charts/${dep.name}/values.yaml`;
      if (!files.has(sub)) continue;
      const as = dep.alias ?? dep.name;
      subchartKeys.set(`${ref.chart}/charts/${dep.name}/`, `${as}.`);
      defaults = { ...defaults, [as]: merge(readYaml(sub), defaults[as]) };
    }
    const read = new Set<string>();
    for (const [file, body] of files) {
      if (!/\/templates\/.*\.(yaml|yml|tpl|txt)$/.test(file)) continue;
      const sub = [...subchartKeys.keys()].find((dir) => file.startsWith(dir));
      for (const p of valuesPaths(body.toString("utf8"), sub ? subchartKeys.get(sub)! : "")) read.add(p);
    }
    cache.set(key, { defaults, read });
  }
  return cache.get(key)!;
}

/** Whether a template reads the path, or something below it. */
const isRead = (chart: ChartValues, p: string) => chart.read.has(p) || [...chart.read].some((r) => r.startsWith(`${p}.`));

/**
 * The key paths of `values` the chart neither has in its values.yaml nor
 * reads in a template, each with why. Below a key whose default is an empty
 * map or null, or one listed in `freeForm` (a map the chart hands on whole,
 * e.g. extra command-line flags), any key is the user's to choose and is not
 * checked.
 */
export function unknownValuePaths(chart: ChartValues, values: unknown, freeForm: readonly string[] = []): string[] {
  const walk = (v: unknown, defaults: unknown, at: string): string[] => {
    if (!isMap(v)) return [];
    const out: string[] = [];
    for (const [k, child] of Object.entries(v)) {
      const p = at ? `${at}.${k}` : k;
      if (freeForm.includes(p)) continue;
      const d = isMap(defaults) ? defaults[k] : undefined;
      if (isMap(defaults) && k in defaults) {
        if (isMap(child) && d !== null && !isMap(d)) out.push(`${p}: a map, where the chart's default is ${JSON.stringify(d)}`);
        else if (isMap(d) && Object.keys(d).length > 0) out.push(...walk(child, d, p));
      } else if (!isRead(chart, p)) {
        out.push(`${p}: the chart has no such value`);
      } else if (isMap(child) && [...chart.read].some((r) => r.startsWith(`${p}.`)) && !chart.read.has(p)) {
        // Read key by key: each key below must be read too.
        out.push(...walk(child, undefined, p));
      }
    }
    return out;
  };
  return walk(values, chart.defaults, "");
}
