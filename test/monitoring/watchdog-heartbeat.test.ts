/**
 * The dead man's switch for in-cluster monitoring: Alertmanager routes the
 * always-firing Watchdog alert (and only it) to a heartbeat SNS topic every
 * 5 minutes, and a CloudWatch alarm on the topic's NumberOfMessagesPublished
 * pages the alert topic when fewer than 1 message arrived in each of 3
 * five-minute periods (missing data breaching). Where in-cluster monitoring
 * is off, there is neither topic nor alarm.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { HEARTBEAT_RECEIVER, alertmanagerConfig } from "../../components/monitoring/values";
import { watchdogHeartbeatAlarm } from "../../components/operations/alerting/alarms";
import { costOf } from "../../plan/report";
import type { PlannedResource } from "../../plan/engine";
import { ofType, one, plan } from "../support/plan";

const ALERTS = "arn:aws:sns:us-east-1:123456789012:mlp-prod-alerts";
const HEARTBEAT = "arn:aws:sns:us-east-1:123456789012:mlp-prod-alerts-heartbeat";
const receivers = [
  { name: "oncall", severities: ["critical" as const] },
  { name: "platform-team", severities: ["critical" as const, "warning" as const] },
];
const TOPIC = "aws:sns/topic:Topic";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

const dependsOn = (r: PlannedResource, property: string, on: PlannedResource) => (r.propertyDependencies[property] ?? []).includes(on.urn);

describe("Alertmanager routes Watchdog, and only Watchdog, to the heartbeat topic", () => {
  const config = alertmanagerConfig({ region: "us-east-1", alertTopicArn: ALERTS, receivers, heartbeatTopicArn: HEARTBEAT });

  it("the first route takes Watchdog to the heartbeat receiver every 5 minutes and does not continue", () => {
    expect(config.route.routes[0]).toEqual({
      receiver: HEARTBEAT_RECEIVER,
      matchers: ['alertname = "Watchdog"'],
      group_wait: "0s",
      group_interval: "1m",
      repeat_interval: "5m",
    });
    expect(config.route.routes.filter((r) => r.receiver === HEARTBEAT_RECEIVER)).toHaveLength(1);
    expect(config.receivers.find((r) => r.name === HEARTBEAT_RECEIVER)).toEqual({
      name: HEARTBEAT_RECEIVER,
      sns_configs: [{ topic_arn: HEARTBEAT, sigv4: { region: "us-east-1" }, subject: "Watchdog heartbeat", send_resolved: false }],
    });
    // No person's receiver publishes to the heartbeat topic.
    for (const r of config.receivers.filter((x) => x.name !== HEARTBEAT_RECEIVER)) expect(JSON.stringify(r)).not.toContain(HEARTBEAT);
  });

  it("without a heartbeat topic, Watchdog goes nowhere, as before", () => {
    const plain = alertmanagerConfig({ region: "us-east-1", alertTopicArn: ALERTS, receivers });
    expect(plain.route.routes[0]).toEqual({ receiver: "null", matchers: ['alertname = "Watchdog"'] });
    expect(plain.receivers.map((r) => r.name)).not.toContain(HEARTBEAT_RECEIVER);
  });

  it("a receiver may not take the heartbeat's name", () => {
    expect(() =>
      alertmanagerConfig({
        region: "us-east-1",
        alertTopicArn: ALERTS,
        receivers: [{ name: HEARTBEAT_RECEIVER, severities: ["critical"] }],
        heartbeatTopicArn: HEARTBEAT,
      }),
    ).toThrow(/reserved/);
  });
});

function findTool(tool: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), path.join(__dirname, "..", "..", ".cache", "promtool", "usr", "bin")];
  for (const dir of dirs) if (dir && fs.existsSync(path.join(dir, tool))) return path.join(dir, tool);
  return undefined;
}
const amtool = findTool("amtool");
const withAmtool = amtool ? describe : describe.skip;
if (!amtool)
  process.stdout.write("amtool not found on PATH or in .cache/promtool: the heartbeat routing test under amtool is skipped (bash .ci/run installs it)\n");

withAmtool("amtool config routes test: the heartbeat route", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlp-heartbeat-"));
    fs.writeFileSync(
      path.join(dir, "alertmanager.yml"),
      stringify(alertmanagerConfig({ region: "us-east-1", alertTopicArn: ALERTS, receivers, heartbeatTopicArn: HEARTBEAT })),
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[]) => spawnSync(amtool!, args, { cwd: dir, encoding: "utf8", timeout: 60_000 });
  const route = (...labels: string[]) => run(["config", "routes", "test", "--config.file=alertmanager.yml", ...labels]).stdout.trim();

  test("amtool check-config accepts it", () => {
    const r = run(["check-config", "alertmanager.yml"]);
    expect(`${r.stdout}${r.stderr}`).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });

  test("Watchdog goes to the heartbeat receiver alone; no other alert does", () => {
    expect(route("alertname=Watchdog", "severity=none")).toBe(HEARTBEAT_RECEIVER);
    // Even a Watchdog labelled critical stops at the heartbeat: the route does not continue.
    expect(route("alertname=Watchdog", "severity=critical")).toBe(HEARTBEAT_RECEIVER);
    expect(route("alertname=GpuNodeIdle", "severity=critical")).toBe("oncall,platform-team");
    expect(route("alertname=GpuNodeIdle", "severity=warning")).toBe("platform-team");
    expect(route("alertname=InfoInhibitor", "severity=none")).toBe("null");
    expect(route("alertname=Something", "severity=info")).toBe("null");
  });
});

describe("the heartbeat alarm", () => {
  it("fires when fewer than 1 message reached the topic in each of 3 five-minute periods, missing data breaching", () => {
    expect(watchdogHeartbeatAlarm()).toMatchObject({
      namespace: "AWS/SNS",
      dimension: "TopicName",
      metricName: "NumberOfMessagesPublished",
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "breaching",
      billedMetrics: 1,
    });
  });

  it("seriesb-prod: a heartbeat topic Alertmanager publishes to, and an alarm on it paging the alert topic, priced", async () => {
    const run = await plan("seriesb-prod");
    const heartbeat = one(run, TOPIC, "heartbeat");
    const alertTopic = one(run, TOPIC, "alerts-topic");
    // Encrypted with the alert topic's key, which Alertmanager's role may use.
    expect(dependsOn(heartbeat, "kmsMasterKeyId", one(run, "aws:kms/key:Key", "alerts"))).toBe(true);
    const alarm = one(run, ALARM, "watchdog-heartbeat");
    expect(alarm.inputs).toMatchObject({
      namespace: "AWS/SNS",
      metricName: "NumberOfMessagesPublished",
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 3,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "breaching",
    });
    expect(Object.keys(alarm.inputs.dimensions as object)).toEqual(["TopicName"]);
    expect(dependsOn(alarm, "dimensions", heartbeat)).toBe(true);
    expect(dependsOn(alarm, "alarmActions", alertTopic)).toBe(true);
    expect(dependsOn(alarm, "alarmActions", heartbeat)).toBe(false);
    // Alertmanager's role may publish there, and its config routes Watchdog there.
    const role = one(run, "aws:iam/rolePolicy:RolePolicy", "monitoring-alertmanager");
    expect(dependsOn(role, "policy", heartbeat)).toBe(true);
    const release = ofType(run, "kubernetes:helm.sh/v3:Release").find((r) => r.name.endsWith("kube-prometheus-stack"))!;
    expect(dependsOn(release, "values", heartbeat)).toBe(true);
    const am = (release.inputs.values as { alertmanager: { config: ReturnType<typeof alertmanagerConfig> } }).alertmanager.config;
    expect(am.route.routes[0]).toMatchObject({ receiver: HEARTBEAT_RECEIVER, matchers: ['alertname = "Watchdog"'], repeat_interval: "5m" });
    // One more standard alarm metric in the cost model.
    const line = costOf(run).byResource.find((l) => l.name === alarm.name);
    expect(line?.expectedMonthlyUsd).toBeGreaterThan(0);
  });

  it.each(["seriesb-dev", "mvp"])("%s: no in-cluster monitoring, so no heartbeat topic and no heartbeat alarm", async (stack) => {
    const run = await plan(stack);
    expect(ofType(run, TOPIC).filter((t) => t.name.includes("heartbeat"))).toEqual([]);
    expect(ofType(run, ALARM).filter((a) => a.name.includes("watchdog-heartbeat"))).toEqual([]);
  });
});
