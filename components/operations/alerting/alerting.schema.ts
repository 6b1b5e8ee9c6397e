/**
 * What Alerting (and AlertTopic) accept, as zod schemas: the single source of
 * truth for their Args (validated in their constructors), their defaults and
 * descriptions, and the `alerts` stack-config overrides (config/schema.ts).
 * Kept apart from alerting.ts so its type declarations carry no zod types.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { emailAddress, httpsUrl } from "../../../lib/fields";
import { postgresMaxConnections } from "./alarms";
import { isAwsRegion } from "../../../lib/regions";
import { ArgProblem, awsTags, stageArg, schemaMatches, withType, planTime, pulumiInput, PULUMI_STRING } from "../../../lib/validate";
import type { AlertTopicArgs, AlertingArgs } from "./alerting.args";

const percent = (what: string) => z.number().min(1, `${what} must be 1-99 (%)`).max(99, `${what} must be 1-99 (%)`);

/** The receivers of an alert topic: SNS `email` and `https` subscriptions. */
export const receivers = {
  emails: planTime(z.array(emailAddress), "the subscriptions declared, each named after its address")
    .describe("E-mail addresses subscribed to the alert topic (each confirms once, from the e-mail AWS sends).")
    .default([]),
  httpsEndpoints: planTime(z.array(httpsUrl), "the subscriptions declared, each named after its URL")
    .describe("HTTPS endpoints subscribed to the alert topic (a pager's SNS integration URL, a chat relay); they must confirm the subscription themselves.")
    .default([]),
};

/** The settings of an Alerting: the single source of truth for its Args and for the `alerts` stack config. */
export const AlertingSettings = z.strictObject({
  ...receivers,
  databaseCpuPercent: percent("databaseCpuPercent").describe("Alarm when average database CPU stays above this percentage for 15 minutes.").default(80),
  databaseFreeStoragePercent: percent("databaseFreeStoragePercent")
    .describe("Alarm when free database storage falls below this percentage of the allocated storage.")
    .default(10),
  databaseConnectionsPercent: percent("databaseConnectionsPercent").describe("Alarm when connections exceed this percentage of max_connections.").default(80),
  databaseMaxConnections: z
    .number()
    .int()
    .min(10)
    // RDS for PostgreSQL: LEAST({DBInstanceClassMemory/9531392}, 5000) (RDS user guide, "Maximum number of database connections", checked 2026-11-23).
    .max(5000, "RDS PostgreSQL caps the default at 5000")
    .optional()
    .describe("max_connections the connections alarm measures against; default: RDS PostgreSQL's default for the instance class."),
  databaseAlarms: z.boolean().describe("CloudWatch alarms on the metadata database (free storage, CPU, connections).").default(true),
  natGatewayAlarms: z.boolean().describe("CloudWatch alarms on every NAT gateway (port allocation errors, dropped packets).").default(true),
});
export type AlertingSettings = z.output<typeof AlertingSettings>;

const input = (what: string) =>
  withType(
    z.custom<pulumi.Input<string>>((v) => v !== undefined && v !== null && v !== "", `${what} is required`),
    PULUMI_STRING,
  );

/** Everything Alerting accepts: the settings plus what it watches, the heartbeat switch and tags. */
export const AlertingArgsSchema = AlertingSettings.extend({
  database: z
    .strictObject({
      instanceIdentifier: input("instanceIdentifier").describe("RDS instance identifier (MetadataStore.instanceIdentifier)."),
      instanceClass: planTime(
        z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "must be an RDS instance class such as db.m6g.large"),
        "the connections alarm's threshold (max_connections of the class)",
      ).describe("The instance class (sets max_connections)."),
      allocatedStorageGb: z.number().int().min(1).describe("Allocated storage, GB."),
      maxAllocatedStorageGb: z.number().int().min(0).describe("Storage autoscaling ceiling, GB."),
    })
    .optional()
    .describe("The metadata database to watch; no database alarms without it. Default none."),
  natGatewayIds: planTime(
    z.array(withType(z.custom<pulumi.Input<string>>(), PULUMI_STRING)),
    "how many NAT gateway alarms are declared (the ids may be Outputs)",
  )
    .describe("NAT gateway ids to watch (Network.natGatewayIds). Default none.")
    .default([]),
  watchdogHeartbeat: z
    .boolean()
    .describe(
      "A heartbeat topic for Alertmanager's always-firing Watchdog alert, and an alarm that pages the alert topic when no heartbeat arrived for 15 minutes (a dead man's switch). Turn it on only with in-cluster monitoring that publishes there (Monitoring.heartbeatTopicArn), or it pages forever.",
    )
    .default(false),
  tags: awsTags.default({}),
  stage: stageArg,
});

// tsc proves the interface (alerting.ts) and the schema accept the same arguments.
schemaMatches<AlertingArgs, z.input<typeof AlertingArgsSchema>>(true);

/** Everything AlertTopic accepts. */
export const AlertTopicArgsSchema = z.strictObject({
  ...receivers,
  publisherRoleArns: planTime(z.array(withType(z.custom<pulumi.Input<string>>(), PULUMI_STRING)), "the topic policy's statement (the ARNs may be Outputs)")
    .describe("Roles outside this account allowed to publish (same-account roles only need an IAM policy). Default none.")
    .default([]),
  region: pulumiInput(z.string().refine(isAwsRegion, "must be an AWS region such as us-east-1 (lib/regions.ts)"))
    .optional()
    .describe("Region for the topic and its key when not the stack's (us-east-1 for Route 53 alarms). Default the provider's."),
  tags: awsTags.default({}),
  stage: stageArg,
});

schemaMatches<AlertTopicArgs, z.input<typeof AlertTopicArgsSchema>>(true);

/**
 * Receivers listed twice. E-mail addresses compare without case: SNS would
 * subscribe "Oncall@x" and "oncall@x" separately, and the mailbox would get
 * every alert twice.
 */
export function receiverProblems(s: { emails: string[]; httpsEndpoints: string[] }): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const emails = s.emails.map((e) => e.toLowerCase());
  emails.forEach((e, i) => {
    if (emails.indexOf(e) !== i)
      problems.push({
        path: `emails[${i}]`,
        value: s.emails[i],
        message: `repeats emails[${emails.indexOf(e)}] (addresses compare without case); subscribe each once`,
      });
  });
  s.httpsEndpoints.forEach((u, i) => {
    if (s.httpsEndpoints.indexOf(u) !== i) problems.push({ path: `httpsEndpoints[${i}]`, value: u, message: "is listed twice; subscribe each once" });
  });
  return problems;
}

export function alertTopicProblems(_name: string, s: z.output<typeof AlertTopicArgsSchema>): ArgProblem[] {
  return receiverProblems(s);
}

/** Receivers once each, and a connections alarm that knows max_connections (pure). */
export function alertingProblems(_name: string, s: z.output<typeof AlertingArgsSchema>): ArgProblem[] {
  const problems = receiverProblems(s);
  if (s.database && s.databaseMaxConnections === undefined && postgresMaxConnections(s.database.instanceClass) === undefined) {
    problems.push({
      path: "databaseMaxConnections",
      value: undefined,
      message: `is required: the connections alarm needs max_connections, and the default for ${s.database.instanceClass} is not in components/operations/alerting/alarms.ts`,
    });
  }
  if (s.database && s.database.maxAllocatedStorageGb < s.database.allocatedStorageGb) {
    problems.push({
      path: "database.maxAllocatedStorageGb",
      value: s.database.maxAllocatedStorageGb,
      message: `must be at least allocatedStorageGb (${s.database.allocatedStorageGb}), as MetadataStore requires`,
    });
  }
  return problems;
}
