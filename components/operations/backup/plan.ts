/**
 * AWS Backup for the metadata database, as plain data: the plan's rules from
 * the stage's retention, and the service role's managed policies.
 */

/** The retention a stage sets (config/presets.ts BackupSettings has these fields). */
export interface BackupRetention {
  dailyRetentionDays: number;
  /** 0: no monthly snapshots. */
  monthlyRetentionDays: number;
  startHourUtc: number;
}

/**
 * AWS managed policies for the AWS Backup service role: backups and restores
 * of RDS among others (AWS Backup developer guide, "Default service role for
 * AWS Backup" and the AWS managed policy reference; checked 2026-11-23).
 */
export const BACKUP_SERVICE_ROLE_POLICIES = [
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
] as const;

/** The metadata database's RDS windows (components/data/metadata-store.ts), UTC: AWS Backup's daily job keeps clear of them. */
export const RDS_BACKUP_WINDOW = "03:00-04:00";
export const RDS_MAINTENANCE_WINDOW = "sun:04:30-sun:05:30";
/** Minutes after its scheduled time a backup job may start (the plan's startWindow). */
export const BACKUP_START_WINDOW_MINUTES = 60;

export interface BackupRuleSpec {
  ruleName: string;
  /** AWS Backup cron (six fields, UTC). */
  schedule: string;
  /** Minutes after the scheduled time a job may start before it is counted as missed. */
  startWindow: number;
  /** Minutes a started job may take before AWS Backup cancels it. */
  completionWindow: number;
  deleteAfterDays: number;
}

/**
 * The plan's rules: a daily snapshot kept `dailyRetentionDays`, and, when
 * `monthlyRetentionDays` is set, the first-of-month snapshot kept longer.
 * The start hour keeps clear of the database's RDS backup window
 * (03:00-04:00 UTC) and Sunday maintenance window (04:30-05:30 UTC): AWS
 * Backup does not start an RDS snapshot while the instance is in its backup
 * window (AWS Backup developer guide, "Backup windows"; checked 2026-11-23).
 */
export function backupRules(s: BackupRetention): BackupRuleSpec[] {
  const rules: BackupRuleSpec[] = [
    {
      ruleName: "daily",
      schedule: `cron(0 ${s.startHourUtc} * * ? *)`,
      startWindow: BACKUP_START_WINDOW_MINUTES,
      completionWindow: 360,
      deleteAfterDays: s.dailyRetentionDays,
    },
  ];
  if (s.monthlyRetentionDays > 0) {
    rules.push({
      ruleName: "monthly",
      schedule: `cron(0 ${s.startHourUtc} 1 * ? *)`,
      startWindow: BACKUP_START_WINDOW_MINUTES,
      completionWindow: 360,
      deleteAfterDays: s.monthlyRetentionDays,
    });
  }
  return rules;
}

/**
 * EventBridge pattern for AWS Backup jobs that did not complete, in this
 * account and region (AWS Backup sends "Backup Job State Change" events to
 * EventBridge; AWS Backup developer guide, "Monitoring AWS Backup events
 * using Amazon EventBridge"; checked 2026-11-23). Any failed backup job here
 * is worth a page, so the pattern does not narrow to one vault.
 */
export function failedBackupJobPattern(): Record<string, unknown> {
  return {
    source: ["aws.backup"],
    "detail-type": ["Backup Job State Change"],
    detail: { state: ["FAILED", "ABORTED", "EXPIRED"] },
  };
}
