/**
 * Operations: production databases are in a backup plan, backup plans keep
 * recovery points long enough to restore from, and alarms page somebody.
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { T, asArray, configSchema, explain, isProduction, limitSchema, resourceLimits, withDefaults } from "./common";

type Props = Record<string, unknown>;

export const OPS_T = {
  backupPlan: "aws:backup/plan:Plan",
  backupSelection: "aws:backup/selection:Selection",
  metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
} as const;

/** Whether a backup selection names this database: by dependency (the ARN is unknown in a preview) or by ARN. */
function selects(selection: PolicyResource, db: PolicyResource): boolean {
  if (asArray(selection.propertyDependencies?.resources).some((d) => d.urn === db.urn)) return true;
  const arn = db.props.arn;
  return typeof arn === "string" && asArray(selection.props.resources as string[] | undefined).includes(arn);
}

export const databaseInBackupPlan: StackValidationPolicy = {
  name: "database-in-backup-plan",
  description: "At Series B, production databases are in an AWS Backup plan, not only in RDS automated backups.",
  // Advisory: RDS automated backups (rds-backups, mandatory) already allow a restore; the plan adds retention and restore tests.
  enforcementLevel: "advisory",
  // The stage decides which environments count (policies/stages.ts): none before Series B.
  configSchema: limitSchema("database-in-backup-plan", {
    productionEnvironments: 'Values of the `environment` tag that count as production ("*" for all; an untagged database counts as production)',
  }),
  validateStack: (args, report) => {
    const selections = args.resources.filter((r) => r.type === OPS_T.backupSelection);
    for (const db of args.resources.filter((r) => r.type === T.rds)) {
      const { limits } = resourceLimits("database-in-backup-plan", { ...db, getConfig: args.getConfig });
      if (!isProduction(db.props, limits.productionEnvironments)) continue;
      if (selections.some((s) => selects(s, db))) continue;
      const days = typeof db.props.backupRetentionPeriod === "number" ? db.props.backupRetentionPeriod : 0;
      report(
        explain(
          `Production database ${db.name} is in no AWS Backup plan (RDS automated backups: ${days} day(s)).`,
          `RDS keeps automated backups at most 35 days and deletes them with the instance; a corruption noticed later, or a deleted instance, cannot be restored, and nothing ever proves a restore works.`,
          "turn on ml-platform:backup (Series B preset) or add an aws.backup.Selection naming the database's ARN.",
        ),
        db.urn,
      );
    }
  },
};

const RETENTION_DEFAULTS = { minRetentionDays: 7 };
export const backupRetentionMinimum: ResourceValidationPolicy = {
  name: "backup-retention-minimum",
  description: "Every rule of an AWS Backup plan keeps its recovery points at least the stage's minimum.",
  enforcementLevel: "mandatory",
  configSchema: configSchema(RETENTION_DEFAULTS, { minRetentionDays: "Fewest days a backup plan rule may keep its recovery points" }),
  validateResource: (args, report) => {
    if (args.type !== OPS_T.backupPlan) return;
    const min = withDefaults(RETENTION_DEFAULTS, args.getConfig).minRetentionDays;
    for (const rule of asArray(args.props.rules as Props[] | undefined)) {
      const deleteAfter = (rule.lifecycle as Props | undefined)?.deleteAfter;
      if (typeof deleteAfter === "number" && deleteAfter < min) {
        report(
          explain(
            `Backup plan ${args.name}, rule ${String(rule.ruleName)}, deletes recovery points after ${deleteAfter} day(s); the minimum is ${min}.`,
            "a problem found after a long weekend (a bad migration, deleted experiments) has no recovery point left to restore from, while the plan looks like protection.",
            `set lifecycle.deleteAfter to at least ${min} (ml-platform:backup.dailyRetentionDays).`,
          ),
        );
      }
    }
  },
};

export const alarmsNotifySomeone: ResourceValidationPolicy = {
  name: "alarms-notify-someone",
  description: "CloudWatch alarms have an action: an alarm nobody hears is no alarm.",
  enforcementLevel: "advisory",
  validateResource: (args, report) => {
    if (args.type !== OPS_T.metricAlarm) return;
    if (args.props.actionsEnabled === false || !asArray(args.props.alarmActions as string[] | undefined).length) {
      report(
        explain(
          `Alarm ${args.name} notifies nobody (no alarmActions, or actions disabled).`,
          "it turns red in a console nobody watches: the outage is found by customers first.",
          "add the alert topic (Alerting.topicArn) to alarmActions and okActions.",
        ),
      );
    }
  },
};

export const operationsPolicies = [databaseInBackupPlan, backupRetentionMinimum, alarmsNotifySomeone];
