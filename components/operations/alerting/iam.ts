import { denyInsecureTransport, type PolicyDocument, type Statement } from "../../data/bucket-policy";

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
      {
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: use,
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
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
    {
      Sid: "CloudWatchAlarmsPublish",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: "sns:Publish",
      Resource: topicArn,
      Condition: sourceAccount,
    },
    {
      Sid: "EventBridgeRulesPublish",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sns:Publish",
      Resource: topicArn,
      Condition: sourceAccount,
    },
  ];
  if (publisherRoleArns.length)
    statements.push({ Sid: "PublisherRoles", Effect: "Allow", Principal: { AWS: publisherRoleArns }, Action: "sns:Publish", Resource: topicArn });
  statements.push(denyInsecureTransport("sns:Publish", topicArn));
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
 * Topic policy of the heartbeat topic: only Alertmanager publishes there,
 * through its own IAM policy (same account: no grant needed here); nothing
 * may publish without TLS.
 */
export function heartbeatTopicPolicy(topicArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [denyInsecureTransport("sns:Publish", topicArn)],
  };
}
