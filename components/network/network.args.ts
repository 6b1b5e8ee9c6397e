// Generated from components/network/network.schema.ts by `npm run generate`: edit the schema, not this file.

/** The arguments of a Network. */
export interface NetworkArgs {
  /** IPv4 block of the VPC, /16 to /20, a network address (no host bits). Default "10.0.0.0/16". */
  cidrBlock?: string | undefined;
  /** Availability zones to spread subnets over, 2 or 3. Default 2. */
  azCount?: number | undefined;
  /**
   * AZ IDs to use, in order (the first azCount are used; list 3 to grow from 2 AZs later). Default:
   * the region's AZ IDs that can host EKS, sorted.
   */
  availabilityZoneIds?: string[] | undefined;
  /**
   * NAT egress of the private subnets: "none", "single" (one shared, cheapest; an AZ outage cuts
   * egress) or "perAz" (one per AZ). Default "single".
   */
  natGateways?: "none" | "single" | "perAz" | undefined;
  /** Days CloudWatch keeps VPC flow logs (a CloudWatch retention period); 0 records none. Default 0. */
  flowLogRetentionDays?: number | undefined;
  /**
   * GB of flow logs expected a month, for cost planning: the log group carries it as the
   * `ml-platform/planned-ingest-gb-month` tag. Unset: ingestion is listed as usage-based, not
   * priced.
   */
  expectedFlowLogGbPerMonth?: number | undefined;
  /**
   * Tags for every resource the component creates (cost allocation: owner, costCenter,
   * environment). Default none.
   */
  tags?: Record<string, string> | undefined;
  /**
   * The company's stage (poc, mvp or seriesb), written as the `stage` tag on every AWS resource the
   * component tags, so the policy pack applies that stage's limits. Default: none (a `stage` in
   * tags, or the AWS provider's defaultTags, still counts).
   */
  stage?: "poc" | "mvp" | "seriesb" | undefined;
}
