/**
 * The alert rules under Prometheus's own tools: the rule groups the
 * TypeScript builders produce are written to a temporary directory as YAML,
 * then `promtool check rules` validates them (PromQL, durations, templates)
 * and `promtool test rules` runs the unit tests in test/monitoring/promtool/*.yml
 * against them: each alert fires on a series that should trigger it and
 * stays quiet on a healthy one. promtool runs twice for all groups.
 *
 * The Alertmanager configuration goes through `amtool check-config`, and its
 * routing tree through `amtool config routes test`.
 *
 * promtool and amtool come from Debian's `prometheus` and
 * `prometheus-alertmanager` packages; .ci/run unpacks them into
 * .cache/promtool. Without them the suites print one line and skip.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { DEFAULT_THRESHOLDS, RuleGroup, RuleSettings, alertNames, isAlertingRule, platformRuleGroups } from "../../components/monitoring/rules";
import { alertmanagerConfig } from "../../components/monitoring/values";

/** The settings the YAML tests in test/monitoring/promtool/ are written for (their comments repeat them). */
export const PROMTOOL_SETTINGS: RuleSettings = {
  ...DEFAULT_THRESHOLDS,
  pools: [
    { name: "system", kind: "system", maxNodes: 6 },
    { name: "inference", kind: "gpu", maxNodes: 4 },
    { name: "training", kind: "gpu", maxNodes: 2 },
  ],
  gpuPrices: [
    { nodeGroup: "inference", instanceType: "g5.xlarge", usdPerHour: 1.006 },
    { nodeGroup: "training", instanceType: "g5.12xlarge", usdPerHour: 5.672 * 0.45 },
  ],
};

const TESTS_DIR = path.join(__dirname, "promtool");
const REPO = path.join(__dirname, "..", "..");

function findTool(tool: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), path.join(REPO, ".cache", "promtool", "usr", "bin")];
  for (const dir of dirs) {
    const candidate = path.join(dir, tool);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The groups as promtool's unit tests see them: annotations are dropped
 * because promtool compares them verbatim with every expected alert; `check
 * rules` validates their templates on the complete file.
 */
function withoutAnnotations(groups: RuleGroup[]): RuleGroup[] {
  return groups.map((g) => ({ ...g, rules: g.rules.map((r) => (isAlertingRule(r) ? { ...r, annotations: undefined as never } : r)) }));
}

const promtool = findTool("promtool");
const amtool = findTool("amtool");
const testFiles = fs
  .readdirSync(TESTS_DIR)
  .filter((f) => f.endsWith(".yml"))
  .sort();
const groups = platformRuleGroups(PROMTOOL_SETTINGS);

type UnitTests = { rule_files: string[]; tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[] };
const unitTests = testFiles.map((f) => ({ file: f, doc: parse(fs.readFileSync(path.join(TESTS_DIR, f), "utf8")) as UnitTests }));

describe("promtool unit tests cover every alert", () => {
  // Pure checks on the YAML files: they run with or without promtool.
  test("each alert fires in at least one test and stays quiet in another", () => {
    const cases = unitTests.flatMap((u) => u.doc.tests.flatMap((t) => t.alert_rule_test ?? []));
    for (const name of alertNames(groups)) {
      const mine = cases.filter((c) => c.alertname === name);
      expect({ name, fires: mine.some((c) => c.exp_alerts.length > 0) }).toEqual({ name, fires: true });
      expect({ name, quiet: mine.some((c) => c.exp_alerts.length === 0) }).toEqual({ name, quiet: true });
    }
  });

  test("the tests only name alerts the rules define", () => {
    const known = new Set(alertNames(groups));
    const named = unitTests.flatMap((u) => u.doc.tests.flatMap((t) => (t.alert_rule_test ?? []).map((c) => c.alertname)));
    expect(named.filter((n) => !known.has(n))).toEqual([]);
  });
});

const withPromtool = promtool ? describe : describe.skip;
if (!promtool) process.stdout.write("promtool not found on PATH or in .cache/promtool: alert rule unit tests skipped (bash .ci/run installs it)\n");

withPromtool("promtool", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlp-promtool-"));
    fs.writeFileSync(path.join(dir, "ml-platform-rules-full.yml"), stringify({ groups }));
    fs.writeFileSync(path.join(dir, "ml-platform-rules.yml"), stringify({ groups: withoutAnnotations(groups) }));
    for (const f of testFiles) fs.copyFileSync(path.join(TESTS_DIR, f), path.join(dir, f));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[]) => {
    const r = spawnSync(promtool!, args, { cwd: dir, encoding: "utf8", timeout: 60_000 });
    return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
  };

  test("promtool check rules accepts every rule group", () => {
    const r = run(["check", "rules", "ml-platform-rules-full.yml"]);
    expect(r.output).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });

  test("promtool test rules passes the unit tests in test/monitoring/promtool", () => {
    const r = run(["test", "rules", ...testFiles]);
    if (r.status !== 0) throw new Error(r.output);
    expect(r.status).toBe(0);
  });

  test("a broken rule fails promtool check (the check is real)", () => {
    const broken = { groups: [{ name: "broken", rules: [{ alert: "Broken", expr: "sum by (node (DCGM_FI_DEV_GPU_UTIL)", for: "5m" }] }] };
    fs.writeFileSync(path.join(dir, "broken.yml"), stringify(broken));
    expect(run(["check", "rules", "broken.yml"]).status).not.toBe(0);
  });
});

const withAmtool = amtool ? describe : describe.skip;
if (!amtool) process.stdout.write("amtool not found on PATH or in .cache/promtool: Alertmanager config checks skipped (bash .ci/run installs it)\n");

withAmtool("amtool", () => {
  let dir: string;
  const own = "arn:aws:sns:us-east-1:123456789012:platform-team";
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlp-amtool-"));
    const config = alertmanagerConfig({
      region: "us-east-1",
      alertTopicArn: "arn:aws:sns:us-east-1:123456789012:mlp-prod-alerts",
      receivers: [
        { name: "oncall", severities: ["critical"] },
        { name: "platform-team", severities: ["critical", "warning"], topicArn: own },
      ],
    });
    fs.writeFileSync(path.join(dir, "alertmanager.yml"), stringify(config));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[]) => spawnSync(amtool!, args, { cwd: dir, encoding: "utf8", timeout: 60_000 });

  test("amtool check-config accepts the Alertmanager configuration (SNS receivers with sigv4)", () => {
    const r = run(["check-config", "alertmanager.yml"]);
    expect(`${r.stdout}${r.stderr}`).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });

  test("alerts route by severity; Watchdog and info go nowhere", () => {
    const route = (...labels: string[]) => run(["config", "routes", "test", "--config.file=alertmanager.yml", ...labels]).stdout.trim();
    expect(route("alertname=GpuNodeIdle", "severity=critical")).toBe("oncall,platform-team");
    expect(route("alertname=GpuNodeIdle", "severity=warning")).toBe("platform-team");
    expect(route("alertname=Watchdog", "severity=none")).toBe("null");
    expect(route("alertname=Something", "severity=info")).toBe("null");
  });
});
