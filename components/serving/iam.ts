/** What a model's pods may read in the models bucket, as a pure function. */
import type { PolicyDocument, Statement } from "../data/bucket-policy";

// -------------------------------------------------------------------- IAM

/**
 * Read-only access to one prefix of the models bucket: list keys under the
 * prefix and get objects there, nothing else. With an SSE-KMS bucket the
 * key's Decrypt is granted too, only through S3 (kms:ViaService).
 */
export function modelReadPolicy(bucketArn: string, prefix: string, opts: { kmsKeyArn?: string; region: string }): PolicyDocument {
  const statements: Statement[] = [
    { Sid: "ListModelPrefix", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn, Condition: { StringLike: { "s3:prefix": [`${prefix}*`] } } },
    { Sid: "ReadModelObjects", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: `${bucketArn}/${prefix}*` },
  ];
  if (opts.kmsKeyArn)
    statements.push({
      Sid: "DecryptThroughS3",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: opts.kmsKeyArn,
      Condition: { StringEquals: { "kms:ViaService": `s3.${opts.region}.amazonaws.com` } },
    });
  return { Version: "2012-10-17", Statement: statements };
}
