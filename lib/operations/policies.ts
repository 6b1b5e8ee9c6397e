/**
 * Policy documents of the operations pieces, as pure functions (tests read
 * them without mocks). They take plain strings: components resolve the
 * ARNs first (pulumi.all(...).apply) and serialise the result; a template
 * string over a Pulumi output would print a warning instead of the ARN.
 */
import type { PolicyDocument, Statement } from "../iam";

/**
 * Key policy of a customer managed key for an SNS alert topic.
 *
 * A topic encrypted with the AWS managed key (alias/aws/sns) cannot receive
 * CloudWatch alarms: CloudWatch needs kms:Decrypt and kms:GenerateDataKey* on
 * the key, and an AWS managed key's policy cannot be changed (SNS developer
 * guide, "Key management: enable compatibility between event sources from AWS
 * services and encrypted topics", checked 2026-11-23). Hence a customer
 * managed key whose policy grants both to the services that publish here:
 * CloudWatch alarms (scoped to this account with aws:SourceAccount) and
 * EventBridge rules (AWS Backup job events), for which AWS documents that
 * source conditions are not supported in the key policy.
 */
export function alertKeyPolicy(accountId: string, partition: string): PolicyDocument {
  const use = ["kms:Decrypt", "kms:GenerateDataKey*"];
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "AccountAdministersTheKey", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" },
      { Sid: "CloudWatchAlarmsPublish", Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: use, Resource: "*", Condition: { StringEquals: { "aws:SourceAccount": accountId } } },
      { Sid: "EventBridgeRulesPublish", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: use, Resource: "*" },
    ],
  };
}

/**
 * Topic policy of the alert topic: CloudWatch alarms and EventBridge rules of
 * this account may publish, plus any extra publisher roles (roles in this
 * account need no entry: their own IAM policy suffices, see
 * alertPublisherPolicy); nothing may publish without TLS.
 */
export function alertTopicPolicy(topicArn: string, accountId: string, publisherRoleArns: string[] = []): PolicyDocument {
  const sourceAccount = { StringEquals: { "aws:SourceAccount": accountId } };
  const statements: Statement[] = [
    { Sid: "CloudWatchAlarmsPublish", Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: "sns:Publish", Resource: topicArn, Condition: sourceAccount },
    { Sid: "EventBridgeRulesPublish", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish", Resource: topicArn, Condition: sourceAccount },
  ];
  if (publisherRoleArns.length) statements.push({ Sid: "PublisherRoles", Effect: "Allow", Principal: { AWS: publisherRoleArns }, Action: "sns:Publish", Resource: topicArn });
  statements.push({ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "sns:Publish", Resource: topicArn, Condition: { Bool: { "aws:SecureTransport": "false" } } });
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * What a publisher inside the account (Alertmanager's IRSA role) needs to
 * send to the encrypted alert topic: sns:Publish on the topic and the data
 * key operations on its key. The monitoring component puts this in its
 * role's inline policy.
 */
export function alertPublisherPolicy(topicArn: string, keyArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "PublishAlerts", Effect: "Allow", Action: "sns:Publish", Resource: topicArn },
      { Sid: "EncryptAlerts", Effect: "Allow", Action: ["kms:GenerateDataKey*", "kms:Decrypt"], Resource: keyArn },
    ],
  };
}

/**
 * The Synthetics canary's execution role (CloudWatch user guide, "Required
 * roles and permissions for canaries", the VPC variant; checked 2026-11-23):
 * write its artifacts under its own prefix, its Lambda's logs, its metrics
 * in the CloudWatchSynthetics namespace, and manage the ENIs that put it in
 * the VPC (EC2 offers no resource scoping for those three calls).
 */
export function canaryRolePolicy(a: { bucketArn: string; prefix: string; logGroupArnPrefix: string }): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "Artifacts", Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: `${a.bucketArn}/${a.prefix}*` },
      { Sid: "ArtifactBucket", Effect: "Allow", Action: "s3:GetBucketLocation", Resource: a.bucketArn },
      { Sid: "FindArtifactBucket", Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "*" },
      { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${a.logGroupArnPrefix}*` },
      { Sid: "Metrics", Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": "CloudWatchSynthetics" } } },
      { Sid: "VpcNetworkInterfaces", Effect: "Allow", Action: ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"], Resource: "*" },
    ],
  };
}

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
export function predictionMonitorPolicy(a: { bucketArn: string; predictionsPrefix: string; reportsPrefix: string; kmsKeyArn?: string; region: string }): PolicyDocument {
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

/**
 * Topic policy of the heartbeat topic: only Alertmanager publishes there,
 * through its own IAM policy (same account: no grant needed here); nothing
 * may publish without TLS.
 */
export function heartbeatTopicPolicy(topicArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "sns:Publish", Resource: topicArn, Condition: { Bool: { "aws:SecureTransport": "false" } } }],
  };
}
