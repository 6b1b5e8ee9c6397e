// Generated from components/operations/backup/database-backup.schema.ts by `npm run generate`: edit the schema, not this file.
import type * as pulumi from "@pulumi/pulumi";

/** The arguments of a DatabaseBackup. */
export interface DatabaseBackupArgs {
  /** Days AWS Backup keeps each daily snapshot. Default 35. */
  dailyRetentionDays?: number | undefined;
  /**
   * Days the first snapshot of each month is kept (32 or more, and longer than the daily ones); 0
   * takes no monthly snapshots. Default 365.
   */
  monthlyRetentionDays?: number | undefined;
  /**
   * Hour of the day (UTC, 0-23) the daily backup starts; not inside the database's RDS backup
   * window (03:00-04:00). Default 6.
   */
  startHourUtc?: number | undefined;
  /** ARN of the RDS instance to back up (MetadataStore.instanceArn). */
  databaseArn: pulumi.Input<string>;
  /**
   * Alert topic for failed backup jobs (Alerting.topicArn). Default none: failures are only in the
   * AWS Backup console.
   */
  alertTopicArn?: pulumi.Input<string> | undefined;
  /** `protect` + `retainOnDelete` on the vault and its key. Default true. */
  protect?: boolean | undefined;
  /**
   * Let `pulumi destroy` delete the vault with its recovery points (non-production stacks only).
   * Default false.
   */
  forceDestroy?: boolean | undefined;
  /**
   * GB of snapshots the vault is expected to hold, for cost planning (the
   * `ml-platform/planned-storage-gb` tag). Unset: storage is listed as usage-based, not priced.
   */
  expectedStorageGb?: number | undefined;
  /**
   * Tags for every resource the component creates (cost allocation: owner, costCenter,
   * environment). Default none.
   */
  tags?: Record<string, string> | undefined;
  /**
   * The company's stage (poc, mvp or seriesb), written as the `stage` tag on every AWS resource the
   * component tags, so the policy pack applies that stage's limits. Default: none (a `stage` in
   * tags, or the AWS provider's defaultTags, still counts).
   */
  stage?: "poc" | "mvp" | "seriesb" | undefined;
}
