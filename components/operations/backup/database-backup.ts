import * as aws from "../../../lib/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrustPolicy } from "../../../lib/iam";
import { PLANNED_STORAGE_GB_TAG, withPlannedGb } from "../../../lib/tags";
import { validateArgs } from "../../../lib/validate";
import { statefulOptions } from "../../stateful";
import type { DatabaseBackupArgs } from "./database-backup.args";
import { backupPlanName, backupSelectionName, backupVaultName, serviceRoleName } from "./database-backup.footprint";
import { DatabaseBackupArgsSchema, databaseBackupProblems } from "./database-backup.schema";
import { BACKUP_SERVICE_ROLE_POLICIES, backupRules, failedBackupJobPattern } from "./plan";

export type { DatabaseBackupArgs };

export const DATABASE_BACKUP_TYPE = "mlplatform:operations:DatabaseBackup";

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
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Encrypts the ${name} backup vault`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags,
      },
      stateful,
    );
    const vault = new aws.backup.Vault(
      backupVaultName(name),
      { kmsKeyArn: key.arn, forceDestroy: s.forceDestroy, tags: withPlannedGb(tags, PLANNED_STORAGE_GB_TAG, s.expectedStorageGb) },
      stateful,
    );

    const role = new aws.iam.Role(
      serviceRoleName(name),
      {
        description: `AWS Backup service role for ${name}`,
        assumeRolePolicy: JSON.stringify(serviceTrustPolicy("backup.amazonaws.com")),
        tags,
      },
      parent,
    );
    const grants = BACKUP_SERVICE_ROLE_POLICIES.map(
      (policyArn) => new aws.iam.RolePolicyAttachment(`${name}-${policyArn.split("/").pop()}`, { role: role.name, policyArn }, parent),
    );

    const rules = backupRules({
      dailyRetentionDays: s.dailyRetentionDays,
      monthlyRetentionDays: s.monthlyRetentionDays,
      startHourUtc: s.startHourUtc,
    });
    const plan = new aws.backup.Plan(
      backupPlanName(name),
      {
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
      },
      parent,
    );
    new aws.backup.Selection(
      backupSelectionName(name),
      {
        planId: plan.id,
        iamRoleArn: role.arn,
        resources: [s.databaseArn],
      },
      { parent: this, dependsOn: grants },
    );

    if (s.alertTopicArn !== undefined) {
      const rule = new aws.cloudwatch.EventRule(
        `${name}-job-failed`,
        {
          description: "AWS Backup jobs that failed, were aborted or never started: the database was not backed up",
          eventPattern: JSON.stringify(failedBackupJobPattern()),
          tags,
        },
        parent,
      );
      new aws.cloudwatch.EventTarget(`${name}-job-failed`, { rule: rule.name, arn: s.alertTopicArn }, parent);
    }

    this.vaultName = vault.name;
    this.planId = plan.id;
    this.registerOutputs({ vaultName: this.vaultName, planId: this.planId });
  }
}
