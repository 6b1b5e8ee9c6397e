/**
 * What DatabaseBackup accepts, as zod schemas: the single source of truth for
 * its Args (validated in its constructor), their defaults and descriptions,
 * and the `backup` stack-config overrides (config/schema.ts). Kept apart from
 * database-backup.ts so its type declarations carry no zod types.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { BACKUP_START_WINDOW_MINUTES, RDS_BACKUP_WINDOW } from "./plan";
import { ArgProblem, awsTags, stageArg, schemaMatches, withType, planTime, PROTECTION, PULUMI_STRING } from "../../../lib/validate";
import type { DatabaseBackupArgs } from "./database-backup.args";

/**
 * Days a recovery point is kept: AWS Backup deletes it DeleteAfterDays after
 * creation, a whole number of days (AWS Backup API reference, Lifecycle,
 * checked 2026-11-23); at least 1, and at most 100 years here.
 */
const retentionDays = z.number().int("must be a whole number of days");

/** The settings of a DatabaseBackup: the single source of truth for its Args and for the `backup` stack config. */
export const DatabaseBackupSettings = z.strictObject({
  dailyRetentionDays: retentionDays
    .min(1, "dailyRetentionDays must be at least 1")
    .max(36500, "dailyRetentionDays is at most 36500 (100 years)")
    .describe("Days AWS Backup keeps each daily snapshot.")
    .default(35),
  monthlyRetentionDays: z
    .union([
      z.literal(0),
      retentionDays
        .min(32, "monthly snapshots must outlive a month (32 days or more), or 0 for none")
        .max(36500, "monthlyRetentionDays is at most 36500 (100 years)"),
    ])
    .describe("Days the first snapshot of each month is kept (32 or more, and longer than the daily ones); 0 takes no monthly snapshots.")
    .default(365),
  startHourUtc: z
    .number()
    .int("startHourUtc is a whole hour")
    .min(0, "startHourUtc is an hour, 0-23")
    .max(23, "startHourUtc is an hour, 0-23")
    .describe(`Hour of the day (UTC, 0-23) the daily backup starts; not inside the database's RDS backup window (${RDS_BACKUP_WINDOW}).`)
    .default(6),
});
export type DatabaseBackupSettings = z.output<typeof DatabaseBackupSettings>;

/** Everything DatabaseBackup accepts: the settings plus the database, the alert topic, protection and tags. */
export const DatabaseBackupArgsSchema = DatabaseBackupSettings.extend({
  databaseArn: withType(
    z.custom<pulumi.Input<string>>((v) => v !== undefined && v !== null && v !== "", "databaseArn is required"),
    PULUMI_STRING,
  ).describe("ARN of the RDS instance to back up (MetadataStore.instanceArn)."),
  alertTopicArn: withType(z.custom<pulumi.Input<string>>(), PULUMI_STRING)
    .optional()
    .describe("Alert topic for failed backup jobs (Alerting.topicArn). Default none: failures are only in the AWS Backup console."),
  protect: planTime(z.boolean(), PROTECTION).describe("`protect` + `retainOnDelete` on the vault and its key.").default(true),
  forceDestroy: z.boolean().describe("Let `pulumi destroy` delete the vault with its recovery points (non-production stacks only).").default(false),
  expectedStorageGb: z
    .number()
    .min(0, "must be 0 or more GB")
    .optional()
    .describe(
      "GB of snapshots the vault is expected to hold, for cost planning (the `ml-platform/planned-storage-gb` tag). Unset: storage is listed as usage-based, not priced.",
    ),
  tags: awsTags.default({}),
  stage: stageArg,
});

// tsc proves the interface (database-backup.ts) and the schema accept the same arguments.
schemaMatches<DatabaseBackupArgs, z.input<typeof DatabaseBackupArgsSchema>>(true);

const hourOf = (hhmm: string) => Number(hhmm.slice(0, 2));

/** Rules between the settings (pure; config/resolve.ts runs it on the stack's settings too). */
export function databaseBackupSettingsProblems(s: DatabaseBackupSettings): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (s.monthlyRetentionDays > 0 && s.monthlyRetentionDays <= s.dailyRetentionDays) {
    problems.push({
      path: "monthlyRetentionDays",
      value: s.monthlyRetentionDays,
      message: `must be longer than dailyRetentionDays (${s.dailyRetentionDays}): every monthly snapshot is also a daily one, so a shorter monthly retention keeps nothing extra; or 0 for none`,
    });
  }
  // AWS Backup does not start an RDS snapshot while the instance is in its backup window
  // (AWS Backup developer guide, "Backup windows", checked 2026-11-23): a job scheduled
  // inside it cannot start within its start window and expires.
  const [from, to] = RDS_BACKUP_WINDOW.split("-").map(hourOf) as [number, number];
  if (s.startHourUtc >= from && s.startHourUtc < to) {
    problems.push({
      path: "startHourUtc",
      value: s.startHourUtc,
      message: `falls in the database's RDS backup window (${RDS_BACKUP_WINDOW} UTC), when AWS Backup cannot start an RDS snapshot; its ${BACKUP_START_WINDOW_MINUTES}-minute start window would expire. Choose another hour`,
    });
  }
  return problems;
}

export function databaseBackupProblems(_name: string, s: z.output<typeof DatabaseBackupArgsSchema>): ArgProblem[] {
  return databaseBackupSettingsProblems(s);
}
