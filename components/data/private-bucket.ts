import * as aws from "../../lib/aws";
import * as pulumi from "@pulumi/pulumi";
import { tlsOnlyBucketPolicy } from "./bucket-policy";

export interface PrivateBucketArgs {
  /** Tags of the bucket. Required. */
  tags: Record<string, string>;
  /** Let `pulumi destroy` delete the bucket with its objects (S3 forceDestroy). Required. */
  forceDestroy: boolean;
  /** Encrypt with this customer managed KMS key (with an S3 bucket key); unset: SSE-S3 (AES-256). */
  kmsKeyArn?: pulumi.Input<string>;
  /** The bucket's lifecycle rules (its versioning is on, so noncurrent versions need one). Required. */
  lifecycleRules: aws.types.input.s3.BucketLifecycleConfigurationRule[];
}

/**
 * A private S3 bucket as every bucket of the platform is made: owner-enforced
 * objects (no ACLs), all public access blocked, encrypted by default,
 * versioned, with its lifecycle rules and a policy refusing requests without
 * TLS. Its settings are children of `parent` named `id`, as the components
 * always declared them (so no resource is renamed); `stateful` are the
 * bucket's own options (protect, retainOnDelete).
 */
export function privateBucket(id: string, args: PrivateBucketArgs, parent: pulumi.Resource, stateful: pulumi.CustomResourceOptions): aws.s3.Bucket {
  const opts = { parent };
  const bucket = new aws.s3.Bucket(id, { forceDestroy: args.forceDestroy, tags: args.tags }, stateful);
  const ownership = new aws.s3.BucketOwnershipControls(id, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, opts);
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    id,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    opts,
  );
  new aws.s3.BucketServerSideEncryptionConfiguration(
    id,
    {
      bucket: bucket.id,
      rules: [
        args.kmsKeyArn
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }, bucketKeyEnabled: true }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ],
    },
    opts,
  );
  const versioning = new aws.s3.BucketVersioning(id, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, opts);
  new aws.s3.BucketLifecycleConfiguration(id, { bucket: bucket.id, rules: args.lifecycleRules }, { parent, dependsOn: [versioning] });
  new aws.s3.BucketPolicy(
    id,
    {
      bucket: bucket.id,
      policy: bucket.arn.apply((arn) => JSON.stringify(tlsOnlyBucketPolicy(arn))),
    },
    { parent, dependsOn: [publicAccess, ownership] },
  );
  return bucket;
}
