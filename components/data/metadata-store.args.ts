// Generated from components/data/metadata-store.schema.ts by `npm run generate`: edit the schema, not this file.
import type * as pulumi from "@pulumi/pulumi";

/** The arguments of a MetadataStore. */
export interface MetadataStoreArgs {
  /** PostgreSQL version: a major ("17") lets RDS apply minor upgrades. Default "17". */
  engineVersion?: string | undefined;
  /** RDS instance class. Default "db.t4g.small". */
  instanceClass?: string | undefined;
  /** Initial storage in GB. Default 20. */
  allocatedStorageGb?: number | undefined;
  /** Storage autoscaling ceiling in GB, at least allocatedStorageGb. Default 100. */
  maxAllocatedStorageGb?: number | undefined;
  /** "gp3" (3,000 IOPS included), "io1" or "io2" (provisioned iops). Default "gp3". */
  storageType?: "gp3" | "io1" | "io2" | undefined;
  /** Provisioned IOPS, for io1/io2 only (and required there). Default none (gp3). */
  iops?: number | undefined;
  /** A synchronous standby in a second AZ. Default false. */
  multiAz?: boolean | undefined;
  /** Days of automated backups (point-in-time restore); 0 turns them off. Default 7. */
  backupRetentionDays?: number | undefined;
  /** Refuse API deletion of the instance. Default true. */
  deletionProtection?: boolean | undefined;
  /**
   * Performance Insights (Database Insights Standard: 7 days, free); not on t*.micro/small classes.
   * Default false.
   */
  performanceInsights?: boolean | undefined;
  /** Name of the database created on the instance. Default "mlflow". */
  databaseName?: string | undefined;
  /** VPC the database lives in. */
  vpcId: pulumi.Input<string>;
  /** Private subnets for the DB subnet group (two AZs at least). */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Security groups allowed to connect on 5432. Default none. */
  allowedSecurityGroupIds?: pulumi.Input<string>[] | undefined;
  /** CIDR blocks allowed to connect on 5432. Default none. */
  allowedCidrBlocks?: pulumi.Input<string>[] | undefined;
  /** Apply changes during `pulumi up` instead of the next maintenance window. Default true. */
  applyImmediately?: boolean | undefined;
  /** Create the instance from this DB snapshot. Default none (an empty database). */
  snapshotIdentifier?: pulumi.Input<string> | undefined;
  /** Master user name. Default "mlplatform". */
  username?: string | undefined;
  /**
   * `protect` + `retainOnDelete` on the instance and its secret, and a final snapshot. Default
   * true.
   */
  protect?: boolean | undefined;
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
