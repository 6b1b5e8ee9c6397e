import * as aws from "../../lib/aws";
import * as pulumi from "@pulumi/pulumi";
import { PLANNED_STORAGE_GB_TAG, withPlannedGb } from "../../lib/tags";
import { validateArgs } from "../../lib/validate";
import { statefulOptions } from "../stateful";
import type { ArtifactStoreArgs } from "./artifact-store.args";
import { ArtifactStoreArgsSchema, artifactStoreProblems, bucketName } from "./artifact-store.schema";
import { privateBucket } from "./private-bucket";

export type { ArtifactStoreArgs };

/** How the buckets are encrypted: "sse-s3" (S3-managed keys) or "sse-kms" (a customer managed KMS key). */
export type BucketEncryption = NonNullable<ArtifactStoreArgs["encryption"]>;
export const ARTIFACT_STORE_TYPE = "mlplatform:data:ArtifactStore";

/** One artifact bucket: its name and ARN, for IAM policies and application config. */
export interface BucketInfo {
  name: pulumi.Output<string>;
  arn: pulumi.Output<string>;
}

/**
 * S3 buckets for data sets and models: every public access path blocked, ACLs
 * disabled, encrypted at rest, TLS enforced, versioned, with lifecycle rules
 * so old versions and abandoned uploads do not grow the bill forever.
 */
export class ArtifactStore extends pulumi.ComponentResource {
  /** Buckets by logical name ("datasets", "models"). */
  public readonly buckets: Record<string, BucketInfo>;
  /** The KMS key ARN when encryption is "sse-kms". */
  public readonly kmsKeyArn?: pulumi.Output<string>;

  constructor(name: string, args: ArtifactStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before anything is declared: a bad argument throws ComponentArgsError naming it.
    const s = validateArgs(ARTIFACT_STORE_TYPE, name, ArtifactStoreArgsSchema, args, artifactStoreProblems);
    super(ARTIFACT_STORE_TYPE, name, {}, opts);
    const tags = s.tags;
    const stateful = statefulOptions(this, s.protect);

    const key =
      s.encryption === "sse-kms"
        ? new aws.kms.Key(
            `${name}-key`,
            {
              description: `Encrypts the ${name} artifact buckets`,
              enableKeyRotation: true,
              deletionWindowInDays: 30,
              tags,
            },
            stateful,
          )
        : undefined;
    this.kmsKeyArn = key?.arn;

    this.buckets = {};
    const perBucketGb = s.expectedStorageGb === undefined ? undefined : s.expectedStorageGb / s.buckets.length;
    for (const logical of s.buckets) {
      const id = bucketName(name, logical);
      const bucketTags = withPlannedGb({ ...tags, purpose: logical }, PLANNED_STORAGE_GB_TAG, perBucketGb);
      const iaDays = s.noncurrentToInfrequentAccessDays;
      const bucket = privateBucket(
        id,
        {
          tags: bucketTags,
          forceDestroy: s.forceDestroy,
          kmsKeyArn: key?.arn,
          lifecycleRules: [
            {
              id: "expire-noncurrent-versions",
              status: "Enabled",
              filter: {},
              noncurrentVersionExpiration: { noncurrentDays: s.noncurrentVersionExpirationDays },
              noncurrentVersionTransitions: iaDays > 0 ? [{ noncurrentDays: iaDays, storageClass: "STANDARD_IA" }] : [],
            },
            {
              id: "abort-incomplete-uploads",
              status: "Enabled",
              filter: {},
              abortIncompleteMultipartUpload: { daysAfterInitiation: s.abortIncompleteUploadDays },
            },
            {
              id: "remove-expired-delete-markers",
              status: "Enabled",
              filter: {},
              expiration: { expiredObjectDeleteMarker: true },
            },
          ],
        },
        this,
        stateful,
      );

      this.buckets[logical] = { name: bucket.bucket, arn: bucket.arn };
    }

    this.registerOutputs({
      buckets: Object.fromEntries(Object.entries(this.buckets).map(([k, b]) => [k, b.name])),
      kmsKeyArn: this.kmsKeyArn,
    });
  }
}
