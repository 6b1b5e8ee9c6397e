// Generated from components/operations/health-checks/health-checks.schema.ts by `npm run generate`: edit the schema, not this file.
import type * as pulumi from "@pulumi/pulumi";

/** The arguments of an ExternalHealthChecks. */
export interface ExternalHealthChecksArgs {
  /**
   * Publicly exposed models: Route 53 HTTPS health checks from outside AWS, with an alarm each.
   * Default none.
   */
  publicEndpoints?: ({
    /** Short name, used in resource and alarm names. */
    name: string;
    /** Public host name, e.g. models.example.com. */
    host: string;
    /** Path requested, e.g. /healthz; a 2xx or 3xx answer is healthy. Default "/". */
    path?: string | undefined;
    /** TCP port (HTTPS). Default 443. */
    port?: number | undefined;
  })[] | undefined;
  /**
   * Internal-only endpoints: one CloudWatch Synthetics canary in the VPC checks them all. Default
   * none.
   */
  internalUrls?: {
    /** Short name, used in resource and alarm names. */
    name: string;
    /**
     * Full URL reachable from the private subnets, e.g. the internal load balancer of a model:
     * http://models.staging.internal.example.com/healthz.
     */
    url: string;
  }[] | undefined;
  /**
   * Seconds between Route 53's checks: 30, or 10 (billed as the fast-interval feature); cannot
   * change once the check exists (Pulumi replaces it). Default 30.
   */
  requestIntervalSeconds?: 10 | 30 | undefined;
  /** Consecutive failed checks before Route 53 marks an endpoint unhealthy (1-10). Default 3. */
  failureThreshold?: number | undefined;
  /** Minutes between canary runs (every run is billed). Default 5. */
  canaryIntervalMinutes?: number | undefined;
  /**
   * Days the canary's run artifacts (logs, reports) stay in S3 and run data in Synthetics. Default
   * 14.
   */
  canaryArtifactRetentionDays?: number | undefined;
  /**
   * E-mail addresses subscribed to the alert topic (each confirms once, from the e-mail AWS sends).
   * Default none.
   */
  emails?: string[] | undefined;
  /**
   * HTTPS endpoints subscribed to the alert topic (a pager's SNS integration URL, a chat relay);
   * they must confirm the subscription themselves. Default none.
   */
  httpsEndpoints?: string[] | undefined;
  /** The stack's region (where the alert topic lives). */
  region: string;
  /** Environment name, part of the canary's name. */
  environment: string;
  /** The stack's alert topic (Alerting.topicArn). */
  alertTopicArn: pulumi.Input<string>;
  /** VPC for the canary; required with internalUrls. */
  vpcId?: pulumi.Input<string> | undefined;
  /** The VPC's CIDR block: the canary may reach internal URLs there. Required with internalUrls. */
  vpcCidrBlock?: pulumi.Input<string> | undefined;
  /**
   * Private subnets the canary runs in (they need a NAT or endpoints to reach S3 and CloudWatch).
   * Required with internalUrls.
   */
  privateSubnetIds?: pulumi.Input<string>[] | undefined;
  /** `protect` + `retainOnDelete` on the canary's artifact bucket. Default true. */
  protect?: boolean | undefined;
  /**
   * Let `pulumi destroy` delete the artifact bucket with its objects (non-production stacks).
   * Default false.
   */
  forceDestroy?: boolean | undefined;
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
