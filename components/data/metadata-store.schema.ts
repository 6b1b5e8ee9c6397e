/**
 * What MetadataStore accepts, as a zod schema: the single source of truth for
 * its Args (validated in its constructor), their defaults and descriptions,
 * and the `database` stack-config overrides (config/schema.ts).
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { POSTGRES_MAJOR_VERSION, POSTGRES_STANDARD_SUPPORT_ENDS } from "../../lib/versions";
import { ArgProblem, awsTags, stageArg, schemaMatches, withType, planTime, pulumiInput, PROTECTION, PULUMI_STRING } from "../../lib/validate";
import type { MetadataStoreArgs } from "./metadata-store.args";

export const DATABASE_STORAGE_TYPES = ["gp3", "io1", "io2"] as const;

/**
 * Instance classes without Performance Insights / Database Insights (RDS user
 * guide, "instance class support for Database Insights"; checked 2026-11-23).
 */
export const NO_PERFORMANCE_INSIGHTS = ["db.t2.micro", "db.t2.small", "db.t3.micro", "db.t3.small", "db.t4g.micro", "db.t4g.small"];

/** A PostgreSQL identifier as RDS takes it for DBName and MasterUsername: a letter, then letters, digits, '_'; at most 63 (RDS CreateDBInstance, checked 2026-11-23). */
const pgIdentifier = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, "must be a PostgreSQL identifier: a lower-case letter, then lower-case letters, digits and '_', at most 63 characters");

/** The settings of a MetadataStore: the single source of truth for its Args and for the `database` stack config. */
export const MetadataStoreSettings = z.strictObject({
  engineVersion: z
    .string()
    .regex(/^1[3-8](\.\d+)?$/, 'must be a PostgreSQL version RDS offers, 13 to 18 (e.g. "17" or "17.6")')
    .describe('PostgreSQL version: a major ("17") lets RDS apply minor upgrades.')
    .default(POSTGRES_MAJOR_VERSION),
  instanceClass: planTime(
    z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "must be an RDS instance class such as db.t4g.small or db.m6g.large"),
    "the instance class the cost model prices and Performance Insights is checked against",
  )
    .describe("RDS instance class.")
    .default("db.t4g.small"),
  // RDS PostgreSQL storage: 20-65,536 GiB (RDS user guide, "Amazon RDS DB instance storage"; checked 2026-11-23).
  allocatedStorageGb: z
    .number()
    .int("must be a whole number of GB")
    .min(20, "must be at least 20 (GB): RDS PostgreSQL's minimum")
    .max(65536, "must be at most 65536 (GB)")
    .describe("Initial storage in GB.")
    .default(20),
  maxAllocatedStorageGb: z
    .number()
    .int("must be a whole number of GB")
    .min(20, "must be at least 20 (GB)")
    .max(65536, "must be at most 65536 (GB)")
    .describe("Storage autoscaling ceiling in GB, at least allocatedStorageGb.")
    .default(100),
  storageType: z.enum(DATABASE_STORAGE_TYPES).describe('"gp3" (3,000 IOPS included), "io1" or "io2" (provisioned iops).').default("gp3"),
  iops: z
    .number()
    .int()
    .min(1000, "must be at least 1000")
    .max(256000, "must be at most 256000")
    .optional()
    .describe("Provisioned IOPS, for io1/io2 only (and required there). Default none (gp3)."),
  multiAz: planTime(z.boolean(), "the standby the cost model prices").describe("A synchronous standby in a second AZ.").default(false),
  backupRetentionDays: z
    .number()
    .int("must be a whole number of days")
    .min(0, "cannot be negative")
    .max(35, "RDS keeps automated backups at most 35 days")
    .describe("Days of automated backups (point-in-time restore); 0 turns them off.")
    .default(7),
  deletionProtection: z.boolean().describe("Refuse API deletion of the instance.").default(true),
  performanceInsights: z.boolean().describe("Performance Insights (Database Insights Standard: 7 days, free); not on t*.micro/small classes.").default(false),
  databaseName: pgIdentifier.describe("Name of the database created on the instance.").default("mlflow"),
});
export type MetadataStoreSettings = z.output<typeof MetadataStoreSettings>;

const input = <T>() =>
  withType(
    z.custom<pulumi.Input<T>>((v) => v !== undefined && v !== null, "is required"),
    PULUMI_STRING,
  );

const INGRESS = "whether the database's security group declares that ingress rule at all (the list's items may be Outputs)";

/** Everything MetadataStore accepts: the settings, where it lives and who reaches it, and protection. */
export const MetadataStoreArgsSchema = MetadataStoreSettings.extend({
  vpcId: input<string>().describe("VPC the database lives in."),
  subnetIds: withType(
    z.custom<pulumi.Input<pulumi.Input<string>[]>>((v) => v !== undefined && v !== null, "is required"),
    { type: "pulumi.Input<pulumi.Input<string>[]>", imports: { pulumi: "@pulumi/pulumi" } },
  ).describe("Private subnets for the DB subnet group (two AZs at least)."),
  allowedSecurityGroupIds: planTime(z.array(withType(z.custom<pulumi.Input<string>>(), PULUMI_STRING)), INGRESS)
    .describe("Security groups allowed to connect on 5432.")
    .default([]),
  allowedCidrBlocks: planTime(z.array(withType(z.custom<pulumi.Input<string>>(), PULUMI_STRING)), INGRESS)
    .describe("CIDR blocks allowed to connect on 5432.")
    .default([]),
  applyImmediately: z.boolean().describe("Apply changes during `pulumi up` instead of the next maintenance window.").default(true),
  snapshotIdentifier: pulumiInput(z.string().min(1, "give a DB snapshot identifier or ARN"))
    .optional()
    .describe("Create the instance from this DB snapshot. Default none (an empty database)."),
  username: pgIdentifier.describe("Master user name.").default("mlplatform"),
  protect: planTime(z.boolean(), PROTECTION).describe("`protect` + `retainOnDelete` on the instance and its secret, and a final snapshot.").default(true),
  tags: awsTags.default({}),
  stage: stageArg,
});

// tsc proves the interface (metadata-store.ts) and the schema accept the same arguments.
schemaMatches<MetadataStoreArgs, z.input<typeof MetadataStoreArgsSchema>>(true);

/**
 * Provisioned-IOPS storage starts at 100 GiB on RDS PostgreSQL (RDS user
 * guide, "Amazon RDS DB instance storage": io1 and io2 Block Express, 100 GiB
 * to 64 TiB; checked 2026-12-07).
 */
export const PROVISIONED_IOPS_MIN_GB = 100;

/** Rules that involve several settings (pure; config/resolve.ts runs them too). `today`: for the support calendar (tests pass a date). */
export function metadataStoreProblems(_name: string, d: MetadataStoreSettings, today = new Date().toISOString().slice(0, 10)): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const major = d.engineVersion.split(".")[0]!;
  const supportEnds = POSTGRES_STANDARD_SUPPORT_ENDS[major];
  if (supportEnds !== undefined && supportEnds < today)
    problems.push({
      path: "engineVersion",
      value: d.engineVersion,
      message: `PostgreSQL ${major} left RDS standard support on ${supportEnds}: RDS bills Extended Support per vCPU-hour on top of the instance, or upgrades it; use ${POSTGRES_MAJOR_VERSION}`,
    });
  if (d.storageType !== "gp3" && d.allocatedStorageGb < PROVISIONED_IOPS_MIN_GB)
    problems.push({
      path: "allocatedStorageGb",
      value: d.allocatedStorageGb,
      message: `must be at least ${PROVISIONED_IOPS_MIN_GB} (GiB) with ${d.storageType} storage: RDS refuses smaller provisioned-IOPS volumes`,
    });
  if (d.maxAllocatedStorageGb < d.allocatedStorageGb)
    problems.push({ path: "maxAllocatedStorageGb", value: d.maxAllocatedStorageGb, message: `must be at least allocatedStorageGb (${d.allocatedStorageGb})` });
  if (d.iops !== undefined && d.storageType === "gp3")
    problems.push({
      path: "iops",
      value: d.iops,
      message: "provisioned IOPS are for io1/io2; gp3 includes 3,000 IOPS (set storageType: io1 or io2, or drop iops)",
    });
  if (d.iops === undefined && d.storageType !== "gp3")
    problems.push({ path: "iops", value: undefined, message: `${d.storageType} storage needs provisioned iops (e.g. 3000)` });
  if (d.performanceInsights && NO_PERFORMANCE_INSIGHTS.includes(d.instanceClass)) {
    problems.push({
      path: "performanceInsights",
      value: true,
      message: `RDS offers Performance Insights (Database Insights) on neither ${NO_PERFORMANCE_INSIGHTS.join(", ")}; use db.t4g.medium or larger, or set it to false (instanceClass is ${d.instanceClass})`,
    });
  }
  return problems;
}
