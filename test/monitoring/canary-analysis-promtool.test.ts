/**
 * A canary's analysis (components/serving/canary.ts analysisTemplateManifest)
 * under Prometheus's own evaluator: each query of the AnalysisTemplate, with
 * the new version's pod template hash substituted as the AnalysisRun does,
 * is evaluated by `promtool test rules` (promql_expr_test) against synthetic
 * series of a stable version and a canary, then each metric's success and
 * failure conditions are applied to the values promtool computed. A bad
 * canary (10 % of requests 5xx, p95 around 2.4 s) fails both metrics; a
 * healthy one passes both, also one that never answered 5xx (so has no 5xx
 * series at all); a canary with no traffic, or no series, is neither, so the
 * release pauses instead of being promoted on no evidence.
 *
 * promtool comes from Debian's `prometheus` package (.ci/run unpacks it into
 * .cache/promtool); without it the promtool half skips.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { measurementVerdict } from "../../lib/rollout-analysis";
import { CANARY_HASH_ARG, analysisTemplateManifest } from "../../components/serving/canary";
import { withModelDefaults } from "../../components/serving/model-defaults";

const REPO = path.join(__dirname, "..", "..");
const promtool = [...(process.env.PATH ?? "").split(path.delimiter), path.join(REPO, ".cache", "promtool", "usr", "bin")]
  .map((d) => path.join(d, "promtool"))
  .find((f) => fs.existsSync(f));

const model = withModelDefaults({
  name: "ranker",
  release: "canary",
  image: "<registry>/models:2.1.0",
  modelUri: "s3://<models-bucket>/ranker/2.1.0/",
  gpus: 1,
  gpuPool: "inference",
  canary: { maxErrorRatio: 0.02, maxLatencySeconds: 0.5 },
});
const template = analysisTemplateManifest(model, "serving", "http://prometheus.test:9090");
const metrics = template.spec.metrics;
const STABLE = "5d8c7f9b6";
const BAD = "7f6d5c4b3";
const GOOD = "6c5b4a392";
const IDLE = "59a8b7c6d";
const CLEAN = "4b3a29187";
const ABSENT = "38a7b6c5d";

/** An AnalysisRun's query for one version: the template's, with the argument substituted. */
const queryFor = (metric: (typeof metrics)[number], hash: string) => metric.provider.prometheus.query.replaceAll(`{{args.${CANARY_HASH_ARG}}}`, hash);

/** A metric's verdict on a result vector, as argo-rollouts evaluates it. */
const verdict = (metric: (typeof metrics)[number], result: number[]) => measurementVerdict(metric, result);

const serving = (metric: string, hash: string, extra: string) =>
  `${metric}{ml_platform_component="serving", namespace="serving", model="ranker", rollouts_pod_template_hash="${hash}", ${extra}}`;
/** Requests a minute: `errors` answered 500 and `ok` answered 200, for 40 minutes; no 500 series at all when `errors` is undefined. */
const requests = (hash: string, errors: number | undefined, ok: number) => [
  ...(errors === undefined ? [] : [{ series: serving("http_requests_total", hash, 'code="500"'), values: `0+${errors}x40` }]),
  { series: serving("http_requests_total", hash, 'code="200"'), values: `0+${ok}x40` },
];
/** A latency histogram whose requests (`perMinute`) all fall in the bucket ending at `le`. */
const durations = (hash: string, perMinute: number, le: number) =>
  [0.1, 0.5, 1, 2.5, "+Inf"].map((b) => ({
    series: serving("http_request_duration_seconds_bucket", hash, `le="${b}"`),
    values: b === "+Inf" || Number(b) >= le ? `0+${perMinute}x40` : "0+0x40",
  }));

/**
 * The synthetic cluster: the stable version healthy; a bad canary (6 of 60
 * requests a second fail, every request between 1 and 2.5 s); a healthy
 * canary (1 in 100 fails, every request under 0.1 s); a clean canary that
 * never answered 5xx, so has no 500 series; an idle canary with series but
 * no requests (and ABSENT: a version with no series at all).
 */
const SERIES = [
  ...requests(STABLE, 0, 6000),
  ...durations(STABLE, 6000, 0.1),
  ...requests(BAD, 360, 3240),
  ...durations(BAD, 3600, 2.5),
  ...requests(GOOD, 60, 5940),
  ...durations(GOOD, 6000, 0.1),
  ...requests(CLEAN, undefined, 6000),
  ...durations(CLEAN, 6000, 0.1),
  ...requests(IDLE, 0, 0),
  ...durations(IDLE, 0, 0.1),
];

/** What each query evaluates to at 20 minutes, per version: the values the conditions are then applied to. */
const EXPECTED: Record<string, Record<string, number[]>> = {
  "error-ratio": { [BAD]: [0.1], [GOOD]: [0.01], [STABLE]: [0], [CLEAN]: [0], [IDLE]: [Number.NaN], [ABSENT]: [] },
  // histogram_quantile interpolates inside the bucket: 1 + 0.95 x 1.5 s, and 0.95 x 0.1 s.
  "latency-p95": { [BAD]: [2.425], [GOOD]: [0.095], [STABLE]: [0.095], [CLEAN]: [0.095], [IDLE]: [Number.NaN], [ABSENT]: [] },
};

describe("a canary's analysis", () => {
  it("has one metric per serving alert expression, each with a success and a failure condition", () => {
    expect(metrics.map((m) => m.name)).toEqual(["error-ratio", "latency-p95"]);
  });

  it("fails a bad canary, passes a healthy one (with or without 5xx series), and is inconclusive without traffic (on the values promtool computes below)", () => {
    const verdicts = metrics.map((m) => ({
      metric: m.name,
      bad: verdict(m, EXPECTED[m.name]![BAD]!),
      good: verdict(m, EXPECTED[m.name]![GOOD]!),
      clean: verdict(m, EXPECTED[m.name]![CLEAN]!),
      idle: verdict(m, EXPECTED[m.name]![IDLE]!),
      absent: verdict(m, EXPECTED[m.name]![ABSENT]!),
    }));
    expect(verdicts).toEqual([
      { metric: "error-ratio", bad: "Failed", good: "Successful", clean: "Successful", idle: "Inconclusive", absent: "Inconclusive" },
      { metric: "latency-p95", bad: "Failed", good: "Successful", clean: "Successful", idle: "Inconclusive", absent: "Inconclusive" },
    ]);
  });

  it("waits a full rate window before the first measurement", () => {
    expect(metrics.map((m) => [m.interval, m.initialDelay])).toEqual([
      ["60s", "5m"],
      ["60s", "5m"],
    ]);
    expect(metrics.every((m) => /\[5m\]/.test(m.provider.prometheus.query))).toBe(true);
  });

  const withPromtool = promtool ? describe : describe.skip;
  if (!promtool) process.stdout.write("promtool not found on PATH or in .cache/promtool: canary analysis queries not evaluated (bash .ci/run installs it)\n");

  withPromtool("under promtool", () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlp-canary-promtool-"));
      fs.writeFileSync(path.join(dir, "none.yml"), stringify({ groups: [] }));
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** Runs promtool on one expression test per (metric, version) with the expected values; its output on failure. */
    const check = (expected: typeof EXPECTED) => {
      // promtool never finds NaN equal to NaN: a NaN result is checked as one sample, none of them a number (NaN == NaN drops it).
      const tests = metrics.flatMap((m) =>
        Object.entries(expected[m.name]!).flatMap(([hash, values]) => {
          const q = queryFor(m, hash);
          if (values.length === 0) return [{ expr: q, eval_time: "20m", exp_samples: [] }];
          if (values.every((v) => Number.isNaN(v)))
            return [
              { expr: `count(${q})`, eval_time: "20m", exp_samples: [{ labels: "{}", value: values.length }] },
              { expr: `count(${q} == ${q}) or vector(0)`, eval_time: "20m", exp_samples: [{ labels: "{}", value: 0 }] },
            ];
          return [
            { expr: q, eval_time: "20m", exp_samples: values.map((value) => ({ labels: `{model="ranker", rollouts_pod_template_hash="${hash}"}`, value })) },
          ];
        }),
      );
      const file = path.join(dir, "canary.yml");
      fs.writeFileSync(
        file,
        stringify({ rule_files: ["none.yml"], evaluation_interval: "1m", tests: [{ interval: "1m", input_series: SERIES, promql_expr_test: tests }] }),
      );
      const r = spawnSync(promtool!, ["test", "rules", "canary.yml"], { cwd: dir, encoding: "utf8", timeout: 60_000 });
      return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
    };

    it("each query gives the values the verdicts above were taken on: the canary's own, never the stable version's", () => {
      const r = check(EXPECTED);
      if (r.status !== 0) throw new Error(r.output);
    });

    it("the check is real: a wrong expected value fails it", () => {
      const wrong = { ...EXPECTED, "error-ratio": { ...EXPECTED["error-ratio"], [BAD]: [0.01] } };
      expect(check(wrong).status).not.toBe(0);
    });
  });
});
