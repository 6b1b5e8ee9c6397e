/**
 * The AWS regions that exist, so that config can refuse a made-up one that
 * merely looks like a region ("us-east-9", "eu-wset-1").
 *
 * Source: the `Region` enum of @pulumi/aws 7.48.0 (types/enums), which the
 * Pulumi AWS provider generates from the AWS SDK's endpoint partitions;
 * checked 2026-11-23. test/cost/cost.test.ts fails when the installed @pulumi/aws
 * lists a region this file does not (or the reverse), so a provider upgrade
 * brings new regions here. Whether a region is enabled in an account (opt-in
 * regions) is not knowable offline.
 */

/** Commercial regions (partition `aws`). */
export const AWS_COMMERCIAL_REGIONS = [
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-6",
  "ap-southeast-7",
  "ca-central-1",
  "ca-west-1",
  "eu-central-1",
  "eu-central-2",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "mx-central-1",
  "sa-east-1",
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
] as const;

/** Regions in the other partitions: China, the European Sovereign Cloud, GovCloud and the isolated (ISO) regions. */
export const AWS_OTHER_PARTITION_REGIONS = [
  "cn-north-1",
  "cn-northwest-1",
  "eusc-de-east-1",
  "us-gov-east-1",
  "us-gov-west-1",
  "us-iso-east-1",
  "us-iso-west-1",
  "us-isob-east-1",
  "us-isob-west-1",
  "eu-isoe-west-1",
  "us-isof-east-1",
  "us-isof-south-1",
] as const;

/** Every AWS region, in every partition. */
export const AWS_REGIONS: readonly string[] = [...AWS_COMMERCIAL_REGIONS, ...AWS_OTHER_PARTITION_REGIONS];

/** Date this list was last checked against its source. */
export const AWS_REGIONS_AS_OF = "2026-11-23";

export function isAwsRegion(name: string): boolean {
  return AWS_REGIONS.includes(name);
}

/**
 * The ARN partition of a region (AWS General Reference, "Amazon Resource
 * Names": aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f,
 * aws-eusc; checked 2026-12-07).
 */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("us-isof-")) return "aws-iso-f";
  if (region.startsWith("eu-isoe-")) return "aws-iso-e";
  if (region.startsWith("us-iso-")) return "aws-iso";
  if (region.startsWith("eusc-")) return "aws-eusc";
  return "aws";
}
