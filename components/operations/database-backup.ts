import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrustPolicy } from "../../lib/iam";
import { BACKUP_SERVICE_ROLE_POLICIES, backupRules, failedBackupJobPattern } from "../../lib/operations/backup";
import { PLANNED_STORAGE_GB_TAG, withPlannedGb } from "../../lib/tags";
import { statefulOptions } from "../stateful";

export interface DatabaseBackupArgs {
  /** ARN of the RDS instance to back up (MetadataStore.instanceArn). Required. */
  databaseArn: pulumi.Input<string>;
  /** Days each daily snapshot is kept. Default 35. */
  dailyRetentionDays?: number;
  /** Days each first-of-month snapshot is kept; 0 for none. Default 365. */
  monthlyRetentionDays?: number;
  /** UTC hour the daily backup starts. Default 6. */
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
  /** Tags for every resource. Default none. */
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
    super("mlplatform:operations:DatabaseBackup", name, {}, opts);
    const tags = args.tags ?? {};
    const parent = { parent: this };
    const stateful = statefulOptions(this, args.protect ?? true);

    // The vault's key encrypts recovery points of resource types AWS Backup
    // manages fully; an RDS snapshot keeps the key of the database it came from.
    const key = new aws.kms.Key(`${name}-key`, {
      description: `Encrypts the ${name} backup vault`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags,
    }, stateful);
    const vault = new aws.backup.Vault(`${name}-vault`, { kmsKeyArn: key.arn, forceDestroy: args.forceDestroy ?? false, tags: withPlannedGb(tags, PLANNED_STORAGE_GB_TAG, args.expectedStorageGb) }, stateful);

    const role = new aws.iam.Role(`${name}-role`, {
      description: `AWS Backup service role for ${name}`,
      assumeRolePolicy: JSON.stringify(serviceTrustPolicy("backup.amazonaws.com")),
      tags,
    }, parent);
    const grants = BACKUP_SERVICE_ROLE_POLICIES.map(
      (policyArn) => new aws.iam.RolePolicyAttachment(`${name}-${policyArn.split("/").pop()}`, { role: role.name, policyArn }, parent),
    );

    const rules = backupRules({
      dailyRetentionDays: args.dailyRetentionDays ?? 35,
      monthlyRetentionDays: args.monthlyRetentionDays ?? 365,
      startHourUtc: args.startHourUtc ?? 6,
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
      resources: [args.databaseArn],
    }, { parent: this, dependsOn: grants });

    if (args.alertTopicArn !== undefined) {
      const rule = new aws.cloudwatch.EventRule(`${name}-job-failed`, {
        description: "AWS Backup jobs that failed, were aborted or never started: the database was not backed up",
        eventPattern: JSON.stringify(failedBackupJobPattern()),
        tags,
      }, parent);
      new aws.cloudwatch.EventTarget(`${name}-job-failed`, { rule: rule.name, arn: args.alertTopicArn }, parent);
    }

    this.vaultName = vault.name;
    this.planId = plan.id;
    this.registerOutputs({ vaultName: this.vaultName, planId: this.planId });
  }
}
