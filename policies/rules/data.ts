/**
 * Data: databases private, encrypted, backed up and hard to delete; buckets
 * closed to the public, encrypted, versioned and with lifecycle rules.
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { estimateCost } from "../../cost/model";
import { pricesFor } from "../../cost/prices";
import { T, asArray, explain, isProduction, limitSchema, money, policyStatements, regionOf, resourceLimits } from "./common";

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

export const rdsBackups: ResourceValidationPolicy = {
  name: "rds-backups",
  description: "Databases keep automated backups (point-in-time restore) for the stage's minimum.",
  enforcementLevel: "mandatory",
  configSchema: limitSchema("rds-backups", { minBackupRetentionDays: "Fewest days of automated backups a database may keep" }),
  validateResource: (args, report) => {
    if (args.type !== T.rds) return;
    const { limits, source } = resourceLimits("rds-backups", args);
    const min = limits.minBackupRetentionDays;
    const days = typeof args.props.backupRetentionPeriod === "number" ? args.props.backupRetentionPeriod : 0;
    if (days < min) {
      report(
        explain(
          `Database ${args.name} keeps ${days} day(s) of automated backups; the minimum is ${min} (${source}).`,
          days === 0
            ? "with 0 days there are no automated backups and no point-in-time restore at all."
            : "a bad migration noticed after the retention window cannot be undone.",
          `set backupRetentionPeriod to at least ${min} (backup storage up to the database's size is free).`,
        ),
      );
    }
  },
};

/**
 * The two layers that keep production data through a `pulumi destroy`, a
 * refactor or a console click, and which of them a database or bucket has.
 * - AWS's own: a database with deletionProtection (AWS refuses DeleteDBInstance)
 *   and a final snapshot; a bucket without forceDestroy (AWS refuses to delete
 *   a bucket that still holds objects or versions; versioning itself is
 *   s3-buckets-hardened's mandatory check).
 * - Pulumi's: the `protect` resource option (Pulumi refuses to delete or replace it).
 */
function deletionGuards(type: string, props: Props, protect: boolean | undefined) {
  const aws: string[] = [];
  const missingAws: string[] = [];
  if (type === T.rds) {
    (props.deletionProtection === true ? aws : missingAws).push("deletion protection");
    (props.skipFinalSnapshot !== true && props.finalSnapshotIdentifier ? aws : missingAws).push("a final snapshot");
  } else {
    (props.forceDestroy !== true ? aws : missingAws).push("no forceDestroy (AWS refuses to delete a bucket that still holds data)");
  }
  return { awsHolds: missingAws.length === 0, aws, missingAws, protect: protect === true };
}

const stateful = (type: string) => type === T.rds || type === T.bucket;
const PRODUCTION_DESCRIPTION = 'Values of the `environment` tag that count as production ("*" for all; an untagged resource counts as production)';

export const statefulDeletionSafeguards: ResourceValidationPolicy = {
  name: "stateful-deletion-safeguards",
  description:
    "A production database or bucket has at least one guard against deletion: AWS's own (deletion protection and a final snapshot; no forceDestroy) or Pulumi's `protect`.",
  enforcementLevel: "mandatory",
  configSchema: limitSchema("stateful-deletion-safeguards", { productionEnvironments: PRODUCTION_DESCRIPTION }),
  validateResource: (args, report) => {
    if (!stateful(args.type)) return;
    const { limits } = resourceLimits("stateful-deletion-safeguards", args);
    if (!isProduction(args.props, limits.productionEnvironments)) return;
    const g = deletionGuards(args.type, args.props, args.opts.protect);
    if (g.awsHolds || g.protect) return;
    const what = args.type === T.rds ? "Database" : "Bucket";
    report(
      explain(
        `${what} ${args.name} holds production data with nothing guarding it against deletion: no Pulumi \`protect\`, and AWS's own guard lacks ${g.missingAws.join(" and ")}.`,
        "one `pulumi destroy` on the wrong stack, a refactor that renames it, or one API call deletes production data for good.",
        args.type === T.rds
          ? "declare it with { protect: true, retainOnDelete: true }, or at least set deletionProtection: true, skipFinalSnapshot: false and a finalSnapshotIdentifier."
          : "declare it with { protect: true, retainOnDelete: true }, or at least leave forceDestroy off.",
      ),
    );
  },
};

export const statefulResourcesProtected: ResourceValidationPolicy = {
  name: "stateful-resources-protected",
  description: "A production database or bucket has both guards against deletion, AWS's own and Pulumi's `protect` (advisory: one of them already holds).",
  enforcementLevel: "advisory",
  configSchema: limitSchema("stateful-resources-protected", { productionEnvironments: PRODUCTION_DESCRIPTION }),
  validateResource: (args, report) => {
    if (!stateful(args.type)) return;
    const { limits } = resourceLimits("stateful-resources-protected", args);
    if (!isProduction(args.props, limits.productionEnvironments)) return;
    const g = deletionGuards(args.type, args.props, args.opts.protect);
    // Neither holds: stateful-deletion-safeguards blocks it. Both hold: nothing to say.
    if (g.awsHolds === g.protect) return;
    const what = args.type === T.rds ? "Database" : "Bucket";
    if (!g.protect) {
      report(
        explain(
          `${what} ${args.name} is not protected by Pulumi (resource option \`protect\`); AWS's own guard holds (${g.aws.join(", ")}).`,
          args.type === T.rds
            ? "AWS refuses to delete it, but a refactor that renames it makes Pulumi create a new, empty database and point the stack at it before the delete fails."
            : "AWS refuses to delete it while it holds data, but a refactor that renames it leaves a second bucket and a failed update behind.",
          "declare it with { protect: true, retainOnDelete: true } (ml-platform does this when protectStatefulResources is on).",
        ),
      );
    } else {
      report(
        explain(
          `${what} ${args.name} is protected by Pulumi, but AWS's own guard lacks ${g.missingAws.join(" and ")}.`,
          "`protect` only stops Pulumi: anyone with console or API access can still delete it in one call, and without a final snapshot nothing is left.",
          args.type === T.rds ? "set deletionProtection: true, skipFinalSnapshot: false and a finalSnapshotIdentifier." : "leave forceDestroy off.",
        ),
      );
    }
  },
};

export const rdsSizing: ResourceValidationPolicy = {
  name: "rds-sizing",
  description: "Databases are sanely sized: allowed classes, bounded storage autoscaling and provisioned IOPS, a monthly cap.",
  enforcementLevel: "mandatory",
  configSchema: limitSchema(
    "rds-sizing",
    {
      allowedInstanceClasses: "RDS instance classes this stage may run",
      maxAllocatedStorageGb: "Largest storage autoscaling ceiling (maxAllocatedStorage, or allocatedStorage) in GB",
      maxProvisionedIops: "Most provisioned IOPS (io1/io2)",
      maxWorstCaseMonthlyUsd: "USD a month one database may cost at its storage ceiling",
    },
    { region: true },
  ),
  validateResource: (args, report) => {
    if (args.type !== T.rds) return;
    const { limits: cfg, source } = resourceLimits("rds-sizing", args);
    const cls = String(args.props.instanceClass ?? "");
    if (!cfg.allowedInstanceClasses.includes(cls)) {
      report(
        explain(
          `Database ${args.name} uses class ${cls}, not on the allowlist (${source}).`,
          "database classes grow quietly: each step up doubles the hourly price, and Multi-AZ doubles it again.",
          `use one of ${cfg.allowedInstanceClasses.join(", ")}, or extend allowedInstanceClasses in your --policy-pack-config file after a cost review.`,
        ),
      );
    }
    const storage = Math.max(Number(args.props.allocatedStorage ?? 0), Number(args.props.maxAllocatedStorage ?? 0));
    if (storage > cfg.maxAllocatedStorageGb) {
      report(
        explain(
          `Database ${args.name} may grow to ${storage} GB; the cap is ${cfg.maxAllocatedStorageGb} GB (${source}).`,
          "storage autoscaling only grows, never shrinks: the extra GB are billed forever after.",
          `set maxAllocatedStorage to at most ${cfg.maxAllocatedStorageGb}, or raise maxAllocatedStorageGb.`,
        ),
      );
    }
    const iops = Number(args.props.iops ?? 0);
    if (["io1", "io2"].includes(String(args.props.storageType)) && iops > cfg.maxProvisionedIops) {
      const perIops = rdsIopsPrice(String(args.props.storageType), regionOf(args.props, args.provider, args.getConfig<{ region?: string }>().region));
      report(
        explain(
          `Database ${args.name} provisions ${iops} IOPS; the cap is ${cfg.maxProvisionedIops} (${source}).`,
          `provisioned IOPS bill whether used or not${perIops === undefined ? "" : ` (${money(iops * perIops)}/month here)`}.`,
          "use gp3 (3,000 IOPS included) or lower iops.",
        ),
      );
    }
    const region = regionOf(args.props, args.provider, args.getConfig<{ region?: string }>().region);
    const cost = estimateCost([{ urn: args.urn, type: args.type, name: args.name, inputs: args.props }], region ?? "unknown");
    // Unpriced: cost-fully-priced (advisory) says so; the class and storage caps above still hold.
    if (!cost.unpriced.length && cost.worstCaseMonthlyUsd > cfg.maxWorstCaseMonthlyUsd) {
      report(
        explain(
          `Database ${args.name} costs up to ${money(cost.worstCaseMonthlyUsd)}/month; the cap is ${money(cfg.maxWorstCaseMonthlyUsd)} (${source}).`,
          cost.byResource[0]!.basis,
          "pick a smaller class, drop Multi-AZ outside production, or raise maxWorstCaseMonthlyUsd.",
        ),
      );
    }
  },
};

/** $ per provisioned IOPS-month of RDS io1/io2 storage in the region, from the price table. */
function rdsIopsPrice(storageType: string, region: string | undefined): number | undefined {
  const table = region === undefined ? undefined : pricesFor(region)?.rdsStorage;
  return storageType === "io1" ? table?.io1PerIopsMonth : table?.io2PerIopsMonth;
}

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
      report(
        explain(
          `${args.name} grants the canned ACL ${String(args.props.acl)}.`,
          "data sets and model weights become downloadable by anyone: a leak, and egress billed to you.",
          fix,
        ),
      );
    }
    if (args.type === T.bucketPolicy && grantsPublicAccess(args.props.policy)) {
      report(
        explain(
          `Bucket policy ${args.name} allows Principal "*" without a condition.`,
          "everyone on the internet gets the allowed actions on the bucket.",
          fix,
        ),
      );
    }
    if (args.type === T.publicAccessBlock) {
      const off = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].filter((k) => args.props[k] !== true);
      if (off.length)
        report(
          explain(
            `Public access block ${args.name} leaves ${off.join(", ")} off.`,
            "each switch left off is a path by which a later ACL or policy can make the bucket public.",
            "set all four to true.",
          ),
        );
    }
  },
};

/** Resources of `type` configured against `bucket` (by property dependency, or by bucket name/id). */
function settingsFor(bucket: PolicyResource, all: PolicyResource[], type: string): PolicyResource[] {
  const names = [bucket.props.bucket, bucket.props.id].filter((v) => typeof v === "string");
  return all.filter((r) => r.type === type && (asArray(r.propertyDependencies?.bucket).some((d) => d.urn === bucket.urn) || names.includes(r.props.bucket)));
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
      const versioned = settingsFor(bucket, args.resources, T.versioning).some(
        (v) => (v.props.versioningConfiguration as Props | undefined)?.status === "Enabled",
      );
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

export const dataPolicies = [
  rdsPrivateAndEncrypted,
  rdsBackups,
  statefulDeletionSafeguards,
  statefulResourcesProtected,
  rdsSizing,
  s3NoPublicAccess,
  s3BucketsHardened,
];
