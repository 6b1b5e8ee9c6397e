/**
 * The vendored chart archives (charts/): each Helm add-on's pin has its
 * archive, the archive is that chart at that version, its sum is recorded,
 * and nothing else lies there unaccounted for.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { chartOf } from "../../components/compute/addons/addon";
import { ADDONS } from "../../components/compute/addons/registry";
import type { ChartPin } from "../../lib/versions";
import { CHARTS_DIR, ChartRef, archivePath, helm, readTarGz, recordedSums, refreshChart, sha256 } from "../../scripts/charts/archives";

/** Charts vendored before any add-on pins them, with why. */
const VENDORED_AHEAD: ChartRef[] = [];

const PINS = ADDONS.flatMap((a) => chartOf(a) ?? []);

/** What is wrong between a pin and the archive at `file` (default: its vendored path), or []. */
function archiveProblems(pin: ChartRef, file = archivePath(pin)): string[] {
  const where = path.relative(process.cwd(), file);
  if (!fs.existsSync(file)) return [`${pin.chart} ${pin.version} is pinned but ${where} does not exist (npm run charts:refresh -- ${pin.chart})`];
  const files = readTarGz(file);
  const chartYaml = files.get(`${pin.chart}/Chart.yaml`);
  if (!chartYaml) return [`${where} has no ${pin.chart}/Chart.yaml: not the ${pin.chart} chart`];
  const meta = parse(chartYaml.toString("utf8")) as { name?: string; version?: string };
  const problems: string[] = [];
  if (meta.name !== pin.chart) problems.push(`${where}: Chart.yaml names ${meta.name}, the pin ${pin.chart}`);
  if (meta.version !== pin.version) problems.push(`${where}: Chart.yaml is version ${meta.version}, the pin ${pin.version}`);
  return problems;
}

describe("the vendored chart archives", () => {
  it("hold every chart an add-on pins, seven of them", () => {
    expect(PINS.map((p) => p.chart).sort()).toEqual([
      "argo-rollouts",
      "aws-load-balancer-controller",
      "cluster-autoscaler",
      "dcgm-exporter",
      "kube-prometheus-stack",
      "metrics-server",
      "nvidia-device-plugin",
    ]);
  });

  it.each(PINS.map((p): [string, ChartPin] => [`${p.chart} ${p.version}`, p]))("%s: the archive's Chart.yaml is the pinned chart and version", (_, pin) => {
    expect(archiveProblems(pin)).toEqual([]);
  });

  it("kube-prometheus-stack carries its subcharts at the versions its Chart.yaml requires", () => {
    const pin = PINS.find((p) => p.chart === "kube-prometheus-stack")!;
    const files = readTarGz(archivePath(pin));
    const deps = (parse(files.get("kube-prometheus-stack/Chart.yaml")!.toString("utf8")) as { dependencies: { name: string; version: string }[] }).dependencies;
    expect(deps.length).toBeGreaterThanOrEqual(4);
    for (const dep of deps) {
      const sub = files.get(`kube-prometheus-stack/charts/${dep.name}/Chart.yaml`);
      expect({ dep: dep.name, present: sub !== undefined }).toEqual({ dep: dep.name, present: true });
      const version = (parse(sub!.toString("utf8")) as { version: string }).version;
      // Exact versions, but for one "X.Y.*" range (the Windows exporter's, which we do not turn on).
      const range = new RegExp(`^${dep.version.replaceAll(".", "\\.").replace("*", "\\d+")}$`);
      expect({ dep: dep.name, version }).toEqual({ dep: dep.name, version: expect.stringMatching(range) });
    }
  });

  it("each archive matches the sum charts/SHA256SUMS records, and every archive there is pinned or named as vendored ahead", () => {
    const archives = fs.readdirSync(CHARTS_DIR).filter((f) => f.endsWith(".tgz"));
    const sums = recordedSums();
    expect([...sums.keys()].sort()).toEqual([...archives].sort());
    for (const f of archives) expect({ f, sha256: sha256(fs.readFileSync(path.join(CHARTS_DIR, f))) }).toEqual({ f, sha256: sums.get(f) });
    const accounted = [...PINS, ...VENDORED_AHEAD].map((p) => path.basename(archivePath(p)));
    expect(archives.sort()).toEqual(accounted.sort());
    for (const ahead of VENDORED_AHEAD) expect(archiveProblems(ahead)).toEqual([]);
  });

  describe("the check fails when a pin and its archive disagree", () => {
    const metricsServer = PINS.find((p) => p.chart === "metrics-server")!;

    it("a pin moved to a version with no archive", () => {
      expect(archiveProblems({ ...metricsServer, version: "3.13.2" })).toEqual([
        "metrics-server 3.13.2 is pinned but charts/metrics-server-3.13.2.tgz does not exist (npm run charts:refresh -- metrics-server)",
      ]);
    });

    it("an archive named for the pin that holds another version or chart", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlp-charts-"));
      try {
        const renamed = path.join(dir, "metrics-server-3.13.2.tgz");
        fs.copyFileSync(archivePath(metricsServer), renamed);
        expect(archiveProblems({ chart: "metrics-server", version: "3.13.2" }, renamed)).toEqual([
          expect.stringMatching(/metrics-server-3\.13\.2\.tgz: Chart\.yaml is version 3\.13\.1, the pin 3\.13\.2$/),
        ]);
        expect(archiveProblems({ chart: "dcgm-exporter", version: "3.13.1" }, renamed)).toEqual([
          expect.stringMatching(/has no dcgm-exporter\/Chart\.yaml: not the dcgm-exporter chart$/),
        ]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe("npm run charts:refresh", () => {
  let repoDir: string;
  let chartsDir: string;
  let server: ChildProcess;
  let url: string;
  beforeAll(async () => {
    // A chart repository on this machine: metrics-server 3.13.1 and its index, as helm repo index writes it. It is
    // served by another process, since helm runs synchronously here and would block a server in this one.
    repoDir = fs.mkdtempSync(path.join(os.tmpdir(), "mlp-chart-repo-"));
    chartsDir = fs.mkdtempSync(path.join(os.tmpdir(), "mlp-charts-"));
    fs.copyFileSync(archivePath({ chart: "metrics-server", version: "3.13.1" }), path.join(repoDir, "metrics-server-3.13.1.tgz"));
    const serve = `
      const fs = require("fs"), path = require("path"), dir = process.argv[1];
      const server = require("http").createServer((req, res) => {
        const file = path.join(dir, path.basename(req.url || ""));
        if (!fs.existsSync(file)) return void res.writeHead(404).end();
        res.writeHead(200).end(fs.readFileSync(file));
      });
      server.listen(0, "127.0.0.1", () => process.stdout.write(String(server.address().port) + "\\n"));`;
    server = spawn(process.execPath, ["-e", serve, repoDir], { stdio: ["ignore", "pipe", "inherit"] });
    const port = await new Promise<string>((resolve) => server.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim())));
    url = `http://127.0.0.1:${port}`;
    helm(["repo", "index", repoDir, "--url", url]);
  });
  afterAll(() => {
    server.kill();
    for (const d of [repoDir, chartsDir]) fs.rmSync(d, { recursive: true, force: true });
  });

  it("pulls the pinned version from the repository, replaces the chart's older archive, keeps the others and rewrites the sums", () => {
    fs.writeFileSync(path.join(chartsDir, "metrics-server-3.12.0.tgz"), "an older archive");
    fs.writeFileSync(path.join(chartsDir, "dcgm-exporter-4.8.2.tgz"), "another chart's archive");
    const archive = refreshChart({ chart: "metrics-server", version: "3.13.1", repo: url }, chartsDir);
    expect(fs.readdirSync(chartsDir).sort()).toEqual(["SHA256SUMS", "dcgm-exporter-4.8.2.tgz", "metrics-server-3.13.1.tgz"]);
    expect(sha256(fs.readFileSync(archive))).toBe(sha256(fs.readFileSync(path.join(repoDir, "metrics-server-3.13.1.tgz"))));
    expect(recordedSums(path.join(chartsDir, "SHA256SUMS"))).toEqual(
      new Map(["dcgm-exporter-4.8.2.tgz", "metrics-server-3.13.1.tgz"].map((f) => [f, sha256(fs.readFileSync(path.join(chartsDir, f)))])),
    );
    expect(archiveProblems({ chart: "metrics-server", version: "3.13.1" }, archive)).toEqual([]);
  });

  it("fails, changing nothing, when the repository has no such version", () => {
    const before = fs.readdirSync(chartsDir).sort();
    expect(() => refreshChart({ chart: "metrics-server", version: "3.99.0", repo: url }, chartsDir)).toThrow(/3\.99\.0/);
    expect(fs.readdirSync(chartsDir).sort()).toEqual(before);
  });
});
