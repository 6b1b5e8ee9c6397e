import { createHash } from "crypto";
import * as aws from "../../../lib/aws";
import * as pulumi from "@pulumi/pulumi";
import { databaseAlarms, natGatewayAlarms, watchdogHeartbeatAlarm } from "./alarms";
import { alertKeyPolicy, alertTopicPolicy, heartbeatTopicPolicy } from "./iam";
import { validateArgs } from "../../../lib/validate";
import { metricAlarm } from "./alarm";
import { AlertTopicArgsSchema, AlertingArgsSchema, alertTopicProblems, alertingProblems } from "./alerting.schema";
import type { AlertTopicArgs, AlertingArgs } from "./alerting.args";

export type { AlertTopicArgs, AlertingArgs };

export const ALERT_TOPIC_TYPE = "mlplatform:operations:AlertTopic";
export const ALERTING_TYPE = "mlplatform:operations:Alerting";

const short = (text: string) => createHash("sha1").update(text).digest("hex").slice(0, 8);

/**
 * An SNS topic for alerts, encrypted with its own KMS key whose policy lets
 * CloudWatch alarms and EventBridge rules publish (the AWS managed SNS key
 * cannot), and its receivers.
 */
export class AlertTopic extends pulumi.ComponentResource {
  public readonly topicArn: pulumi.Output<string>;
  public readonly keyArn: pulumi.Output<string>;

  constructor(name: string, args: AlertTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before anything is declared: a bad argument throws ComponentArgsError naming it.
    const s = validateArgs(ALERT_TOPIC_TYPE, name, AlertTopicArgsSchema, args, alertTopicProblems);
    super(ALERT_TOPIC_TYPE, name, {}, opts);
    const tags = s.tags;
    const parent = { parent: this };
    const region = s.region;
    const identity = aws.getCallerIdentityOutput({}, parent);
    const partition = aws.getPartitionOutput({}, parent);

    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Encrypts the ${name} alert topic`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi.all([identity.accountId, partition.partition]).apply(([account, part]) => JSON.stringify(alertKeyPolicy(account, part))),
        region,
        tags,
      },
      parent,
    );
    new aws.kms.Alias(`${name}-key`, { name: `alias/${name}`, targetKeyId: key.keyId, region }, parent);

    const topic = new aws.sns.Topic(`${name}-topic`, { kmsMasterKeyId: key.arn, region, tags }, parent);
    new aws.sns.TopicPolicy(
      `${name}-policy`,
      {
        arn: topic.arn,
        policy: pulumi
          .all([topic.arn, identity.accountId, pulumi.all(s.publisherRoleArns)])
          .apply(([arn, account, publishers]) => JSON.stringify(alertTopicPolicy(arn, account, publishers))),
        region,
      },
      parent,
    );

    // Named after the address, not its position: reordering the list must not re-subscribe anyone.
    for (const email of s.emails) {
      new aws.sns.TopicSubscription(`${name}-email-${short(email)}`, { topic: topic.arn, protocol: "email", endpoint: email, region }, parent);
    }
    for (const url of s.httpsEndpoints) {
      new aws.sns.TopicSubscription(
        `${name}-https-${short(url)}`,
        { topic: topic.arn, protocol: "https", endpoint: url, endpointAutoConfirms: true, region },
        parent,
      );
    }

    this.topicArn = topic.arn;
    this.keyArn = key.arn;

    this.registerOutputs({ topicArn: this.topicArn, keyArn: this.keyArn });
  }
}

/**
 * The stack's alert topic (Alertmanager publishes here too) and the
 * CloudWatch alarms on the AWS resources Kubernetes cannot see: the metadata
 * database and the NAT gateways.
 */
export class Alerting extends pulumi.ComponentResource {
  /** The alert topic: give it to Alertmanager (monitoring) and anything else that pages. */
  public readonly topicArn: pulumi.Output<string>;
  /** The topic's KMS key: publishers need kms:GenerateDataKey* on it (components/operations/alerting/iam.ts alertPublisherPolicy). */
  public readonly keyArn: pulumi.Output<string>;
  /** The heartbeat topic Alertmanager publishes Watchdog to (Monitoring.heartbeatTopicArn), when `watchdogHeartbeat` is on. */
  public readonly heartbeatTopicArn?: pulumi.Output<string>;
  /** Names of the CloudWatch alarms declared. */
  public readonly alarmNames: string[] = [];
  /** Who the topic notifies: other topics that must reach the same people (the health checks' us-east-1 topic) subscribe them too. */
  public readonly receivers: { emails: string[]; httpsEndpoints: string[] };

  constructor(name: string, args: AlertingArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before anything is declared: a bad argument throws ComponentArgsError naming it.
    const s = validateArgs(ALERTING_TYPE, name, AlertingArgsSchema, args, alertingProblems);
    super(ALERTING_TYPE, name, {}, opts);
    const tags = s.tags;
    const parent = { parent: this };

    this.receivers = { emails: s.emails, httpsEndpoints: s.httpsEndpoints };
    const topic = new AlertTopic(`${name}-topic`, { emails: s.emails, httpsEndpoints: s.httpsEndpoints, tags }, parent);
    this.topicArn = topic.topicArn;
    this.keyArn = topic.keyArn;

    if (s.database && s.databaseAlarms) {
      const db = s.database;
      const specs = databaseAlarms({
        instanceClass: db.instanceClass,
        allocatedStorageGb: db.allocatedStorageGb,
        maxAllocatedStorageGb: db.maxAllocatedStorageGb,
        cpuPercent: s.databaseCpuPercent,
        freeStoragePercent: s.databaseFreeStoragePercent,
        connectionsPercent: s.databaseConnectionsPercent,
        maxConnections: s.databaseMaxConnections,
      });
      for (const spec of specs) {
        const alarmName = `${name}-${spec.key}`;
        metricAlarm(alarmName, alarmName, spec, db.instanceIdentifier, topic.topicArn, tags, parent);
        this.alarmNames.push(alarmName);
      }
    }

    (s.natGatewayAlarms ? s.natGatewayIds : []).forEach((natId, i) => {
      for (const spec of natGatewayAlarms()) {
        const alarmName = `${name}-nat-${i}-${spec.key}`;
        metricAlarm(alarmName, alarmName, spec, natId, topic.topicArn, tags, parent);
        this.alarmNames.push(alarmName);
      }
    });

    if (s.watchdogHeartbeat) {
      // Encrypted with the alert topic's key, which Alertmanager's role may already use.
      const heartbeat = new aws.sns.Topic(`${name}-heartbeat`, { kmsMasterKeyId: topic.keyArn, tags: { ...tags, purpose: "watchdog-heartbeat" } }, parent);
      new aws.sns.TopicPolicy(
        `${name}-heartbeat`,
        { arn: heartbeat.arn, policy: heartbeat.arn.apply((arn) => JSON.stringify(heartbeatTopicPolicy(arn))) },
        parent,
      );
      const spec = watchdogHeartbeatAlarm();
      const alarmName = `${name}-${spec.key}`;
      metricAlarm(alarmName, alarmName, spec, heartbeat.name, topic.topicArn, tags, parent);
      this.alarmNames.push(alarmName);
      this.heartbeatTopicArn = heartbeat.arn;
    }

    this.registerOutputs({ topicArn: this.topicArn, keyArn: this.keyArn, heartbeatTopicArn: this.heartbeatTopicArn });
  }
}
