import * as aws from "../../../lib/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrustPolicy } from "../../../lib/iam";
import { PLANNED_STORAGE_GB_TAG, withPlannedGb } from "../../../lib/tags";
import { validateArgs } from "../../../lib/validate";
import { privateBucket } from "../../data/private-bucket";
import { statefulOptions } from "../../stateful";
import { metricAlarm } from "../alerting/alarm";
import { canaryAlarm, healthCheckAlarm } from "../alerting/alarms";
import { AlertTopic } from "../alerting/alerting";
import { CANARY_HANDLER, CANARY_RUNTIME_VERSION, CANARY_SCRIPT_PATH, CANARY_URLS_ENV, canaryCodeKey, canaryName, canarySchedule, canaryScript } from "./canary";
import type { ExternalHealthChecksArgs } from "./health-checks.args";
import { canaryBucketName, canaryRoleName } from "./health-checks.footprint";
import { ExternalHealthChecksArgsSchema, externalHealthChecksProblems } from "./health-checks.schema";
import { canaryRolePolicy } from "./iam";

export const EXTERNAL_HEALTH_CHECKS_TYPE = "mlplatform:operations:ExternalHealthChecks";

/** GB of canary run artifacts the bucket holds at most, for cost planning (its lifecycle rules expire them). */
const CANARY_ARTIFACTS_PLANNED_GB = 1;

export type { ExternalHealthChecksArgs };

/** Route 53 publishes health-check metrics in us-east-1 only (see components/operations/alerting/alarms.ts healthCheckAlarm). */
export const ROUTE53_METRICS_REGION = "us-east-1";

/** A public endpoint that a Route 53 health check requests from outside AWS. */
export interface PublicEndpoint {
  /** Short name, used in resource and alarm names. */
  name: string;
  /** Public host name the model answers on. */
  host: string;
  /** Path requested (starting with /, at most 255 characters); 2xx/3xx is healthy. Default "/". */
  path?: string;
  /** TCP port (HTTPS). Default 443. */
  port?: number;
}

/** A URL inside the VPC that the Synthetics canary requests. */
export interface InternalUrl {
  /** Short name (2-22 lower-case letters, digits, '-'). */
  name: string;
  /** http:// or https:// URL reachable from the private subnets. */
  url: string;
}

/** Ports the canary connects to: each URL's own, or 80/443 by scheme. */
export function urlPorts(urls: string[]): number[] {
  const ports = urls.map((u) => {
    const url = new URL(u);
    return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  });
  return [...new Set(ports)].sort((a, b) => a - b);
}

/**
 * Health monitoring from outside the cluster, so it reports the cluster
 * itself being down: Route 53 HTTPS health checks on publicly exposed models
 * (alarm in us-east-1, where their metrics are), and a CloudWatch Synthetics
 * canary in the VPC for internal-only endpoints. Both notify the alert topic.
 */
export class ExternalHealthChecks extends pulumi.ComponentResource {
  /** Route 53 health check ids by endpoint name. */
  public readonly healthCheckIds: Record<string, pulumi.Output<string>> = {};
  /** The canary's name, when internal URLs are checked. */
  public readonly canaryName?: string;
  /** Names of the CloudWatch alarms declared. */
  public readonly alarmNames: string[] = [];

  constructor(name: string, args: ExternalHealthChecksArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before anything is declared: a bad argument throws ComponentArgsError naming it.
    const s = validateArgs(EXTERNAL_HEALTH_CHECKS_TYPE, name, ExternalHealthChecksArgsSchema, args, externalHealthChecksProblems);
    super(EXTERNAL_HEALTH_CHECKS_TYPE, name, {}, opts);
    const tags = s.tags;
    const parent = { parent: this };
    const endpoints = s.publicEndpoints;
    const internal = s.internalUrls;

    if (endpoints.length) {
      // The alarm must be in us-east-1, and CloudWatch rejects another region's
      // topic as its action ("Invalid region ... Only us-east-1 is supported",
      // reported by practitioners, checked 2026-11-23): with the stack elsewhere,
      // the Route 53 alarms get a us-east-1 copy of the alert topic.
      const inMetricsRegion = s.region === ROUTE53_METRICS_REGION;
      const topicArn = inMetricsRegion
        ? s.alertTopicArn
        : new AlertTopic(
            `${name}-${ROUTE53_METRICS_REGION}`,
            { region: ROUTE53_METRICS_REGION, emails: s.emails, httpsEndpoints: s.httpsEndpoints, tags },
            parent,
          ).topicArn;
      for (const e of endpoints) {
        const check = new aws.route53.HealthCheck(
          `${name}-${e.name}`,
          {
            type: "HTTPS",
            fqdn: e.host,
            port: e.port,
            resourcePath: e.path,
            enableSni: true,
            requestInterval: s.requestIntervalSeconds,
            failureThreshold: s.failureThreshold,
            measureLatency: false,
            tags: { ...tags, Name: `${name}-${e.name}` },
          },
          parent,
        );
        this.healthCheckIds[e.name] = check.id;
        const alarmName = `${name}-${e.name}-down`;
        metricAlarm(alarmName, alarmName, healthCheckAlarm(e), check.id, topicArn, tags, parent, inMetricsRegion ? undefined : ROUTE53_METRICS_REGION);
        this.alarmNames.push(alarmName);
      }
    }

    if (internal.length) {
      // externalHealthChecksProblems made sure the VPC arguments are there.
      const minutes = s.canaryIntervalMinutes;
      const retention = s.canaryArtifactRetentionDays;
      const stateful = statefulOptions(this, s.protect);

      // Artifacts (run logs, reports) in a private, encrypted bucket that forgets them after `retention` days.
      const bucketTags = withPlannedGb({ ...tags, purpose: "canary-artifacts" }, PLANNED_STORAGE_GB_TAG, CANARY_ARTIFACTS_PLANNED_GB);
      const bucket = privateBucket(
        canaryBucketName(name),
        {
          tags: bucketTags,
          forceDestroy: s.forceDestroy,
          lifecycleRules: [
            { id: "expire-run-artifacts", status: "Enabled", filter: { prefix: "artifacts/" }, expiration: { days: retention } },
            { id: "expire-noncurrent-versions", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: 7 } },
            { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
          ],
        },
        this,
        stateful,
      );

      const script = canaryScript();
      const code = new aws.s3.BucketObjectv2(
        `${name}-code`,
        {
          bucket: bucket.id,
          key: canaryCodeKey(script),
          source: new pulumi.asset.AssetArchive({ [CANARY_SCRIPT_PATH]: new pulumi.asset.StringAsset(script) }),
          tags,
        },
        parent,
      );

      const cName = canaryName(s.environment);
      this.canaryName = cName;
      const identity = aws.getCallerIdentityOutput({}, parent);
      const partition = aws.getPartitionOutput({}, parent);
      const role = new aws.iam.Role(
        canaryRoleName(name),
        {
          description: `Runs the ${cName} Synthetics canary`,
          assumeRolePolicy: JSON.stringify(serviceTrustPolicy("lambda.amazonaws.com")),
          tags,
        },
        parent,
      );
      const rolePolicy = new aws.iam.RolePolicy(
        `${name}-canary`,
        {
          role: role.id,
          policy: pulumi.all([bucket.arn, partition.partition, identity.accountId]).apply(([bucketArn, part, account]) =>
            JSON.stringify(
              canaryRolePolicy({
                bucketArn,
                prefix: "artifacts/",
                logGroupArnPrefix: `arn:${part}:logs:${s.region}:${account}:log-group:/aws/lambda/cwsyn-${cName}-`,
              }),
            ),
          ),
        },
        parent,
      );

      const ports = urlPorts(internal.map((u) => u.url));
      const sg = new aws.ec2.SecurityGroup(
        `${name}-canary`,
        {
          vpcId: s.vpcId,
          description: `Synthetics canary ${cName}: out to the checked endpoints and AWS APIs, nothing in`,
          ingress: [],
          egress: [
            ...ports.map((port) => ({
              protocol: "tcp",
              fromPort: port,
              toPort: port,
              cidrBlocks: [s.vpcCidrBlock!],
              description: `Checked endpoints on ${port}`,
            })),
            { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "S3, CloudWatch and Lambda APIs over HTTPS" },
          ],
          tags: { ...tags, Name: `${name}-canary` },
        },
        parent,
      );

      const canary = new aws.synthetics.Canary(
        `${name}-canary`,
        {
          name: cName,
          runtimeVersion: CANARY_RUNTIME_VERSION,
          handler: CANARY_HANDLER,
          s3Bucket: bucket.bucket,
          s3Key: code.key,
          s3Version: code.versionId,
          executionRoleArn: role.arn,
          artifactS3Location: pulumi.interpolate`s3://${bucket.bucket}/artifacts/`,
          schedule: { expression: canarySchedule(minutes) },
          runConfig: { timeoutInSeconds: 60, environmentVariables: { [CANARY_URLS_ENV]: JSON.stringify(internal.map((u) => u.url)) } },
          vpcConfig: { subnetIds: s.privateSubnetIds!, securityGroupIds: [sg.id] },
          successRetentionPeriod: retention,
          failureRetentionPeriod: retention,
          startCanary: true,
          deleteLambda: true,
          tags,
        },
        { parent: this, dependsOn: [rolePolicy] },
      );

      const alarmName = `${name}-internal-down`;
      metricAlarm(
        alarmName,
        alarmName,
        canaryAlarm(
          minutes,
          internal.map((u) => u.url),
        ),
        canary.name,
        s.alertTopicArn,
        tags,
        parent,
      );
      this.alarmNames.push(alarmName);
    }

    this.registerOutputs({ healthCheckIds: this.healthCheckIds });
  }
}
