/**
 * Data: databases private, encrypted, backed up and hard to delete; buckets
 * closed to the public, encrypted, versioned and with lifecycle rules.
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { estimateCost } from "../../cost/model";
import { T, asArray, configSchema, explain, isProduction, money, policyStatements, regionOf, withDefaults } from "./common";

type Props = Record<string, unknown>;

export const rdsPrivateAndEncrypted: ResourceValidationPolicy = {
  name: "rds-private-and-encrypted",
  description: "Databases are not reachable from the internet and encrypt their storage.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== T.rds) return;
    if (args.props.publiclyAccessible === true) {
      report(
        explain(
          `Database ${args.name} is publicly accessible.`,
          "a public endpoint exposes the metadata of every model and experiment to password guessing from the whole internet.",
          "set publiclyAccessible: false; reach it from the cluster, a bastion or a VPN.",
        ),
      );
    }
    if (args.props.storageEncrypted !== true) {
      report(
        explain(
          `Database ${args.name} does not encrypt its storage.`,
          "unencrypted volumes and their snapshots can be read by anyone who gets a copy; encryption cannot be turned on later without a restore.",
          "set storageEncrypted: true (free with the AWS managed key).",
        ),
      );
    }
  },
};

const BACKUP_DEFAULTS = { minBackupRetentionDays: 7 };
export const rdsBackups: ResourceValidationPolicy = {
  name: "rds-backups",
  description: "Databases keep automated backups (point-in-time restore) for the stage's minimum.",
  enforcementLevel: "mandatory",
  configSchema: configSchema(BACKUP_DEFAULTS, { minBackupRetentionDays: "Fewest days of automated backups a database may keep" }),
  validateResource: (args, report) => {
    if (args.type !== T.rds) return;
    const min = withDefaults(BACKUP_DEFAULTS, args.getConfig).minBackupRetentionDays;
    const days = typeof args.props.backupRetentionPeriod === "number" ? args.props.backupRetentionPeriod : 0;
    if (days < min) {
      report(
        explain(
          `Database ${args.name} keeps ${days} day(s) of automated backups; the minimum is ${min}.`,
          days === 0 ? "with 0 days there are no automated backups and no point-in-time restore at all." : "a bad migration noticed after the retention window cannot be undone.",
          `set backupRetentionPeriod to at least ${min} (backup storage up to the database's size is free).`,
        ),
      );
    }
  },
};

const SAFEGUARD_DEFAULTS = { productionEnvironments: ["*"], requireDeletionProtection: true, requireFinalSnapshot: true, requireProtect: true };
export const statefulDeletionSafeguards: ResourceValidationPolicy = {
  name: "stateful-deletion-safeguards",
  description: "In production environments databases and buckets survive a `pulumi destroy` or a refactor.",
  enforcementLevel: "mandatory",
  configSchema: configSchema(SAFEGUARD_DEFAULTS, {
    productionEnvironments: 'Values of the `environment` tag that count as production ("*" for all; an untagged resource counts as production)',
    requireDeletionProtection: "Databases must have deletionProtection",
    requireFinalSnapshot: "Databases must take a final snapshot when deleted",
    requireProtect: "Databases and buckets must carry Pulumi's `protect` option",
  }),
  validateResource: (args, report) => {
    if (args.type !== T.rds && args.type !== T.bucket) return;
    const cfg = withDefaults(SAFEGUARD_DEFAULTS, args.getConfig);
    if (!isProduction(args.props, cfg.productionEnvironments)) return;
    const what = args.type === T.rds ? "Database" : "Bucket";
    if (cfg.requireProtect && args.opts.protect !== true) {
      report(
        explain(
          `${what} ${args.name} is not protected (Pulumi resource option \`protect\`).`,
          "one `pulumi destroy` on the wrong stack, or a refactor that renames it, deletes production data.",
          "declare it with { protect: true, retainOnDelete: true } (ml-platform does this when protectStatefulResources is on).",
        ),
      );
    }
    if (args.type !== T.rds) return;
    if (cfg.requireDeletionProtection && args.props.deletionProtection !== true) {
      report(
        explain(
          `Database ${args.name} has no deletion protection.`,
          "anyone with console or API access can delete the production database in one call.",
          "set deletionProtection: true.",
        ),
      );
    }
    if (cfg.requireFinalSnapshot && (args.props.skipFinalSnapshot === true || !args.props.finalSnapshotIdentifier)) {
      report(
        explain(
          `Database ${args.name} would be deleted without a final snapshot.`,
          "automated backups go with the instance (unless retained): the final snapshot is the last copy of the data.",
          "set skipFinalSnapshot: false and a finalSnapshotIdentifier.",
        ),
      );
    }
  },
};

const SIZING_DEFAULTS = {
  allowedInstanceClasses: ["db.t4g.micro", "db.t4g.small", "db.t4g.medium", "db.t4g.large", "db.m6g.large", "db.m7g.large"],
  maxAllocatedStorageGb: 200,
  maxProvisionedIops: 3000,
  maxWorstCaseMonthlyUsd: 250,
  region: "us-east-1",
};
export const rdsSizing: ResourceValidationPolicy = {
  name: "rds-sizing",
  description: "Databases are sanely sized: allowed classes, bounded storage autoscaling and provisioned IOPS, a monthly cap.",
  enforcementLevel: "mandatory",
  configSchema: configSchema(SIZING_DEFAULTS, {
    allowedInstanceClasses: "RDS instance classes this stage may run",
    maxAllocatedStorageGb: "Largest storage autoscaling ceiling (maxAllocatedStorage, or allocatedStorage) in GB",
    maxProvisionedIops: "Most provisioned IOPS (io1/io2)",
    maxWorstCaseMonthlyUsd: "USD a month one database may cost at its storage ceiling",
    region: "Region whose prices apply when the resource and its provider do not say",
  }),
  validateResource: (args, report) => {
    if (args.type !== T.rds) return;
    const cfg = withDefaults(SIZING_DEFAULTS, args.getConfig);
    const cls = String(args.props.instanceClass ?? "");
    if (!cfg.allowedInstanceClasses.includes(cls)) {
      report(
        explain(
          `Database ${args.name} uses class ${cls}, not on this stage's list.`,
          "database classes grow quietly: each step up doubles the hourly price, and Multi-AZ doubles it again.",
          `use one of ${cfg.allowedInstanceClasses.join(", ")}, or extend allowedInstanceClasses after a cost review.`,
        ),
      );
    }
    const storage = Math.max(Number(args.props.allocatedStorage ?? 0), Number(args.props.maxAllocatedStorage ?? 0));
    if (storage > cfg.maxAllocatedStorageGb) {
      report(
        explain(
          `Database ${args.name} may grow to ${storage} GB; the cap is ${cfg.maxAllocatedStorageGb} GB.`,
          "storage autoscaling only grows, never shrinks: the extra GB are billed forever after.",
          `set maxAllocatedStorage to at most ${cfg.maxAllocatedStorageGb}, or raise maxAllocatedStorageGb.`,
        ),
      );
    }
    const iops = Number(args.props.iops ?? 0);
    if (["io1", "io2"].includes(String(args.props.storageType)) && iops > cfg.maxProvisionedIops) {
      report(
        explain(
          `Database ${args.name} provisions ${iops} IOPS; the cap is ${cfg.maxProvisionedIops}.`,
          `provisioned IOPS bill whether used or not (about $0.10 per IOPS-month: ${money(iops * 0.1)}/month here).`,
          "use gp3 (3,000 IOPS included) or lower iops.",
        ),
      );
    }
    const cost = estimateCost([{ urn: args.urn, type: args.type, name: args.name, inputs: args.props }], regionOf(args.props, args.provider, cfg.region));
    if (!cost.unpriced.length && cost.worstCaseMonthlyUsd > cfg.maxWorstCaseMonthlyUsd) {
      report(
        explain(
          `Database ${args.name} costs up to ${money(cost.worstCaseMonthlyUsd)}/month; the cap is ${money(cfg.maxWorstCaseMonthlyUsd)}.`,
          cost.byResource[0]!.basis,
          "pick a smaller class, drop Multi-AZ outside production, or raise maxWorstCaseMonthlyUsd.",
        ),
      );
    }
  },
};

const PUBLIC_ACLS = ["public-read", "public-read-write", "authenticated-read"];

/** True when a bucket policy statement allows anyone (Principal "*") without a narrowing condition. */
function grantsPublicAccess(policy: unknown): boolean {
  return policyStatements(policy).some((s) => {
    const principal = s.Principal as unknown;
    const anyone = principal === "*" || asArray((principal as { AWS?: string | string[] } | undefined)?.AWS).includes("*");
    return s.Effect === "Allow" && anyone && !s.Condition;
  });
}

export const s3NoPublicAccess: ResourceValidationPolicy = {
  name: "s3-no-public-access",
  description: "No bucket is opened to the public: no public ACLs, no policy allowing everyone, no public access block turned off.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    const fix = "keep buckets private; share data through IAM roles (IRSA) or presigned URLs.";
    if ((args.type === T.bucket || args.type === T.bucketAcl || args.type === T.bucketAclV2) && PUBLIC_ACLS.includes(String(args.props.acl))) {
      report(explain(`${args.name} grants the canned ACL ${String(args.props.acl)}.`, "data sets and model weights become downloadable by anyone: a leak, and egress billed to you.", fix));
    }
    if (args.type === T.bucketPolicy && grantsPublicAccess(args.props.policy)) {
      report(explain(`Bucket policy ${args.name} allows Principal "*" without a condition.`, "everyone on the internet gets the allowed actions on the bucket.", fix));
    }
    if (args.type === T.publicAccessBlock) {
      const off = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].filter((k) => args.props[k] !== true);
      if (off.length) report(explain(`Public access block ${args.name} leaves ${off.join(", ")} off.`, "each switch left off is a path by which a later ACL or policy can make the bucket public.", "set all four to true."));
    }
  },
};

/** Resources of `type` configured against `bucket` (by property dependency, or by bucket name/id). */
function settingsFor(bucket: PolicyResource, all: PolicyResource[], type: string): PolicyResource[] {
  const names = [bucket.props.bucket, bucket.props.id].filter((v) => typeof v === "string");
  return all.filter(
    (r) => r.type === type && (asArray(r.propertyDependencies?.bucket).some((d) => d.urn === bucket.urn) || names.includes(r.props.bucket)),
  );
}

export const s3BucketsHardened: StackValidationPolicy = {
  name: "s3-buckets-hardened",
  description: "Every bucket has all public access blocked, default encryption, versioning, and a lifecycle rule expiring old versions.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    for (const bucket of args.resources.filter((r) => r.type === T.bucket)) {
      const problems: string[] = [];
      const pab = settingsFor(bucket, args.resources, T.publicAccessBlock);
      if (!pab.some((p) => ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every((k) => p.props[k] === true)))
        problems.push("no BucketPublicAccessBlock with all four switches on");
      const inlineSse = (bucket.props.serverSideEncryptionConfiguration as Props | undefined)?.rule;
      if (!settingsFor(bucket, args.resources, T.sse).length && !inlineSse) problems.push("no default encryption (BucketServerSideEncryptionConfiguration)");
      const versioned = settingsFor(bucket, args.resources, T.versioning).some((v) => (v.props.versioningConfiguration as Props | undefined)?.status === "Enabled");
      if (!versioned && (bucket.props.versioning as Props | undefined)?.enabled !== true) problems.push("versioning is not Enabled");
      const rules = settingsFor(bucket, args.resources, T.lifecycle).flatMap((l) => asArray(l.props.rules as Props[] | undefined));
      if (!rules.some((r) => r.status === "Enabled" && r.noncurrentVersionExpiration)) problems.push("no enabled lifecycle rule expiring noncurrent versions");
      if (problems.length) {
        report(
          explain(
            `Bucket ${bucket.name}: ${problems.join("; ")}.`,
            "buckets hold data sets and model weights: public or unencrypted ones leak them, unversioned ones lose them to one bad sync, and versioned ones without lifecycle rules grow the bill forever.",
            "use the ArtifactStore component, or add the missing BucketPublicAccessBlock / BucketServerSideEncryptionConfiguration / BucketVersioning / BucketLifecycleConfiguration.",
          ),
          bucket.urn,
        );
      }
    }
  },
};

export const dataPolicies = [rdsPrivateAndEncrypted, rdsBackups, statefulDeletionSafeguards, rdsSizing, s3NoPublicAccess, s3BucketsHardened];
