/**
 * Operations, AWS side: the alert topic and its alarms, external
 * health checks, AWS Backup, the database restore path, prediction
 * monitoring, their cost and policies. Pure functions first, then the plans
 * of the shipped stacks (memoised) and one fixture stack.
 */
import * as http from "http";
import * as vm from "vm";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { ConfigError } from "../../config/resolve";
import { resolveWithAccess as resolvePlatformSpec } from "../support/cluster-access";
import { estimateCost } from "../../cost/model";
import {
  canaryAlarm,
  databaseAlarms,
  healthCheckAlarm,
  natGatewayAlarms,
  postgresMaxConnections,
  rdsMemoryGiB,
} from "../../components/operations/alerting/alarms";
import { backupRules } from "../../components/operations/backup/plan";
import { CANARY_URLS_ENV, canaryName, canaryRunsPerMonth, canarySchedule, canaryScript } from "../../components/operations/health-checks/canary";
import { alertKeyPolicy, alertPublisherPolicy, alertTopicPolicy } from "../../components/operations/alerting/iam";
import { predictionMonitorPolicy } from "../../components/operations/prediction-monitoring/iam";
import {
  predictionMonitorCronJob,
  predictionMonitorNamespace,
  predictionMonitorServiceAccount,
  predictionMonitoringSystemWorkloads,
  s3Uri,
} from "../../components/operations/prediction-monitoring/manifests";
import { parseSnapshotReference } from "../../components/data/snapshot";
import { EvalResource, evaluatePolicies, stagePolicyConfig } from "../../policies/evaluate";
import { alarmsNotifySomeone, backupRetentionMinimum, databaseInBackupPlan } from "../../policies/rules/operations";
import { costOf } from "../../plan/report";
import type { PlannedResource } from "../../plan/engine";
import { FIXTURE_STACKS, attachedTo, ofType, one, plan, planEdited } from "../support/plan";

const GIB = 1024 ** 3;
const TOPIC = "aws:sns/topic:Topic";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";
const CANARY = "aws:synthetics/canary:Canary";
const VAULT = "aws:backup/vault:Vault";
const PLAN = "aws:backup/plan:Plan";
const SELECTION = "aws:backup/selection:Selection";
const RDS = "aws:rds/instance:Instance";
const KEY = "aws:kms/key:Key";

type Doc = {
  Statement: {
    Sid?: string;
    Effect: string;
    Principal?: unknown;
    Action: string | string[];
    Resource?: unknown;
    Condition?: Record<string, Record<string, unknown>>;
  }[];
};
const statement = (doc: Doc, sid: string) => doc.Statement.find((s) => s.Sid === sid)!;
const actions = (s: { Action: string | string[] }) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

const dependsOn = (r: PlannedResource, prop: string, target: PlannedResource) => (r.propertyDependencies[prop] ?? []).includes(target.urn);

describe("alarm definitions (pure)", () => {
  it("derives RDS memory and PostgreSQL's default max_connections from the instance class", () => {
    expect(rdsMemoryGiB("db.t4g.small")).toBe(2);
    expect(rdsMemoryGiB("db.m6g.large")).toBe(8);
    expect(rdsMemoryGiB("db.r6g.xlarge")).toBe(32);
    expect(rdsMemoryGiB("db.x2g.large")).toBeUndefined();
    // LEAST(DBInstanceClassMemory/9531392, 5000)
    expect(postgresMaxConnections("db.t4g.small")).toBe(225);
    expect(postgresMaxConnections("db.m6g.large")).toBe(901);
    expect(postgresMaxConnections("db.r6g.16xlarge")).toBe(5000);
  });

  it("sets database thresholds from the instance's size: 10% of allocated storage in bytes, 80% of max_connections", () => {
    const [storage, cpu, connections] = databaseAlarms({
      instanceClass: "db.m6g.large",
      allocatedStorageGb: 100,
      maxAllocatedStorageGb: 500,
      cpuPercent: 80,
      freeStoragePercent: 10,
      connectionsPercent: 80,
    });
    expect(storage).toMatchObject({
      namespace: "AWS/RDS",
      dimension: "DBInstanceIdentifier",
      metricName: "FreeStorageSpace",
      statistic: "Minimum",
      comparisonOperator: "LessThanThreshold",
      threshold: 10 * GIB,
    });
    expect(storage!.description).toMatch(/autoscaling \(up to 500 GB\)/);
    expect(cpu).toMatchObject({
      metricName: "CPUUtilization",
      statistic: "Average",
      threshold: 80,
      comparisonOperator: "GreaterThanThreshold",
      period: 300,
      evaluationPeriods: 3,
    });
    expect(connections).toMatchObject({ metricName: "DatabaseConnections", threshold: 720 });
    const small = databaseAlarms({
      instanceClass: "db.t4g.small",
      allocatedStorageGb: 20,
      maxAllocatedStorageGb: 20,
      cpuPercent: 90,
      freeStoragePercent: 20,
      connectionsPercent: 50,
    });
    expect(small.map((a) => a.threshold)).toEqual([4 * GIB, 90, 112]);
    expect(small[0]!.description).toMatch(/Raise database.allocatedStorageGb/);
    expect(() =>
      databaseAlarms({
        instanceClass: "db.x2g.large",
        allocatedStorageGb: 20,
        maxAllocatedStorageGb: 20,
        cpuPercent: 80,
        freeStoragePercent: 10,
        connectionsPercent: 80,
      }),
    ).toThrow(/max_connections/);
  });

  it("watches NAT gateways for port allocation errors and a drop rate above 0.01% of packets", () => {
    const [ports, drops] = natGatewayAlarms();
    expect(ports).toMatchObject({
      namespace: "AWS/NATGateway",
      dimension: "NatGatewayId",
      metricName: "ErrorPortAllocation",
      statistic: "Sum",
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
    });
    expect(drops!.math!.metrics.map((m) => m.metricName)).toEqual(["PacketsDropCount", "PacketsInFromSource", "PacketsInFromDestination"]);
    expect(drops!.math!.expression).toContain("100 * drops / (fromSource + fromDestination)");
    expect(drops).toMatchObject({ threshold: 0.01, billedMetrics: 3 });
  });

  it("treats a silent health check or canary as down", () => {
    expect(healthCheckAlarm({ name: "m", host: "a.example.com", path: "/" })).toMatchObject({
      namespace: "AWS/Route53",
      metricName: "HealthCheckStatus",
      statistic: "Minimum",
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "breaching",
    });
    expect(canaryAlarm(5, ["http://x/healthz"])).toMatchObject({
      namespace: "CloudWatchSynthetics",
      metricName: "SuccessPercent",
      dimension: "CanaryName",
      period: 300,
      treatMissingData: "breaching",
    });
  });
});

describe("the canary (pure)", () => {
  it("counts billed runs from the schedule and keeps names short", () => {
    expect(canarySchedule(5)).toBe("rate(5 minutes)");
    expect(canarySchedule(1)).toBe("rate(1 minute)");
    expect(canaryRunsPerMonth("rate(5 minutes)")).toBe(8760);
    expect(canaryRunsPerMonth("rate(1 minute)")).toBe(43800);
    expect(canaryRunsPerMonth("rate(1 hour)")).toBe(730);
    expect(canaryRunsPerMonth("cron(0 * * * ? *)")).toBeUndefined();
    expect(canaryName("staging")).toBe("mlp-staging-health");
    const long = canaryName("a-very-long-environment");
    expect(long.length).toBeLessThanOrEqual(21);
    expect(long).toMatch(/^[a-z0-9_-]+$/);
  });

  it("its script passes on 2xx/3xx and fails the run naming the URL that answered 5xx or not at all", async () => {
    const server = http.createServer((req, res) => {
      res.statusCode = req.url === "/bad" ? 503 : req.url === "/moved" ? 302 : 200;
      res.end("x");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const run = async (paths: string[]) => {
      const module = { exports: {} as { handler?: () => Promise<string> } };
      const env = { [CANARY_URLS_ENV]: JSON.stringify(paths.map((p) => `http://127.0.0.1:${p === "/down" ? 1 : port}${p}`)) };
      vm.runInNewContext(canaryScript(), {
        module,
        exports: module.exports,
        require,
        process: { env },
        console: { log: () => undefined },
        Promise,
        JSON,
        Error,
      });
      return module.exports.handler!();
    };
    try {
      await expect(run(["/ok", "/moved"])).resolves.toBe("all 2 endpoints healthy");
      await expect(run(["/ok", "/bad"])).rejects.toThrow(/\/bad answered 503/);
      await expect(run(["/down"])).rejects.toThrow(/127\.0\.0\.1:1\/down/);
    } finally {
      // Node 20's global agent keeps connections alive: close them too, or the worker waits for their timeout.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("backup and restore (pure)", () => {
  it("keeps daily snapshots for the stage's days and, when set, first-of-month ones longer, outside the RDS backup and maintenance windows", () => {
    const prod = backupRules({ dailyRetentionDays: 35, monthlyRetentionDays: 365, startHourUtc: 6 });
    expect(prod.map((r) => [r.ruleName, r.schedule, r.deleteAfterDays])).toEqual([
      ["daily", "cron(0 6 * * ? *)", 35],
      ["monthly", "cron(0 6 1 * ? *)", 365],
    ]);
    expect(backupRules({ dailyRetentionDays: 7, monthlyRetentionDays: 0, startHourUtc: 6 }).map((r) => r.ruleName)).toEqual(["daily"]);
  });

  it("accepts the snapshot references RDS takes and refuses the rest with the reason", () => {
    expect(parseSnapshotReference("mlflow-before-migration")).toMatchObject({ kind: "manual", name: "mlflow-before-migration" });
    expect(parseSnapshotReference("rds:mlp-prod-metadata-postgres-2026-11-20-03-05")).toMatchObject({ kind: "automated" });
    expect(parseSnapshotReference("arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-0f1e2d3c", "us-east-1")).toMatchObject({
      kind: "aws-backup",
      region: "us-east-1",
      accountId: "123456789012",
    });
    expect(parseSnapshotReference("arn:aws:rds:eu-west-1:123456789012:snapshot:s1", "us-east-1")).toEqual({
      error: expect.stringMatching(/is in eu-west-1.*copy-db-snapshot/),
    });
    for (const bad of ["1snapshot", "snap--shot", "snap-", "snap_shot", "arn:aws:s3:::bucket"]) expect(parseSnapshotReference(bad)).toHaveProperty("error");
  });
});

describe("policy documents (pure)", () => {
  it("the alert key lets CloudWatch alarms (this account only) and EventBridge encrypt to the topic: the AWS managed SNS key would not", () => {
    const doc = alertKeyPolicy("123456789012", "aws") as Doc;
    const cw = statement(doc, "CloudWatchAlarmsPublish");
    expect(cw.Principal).toEqual({ Service: "cloudwatch.amazonaws.com" });
    expect(actions(cw).sort()).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
    expect(cw.Condition).toEqual({ StringEquals: { "aws:SourceAccount": "123456789012" } });
    expect(statement(doc, "EventBridgeRulesPublish").Principal).toEqual({ Service: "events.amazonaws.com" });
    expect(statement(doc, "AccountAdministersTheKey").Principal).toEqual({ AWS: "arn:aws:iam::123456789012:root" });
  });

  it("the topic takes alarms and events from this account, extra publisher roles when listed, and nothing without TLS", () => {
    const doc = alertTopicPolicy("arn:aws:sns:us-east-1:123456789012:t", "123456789012", ["arn:aws:iam::210987654321:role/am"]) as Doc;
    expect(statement(doc, "CloudWatchAlarmsPublish")).toMatchObject({
      Effect: "Allow",
      Action: "sns:Publish",
      Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
    });
    expect(statement(doc, "PublisherRoles").Principal).toEqual({ AWS: ["arn:aws:iam::210987654321:role/am"] });
    expect(statement(doc, "DenyInsecureTransport")).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    expect((alertTopicPolicy("t", "1") as Doc).Statement.map((s) => s.Sid)).not.toContain("PublisherRoles");
    const publisher = alertPublisherPolicy("topic-arn", "key-arn") as Doc;
    expect(publisher.Statement.map((s) => [actions(s), s.Resource])).toEqual([
      [["sns:Publish"], "topic-arn"],
      [["kms:GenerateDataKey*", "kms:Decrypt"], "key-arn"],
    ]);
  });

  it("the prediction monitor reads only the predictions prefix and writes only the reports prefix", () => {
    const doc = predictionMonitorPolicy({
      bucketArn: "arn:aws:s3:::models",
      predictionsPrefix: "/predictions",
      reportsPrefix: "prediction-reports/",
      region: "us-east-1",
    }) as Doc;
    const all = doc.Statement.flatMap(actions);
    expect(all.some((a) => a === "s3:*" || a === "s3:DeleteObject" || a.startsWith("kms:"))).toBe(false);
    expect(statement(doc, "ReadPredictions")).toMatchObject({ Action: "s3:GetObject", Resource: "arn:aws:s3:::models/predictions/*" });
    expect(statement(doc, "WriteReports").Resource).toBe("arn:aws:s3:::models/prediction-reports/*");
    expect(statement(doc, "ListOwnPrefixes").Condition).toEqual({
      StringLike: { "s3:prefix": ["predictions/", "predictions/*", "prediction-reports/", "prediction-reports/*"] },
    });
    const kms = predictionMonitorPolicy({
      bucketArn: "arn:aws:s3:::m",
      predictionsPrefix: "p/",
      reportsPrefix: "r/",
      kmsKeyArn: "key",
      region: "eu-west-1",
    }) as Doc;
    expect(statement(kms, "BucketKeyThroughS3")).toMatchObject({
      Resource: "key",
      Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
    });
  });
});

describe("prediction monitoring objects (pure)", () => {
  const job = predictionMonitorCronJob({
    image: "registry/drift:1.0",
    args: ["--window", "7d"],
    schedule: "0 6 * * *",
    predictionsUri: s3Uri("models-bucket", "predictions"),
    reportsUri: s3Uri("models-bucket", "prediction-reports/"),
    region: "us-east-1",
    environment: "prod",
    cpuMillis: 500,
    memoryMiB: 2048,
    timeoutHours: 2,
  });

  it("validate against the Kubernetes schema", () => {
    expect(() => new CronJob(job as never).validate()).not.toThrow();
    expect(() => new Namespace(predictionMonitorNamespace() as never).validate()).not.toThrow();
    expect(() => new ServiceAccount(predictionMonitorServiceAccount("arn:aws:iam::1:role/r") as never).validate()).not.toThrow();
  });

  it("run one report at a time on the system pool, as non-root, told where to read and write", () => {
    const pod = job.spec.jobTemplate.spec.template.spec;
    expect(job.spec.concurrencyPolicy).toBe("Forbid");
    expect(pod.nodeSelector).toEqual({ "ml-platform/pool": "system" });
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.containers[0]!.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(pod.containers[0]!.env).toEqual(
      expect.arrayContaining([
        { name: "PREDICTIONS_URI", value: "s3://models-bucket/predictions/" },
        { name: "REPORTS_URI", value: "s3://models-bucket/prediction-reports/" },
      ]),
    );
    expect(job.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(7200);
    expect(predictionMonitoringSystemWorkloads({ image: "x:1", cpuMillis: 500, memoryMiB: 2048 })).toEqual([
      { name: "prediction-monitor", replicas: 1, cpuMillis: 500, memoryMiB: 2048 },
    ]);
    expect(predictionMonitoringSystemWorkloads({ image: "", cpuMillis: 500, memoryMiB: 2048 })).toEqual([]);
  });
});

describe("cost of the operations pieces", () => {
  const r = (type: string, inputs: Record<string, unknown>, name = "x") => ({ urn: `urn:${type}:${name}`, type, name, inputs });

  it("prices alarms per billed metric, health checks with their HTTPS feature, canaries per run, backup storage per GB", () => {
    const report = estimateCost(
      [
        r(ALARM, { period: 300, metricName: "CPUUtilization" }, "simple"),
        r(
          ALARM,
          {
            metricQueries: [
              { id: "a", metric: { period: 300 } },
              { id: "b", metric: { period: 300 } },
              { id: "c", metric: { period: 300 } },
              { id: "e", expression: "a+b+c" },
            ],
          },
          "math",
        ),
        r(HEALTH_CHECK, { type: "HTTPS", requestInterval: 30 }),
        r(CANARY, { schedule: { expression: "rate(5 minutes)" } }),
        r(VAULT, {}, "vault"),
      ],
      "us-east-1",
      { storageGbByUrn: { [`urn:${VAULT}:vault`]: 150 } },
    );
    const cost = (name: string, type: string) => report.byResource.find((l) => l.name === name && l.type === type)!;
    expect(cost("simple", ALARM).expectedMonthlyUsd).toBe(0.1);
    expect(cost("math", ALARM).expectedMonthlyUsd).toBe(0.3);
    expect(cost("x", HEALTH_CHECK)).toMatchObject({ expectedMonthlyUsd: 1.5, worstCaseMonthlyUsd: 2.75 });
    expect(cost("x", CANARY).expectedMonthlyUsd).toBe(10.51);
    expect(cost("vault", VAULT).expectedMonthlyUsd).toBe(14.25);
    expect(report.unpriced).toEqual([]);
  });

  it("lists the SNS topic as usage-based, prices a us-east-1 alarm of another region's stack at us-east-1 prices, the rest at the stack region's, and leaves declared gaps unpriced", () => {
    expect(estimateCost([r(TOPIC, {})], "us-east-1").usageBased.find((u) => u.type === TOPIC)?.rate).toMatch(/\$0\.50 per million publishes/);
    const report = estimateCost(
      [r(ALARM, { period: 60, region: "us-east-1" }), r(ALARM, { period: 60 }, "local"), r(CANARY, { schedule: { expression: "rate(5 minutes)" } })],
      "eu-west-2",
    );
    expect(report.byResource.find((l) => l.type === ALARM && l.name === "x")?.basis).toMatch(/us-east-1/);
    expect(report.byResource.find((l) => l.type === ALARM && l.name === "local")?.basis).toMatch(/eu-west-2/);
    // eu-west-2 runs cost $0.0015 (CloudWatch price feed, source CWFEED, checked 2026-11-23): 8,760 x $0.0015.
    expect(report.byResource.find((l) => l.type === CANARY)?.expectedMonthlyUsd).toBe(13.14);
    expect(report.unpriced).toEqual([]);
    // AWS Backup's RDS snapshot storage has no eu-central-1 price (a declared gap): unpriced, not a number.
    expect(
      estimateCost([r(VAULT, {}, "vault")], "eu-central-1", { storageGbByUrn: { [`urn:${VAULT}:vault`]: 150 } }).unpriced.map((u) => [u.type, u.name]),
    ).toEqual([[VAULT, "vault"]]);
    // Route 53 has one global price: priced in every region with a table.
    expect(estimateCost([r(HEALTH_CHECK, { type: "HTTPS" })], "ap-south-1").byResource[0]?.expectedMonthlyUsd).toBe(1.5);
  });
});

describe("operations config", () => {
  const base = {
    "aws:region": "us-east-1",
    "ml-platform:stage": "seriesb",
    "ml-platform:environment": "prod",
    "ml-platform:tags": JSON.stringify({ owner: "o", costCenter: "c" }),
  };
  const problems = (extra: Record<string, unknown>, raw: Record<string, string> = base) => {
    try {
      resolvePlatformSpec({ ...raw, ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [`ml-platform:${k}`, JSON.stringify(v)])) }, "t");
      return [];
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return e.problems.map((p) => `${p.key}: ${p.message}`);
    }
  };

  it("names the key and what is wrong for bad receivers, endpoints, snapshots and report settings", () => {
    expect(problems({ alerts: { emails: ["not-an-address"] } })).toEqual([
      expect.stringMatching(/^ml-platform:alerts\.emails\[0\]: must be an e-mail address/),
    ]);
    expect(problems({ alerts: { httpsEndpoints: ["http://insecure.example.com"] } })).toEqual([
      expect.stringMatching(/alerts\.httpsEndpoints\[0\]: must be an https/),
    ]);
    expect(problems({ healthChecks: { publicEndpoints: [{ name: "m", host: "Models.Example.com" }] } })).toEqual(
      expect.arrayContaining([expect.stringMatching(/publicEndpoints\[0\]\.host/)]),
    );
    expect(problems({ database: { restoreFromSnapshot: "arn:aws:rds:eu-west-1:123456789012:snapshot:s1" } })).toEqual([
      expect.stringMatching(/^ml-platform:database\.restoreFromSnapshot: is in eu-west-1/),
    ]);
    expect(problems({ backup: { dailyRetentionDays: 0 } })).toEqual([
      expect.stringMatching(/backup\.dailyRetentionDays: dailyRetentionDays must be at least 1/),
    ]);
    expect(problems({ predictionMonitoring: { image: "drift-report" } })).toEqual([
      expect.stringMatching(/predictionMonitoring\.image: must pin a tag or digest/),
    ]);
    expect(problems({ predictionMonitoring: { image: "drift:1.0", bucket: "logs" } })).toEqual([
      expect.stringMatching(/predictionMonitoring\.bucket: must be one of the artifact buckets: datasets, models/),
    ]);
    expect(problems({ predictionMonitoring: { schedule: "0 1 * * *" } })).toEqual([
      expect.stringMatching(/predictionMonitoring\.image: prediction monitoring runs only with a report image/),
    ]);
    expect(problems({ alerts: { databaseAlarms: true } }, { ...base, "ml-platform:database": JSON.stringify({ instanceClass: "db.x2g.large" }) })).toEqual([
      expect.stringMatching(/alerts\.databaseMaxConnections/),
    ]);
  });

  it("keeps operations off before Series B and refuses their settings there", () => {
    const mvp = resolvePlatformSpec({ ...base, "ml-platform:stage": "mvp" }, "t");
    expect([mvp.alerts.enabled, mvp.backup.enabled, mvp.healthChecks.enabled, mvp.predictionMonitoring.enabled]).toEqual([false, false, false, false]);
    expect(problems({ alerts: { emails: ["a@example.com"] } }, { ...base, "ml-platform:stage": "mvp" })).toEqual([
      expect.stringMatching(/^ml-platform:alerts: the mvp stage does not deploy the alerts/),
    ]);
    const seriesb = resolvePlatformSpec(base, "t");
    expect(seriesb.predictionMonitoring).toMatchObject({ enabled: false, why: expect.stringMatching(/^Off until a report image is configured/) });
    expect(seriesb.healthChecks.why).toMatch(/^Nothing is checked until endpoints are listed/);
  });
});

describe("operations policies", () => {
  const tags = { environment: "prod", owner: "o", costCenter: "c" };
  const db: EvalResource = { urn: "urn:db", type: RDS, name: "db", props: { backupRetentionPeriod: 14, tags } };
  const selection: EvalResource = {
    urn: "urn:sel",
    type: SELECTION,
    name: "sel",
    props: { resources: ["[unknown]"] },
    propertyDependencies: { resources: ["urn:db"] },
  };
  const run = (policy: typeof databaseInBackupPlan | typeof backupRetentionMinimum | typeof alarmsNotifySomeone, resources: EvalResource[], config = {}) =>
    evaluatePolicies(resources, { [policy.name]: config }, { policies: [policy] });

  it("database-in-backup-plan: advises on a production database no backup selection names, not on one it does", () => {
    const v = run(databaseInBackupPlan, [db]);
    expect(v.mandatory).toEqual([]);
    expect(v.advisory.map((a) => a.resource)).toEqual(["db"]);
    expect(v.advisory[0]!.message).toMatch(/in no AWS Backup plan \(RDS automated backups: 14 day/);
    expect(run(databaseInBackupPlan, [db, selection]).advisory).toEqual([]);
    expect(
      run(databaseInBackupPlan, [{ ...db, props: { ...db.props, tags: { ...tags, environment: "dev" } } }], { productionEnvironments: ["prod"] }).advisory,
    ).toEqual([]);
  });

  it("backup-retention-minimum: blocks a rule that keeps recovery points fewer days than the stage minimum", () => {
    const planRes = (days: number): EvalResource => ({
      urn: "urn:plan",
      type: PLAN,
      name: "plan",
      props: { rules: [{ ruleName: "daily", lifecycle: { deleteAfter: days } }] },
    });
    expect(run(backupRetentionMinimum, [planRes(3)], { minRetentionDays: 7 }).mandatory[0]?.message).toMatch(
      /rule daily, deletes recovery points after 3 day\(s\); the minimum is 7/,
    );
    expect(run(backupRetentionMinimum, [planRes(7)], { minRetentionDays: 7 }).mandatory).toEqual([]);
  });

  it("alarms-notify-someone: advises on an alarm without actions", () => {
    expect(run(alarmsNotifySomeone, [{ urn: "urn:a", type: ALARM, name: "a", props: {} }]).advisory).toHaveLength(1);
    expect(run(alarmsNotifySomeone, [{ urn: "urn:a", type: ALARM, name: "a", props: { alarmActions: ["arn:topic"] } }]).advisory).toEqual([]);
  });

  it("the stage configs: the backup-plan advice is off at MVP (RDS automated backups are the MVP's backups)", () => {
    expect(stagePolicyConfig("mvp")["database-in-backup-plan"]).toEqual({ enforcementLevel: "disabled", stage: "mvp" });
    expect(stagePolicyConfig("seriesb")["backup-retention-minimum"]).toEqual({ minRetentionDays: 7 });
  });
});

/** A template string over a Pulumi output prints a warning instead of the value: no input may contain one. */
const noStringifiedOutputs = (run: { resources: PlannedResource[] }) =>
  expect(JSON.stringify(run.resources.map((r) => r.inputs))).not.toContain("Calling [toString]");

describe("what the shipped stacks deploy", () => {
  it("seriesb-prod: an encrypted alert topic, alarms on the database and every NAT gateway, all paging the topic", async () => {
    const run = await plan("seriesb-prod");
    const topic = one(run, TOPIC, "alerts-topic");
    const key = one(run, KEY, "alerts");
    expect(dependsOn(topic, "kmsMasterKeyId", key)).toBe(true);
    const keyPolicy = JSON.parse(key.inputs.policy as string) as Doc;
    expect(statement(keyPolicy, "CloudWatchAlarmsPublish").Principal).toEqual({ Service: "cloudwatch.amazonaws.com" });
    expect(statement(keyPolicy, "AccountAdministersTheKey").Principal).toEqual({ AWS: "arn:aws:iam::123456789012:root" });
    const topicPolicy = JSON.parse(one(run, "aws:sns/topicPolicy:TopicPolicy", "alerts-topic").inputs.policy as string) as Doc;
    expect(statement(topicPolicy, "CloudWatchAlarmsPublish").Resource).toMatch(/^arn:aws:sns:us-east-1:123456789012:/);
    const alarms = ofType(run, ALARM);
    const db = one(run, RDS);
    const dbAlarms = alarms.filter((a) => dependsOn(a, "dimensions", db));
    expect(dbAlarms.map((a) => a.inputs.metricName).sort()).toEqual(["CPUUtilization", "DatabaseConnections", "FreeStorageSpace"]);
    expect(dbAlarms.find((a) => a.inputs.metricName === "FreeStorageSpace")!.inputs.threshold).toBe(10 * GIB); // 10% of 100 GB
    expect(dbAlarms.find((a) => a.inputs.metricName === "DatabaseConnections")!.inputs.threshold).toBe(720); // db.m6g.large
    for (const nat of ofType(run, "aws:ec2/natGateway:NatGateway")) {
      const natAlarms = alarms.filter((a) => dependsOn(a, "dimensions", nat) || dependsOn(a, "metricQueries", nat));
      expect(natAlarms).toHaveLength(2);
    }
    for (const alarm of alarms) {
      expect(dependsOn(alarm, "alarmActions", topic) || alarm.inputs.region === "us-east-1").toBe(true);
      expect(alarm.inputs.okActions).toEqual(alarm.inputs.alarmActions);
    }
    expect(
      ofType(run, "aws:sns/topicSubscription:TopicSubscription")
        .map((s) => s.inputs.endpoint)
        .sort(),
    ).toEqual(["ml-oncall@example.com", "ml-platform-team@example.com"]);
    expect(run.outputs.alertTopicArn).toBeDefined();
    noStringifiedOutputs(run);
  });

  it("seriesb-prod: no Route 53 check while no model is on the internet (it would page for ever); the plan says nothing is checked", async () => {
    const run = await plan("seriesb-prod");
    expect(ofType(run, HEALTH_CHECK)).toHaveLength(0);
    expect(run.spec.healthChecks.why).toMatch(/^Nothing is checked until endpoints are listed/);
  });

  it("a Route 53 HTTPS health check on a public model's host with an alarm (us-east-1 stack: the alert topic itself)", async () => {
    const run = await planEdited("seriesb-prod", (t) =>
      t
        .replace(/(blue: +\{ image: [^}]*\})\n/, '$1\n        exposure: { type: public, sourceRanges: ["198.18.0.0/24"] }\n')
        .replace(
          "  # ml-platform:healthChecks:\n  #   publicEndpoints:\n  #     - name: models\n  #       host: models.your-company.com\n  #       path: /healthz\n",
          "  ml-platform:healthChecks:\n    publicEndpoints:\n      - name: models\n        host: models.example.com\n        path: /healthz\n",
        ),
    );
    const check = one(run, HEALTH_CHECK);
    expect(check.inputs).toMatchObject({
      type: "HTTPS",
      fqdn: "models.example.com",
      port: 443,
      resourcePath: "/healthz",
      enableSni: true,
      failureThreshold: 3,
    });
    const alarm = ofType(run, ALARM).find((a) => dependsOn(a, "dimensions", check))!;
    expect(alarm.inputs).toMatchObject({ namespace: "AWS/Route53", metricName: "HealthCheckStatus" });
    expect(dependsOn(alarm, "alarmActions", one(run, TOPIC, "alerts-topic"))).toBe(true);
    expect(ofType(run, CANARY)).toHaveLength(0);
  });

  it("seriesb-prod: AWS Backup keeps the database's daily snapshots 35 days and monthly ones a year, in a protected, encrypted vault", async () => {
    const run = await plan("seriesb-prod");
    const vault = one(run, VAULT);
    expect(vault.protect).toBe(true);
    expect(dependsOn(vault, "kmsKeyArn", one(run, KEY, "backup"))).toBe(true);
    const backupPlan = one(run, PLAN);
    expect((backupPlan.inputs.rules as { ruleName: string; lifecycle: { deleteAfter: number } }[]).map((r) => [r.ruleName, r.lifecycle.deleteAfter])).toEqual([
      ["daily", 35],
      ["monthly", 365],
    ]);
    const selection = one(run, SELECTION);
    expect(dependsOn(selection, "resources", one(run, RDS))).toBe(true);
    expect(dependsOn(selection, "planId", backupPlan)).toBe(true);
    const grants = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) =>
      String(a.inputs.policyArn).includes("AWSBackupServiceRolePolicyFor"),
    );
    expect(grants.map((g) => g.inputs.policyArn).sort()).toEqual([
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    ]);
    const target = one(run, "aws:cloudwatch/eventTarget:EventTarget", "backup");
    expect(dependsOn(target, "arn", one(run, TOPIC, "alerts-topic"))).toBe(true);
    // The cost model prices the vault from the stage's planning volume.
    expect(costOf(run).byResource.find((l) => l.type === VAULT)?.expectedMonthlyUsd).toBe(14.25);
  });

  it("mvp keeps operations light: RDS automated backups only, no topic, alarms, health checks or AWS Backup", async () => {
    const run = await plan("mvp");
    for (const type of [TOPIC, ALARM, HEALTH_CHECK, CANARY, VAULT, PLAN, SELECTION, "kubernetes:batch/v1:CronJob"])
      expect({ type, n: ofType(run, type).length }).toEqual({ type, n: 0 });
    expect(one(run, RDS).inputs.backupRetentionPeriod).toBe(7);
  });

  it("seriesb-staging differs from prod where it should: a week of backups, e-mail only, an in-VPC canary instead of Route 53", async () => {
    const [staging, prod] = await Promise.all([plan("seriesb-staging"), plan("seriesb-prod")]);
    const retention = (r: typeof staging) => (one(r, PLAN).inputs.rules as { lifecycle: { deleteAfter: number } }[]).map((x) => x.lifecycle.deleteAfter);
    expect(retention(staging)).toEqual([7]);
    expect(retention(prod)).toEqual([35, 365]);
    expect(one(staging, VAULT).protect).toBe(false);
    expect(ofType(staging, "aws:sns/topicSubscription:TopicSubscription").map((s) => s.inputs.endpoint)).toEqual(["ml-platform-team@example.com"]);
    expect(ofType(staging, HEALTH_CHECK)).toHaveLength(0);

    const canary = one(staging, CANARY);
    expect(canary.inputs).toMatchObject({
      name: "mlp-staging-health",
      runtimeVersion: "syn-nodejs-puppeteer-13.1",
      handler: "health.handler",
      schedule: { expression: "rate(5 minutes)" },
      startCanary: true,
      deleteLambda: true,
    });
    const privateSubnets = ofType(staging, "aws:ec2/subnet:Subnet").filter((s) => s.name.includes("private"));
    for (const subnet of privateSubnets) expect(dependsOn(canary, "vpcConfig", subnet)).toBe(true);
    const env = (canary.inputs.runConfig as { environmentVariables: Record<string, string> }).environmentVariables;
    expect(JSON.parse(env[CANARY_URLS_ENV]!)).toEqual(["http://models.staging.internal.example.com/healthz"]);
    // Its security group lets nothing in, and out only to the checked port in the VPC and HTTPS for AWS APIs.
    const sg = one(staging, "aws:ec2/securityGroup:SecurityGroup", "health-checks");
    expect(sg.inputs.ingress).toEqual([]);
    expect((sg.inputs.egress as { fromPort: number; cidrBlocks: string[] }[]).map((e) => [e.fromPort, e.cidrBlocks])).toEqual([
      [80, ["10.1.0.0/16"]],
      [443, ["0.0.0.0/0"]],
    ]);
    // The canary's artifact bucket forgets runs after the retention period.
    const bucket = one(staging, "aws:s3/bucket:Bucket", "health-checks");
    const [lc] = attachedTo(staging, bucket, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "bucket");
    expect((lc!.inputs.rules as { id: string; expiration?: { days: number } }[]).find((x) => x.id === "expire-run-artifacts")?.expiration).toEqual({
      days: 14,
    });
    const canaryPolicy = JSON.parse(one(staging, "aws:iam/rolePolicy:RolePolicy", "health-checks").inputs.policy as string) as Doc;
    expect(statement(canaryPolicy, "Artifacts").Resource).toMatch(/^arn:aws:s3:::mlp-staging-health-checks-artifacts-[0-9a-f]+\/artifacts\/\*$/);
    expect(statement(canaryPolicy, "Logs").Resource).toBe("arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/cwsyn-mlp-staging-health-*");
    noStringifiedOutputs(staging);
    // Priced from its schedule: 8,760 runs at $0.0012.
    expect(costOf(staging).byResource.find((l) => l.type === CANARY)?.expectedMonthlyUsd).toBe(10.51);
  });

  it("seriesb-dev stays cheap: one NAT, no protection, an alert topic nobody is subscribed to, no AWS Backup or health checks", async () => {
    const run = await plan("seriesb-dev");
    expect(ofType(run, "aws:ec2/natGateway:NatGateway")).toHaveLength(1);
    expect(ofType(run, TOPIC)).toHaveLength(1);
    expect(ofType(run, "aws:sns/topicSubscription:TopicSubscription")).toHaveLength(0);
    for (const type of [VAULT, HEALTH_CHECK, CANARY]) expect(ofType(run, type)).toHaveLength(0);
    expect(run.resources.filter((r) => r.protect)).toEqual([]);
    const cost = costOf(run);
    expect(cost.expectedMonthlyUsd).toBeLessThan(300);
    expect(cost.idleGpuMonthlyUsd).toBe(0);
  });
});

describe("a Series B stack in eu-west-2 restored from a snapshot (fixture ops-eu)", () => {
  const fixture = () => plan("ops-eu", FIXTURE_STACKS);

  it("declares the database from the snapshot, keeping its name, user, encryption and safeguards", async () => {
    const run = await fixture();
    const db = one(run, RDS);
    expect(db.inputs.snapshotIdentifier).toBe("arn:aws:rds:eu-west-2:123456789012:snapshot:awsbackup:job-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
    // RDS ignores these on restore for PostgreSQL (the snapshot's win); they must match a blueprint database's or the next update replaces it.
    expect(db.inputs).toMatchObject({ dbName: "mlflow", username: "mlplatform", storageEncrypted: true, deletionProtection: true, password: "[secret]" });
    expect([db.protect, db.retainOnDelete]).toEqual([true, true]);
    // The shipped stacks create empty databases.
    expect(one(await plan("seriesb-prod"), RDS).inputs.snapshotIdentifier).toBeUndefined();
  });

  it("puts the Route 53 alarm, and a copy of the alert topic with its own key and receivers, in us-east-1", async () => {
    const run = await fixture();
    const check = one(run, HEALTH_CHECK);
    const alarm = ofType(run, ALARM).find((a) => dependsOn(a, "dimensions", check))!;
    expect(alarm.inputs.region).toBe("us-east-1");
    // (The Watchdog heartbeat topic is not an alert topic.)
    const topics = ofType(run, TOPIC).filter((t) => !t.name.endsWith("-heartbeat"));
    expect(topics.map((t) => t.inputs.region ?? "stack").sort()).toEqual(["stack", "us-east-1"]);
    const useast = topics.find((t) => t.inputs.region === "us-east-1")!;
    expect(dependsOn(alarm, "alarmActions", useast)).toBe(true);
    const useastKey = ofType(run, KEY).find((k) => dependsOn(useast, "kmsMasterKeyId", k))!;
    expect(useastKey.inputs.region).toBe("us-east-1");
    const subs = ofType(run, "aws:sns/topicSubscription:TopicSubscription");
    expect(
      subs
        .filter((s) => s.inputs.region === "us-east-1")
        .map((s) => s.inputs.protocol)
        .sort(),
    ).toEqual(["email", "https"]);
    expect(subs.find((s) => s.inputs.protocol === "https")?.inputs.endpointAutoConfirms).toBe(true);
    // Every other alarm stays in the stack's region.
    expect(
      ofType(run, ALARM)
        .filter((a) => a !== alarm)
        .every((a) => a.inputs.region === undefined),
    ).toBe(true);
  });

  it("runs the report image as a CronJob whose IRSA role reads predictions and writes reports through the bucket's KMS key", async () => {
    const run = await fixture();
    const cron = one(run, "kubernetes:batch/v1:CronJob");
    expect(() => new CronJob(cron.inputs as never).validate()).not.toThrow();
    const container = (cron.inputs as ReturnType<typeof predictionMonitorCronJob>).spec.jobTemplate.spec.template.spec.containers[0]!;
    expect(container.image).toBe("123456789012.dkr.ecr.eu-west-2.amazonaws.com/drift-report:1.4.0");
    expect(container.args).toEqual(["--window", "7d"]);
    expect(container.env.find((e) => e.name === "PREDICTIONS_URI")?.value).toMatch(/^s3:\/\/mlp-opseu-artifacts-models-[0-9a-f]+\/predictions\/$/);
    const sa = one(run, "kubernetes:core/v1:ServiceAccount", "prediction-monitoring");
    expect(sa.inputs.metadata).toMatchObject({
      name: "prediction-monitor",
      namespace: "prediction-monitoring",
      annotations: { "eks.amazonaws.com/role-arn": expect.stringMatching(/^arn:aws:iam::/) },
    });
    const policy = JSON.parse(one(run, "aws:iam/rolePolicy:RolePolicy", "prediction-monitoring").inputs.policy as string) as Doc;
    expect(statement(policy, "ReadPredictions").Resource).toMatch(/artifacts-models-[0-9a-f]+\/predictions\/\*$/);
    expect(statement(policy, "BucketKeyThroughS3").Condition).toEqual({ StringEquals: { "kms:ViaService": "s3.eu-west-2.amazonaws.com" } });
    const trust = JSON.parse(one(run, "aws:iam/role:Role", "prediction-monitoring").inputs.assumeRolePolicy as string) as Doc;
    expect(JSON.stringify(trust)).toContain("system:serviceaccount:prediction-monitoring:prediction-monitor");
    noStringifiedOutputs(run);
  });
});
