import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrustPolicy } from "../../../lib/iam";
import { BACKUP_SERVICE_ROLE_POLICIES, backupRules, failedBackupJobPattern } from "./plan";
import { PLANNED_STORAGE_GB_TAG, withPlannedGb } from "../../../lib/tags";
import { validateArgs } from "../../../lib/validate";
import { PhysicalName, autoNamedRole, childName } from "../../../lib/naming";
import { statefulOptions } from "../../stateful";
import { DatabaseBackupArgsSchema, databaseBackupProblems } from "./database-backup.schema";

export const DATABASE_BACKUP_TYPE = "mlplatform:operations:DatabaseBackup";

/** AWS Backup's service role (auto-named): "<backup component>-role". */
const serviceRoleName = (backupComponent: string) => childName(backupComponent, "role");

/** The length-limited names the backup plan creates: its service role. */
export function databaseBackupPhysicalNames(name: string): PhysicalName[] {
  return [autoNamedRole(serviceRoleName(name))];
}

export interface DatabaseBackupArgs {
  /** ARN of the RDS instance to back up (MetadataStore.instanceArn). Required. */
  databaseArn: pulumi.Input<string>;
  /** Days each daily snapshot is kept (1-36500). Default 35. */
  dailyRetentionDays?: number;
  /** Days each first-of-month snapshot is kept (32-36500, longer than the daily ones); 0 for none. Default 365. */
  monthlyRetentionDays?: number;
  /** UTC hour (0-23) the daily backup starts, outside the database's RDS backup window (03:00-04:00). Default 6. */
  startHourUtc?: number;
  /** Alert topic for failed backup jobs (Alerting.topicArn). Default none: failures are only in the AWS Backup console. */
  alertTopicArn?: pulumi.Input<string>;
  /** `protect` + `retainOnDelete` on the vault and its key. Default true. */
  protect?: boolean;
  /**
   * Let `pulumi destroy` delete the vault with its recovery points (Backup
   * vault `forceDestroy`): the stack's `allowDestroyWithData` switch, on for
   * non-production stacks only. Default false.
   */
  forceDestroy?: boolean;
  /**
   * GB of snapshots the vault is expected to hold, for cost planning: the
   * vault carries it as the `ml-platform/planned-storage-gb` tag. Default none
   * (storage is then listed as usage-based, not priced).
   */
  expectedStorageGb?: number;
  /** Tags for every resource (keys up to 128 characters, values up to 256, no `aws:` prefix). Default none. */
  tags?: Record<string, string>;
}

/**
 * AWS Backup for the metadata database: an encrypted vault, a plan with the
 * stage's retention, a selection naming the database, the service role, and
 * an EventBridge rule that pages when a backup job fails.
 */
export class DatabaseBackup extends pulumi.ComponentResource {
  public readonly vaultName: pulumi.Output<string>;
  public readonly planId: pulumi.Output<string>;

  constructor(name: string, args: DatabaseBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before anything is declared: a bad argument throws ComponentArgsError naming it.
    const s = validateArgs(DATABASE_BACKUP_TYPE, name, DatabaseBackupArgsSchema, args, databaseBackupProblems);
    super(DATABASE_BACKUP_TYPE, name, {}, opts);
    const tags = s.tags;
    const parent = { parent: this };
    const stateful = statefulOptions(this, s.protect);

    // The vault's key encrypts recovery points of resource types AWS Backup
    // manages fully; an RDS snapshot keeps the key of the database it came from.
    const key = new aws.kms.Key(`${name}-key`, {
      description: `Encrypts the ${name} backup vault`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags,
    }, stateful);
    const vault = new aws.backup.Vault(`${name}-vault`, { kmsKeyArn: key.arn, forceDestroy: s.forceDestroy, tags: withPlannedGb(tags, PLANNED_STORAGE_GB_TAG, s.expectedStorageGb) }, stateful);

    const role = new aws.iam.Role(serviceRoleName(name), {
      description: `AWS Backup service role for ${name}`,
      assumeRolePolicy: JSON.stringify(serviceTrustPolicy("backup.amazonaws.com")),
      tags,
    }, parent);
    const grants = BACKUP_SERVICE_ROLE_POLICIES.map(
      (policyArn) => new aws.iam.RolePolicyAttachment(`${name}-${policyArn.split("/").pop()}`, { role: role.name, policyArn }, parent),
    );

    const rules = backupRules({
      dailyRetentionDays: s.dailyRetentionDays,
      monthlyRetentionDays: s.monthlyRetentionDays,
      startHourUtc: s.startHourUtc,
    });
    const plan = new aws.backup.Plan(`${name}-plan`, {
      rules: rules.map((r) => ({
        ruleName: r.ruleName,
        targetVaultName: vault.name,
        schedule: r.schedule,
        startWindow: r.startWindow,
        completionWindow: r.completionWindow,
        lifecycle: { deleteAfter: r.deleteAfterDays },
        recoveryPointTags: { ...tags, "backup-rule": r.ruleName },
      })),
      tags,
    }, parent);
    new aws.backup.Selection(`${name}-database`, {
      planId: plan.id,
      iamRoleArn: role.arn,
      resources: [s.databaseArn],
    }, { parent: this, dependsOn: grants });

    if (s.alertTopicArn !== undefined) {
      const rule = new aws.cloudwatch.EventRule(`${name}-job-failed`, {
        description: "AWS Backup jobs that failed, were aborted or never started: the database was not backed up",
        eventPattern: JSON.stringify(failedBackupJobPattern()),
        tags,
      }, parent);
      new aws.cloudwatch.EventTarget(`${name}-job-failed`, { rule: rule.name, arn: s.alertTopicArn }, parent);
    }

    this.vaultName = vault.name;
    this.planId = plan.id;
    this.registerOutputs({ vaultName: this.vaultName, planId: this.planId });
  }
}
