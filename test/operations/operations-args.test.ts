/**
 * The operations components, Monitoring, Alerting (and its AlertTopic),
 * DatabaseBackup, ExternalHealthChecks and PredictionMonitoring, refuse bad
 * arguments by name, before they declare anything; every optional
 * argument has a default and a description; the stack config's overrides are
 * built from the same schemas and its problems name the stack key.
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { descriptionOf } from "../support/schema-walk";
import { ComponentArgsError, validateArgs } from "../../lib/validate";
import { MONITORING_TYPE, Monitoring } from "../../components/monitoring/monitoring";
import { AlertThresholdSettings, MonitoringArgsSchema, MonitoringSettings, monitoringProblems } from "../../components/monitoring/monitoring.schema";
import { ALERTING_TYPE, ALERT_TOPIC_TYPE, AlertTopic, Alerting } from "../../components/operations/alerting/alerting";
import {
  AlertTopicArgsSchema,
  AlertingArgsSchema,
  AlertingSettings,
  alertTopicProblems,
  alertingProblems,
} from "../../components/operations/alerting/alerting.schema";
import { DATABASE_BACKUP_TYPE, DatabaseBackup } from "../../components/operations/backup/database-backup";
import { DatabaseBackupArgsSchema, DatabaseBackupSettings, databaseBackupProblems } from "../../components/operations/backup/database-backup.schema";
import { EXTERNAL_HEALTH_CHECKS_TYPE, ExternalHealthChecks } from "../../components/operations/health-checks/health-checks";
import {
  ExternalHealthChecksArgsSchema,
  HealthChecksSettings,
  externalHealthChecksProblems,
} from "../../components/operations/health-checks/health-checks.schema";
import { PREDICTION_MONITORING_TYPE, PredictionMonitoring } from "../../components/operations/prediction-monitoring/prediction-monitoring";
import {
  PredictionMonitoringArgsSchema,
  PredictionMonitoringSettings,
  cronScheduleProblem,
  predictionMonitoringProblems,
} from "../../components/operations/prediction-monitoring/prediction-monitoring.schema";
import { AlertOverrides, BackupOverrides, HealthCheckOverrides, MonitoringOverrides, PredictionMonitoringOverrides } from "../../config/schema";
import { ConfigError } from "../../config/resolve";
import { resolveWithAccess as resolvePlatformSpec } from "../support/cluster-access";

const handle = { provider: {}, clusterName: "c", oidcProviderArn: "arn", oidcIssuerUrl: "https://oidc", ready: [] };
const TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:mlp-prod-alerts";

/** The minimal Args of each component: the required arguments only. */
const MINIMAL: Record<string, Record<string, unknown>> = {
  Monitoring: { cluster: handle, region: "us-east-1", alertTopicArn: TOPIC_ARN, pools: [] },
  Alerting: {},
  AlertTopic: {},
  DatabaseBackup: { databaseArn: "arn:aws:rds:us-east-1:123456789012:db:mlp-prod" },
  ExternalHealthChecks: { region: "us-east-1", environment: "prod", alertTopicArn: TOPIC_ARN },
  PredictionMonitoring: {
    cluster: handle,
    bucketName: "models",
    bucketArn: "arn:aws:s3:::models",
    region: "us-east-1",
    environment: "prod",
    image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/drift-report:1.4.0",
  },
};

type Validator = (args: unknown) => unknown;
const VALIDATE: Record<string, Validator> = {
  Monitoring: (a) => validateArgs(MONITORING_TYPE, "mlp-prod-monitoring", MonitoringArgsSchema, a, monitoringProblems),
  Alerting: (a) => validateArgs(ALERTING_TYPE, "mlp-prod-alerts", AlertingArgsSchema, a, alertingProblems),
  AlertTopic: (a) => validateArgs(ALERT_TOPIC_TYPE, "mlp-prod-alerts-topic", AlertTopicArgsSchema, a, alertTopicProblems),
  DatabaseBackup: (a) => validateArgs(DATABASE_BACKUP_TYPE, "mlp-prod-backup", DatabaseBackupArgsSchema, a, databaseBackupProblems),
  ExternalHealthChecks: (a) =>
    validateArgs(EXTERNAL_HEALTH_CHECKS_TYPE, "mlp-prod-health-checks", ExternalHealthChecksArgsSchema, a, externalHealthChecksProblems),
  PredictionMonitoring: (a) =>
    validateArgs(PREDICTION_MONITORING_TYPE, "mlp-prod-prediction-monitoring", PredictionMonitoringArgsSchema, a, predictionMonitoringProblems),
};

function refusal(run: () => unknown, what: string): ComponentArgsError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ComponentArgsError);
    return err as ComponentArgsError;
  }
  throw new Error(`accepted ${what}`);
}

describe("a bad argument to each operations component is refused, naming the argument and the value", () => {
  it.each<[string, string, Record<string, unknown>, string, RegExp]>([
    ["Monitoring", "no retention", { retentionDays: 0 }, "retentionDays", /at least 1/],
    ["Monitoring", 'a receiver named "null"', { receivers: [{ name: "null", severities: ["critical"] }] }, "receivers[0].name", /reserved/],
    ["Monitoring", "the heartbeat's receiver name", { receivers: [{ name: "watchdog-heartbeat", severities: ["critical"] }] }, "receivers[0].name", /reserved/],
    [
      "Monitoring",
      "a receiver topic that is not an SNS ARN",
      { receivers: [{ name: "oncall", severities: ["critical"], topicArn: "oncall" }] },
      "receivers[0].topicArn",
      /SNS topic ARN/,
    ],
    [
      "Monitoring",
      "a volume too small for the retention",
      { retentionDays: 30, prometheusStorageGb: 10, expectedActiveSeries: 150_000 },
      "prometheusStorageGb",
      /silently keep fewer days/,
    ],
    [
      "Monitoring",
      "a price for a pool that does not exist",
      { pools: [{ name: "inference", kind: "gpu", maxNodes: 2 }], gpuPrices: [{ nodeGroup: "training", instanceType: "g5.xlarge", usdPerHour: 1 }] },
      "gpuPrices[0].nodeGroup",
      /not a GPU pool/,
    ],
    ["Monitoring", "an error ratio of 5 (not a share)", { thresholds: { servingErrorRatio: 5 } }, "thresholds.servingErrorRatio", /share of requests/],
    ["Monitoring", "a made-up region", { region: "us-east-9" }, "region", /AWS region/],
    ["Alerting", "an address that is not one", { emails: ["oncall"] }, "emails[0]", /e-mail address/],
    ["Alerting", "one mailbox twice (case differs)", { emails: ["oncall@example.com", "OnCall@example.com"] }, "emails[1]", /repeats emails\[0\]/],
    ["Alerting", "a CPU threshold of 100 %", { databaseCpuPercent: 100 }, "databaseCpuPercent", /1-99/],
    [
      "Alerting",
      "a class without a known max_connections",
      { database: { instanceIdentifier: "db", instanceClass: "db.x9z.large", allocatedStorageGb: 100, maxAllocatedStorageGb: 200 } },
      "databaseMaxConnections",
      /is required/,
    ],
    ["AlertTopic", "a plain-http endpoint", { httpsEndpoints: ["http://pager.example.com/sns"] }, "httpsEndpoints[0]", /https:\/\//],
    ["DatabaseBackup", "no database", { databaseArn: undefined }, "databaseArn", /is required/],
    ["DatabaseBackup", "a monthly retention under a month", { monthlyRetentionDays: 20 }, "monthlyRetentionDays", /outlive a month/],
    [
      "DatabaseBackup",
      "monthly snapshots kept no longer than daily ones",
      { dailyRetentionDays: 35, monthlyRetentionDays: 35 },
      "monthlyRetentionDays",
      /longer than dailyRetentionDays \(35\)/,
    ],
    ["DatabaseBackup", "a start inside the RDS backup window", { startHourUtc: 3 }, "startHourUtc", /RDS backup window \(03:00-04:00/],
    ["DatabaseBackup", "hour 24", { startHourUtc: 24 }, "startHourUtc", /0-23/],
    [
      "ExternalHealthChecks",
      "a 15-second interval",
      { publicEndpoints: [{ name: "models", host: "models.example.com" }], requestIntervalSeconds: 15 },
      "requestIntervalSeconds",
      /every 10 or 30 seconds/,
    ],
    ["ExternalHealthChecks", "a failure threshold of 11", { failureThreshold: 11 }, "failureThreshold", /1-10/],
    ["ExternalHealthChecks", "run data kept beyond Synthetics' 455 days", { canaryArtifactRetentionDays: 500 }, "canaryArtifactRetentionDays", /455/],
    [
      "ExternalHealthChecks",
      "internal URLs without a VPC",
      { internalUrls: [{ name: "mlflow", url: "http://mlflow.internal/health" }] },
      "vpcId",
      /required with internalUrls/,
    ],
    [
      "ExternalHealthChecks",
      "an endpoint named like the canary's alarm",
      { publicEndpoints: [{ name: "internal", host: "models.example.com" }] },
      "publicEndpoints[0].name",
      /reserved/,
    ],
    [
      "ExternalHealthChecks",
      "two endpoints of one name",
      {
        publicEndpoints: [
          { name: "models", host: "a.example.com" },
          { name: "models", host: "b.example.com" },
        ],
      },
      "publicEndpoints[1].name",
      /unique/,
    ],
    ["PredictionMonitoring", "an unpinned image", { image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/drift-report" }, "image", /pin a tag or digest/],
    ["PredictionMonitoring", "the latest tag", { image: "drift-report:latest" }, "image", /not the tag latest/],
    ["PredictionMonitoring", "hour 25", { schedule: "0 25 * * *" }, "schedule", /hour "25": values are 0-23/],
    ["PredictionMonitoring", "a time zone in the schedule", { schedule: "CRON_TZ=Europe/Berlin 0 6 * * *" }, "schedule", /time zone/],
    ["PredictionMonitoring", "six fields", { schedule: "0 0 6 * * *" }, "schedule", /5 fields/],
    [
      "PredictionMonitoring",
      "reports written among the predictions",
      { reportsPrefix: "predictions/reports/" },
      "reportsPrefix",
      /must not overlap predictionsPrefix/,
    ],
    ["PredictionMonitoring", "a prefix without its slash", { predictionsPrefix: "predictions" }, "predictionsPrefix", /ending in "\/"/],
  ])("%s: %s", (component, _what, bad, argPath, message) => {
    const args = { ...MINIMAL[component], ...bad };
    const err = refusal(() => VALIDATE[component]!(args), JSON.stringify(bad));
    expect(err.message).toContain(`${component} "`);
    expect(err.problems).toContainEqual(expect.objectContaining({ path: argPath, message: expect.stringMatching(message) }));
    const problem = err.problems.find((p) => p.path === argPath)!;
    expect(err.message).toContain(`- ${argPath}: ${problem.message} (got `);
  });

  it("the good cron forms pass: fields, lists, ranges, steps, names and macros", () => {
    for (const ok of ["0 6 * * *", "*/15 * * * *", "0 6 1,15 * mon-fri", "30 2 * jan-mar 0", "0 0-23/2 * * *", "@daily", "@hourly"])
      expect({ ok, why: cronScheduleProblem(ok) }).toEqual({ ok, why: undefined });
    for (const bad of ["@every 5m", "60 * * * *", "0 6 * 13 *", "0 6 * * 8", "0 6 5-1 * *", "0 6 * * */0"])
      expect({ bad, why: cronScheduleProblem(bad) }).toEqual({ bad, why: expect.any(String) });
  });
});

describe("the constructors refuse before super(): no engine is needed to see the error", () => {
  // validateArgs is the constructor's first statement, so a refusal registers nothing (no mocks are set here).
  it.each<[string, () => unknown, string]>([
    ["Monitoring", () => new Monitoring("mlp-prod-monitoring", { ...MINIMAL.Monitoring!, retentionDays: 400 } as never), "retentionDays"],
    ["Alerting", () => new Alerting("mlp-prod-alerts", { emails: ["nope"] }), "emails[0]"],
    ["AlertTopic", () => new AlertTopic("mlp-prod-alerts-topic", { region: "mars-1" }), "region"],
    ["DatabaseBackup", () => new DatabaseBackup("mlp-prod-backup", { ...MINIMAL.DatabaseBackup!, startHourUtc: 3 } as never), "startHourUtc"],
    [
      "ExternalHealthChecks",
      () => new ExternalHealthChecks("mlp-prod-health-checks", { ...MINIMAL.ExternalHealthChecks!, failureThreshold: 0 } as never),
      "failureThreshold",
    ],
    [
      "PredictionMonitoring",
      () => new PredictionMonitoring("mlp-prod-prediction-monitoring", { ...MINIMAL.PredictionMonitoring!, schedule: "daily" } as never),
      "schedule",
    ],
  ])("%s", (_c, construct, argPath) => {
    const err = refusal(construct, argPath);
    expect(err.problems.map((p) => p.path)).toContain(argPath);
  });

  it.each([
    ["components/monitoring/monitoring.ts", "MonitoringArgsSchema"],
    ["components/operations/alerting/alerting.ts", "AlertingArgsSchema"],
    ["components/operations/alerting/alerting.ts", "AlertTopicArgsSchema"],
    ["components/operations/backup/database-backup.ts", "DatabaseBackupArgsSchema"],
    ["components/operations/health-checks/health-checks.ts", "ExternalHealthChecksArgsSchema"],
    ["components/operations/prediction-monitoring/prediction-monitoring.ts", "PredictionMonitoringArgsSchema"],
  ])("%s: validateArgs(..., %s, args, ...) comes before super()", (file, schema) => {
    const text = fs.readFileSync(path.join(__dirname, "..", "..", file), "utf8");
    const at = text.search(new RegExp(`validateArgs\\([A-Z_]+, name, ${schema}, args`));
    expect(at).toBeGreaterThan(0);
    const constructor = text.lastIndexOf("  constructor(", at);
    expect(constructor).toBeGreaterThan(0);
    expect(at).toBeLessThan(text.indexOf("super(", constructor));
  });
});

describe("every optional argument has a default and a description", () => {
  // Optional arguments whose default is "none" or computed by the component, as their JSDoc says.
  const computed = [
    "alertTopicKeyArn",
    "heartbeatTopicArn",
    "expectedActiveSeries",
    "dcgmExporter",
    "database",
    "databaseMaxConnections",
    "region",
    "alertTopicArn",
    "expectedStorageGb",
    "vpcId",
    "vpcCidrBlock",
    "privateSubnetIds",
    "kmsKeyArn",
  ];
  it.each<[string, z.ZodObject]>([
    ["Monitoring", MonitoringArgsSchema],
    ["Alerting", AlertingArgsSchema],
    ["AlertTopic", AlertTopicArgsSchema],
    ["DatabaseBackup", DatabaseBackupArgsSchema],
    ["ExternalHealthChecks", ExternalHealthChecksArgsSchema],
    ["PredictionMonitoring", PredictionMonitoringArgsSchema],
  ])("%s: the required arguments alone make complete settings, and every field is described", (component, schema) => {
    const out = schema.parse(MINIMAL[component]) as Record<string, unknown>;
    const walk = (v: unknown, at: string): void => {
      if (v === undefined) throw new Error(`${component}: ${at} has no default`);
      if (v && typeof v === "object" && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype)
        for (const [k, x] of Object.entries(v)) walk(x, `${at}.${k}`);
    };
    for (const [k, v] of Object.entries(out)) if (!computed.includes(k) && k !== "cluster") walk(v, k);
    for (const [k, field] of Object.entries(schema.shape)) expect({ k, described: !!descriptionOf(field as z.ZodType) }).toEqual({ k, described: true });
  });

  it("the defaults are the documented ones", () => {
    const m = MonitoringArgsSchema.parse(MINIMAL.Monitoring);
    expect(m).toMatchObject({
      retentionDays: 15,
      prometheusStorageGb: 50,
      grafanaStorageGb: 10,
      alertmanagerStorageGb: 2,
      receivers: [{ name: "oncall", severities: ["critical"] }],
      gpuPrices: [],
      tags: {},
    });
    expect(m.thresholds).toEqual({
      servingErrorRatio: 0.05,
      servingLatencySeconds: 1,
      idleGpuMinutes: 30,
      pendingGpuPodMinutes: 15,
      restartsPer30m: 3,
      servingStartupSeconds: 600,
    });
    expect(AlertingArgsSchema.parse({})).toMatchObject({
      emails: [],
      httpsEndpoints: [],
      databaseCpuPercent: 80,
      databaseFreeStoragePercent: 10,
      databaseConnectionsPercent: 80,
      natGatewayIds: [],
      watchdogHeartbeat: false,
    });
    expect(DatabaseBackupArgsSchema.parse(MINIMAL.DatabaseBackup)).toMatchObject({
      dailyRetentionDays: 35,
      monthlyRetentionDays: 365,
      startHourUtc: 6,
      protect: true,
      forceDestroy: false,
    });
    expect(
      ExternalHealthChecksArgsSchema.parse({ ...MINIMAL.ExternalHealthChecks, publicEndpoints: [{ name: "models", host: "models.example.com" }] }),
    ).toMatchObject({
      publicEndpoints: [{ name: "models", host: "models.example.com", path: "/", port: 443 }],
      requestIntervalSeconds: 30,
      failureThreshold: 3,
      canaryIntervalMinutes: 5,
      canaryArtifactRetentionDays: 14,
    });
    expect(PredictionMonitoringArgsSchema.parse(MINIMAL.PredictionMonitoring)).toMatchObject({
      args: [],
      schedule: "0 6 * * *",
      predictionsPrefix: "predictions/",
      reportsPrefix: "prediction-reports/",
      cpuMillis: 500,
      memoryMiB: 2048,
      timeoutHours: 2,
    });
  });
});

describe("one source of truth: the operations overrides are the components' settings", () => {
  it.each<[string, z.ZodObject, z.ZodObject, Record<string, unknown>]>([
    ["monitoring", MonitoringSettings.omit({ thresholds: true }), MonitoringOverrides, { retentionDays: 0 }],
    // servingStartupSeconds is no stack key: the program takes it from the served models.
    [
      "monitoring thresholds",
      AlertThresholdSettings.omit({ restartsPer30m: true, servingStartupSeconds: true }),
      MonitoringOverrides,
      { servingErrorRatio: 1.5 },
    ],
    ["alerts", AlertingSettings, AlertOverrides, { emails: ["oncall"] }],
    ["backup", DatabaseBackupSettings, BackupOverrides, { monthlyRetentionDays: 20 }],
    ["healthChecks", HealthChecksSettings, HealthCheckOverrides, { requestIntervalSeconds: 15 }],
    ["predictionMonitoring", PredictionMonitoringSettings, PredictionMonitoringOverrides, { schedule: "0 25 * * *" }],
  ])("%s: every setting is a key of the overrides, with the component's own rule", (_piece, settings, overrides, bad) => {
    for (const key of Object.keys(settings.shape)) expect({ key, inOverrides: key in overrides.shape }).toEqual({ key, inOverrides: true });
    expect(overrides.safeParse({}).success).toBe(true);
    expect(settings.partial().safeParse(bad).success).toBe(false);
    expect(overrides.safeParse(bad).success).toBe(false);
  });
});

describe("the stack config runs the components' own rules and names the stack key", () => {
  const base = {
    "aws:region": "us-east-1",
    "ml-platform:stage": "seriesb",
    "ml-platform:environment": "prod",
    "ml-platform:tags": JSON.stringify({ owner: "o", costCenter: "c" }),
    // A model on the internet, for the Route 53 checks to check (config refuses them otherwise).
    "ml-platform:serving": JSON.stringify({
      models: [
        {
          name: "classifier",
          activeColor: "blue",
          blue: { image: "<registry>/models:1.4.0", modelUri: "s3://<models-bucket>/classifier/1.4.0/", replicas: 1 },
          green: { replicas: 0 },
          exposure: { type: "public", sourceRanges: ["198.18.0.0/24"] },
        },
      ],
    }),
  };
  const problems = (extra: Record<string, unknown>) => {
    try {
      resolvePlatformSpec({ ...base, ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [`ml-platform:${k}`, JSON.stringify(v)])) }, "t");
      return [];
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return e.problems.map((p) => `${p.key}: ${p.message} (got ${JSON.stringify(p.value)})`);
    }
  };

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      "backup inside the RDS backup window",
      { backup: { startHourUtc: 3 } },
      /^ml-platform:backup\.startHourUtc: falls in the database's RDS backup window .* \(got 3\)$/,
    ],
    [
      "monthly no longer than daily",
      { backup: { dailyRetentionDays: 400, monthlyRetentionDays: 365 } },
      /^ml-platform:backup\.monthlyRetentionDays: must be longer than dailyRetentionDays \(400\).* \(got 365\)$/,
    ],
    [
      "a 15 s Route 53 interval",
      { healthChecks: { requestIntervalSeconds: 15 } },
      /^ml-platform:healthChecks\.requestIntervalSeconds: Route 53 checks every 10 or 30 seconds \(got 15\)$/,
    ],
    [
      "an endpoint named internal",
      { healthChecks: { publicEndpoints: [{ name: "internal", host: "models.example.com" }] } },
      /^ml-platform:healthChecks\.publicEndpoints\[0\]\.name: is reserved/,
    ],
    ["one mailbox twice", { alerts: { emails: ["a@example.com", "A@example.com"] } }, /^ml-platform:alerts\.emails\[1\]: repeats emails\[0\]/],
    [
      "reports among predictions",
      { predictionMonitoring: { image: "drift:1.0", reportsPrefix: "predictions/out/" } },
      /^ml-platform:predictionMonitoring\.reportsPrefix: must not overlap predictionsPrefix/,
    ],
    [
      "a bad cron hour",
      { predictionMonitoring: { image: "drift:1.0", schedule: "0 24 * * *" } },
      /^ml-platform:predictionMonitoring\.schedule: hour "24": values are 0-23/,
    ],
    [
      "a volume too small for the retention",
      { monitoring: { retentionDays: 60, prometheusStorageGb: 20 } },
      /^ml-platform:monitoring\.prometheusStorageGb: holds 16 GB of metrics .* \(got 20\)$/,
    ],
    [
      "a receiver named like the heartbeat",
      { monitoring: { receivers: [{ name: "watchdog-heartbeat", severities: ["critical"] }] } },
      /^ml-platform:monitoring\.receivers\[0\]\.name: is reserved/,
    ],
  ])("%s", (_what, extra, expected) => {
    expect(problems(extra)).toEqual([expect.stringMatching(expected)]);
  });

  it("the shipped Series B defaults pass, with Route 53's 30 s / 3 failures", () => {
    const spec = resolvePlatformSpec(
      { ...base, "ml-platform:healthChecks": JSON.stringify({ publicEndpoints: [{ name: "models", host: "models.example.com" }] }) },
      "t",
    );
    expect(spec.healthChecks.settings).toMatchObject({
      requestIntervalSeconds: 30,
      failureThreshold: 3,
      publicEndpoints: [{ name: "models", host: "models.example.com", path: "/", port: 443 }],
    });
  });
});
