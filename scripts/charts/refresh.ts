/**
 * `npm run charts:refresh -- <chart> [<version> <repository>]`: replaces the
 * vendored archive of a chart (charts/<chart>-<version>.tgz) with the one its
 * chart repository serves, through `helm pull`, and rewrites charts/SHA256SUMS.
 * For a chart an add-on pins, the version and repository are the pin's
 * (components/compute/addons/); another chart (one vendored ahead of the code
 * that installs it) names them. Needs the repository to be reachable; the
 * tests never do.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { chartOf } from "../../components/compute/addons/addon";
import { ADDONS } from "../../components/compute/addons/registry";
import { CHARTS_DIR, SUMS_FILE, archivePath, helm, readTarGz, sha256 } from "./archives";

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run charts:refresh -- <chart> [<version> <repository>]\n`);
  process.exit(2);
}

function main(argv: string[]) {
  const [chart, version, repo] = argv;
  if (!chart || argv.length === 2 || argv.length > 3) usage("name a chart, and its version and repository unless an add-on pins it");
  const pin = ADDONS.map(chartOf).find((p) => p?.chart === chart);
  const target = version && repo ? { chart, version, repo } : pin;
  if (!target) usage(`no add-on pins a chart named "${chart}" (pinned: ${ADDONS.flatMap((a) => chartOf(a)?.chart ?? []).join(", ")})`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlp-chart-"));
  try {
    helm(["pull", target.chart, "--repo", target.repo, "--version", target.version, "--destination", dir]);
    const pulled = path.join(dir, `${target.chart}-${target.version}.tgz`);
    const meta = parse(readTarGz(pulled).get(`${target.chart}/Chart.yaml`)?.toString("utf8") ?? "null") as { name?: string; version?: string } | null;
    if (meta?.name !== target.chart || meta.version !== target.version) {
      throw new Error(`${target.repo} served ${meta?.name} ${meta?.version} for ${target.chart} ${target.version}`);
    }
    const same = new RegExp(`^${target.chart.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-\\d+\\.\\d+\\.\\d+.*\\.tgz$`);
    for (const old of fs.readdirSync(CHARTS_DIR).filter((f) => same.test(f))) fs.rmSync(path.join(CHARTS_DIR, old));
    fs.copyFileSync(pulled, archivePath(target));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const archives = fs
    .readdirSync(CHARTS_DIR)
    .filter((f) => f.endsWith(".tgz"))
    .sort();
  fs.writeFileSync(SUMS_FILE, archives.map((f) => `${sha256(fs.readFileSync(path.join(CHARTS_DIR, f)))}  ${f}\n`).join(""));
  process.stdout.write(
    `${path.relative(process.cwd(), archivePath(target))}: ${target.chart} ${target.version} from ${target.repo}; charts/SHA256SUMS rewritten.\n` +
      "Record where it came from in charts/README.md, then run the tests: they render it with the program's values.\n",
  );
}

try {
  main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exitCode = 1;
}
