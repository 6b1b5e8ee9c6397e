/** The VPC flow logs' role: its trust policy and what it may write, as pure functions. */

import { type PolicyDocument } from "../data/bucket-policy";

/**
 * Trust policy of the flow-log delivery role: only the VPC Flow Logs service,
 * and only on behalf of flow logs in this account and region. The conditions
 * stop the confused-deputy case where another account's flow log is pointed
 * at this role (VPC user guide, "IAM role for publishing flow logs to
 * CloudWatch Logs", which shows aws:SourceAccount and aws:SourceArn on
 * vpc-flow-log/*; checked 2026-11-23).
 */
export function flowLogsTrustPolicy(accountId: string, region: string, partition = "aws"): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "vpc-flow-logs.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": accountId },
          ArnLike: { "aws:SourceArn": `arn:${partition}:ec2:${region}:${accountId}:vpc-flow-log/*` },
        },
      },
    ],
  };
}

/** Lets VPC flow logs write to one CloudWatch log group. */
export function flowLogsWritePolicy(logGroupArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
        Resource: [logGroupArn, `${logGroupArn}:*`],
      },
    ],
  };
}
