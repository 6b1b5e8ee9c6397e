/**
 * Settings an expert reviewer catches in a diff: exposure without a guard,
 * alerts that cannot arrive, backups and keys one call from gone, service-wide
 * IAM wildcards, versions past support, and storage or network choices that
 * cost more than they should.
 *
 * Facts (checked 2026-12-07):
 * - SNS: an AWS service (CloudWatch alarms among them) publishes to an encrypted
 *   topic only when the key's policy lets its principal use the key; the AWS
 *   managed key `alias/aws/sns` has a policy nobody can change, so alarms cannot
 *   publish through it (docs.aws.amazon.com/sns/latest/dg/sns-key-management.html,
 *   "compatibility with AWS services").
 * - AWS Load Balancer Controller: an Ingress's ALB is internal unless the
 *   `alb.ingress.kubernetes.io/scheme: internet-facing` annotation says otherwise;
 *   `inbound-cidrs` limits the sources, `auth-type: cognito|oidc` authenticates users
 *   (kubernetes-sigs.github.io/aws-load-balancer-controller, ingress annotations).
 * - KMS: a key's deletion waiting period is 7 to 30 days, 30 by default; after it
 *   the key and every piece of data encrypted under it are gone for good
 *   (docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html).
 * - EKS: a minor is in standard support for 14 months, then in extended support
 *   for 12 at a higher hourly price; end-of-standard-support dates from the EKS
 *   Kubernetes release calendar (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html).
 * - S3 Object Lock: in COMPLIANCE mode no user, the root user included, can
 *   overwrite or delete a locked object version, or shorten its retention, until it
 *   expires (docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html).
 * - EBS: gp3 costs 20% less per GB than gp2 (us-east-1: $0.08 against $0.10 per
 *   GB-month) and gives 3,000 IOPS whatever its size (aws.amazon.com/ebs/pricing).
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { HOURS_PER_MONTH, pricesFor } from "../../cost/prices";
import { isAcceleratedType } from "../../lib/instance-types";
import { STAGE_LIMITS, isStage, statedStage } from "../stages";
import { T, asArray, explain, isProduction, money, policyStatements, regionOf, tagsOf } from "./common";

type Props = Record<string, unknown>;
const money2 = (n: number) => `$${n.toFixed(2)}`;
const PRODUCTION = ["prod", "production"];
const WORLD = ["0.0.0.0/0", "::/0"];

// ---------------------------------------------------------------- exposure

const INGRESS_TYPES = ["kubernetes:networking.k8s.io/v1:Ingress", "kubernetes:networking.k8s.io/v1beta1:Ingress", "kubernetes:extensions/v1beta1:Ingress"];
const ALB = "alb.ingress.kubernetes.io/";

export const publicIngressesGuarded: ResourceValidationPolicy = {
  name: "public-ingresses-guarded",
  description: "An internet-facing Ingress (AWS Load Balancer Controller) authenticates its users or lists the source ranges allowed in.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (!INGRESS_TYPES.includes(args.type)) return;
    const annotations = ((args.props.metadata ?? {}) as { annotations?: Record<string, string> }).annotations ?? {};
    if (annotations[`${ALB}scheme`] !== "internet-facing") return;
    const cidrs = String(annotations[`${ALB}inbound-cidrs`] ?? "")
      .split(",")
      .map((c) => c.trim())
      .filter(Boolean);
    const restricted = cidrs.length > 0 && !cidrs.some((c) => WORLD.includes(c));
    const authenticated = ["cognito", "oidc"].includes(annotations[`${ALB}auth-type`] ?? "");
    if (restricted || authenticated) return;
    report(
      explain(
        `Ingress ${args.name} puts an internet-facing load balancer in front of the cluster with no authentication and no source ranges.`,
        "anyone who finds the hostname reaches what is behind it: MLflow has no login of its own (its runs, artifacts and registry are readable and writable), and a model endpoint serves, on GPUs you pay for, whoever calls it.",
        `authenticate at the load balancer (${ALB}auth-type: oidc or cognito, with auth-idp-*), or list the callers' ranges in ${ALB}inbound-cidrs, or keep it internal (the controller's default scheme) and reach it through the VPN.`,
      ),
    );
  },
};

// ---------------------------------------------------------------- alerting and keys

const TOPIC = "aws:sns/topic:Topic";
const ALARM_TYPES = ["aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/compositeAlarm:CompositeAlarm"];
const AWS_MANAGED_SNS_KEY = /(^|:|\/)alias\/aws\/sns$/;

/** Topics the stack's alarms notify (through their actions' property dependencies, or an ARN naming the topic). */
function alertTopics(resources: PolicyResource[]): PolicyResource[] {
  const alarms = resources.filter((r) => ALARM_TYPES.includes(r.type));
  return resources.filter(
    (t) =>
      t.type === TOPIC &&
      alarms.some((a) =>
        ["alarmActions", "okActions", "insufficientDataActions"].some(
          (k) =>
            asArray(a.propertyDependencies?.[k]).some((d) => d.urn === t.urn) ||
            (typeof t.props.name === "string" && asArray(a.props[k] as string[] | undefined).some((arn) => String(arn).endsWith(`:${String(t.props.name)}`))),
        ),
      ),
  );
}

export const alertTopicsDeliverable: StackValidationPolicy = {
  name: "alert-topics-deliverable",
  description: "Topics that alarms notify are not encrypted with the AWS managed key alias/aws/sns, through which CloudWatch cannot publish.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    for (const topic of alertTopics(args.resources)) {
      const key = topic.props.kmsMasterKeyId;
      if (typeof key !== "string" || !AWS_MANAGED_SNS_KEY.test(key)) continue;
      report(
        explain(
          `Alert topic ${topic.name} is encrypted with the AWS managed key alias/aws/sns.`,
          "CloudWatch must use the topic's key to publish, and the AWS managed key's policy cannot be changed to let it: every alarm fires into nothing, silently, and nobody is paged.",
          "encrypt the topic with a customer managed key whose policy allows cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey* (the Alerting component creates one).",
        ),
        topic.urn,
      );
    }
  },
};

export const alertTopicsEncrypted: StackValidationPolicy = {
  name: "alert-topics-encrypted",
  description: "Topics that alarms notify are encrypted at rest with a customer managed key.",
  // Alerts still arrive: encryption at rest is hygiene, not an outage.
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    for (const topic of alertTopics(args.resources)) {
      if (topic.props.kmsMasterKeyId) continue;
      report(
        explain(
          `Alert topic ${topic.name} is not encrypted.`,
          "alarm messages name resources, thresholds and sometimes data; security reviews (AWS Security Hub's SNS.1) flag plaintext topics.",
          "set kmsMasterKeyId to a customer managed key that lets cloudwatch.amazonaws.com use it (not alias/aws/sns, through which alarms cannot publish).",
        ),
        topic.urn,
      );
    }
  },
};

const VAULT = "aws:backup/vault:Vault";
export const backupVaultsKept: ResourceValidationPolicy = {
  name: "backup-vaults-kept",
  description: "A production backup vault cannot be destroyed with its recovery points (no forceDestroy).",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== VAULT || args.props.forceDestroy !== true || !isProduction(args.props, PRODUCTION)) return;
    report(
      explain(
        `Production backup vault ${args.name} sets forceDestroy.`,
        "a `pulumi destroy`, or a refactor that renames the vault, deletes every recovery point in it: the backups are gone exactly when the data they protect is.",
        "remove forceDestroy (AWS then refuses to delete a vault that holds recovery points), and protect the vault; a vault lock (aws.backup.VaultLockConfiguration) keeps even an admin from deleting them.",
      ),
    );
  },
};

const KMS_KEY = "aws:kms/key:Key";
export const kmsDeletionWindow: ResourceValidationPolicy = {
  name: "kms-deletion-window",
  description: "A production KMS key keeps more than the minimum 7-day deletion waiting period (30 days recommended).",
  // The window only matters once someone schedules the deletion, and 7 days is still a window.
  enforcementLevel: "advisory",
  validateResource: (args, report) => {
    if (args.type !== KMS_KEY || !isProduction(args.props, PRODUCTION)) return;
    const days = Number(args.props.deletionWindowInDays ?? 30);
    if (days > 7) return;
    report(
      explain(
        `Production KMS key ${args.name} has a ${days}-day deletion window, the minimum.`,
        "once its deletion is scheduled (by mistake, or by a stolen admin session), a week without anyone noticing destroys the key, and every bucket object, database snapshot and secret encrypted under it is unreadable forever.",
        "set deletionWindowInDays: 30 (AWS's default) and alarm on kms:ScheduleKeyDeletion in CloudTrail.",
      ),
    );
  },
};

// ---------------------------------------------------------------- identity

const IAM_DOCUMENT_TYPES: string[] = [T.iamPolicy, T.iamRolePolicy, T.iamUserPolicy, T.iamGroupPolicy];

/** Service-wide wildcard actions ("s3:*") allowed on every resource ("*"); "*" and iam:* are no-wildcard-admin-iam's. */
function serviceWideWildcards(policy: unknown): string[] {
  const found = new Set<string>();
  for (const s of policyStatements(policy)) {
    if (s.Effect !== "Allow" || !asArray(s.Resource as string | string[] | undefined).includes("*")) continue;
    for (const a of asArray(s.Action as string | string[] | undefined))
      if (typeof a === "string" && /^[a-z0-9-]+:\*$/i.test(a) && a.toLowerCase() !== "iam:*") found.add(a);
  }
  return [...found];
}

export const noServiceWideIamWildcards: ResourceValidationPolicy = {
  name: "no-service-wide-iam-wildcards",
  description: 'No IAM policy allows a whole service ("s3:*", "ec2:*", ...) on Resource "*".',
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    const docs: unknown[] = [];
    if (IAM_DOCUMENT_TYPES.includes(args.type)) docs.push(args.props.policy);
    if (args.type === T.iamRole) for (const p of asArray(args.props.inlinePolicies as Props[] | undefined)) docs.push(p.policy);
    const actions = [...new Set(docs.flatMap(serviceWideWildcards))];
    if (!actions.length) return;
    report(
      explain(
        `${args.name} allows ${actions.join(", ")} on every resource.`,
        `a pod or CI job holding it can do anything that service does, account-wide: ${actions.some((a) => a.toLowerCase() === "s3:*") ? "s3:* reads and deletes every bucket, data sets and backups included, and can make them public" : "delete, read or reconfigure every resource of that service, other teams' included"}; a leaked pod token is all it takes.`,
        "list the actions the workload calls (s3:GetObject, s3:PutObject, s3:ListBucket) on the ARNs it needs (arn:aws:s3:::bucket/prefix/*).",
      ),
    );
  },
};

// ---------------------------------------------------------------- versions and settings

/**
 * End of EKS standard support by Kubernetes minor (EKS release calendar,
 * "Understand the Kubernetes version lifecycle on EKS",
 * docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar,
 * checked 2026-12-07; 1.36: EKS release 2026-06-02, the calendar row as
 * quoted in public notes verified 2026-09-29, and 14 months of standard
 * support from the release agree). Add each new minor when EKS publishes its
 * date: 1.37 (on EKS since 2026-10-02, AWS What's New) is not here, as no
 * stored copy of the calendar had its row; a minor newer than the table is
 * treated as not yet ended. The minors a stack may run (lib/versions.ts
 * EKS_KUBERNETES_RELEASES) must agree with this table: a test checks it.
 */
export const EKS_STANDARD_SUPPORT_ENDS: Record<string, string> = {
  "1.28": "2024-11-26",
  "1.29": "2025-03-23",
  "1.30": "2025-07-23",
  "1.31": "2025-11-26",
  "1.32": "2026-03-23",
  "1.33": "2026-07-29",
  "1.34": "2026-12-02",
  "1.35": "2027-03-27",
  "1.36": "2027-08-02",
};

/** Whether a minor's standard support has ended on `today` (YYYY-MM-DD); undefined when the table does not know the minor. */
export function pastStandardSupport(version: string, today: string): { ended: string } | undefined | false {
  const minor = /^(\d+\.\d+)/.exec(version)?.[1];
  const ends = minor === undefined ? undefined : EKS_STANDARD_SUPPORT_ENDS[minor];
  if (ends === undefined) {
    // Older than the table: long past; newer: not yet.
    const oldest = Object.keys(EKS_STANDARD_SUPPORT_ENDS)[0]!;
    return minor !== undefined && Number(minor.split(".")[1]) < Number(oldest.split(".")[1]) && minor.startsWith("1.")
      ? { ended: `before ${EKS_STANDARD_SUPPORT_ENDS[oldest]}` }
      : undefined;
  }
  // EKS bills extended support from the beginning (UTC) of the end date itself (release calendar note).
  return today >= ends ? { ended: ends } : false;
}

export const eksVersionInStandardSupport: ResourceValidationPolicy = {
  name: "eks-version-in-standard-support",
  description: "An EKS cluster runs a Kubernetes minor still in standard support (a dated table; the support type alone does not say).",
  enforcementLevel: "mandatory",
  configSchema: { properties: { asOf: { type: "string", description: "Date (YYYY-MM-DD) to judge support on. Default: today" } } },
  validateResource: (args, report) => {
    if (args.type !== T.eksCluster || typeof args.props.version !== "string") return;
    const asOf = args.getConfig<{ asOf?: string }>().asOf;
    const today = typeof asOf === "string" && /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? asOf : new Date().toISOString().slice(0, 10);
    const past = pastStandardSupport(args.props.version, today);
    if (!past) return;
    const eks = pricesFor(regionOf(args.props, args.provider) ?? "")?.eksControlPlanePerHour;
    const standardOnly = (args.props.upgradePolicy as Props | undefined)?.supportType === "STANDARD";
    report(
      explain(
        `Cluster ${args.name} runs Kubernetes ${args.props.version}, whose EKS standard support ended ${past.ended}.`,
        standardOnly
          ? "with supportType STANDARD, EKS upgrades the control plane to the next minor on its own schedule, not yours: add-ons and manifests pinned for this minor meet a newer API server mid-week."
          : `EKS keeps it running in extended support, billed ${eks ? `${money2(eks.extended)}/h instead of ${money2(eks.standard)}/h (+${money((eks.extended - eks.standard) * HOURS_PER_MONTH)}/month)` : "at several times the standard control-plane price"}, and security fixes still stop a year later.`,
        `upgrade to a supported minor (the newest in the table is ${Object.keys(EKS_STANDARD_SUPPORT_ENDS).at(-1)}), one minor at a time, with the add-on pins that go with it.`,
      ),
    );
  },
};

export const ecrExclusionsKeepTagsImmutable: ResourceValidationPolicy = {
  name: "ecr-exclusions-keep-tags-immutable",
  description: "An ECR repository's immutability exclusion filters do not match every tag.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== T.ecrRepository || args.props.imageTagMutability !== "IMMUTABLE_WITH_EXCLUSION") return;
    const filters = asArray(args.props.imageTagMutabilityExclusionFilters as { filter?: string; filterType?: string }[] | undefined);
    const everything = filters.filter((f) => typeof f.filter === "string" && /^\*+$/.test(f.filter));
    if (!everything.length) return;
    report(
      explain(
        `Repository ${args.name} is IMMUTABLE_WITH_EXCLUSION, but its exclusion filter "${everything[0]!.filter}" matches every tag.`,
        "every tag is mutable again: a re-pushed tag silently changes what production runs, and a rollback to it restores the wrong model.",
        'exclude only the moving tags you need (e.g. filter "latest" or "dev-*"), or use imageTagMutability: "IMMUTABLE".',
      ),
    );
  },
};

const EBS_VOLUME = "aws:ebs/volume:Volume";
const STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass";

/** Where a resource asks for gp2: the field paths that say so. */
function gp2Uses(type: string, props: Props): string[] {
  if (type === EBS_VOLUME && props.type === "gp2") return ["type"];
  if (type === T.rds && props.storageType === "gp2") return ["storageType"];
  if (type === STORAGE_CLASS && (props.parameters as Props | undefined)?.type === "gp2") return ["parameters.type"];
  if (type === T.launchTemplate)
    return asArray(props.blockDeviceMappings as { deviceName?: string; ebs?: { volumeType?: string } }[] | undefined)
      .filter((m) => m.ebs?.volumeType === "gp2")
      .map((m) => `blockDeviceMappings[${m.deviceName ?? "?"}].ebs.volumeType`);
  return [];
}

export const volumesUseGp3: ResourceValidationPolicy = {
  name: "volumes-use-gp3",
  description: "EBS volumes, launch templates, StorageClasses and RDS storage use gp3, not gp2.",
  enforcementLevel: "advisory",
  validateResource: (args, report) => {
    const uses = gp2Uses(args.type, args.props);
    if (!uses.length) return;
    const gp3 = pricesFor(regionOf(args.props, args.provider) ?? "")?.ebsGp3PerGbMonth;
    report(
      explain(
        `${args.name} uses gp2 (${uses.join(", ")}).`,
        `gp3 costs 20% less per GB${gp3 === undefined ? "" : ` (${money2(gp3)}/GB-month here, against about ${money2(gp3 * 1.25)} for gp2)`} and gives 3,000 IOPS at any size, where a small gp2 volume gets 100 IOPS and runs out of burst credits.`,
        'use "gp3" (an existing volume changes type in place, without downtime).',
      ),
    );
  },
};

const NAT = "aws:ec2/natGateway:NatGateway";
export const natGatewaysFitStage: StackValidationPolicy = {
  name: "nat-gateways-fit-stage",
  description: "Before Series B a stack runs one shared NAT gateway, not one per AZ.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    const nats = args.resources.filter((r) => r.type === NAT && (r.props.connectivityType ?? "public") === "public");
    if (nats.length < 2) return;
    const stages = new Set(args.resources.map((r) => statedStage(r.type, r.props, r.provider)).filter(isStage));
    if (!stages.size || !["poc", "mvp"].some((s) => stages.has(s as never)) || stages.has("seriesb")) return;
    const perHour = pricesFor(regionOf(nats[0]!.props, nats[0]!.provider) ?? "")?.natGateway.perHour;
    const extra = perHour === undefined ? undefined : (nats.length - 1) * perHour * HOURS_PER_MONTH;
    report(
      explain(
        `${nats.length} NAT gateways (one per AZ) in a ${[...stages].join("/")} stack.`,
        `${extra === undefined ? "each NAT gateway bills by the hour" : `the ${nats.length - 1} extra cost ${money(extra)}/month before any traffic`} (the ${[...stages].join("/")} budget is ${money(Math.min(...[...stages].map((s) => STAGE_LIMITS[s]["stack-monthly-budget"].maxWorstCaseMonthlyUsd)))}), for resilience to an AZ outage an early product rarely needs.`,
        "share one NAT gateway (ml-platform:network.natGateways: single) until Series B.",
      ),
      nats[0]!.urn,
    );
  },
};

const OBJECT_LOCK_TYPES = [
  "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
];
/** Buckets whose purpose is an audit trail, where COMPLIANCE retention is what regulators ask for. */
const AUDIT_BUCKET = /audit|cloudtrail|trail|compliance|log/i;

export const objectLockNotCompliance: StackValidationPolicy = {
  name: "object-lock-governance-on-data",
  description: "Data buckets (not audit logs) use Object Lock GOVERNANCE mode, not COMPLIANCE mode that nobody can undo.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const buckets = args.resources.filter((r) => r.type === T.bucket);
    for (const lock of args.resources.filter((r) => OBJECT_LOCK_TYPES.includes(r.type))) {
      const retention = asArray((lock.props.rule as { defaultRetention?: { mode?: string; days?: number; years?: number } } | undefined)?.defaultRetention)[0];
      if (retention?.mode !== "COMPLIANCE") continue;
      const bucket =
        buckets.find((b) => asArray(lock.propertyDependencies?.bucket).some((d) => d.urn === b.urn)) ??
        buckets.find((b) => b.props.bucket === lock.props.bucket);
      const purpose = `${tagsOf(bucket?.props ?? {}).purpose ?? ""} ${String(bucket?.props.bucket ?? lock.props.bucket ?? "")} ${bucket?.name ?? ""}`;
      if (AUDIT_BUCKET.test(purpose)) continue;
      const days = (retention.years ?? 0) * 365 + (retention.days ?? 0);
      if (days <= 30) continue;
      const gb = Number(tagsOf(bucket?.props ?? {})["ml-platform/planned-storage-gb"]);
      const perGb = pricesFor(regionOf(lock.props, lock.provider) ?? "")?.s3StandardPerGbMonth;
      const bill =
        gb > 0 && perGb !== undefined
          ? ` At the ${gb} GB planned, that is ${money(gb * perGb)}/month, ${money((gb * perGb * days) / 30)} in all, committed.`
          : "";
      report(
        explain(
          `${bucket?.name ?? lock.name} locks every object version in COMPLIANCE mode for ${retention.years ? `${retention.years} year(s)` : `${retention.days} days`}.`,
          `in COMPLIANCE mode nobody, the root user included, can delete a locked version or shorten its retention, and AWS support will not either: a data set you must erase (a GDPR request, a licence ending, a leaked record) stays, and every version is billed until it expires.${bill}`,
          "use GOVERNANCE mode (users with s3:BypassGovernanceRetention can still correct mistakes), or a short COMPLIANCE period; keep COMPLIANCE for audit logs.",
        ),
        lock.urn,
      );
    }
  },
};

const NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance";
export const gpuNotebooksStop: ResourceValidationPolicy = {
  name: "gpu-notebooks-stop",
  description: "SageMaker notebook instances on GPUs have a lifecycle configuration that stops them when idle.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== NOTEBOOK) return;
    const type = String(args.props.instanceType ?? "");
    if (!isAcceleratedType(type.replace(/^ml\./, "")) || args.props.lifecycleConfigName) return;
    const hourly = pricesFor(regionOf(args.props, args.provider) ?? "")?.ec2[type.replace(/^ml\./, "")];
    report(
      explain(
        `SageMaker notebook ${args.name} runs on ${type} with no lifecycle configuration to stop it.`,
        `a notebook bills every hour it is InService, used or not: ${hourly === undefined ? "a GPU notebook left on over a weekend costs hundreds" : `at least ${money(hourly * HOURS_PER_MONTH)}/month (the EC2 price of the same type; SageMaker charges more)`} for one forgotten tab.`,
        "attach a lifecycle configuration (lifecycleConfigName) whose on-start script stops the instance after an idle hour, or run the work as a training job that ends.",
      ),
    );
  },
};

export const hardeningPolicies = [
  publicIngressesGuarded,
  alertTopicsDeliverable,
  alertTopicsEncrypted,
  backupVaultsKept,
  kmsDeletionWindow,
  noServiceWideIamWildcards,
  eksVersionInStandardSupport,
  ecrExclusionsKeepTagsImmutable,
  volumesUseGp3,
  natGatewaysFitStage,
  objectLockNotCompliance,
  gpuNotebooksStop,
];
