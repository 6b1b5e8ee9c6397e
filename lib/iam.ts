/**
 * IAM policy documents as pure functions: tests read them without mocks, and
 * the policy pack checks the same shapes. Values may be Pulumi outputs; the
 * components serialise them with `pulumi.jsonStringify`.
 */

export interface Statement<T = string> {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: Record<string, T | T[]> | "*";
  Action: string | string[];
  Resource?: T | T[];
  Condition?: Record<string, Record<string, T | T[]>>;
}

export interface PolicyDocument<T = string> {
  Version: "2012-10-17";
  Statement: Statement<T>[];
}

/** Trust policy letting an AWS service (eks.amazonaws.com, ec2.amazonaws.com, ...) assume a role. */
export function serviceTrustPolicy(service: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  };
}

/** Strips the scheme from an OIDC issuer URL: the form IAM condition keys use. */
export function issuerHostPath(issuerUrl: string): string {
  return issuerUrl.replace(/^https:\/\//, "");
}

/**
 * Trust policy for IAM roles for service accounts (IRSA): only the named
 * Kubernetes service account, through the cluster's OIDC provider, with the
 * STS audience, may assume the role.
 */
export function irsaTrustPolicy(oidcProviderArn: string, issuerUrl: string, namespace: string, serviceAccount: string): PolicyDocument {
  const issuer = issuerHostPath(issuerUrl);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
            [`${issuer}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ],
  };
}

/** Bucket policy that refuses every request not made over TLS. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

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
