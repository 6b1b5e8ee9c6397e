/** What the tracking server's pods may do in the artifacts bucket, as a pure function. */
import type { PolicyDocument, Statement } from "../data/bucket-policy";

/**
 * Read and write under the artifact prefix of the models bucket, nothing
 * else (MLflow lists, uploads, downloads and deletes artifacts there). With
 * an SSE-KMS bucket, the key's data-key operations through S3 only.
 */
export function trackingArtifactsPolicy(bucketArn: string, prefix: string, opts: { kmsKeyArn?: string; region: string }): PolicyDocument {
  const statements: Statement[] = [
    { Sid: "ListArtifactPrefix", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn, Condition: { StringLike: { "s3:prefix": [`${prefix}*`] } } },
    { Sid: "ReadWriteArtifacts", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: `${bucketArn}/${prefix}*` },
  ];
  if (opts.kmsKeyArn)
    statements.push({
      Sid: "EncryptThroughS3",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: opts.kmsKeyArn,
      Condition: { StringEquals: { "kms:ViaService": `s3.${opts.region}.amazonaws.com` } },
    });
  return { Version: "2012-10-17", Statement: statements };
}
