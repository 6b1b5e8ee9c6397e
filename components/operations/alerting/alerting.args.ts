// Generated from components/operations/alerting/alerting.schema.ts by `npm run generate`: edit the schema, not this file.
import type * as pulumi from "@pulumi/pulumi";

/** The arguments of an AlertTopic. */
export interface AlertTopicArgs {
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
  /**
   * Roles outside this account allowed to publish (same-account roles only need an IAM policy).
   * Default none.
   */
  publisherRoleArns?: pulumi.Input<string>[] | undefined;
  /**
   * Region for the topic and its key when not the stack's (us-east-1 for Route 53 alarms). Default
   * the provider's.
   */
  region?: pulumi.Input<string> | undefined;
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

/** The arguments of an Alerting. */
export interface AlertingArgs {
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
  /** Alarm when average database CPU stays above this percentage for 15 minutes. Default 80. */
  databaseCpuPercent?: number | undefined;
  /**
   * Alarm when free database storage falls below this percentage of the allocated storage. Default
   * 10.
   */
  databaseFreeStoragePercent?: number | undefined;
  /** Alarm when connections exceed this percentage of max_connections. Default 80. */
  databaseConnectionsPercent?: number | undefined;
  /**
   * max_connections the connections alarm measures against; default: RDS PostgreSQL's default for
   * the instance class.
   */
  databaseMaxConnections?: number | undefined;
  /** CloudWatch alarms on the metadata database (free storage, CPU, connections). Default true. */
  databaseAlarms?: boolean | undefined;
  /** CloudWatch alarms on every NAT gateway (port allocation errors, dropped packets). Default true. */
  natGatewayAlarms?: boolean | undefined;
  /** The metadata database to watch; no database alarms without it. Default none. */
  database?: {
    /** RDS instance identifier (MetadataStore.instanceIdentifier). */
    instanceIdentifier: pulumi.Input<string>;
    /** The instance class (sets max_connections). */
    instanceClass: string;
    /** Allocated storage, GB. */
    allocatedStorageGb: number;
    /** Storage autoscaling ceiling, GB. */
    maxAllocatedStorageGb: number;
  } | undefined;
  /** NAT gateway ids to watch (Network.natGatewayIds). Default none. */
  natGatewayIds?: pulumi.Input<string>[] | undefined;
  /**
   * A heartbeat topic for Alertmanager's always-firing Watchdog alert, and an alarm that pages the
   * alert topic when no heartbeat arrived for 15 minutes (a dead man's switch). Turn it on only
   * with in-cluster monitoring that publishes there (Monitoring.heartbeatTopicArn), or it pages
   * forever. Default false.
   */
  watchdogHeartbeat?: boolean | undefined;
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
