/**
 * The parts of `@pulumi/aws` the components use, one module per AWS service.
 * Importing the package root makes the type checker read the declarations of
 * every service it wraps (about 31 MB); these imports read only the services
 * below and the shared input and output types, which roughly halves what
 * `npm test`'s type check parses. Components import this file as `aws`, so
 * `aws.eks.Cluster` reads as in Pulumi's documentation. A service a component
 * starts to use is added here (a test refuses a root import elsewhere).
 */

// The package root registers the AWS provider package with the Pulumi runtime
// (how the engine's resource references to the provider are rebuilt). It is
// loaded for that effect, as a plain call the type checker does not follow.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a runtime side effect without the root's declarations
require("@pulumi/aws");

export * as autoscaling from "@pulumi/aws/autoscaling";
export * as backup from "@pulumi/aws/backup";
export * as cloudwatch from "@pulumi/aws/cloudwatch";
export * as ec2 from "@pulumi/aws/ec2";
export * as ecr from "@pulumi/aws/ecr";
export * as eks from "@pulumi/aws/eks";
export * as iam from "@pulumi/aws/iam";
export * as kms from "@pulumi/aws/kms";
export * as rds from "@pulumi/aws/rds";
export * as route53 from "@pulumi/aws/route53";
export * as s3 from "@pulumi/aws/s3";
export * as secretsmanager from "@pulumi/aws/secretsmanager";
export * as sns from "@pulumi/aws/sns";
export * as synthetics from "@pulumi/aws/synthetics";
export * as vpc from "@pulumi/aws/vpc";
export * as types from "@pulumi/aws/types";
export { getAvailabilityZonesOutput } from "@pulumi/aws/getAvailabilityZones";
export { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
export { getPartitionOutput } from "@pulumi/aws/getPartition";
export { getRegionOutput } from "@pulumi/aws/getRegion";
