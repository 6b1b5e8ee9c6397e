import type { PolicyDocument, Statement } from "../../data/bucket-policy";

/** Normalises an S3 prefix to "name/" (no leading slash, one trailing slash). */
export function normalisePrefix(prefix: string): string {
  return `${prefix.replace(/^\/+/, "").replace(/\/+$/, "")}/`;
}

/**
 * The prediction-monitoring job's IRSA policy: list and read the predictions
 * prefix, write the reports prefix, nothing else in the bucket; with an
 * SSE-KMS bucket, the key's decrypt (reads) and data key (writes) through S3
 * only.
 */
export function predictionMonitorPolicy(a: {
  bucketArn: string;
  predictionsPrefix: string;
  reportsPrefix: string;
  kmsKeyArn?: string;
  region: string;
}): PolicyDocument {
  const predictions = normalisePrefix(a.predictionsPrefix);
  const reports = normalisePrefix(a.reportsPrefix);
  const statements: Statement[] = [
    {
      Sid: "ListOwnPrefixes",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: a.bucketArn,
      Condition: { StringLike: { "s3:prefix": [predictions, `${predictions}*`, reports, `${reports}*`] } },
    },
    { Sid: "ReadPredictions", Effect: "Allow", Action: "s3:GetObject", Resource: `${a.bucketArn}/${predictions}*` },
    { Sid: "WriteReports", Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"], Resource: `${a.bucketArn}/${reports}*` },
  ];
  if (a.kmsKeyArn !== undefined) {
    statements.push({
      Sid: "BucketKeyThroughS3",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: a.kmsKeyArn,
      Condition: { StringEquals: { "kms:ViaService": `s3.${a.region}.amazonaws.com` } },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}
