import type { PolicyDocument } from "../../data/bucket-policy";

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
      {
        Sid: "Metrics",
        Effect: "Allow",
        Action: "cloudwatch:PutMetricData",
        Resource: "*",
        Condition: { StringEquals: { "cloudwatch:namespace": "CloudWatchSynthetics" } },
      },
      {
        Sid: "VpcNetworkInterfaces",
        Effect: "Allow",
        Action: ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"],
        Resource: "*",
      },
    ],
  };
}
