/**
 * What ExternalHealthChecks accepts, as zod schemas: the single source of
 * truth for its Args (validated in its constructor), their defaults and
 * descriptions, and the `healthChecks` stack-config overrides
 * (config/schema.ts). Kept apart from health-checks.ts so its type
 * declarations carry no zod types.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { isAwsRegion } from "../../../lib/regions";
import { ArgProblem, awsTags, stageArg, schemaMatches, withType, planTime, PROTECTION, PULUMI_STRING } from "../../../lib/validate";
import { receivers } from "../alerting/alerting.schema";
import type { ExternalHealthChecksArgs } from "./health-checks.args";

/** Short names, used in resource and alarm names. */
const checkName = z.string().regex(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/, "must be 2-22 characters of lower-case letters, digits and '-', starting with a letter");

/**
 * Names only a cluster's or a VPC's own resolver answers: Kubernetes Service
 * names (`*.svc`, `*.cluster.local`) and the private zones people call
 * `*.internal` / `*.local`. Route 53's checkers on the internet resolve none of
 * them, and a canary in the VPC resolves no Kubernetes name (and reaches no
 * ClusterIP: it is not routable from the VPC).
 */
export function clusterLocalHost(host: string): "kubernetes" | "private" | undefined {
  if (/(^|\.)(svc|svc\.cluster\.local|cluster\.local)$/.test(host)) return "kubernetes";
  if (/(^|\.)(internal|local|localhost)$/.test(host)) return "private";
  return undefined;
}

const hostName = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a public DNS host name in lower case, such as models.example.com")
  .refine(
    (h) => clusterLocalHost(h) === undefined,
    "is a cluster-local or private name, which Route 53's checkers on the internet cannot resolve; give the model's public host name",
  );

/**
 * A public HTTPS endpoint Route 53 checks. ResourcePath is at most 255
 * characters (Route 53 API reference, HealthCheckConfig, checked 2026-11-23).
 */
const PublicEndpointSchema = z.strictObject({
  name: checkName.describe("Short name, used in resource and alarm names."),
  host: hostName.describe("Public host name, e.g. models.example.com."),
  path: z
    .string()
    .regex(/^\/\S{0,254}$/, "must be a path starting with /, such as /healthz (at most 255 characters)")
    .describe("Path requested, e.g. /healthz; a 2xx or 3xx answer is healthy.")
    .default("/"),
  port: z.number().int().min(1).max(65535).describe("TCP port (HTTPS).").default(443),
});

const InternalUrlSchema = z.strictObject({
  name: checkName.describe("Short name, used in resource and alarm names."),
  url: z
    .string()
    .regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, "must be an http:// or https:// URL reachable from the private subnets")
    .refine(
      (u) => clusterLocalHost((/^https?:\/\/([^/:?#]+)/.exec(u)?.[1] ?? "").toLowerCase()) !== "kubernetes",
      "names a Kubernetes Service, which the canary (a Lambda function in the VPC) can neither resolve nor reach (a ClusterIP is not routable from the VPC); give the internal load balancer's name (serving.models[].exposure.type: internal) or a private DNS name for it",
    )
    .describe("Full URL reachable from the private subnets, e.g. the internal load balancer of a model: http://models.staging.internal.example.com/healthz."),
});

/** The settings of an ExternalHealthChecks: the single source of truth for its Args and for the `healthChecks` stack config. */
export const HealthChecksSettings = z.strictObject({
  publicEndpoints: z
    .array(PublicEndpointSchema)
    .describe("Publicly exposed models: Route 53 HTTPS health checks from outside AWS, with an alarm each.")
    .default([]),
  internalUrls: z
    .array(InternalUrlSchema)
    .max(20, "one canary checks at most 20 URLs; split them over stacks or raise the timeout")
    .describe("Internal-only endpoints: one CloudWatch Synthetics canary in the VPC checks them all.")
    .default([]),
  // Route 53 checks every 10 or 30 seconds (RequestInterval, fixed once the check exists) and
  // changes status after FailureThreshold consecutive results, 1-10 (Route 53 API reference,
  // HealthCheckConfig; developer guide, "How Amazon Route 53 determines whether a health check
  // is healthy"; checked 2026-11-23). 10 s is the billed "fast interval" feature (cost/operations.ts).
  requestIntervalSeconds: z
    .union([z.literal(10), z.literal(30)], { message: "Route 53 checks every 10 or 30 seconds" })
    .describe("Seconds between Route 53's checks: 30, or 10 (billed as the fast-interval feature); cannot change once the check exists (Pulumi replaces it).")
    .default(30),
  failureThreshold: z
    .number()
    .int()
    .min(1, "Route 53 takes a failure threshold of 1-10 checks")
    .max(10, "Route 53 takes a failure threshold of 1-10 checks")
    .describe("Consecutive failed checks before Route 53 marks an endpoint unhealthy (1-10).")
    .default(3),
  canaryIntervalMinutes: z
    .number()
    .int()
    .min(1, "Synthetics runs a canary at most once a minute")
    .max(60, "canaryIntervalMinutes is at most 60 (rate(1 hour))")
    .describe("Minutes between canary runs (every run is billed).")
    .default(5),
  // Synthetics keeps run data 1-455 days (CreateCanary, SuccessRetentionPeriodInDays /
  // FailureRetentionPeriodInDays, checked 2026-11-23); the S3 lifecycle follows the same bound.
  canaryArtifactRetentionDays: z
    .number()
    .int()
    .min(1)
    .max(455, "Synthetics keeps run data at most 455 days")
    .describe("Days the canary's run artifacts (logs, reports) stay in S3 and run data in Synthetics.")
    .default(14),
});
export type HealthChecksSettings = z.output<typeof HealthChecksSettings>;

const input = (what: string) =>
  withType(
    z.custom<pulumi.Input<string>>((v) => v !== undefined && v !== null && v !== "", `${what} is required`),
    PULUMI_STRING,
  );

/** Everything ExternalHealthChecks accepts. */
export const ExternalHealthChecksArgsSchema = HealthChecksSettings.extend({
  ...receivers,
  region: planTime(
    z.string().refine(isAwsRegion, "must be an AWS region such as us-east-1 (lib/regions.ts)"),
    "whether the Route 53 alarms need an alert topic of their own in us-east-1, the one region Route 53 publishes its metrics to",
  ).describe("The stack's region (where the alert topic lives)."),
  environment: planTime(z.string().min(1, "environment is required"), "the canary's name").describe("Environment name, part of the canary's name."),
  alertTopicArn: input("alertTopicArn").describe("The stack's alert topic (Alerting.topicArn)."),
  vpcId: withType(z.custom<pulumi.Input<string>>(), PULUMI_STRING).optional().describe("VPC for the canary; required with internalUrls."),
  vpcCidrBlock: withType(z.custom<pulumi.Input<string>>(), PULUMI_STRING)
    .optional()
    .describe("The VPC's CIDR block: the canary may reach internal URLs there. Required with internalUrls."),
  privateSubnetIds: planTime(
    z.array(withType(z.custom<pulumi.Input<string>>(), PULUMI_STRING)),
    "that the canary has subnets, checked with internalUrls before it is declared (the ids may be Outputs)",
  )
    .optional()
    .describe("Private subnets the canary runs in (they need a NAT or endpoints to reach S3 and CloudWatch). Required with internalUrls."),
  protect: planTime(z.boolean(), PROTECTION).describe("`protect` + `retainOnDelete` on the canary's artifact bucket.").default(true),
  forceDestroy: z.boolean().describe("Let `pulumi destroy` delete the artifact bucket with its objects (non-production stacks).").default(false),
  tags: awsTags.default({}),
  stage: stageArg,
});

// tsc proves the interface (health-checks.ts) and the schema accept the same arguments.
schemaMatches<ExternalHealthChecksArgs, z.input<typeof ExternalHealthChecksArgsSchema>>(true);

/** Names once each (they name resources and alarms), and no public endpoint named like the canary's alarm (pure; config runs it too). */
export function healthChecksSettingsProblems(s: HealthChecksSettings): ArgProblem[] {
  const problems: ArgProblem[] = [];
  s.publicEndpoints.forEach((e, i) => {
    if (s.publicEndpoints.findIndex((x) => x.name === e.name) !== i)
      problems.push({ path: `publicEndpoints[${i}].name`, value: e.name, message: "health check names must be unique" });
    // `<component>-internal-down` is the canary's alarm.
    if (e.name === "internal")
      problems.push({ path: `publicEndpoints[${i}].name`, value: e.name, message: 'is reserved: "<name>-internal-down" is the in-VPC canary\'s alarm' });
  });
  s.internalUrls.forEach((u, i) => {
    if (s.internalUrls.findIndex((x) => x.name === u.name) !== i)
      problems.push({ path: `internalUrls[${i}].name`, value: u.name, message: "internal URL names must be unique" });
  });
  return problems;
}

export function externalHealthChecksProblems(_name: string, s: z.output<typeof ExternalHealthChecksArgsSchema>): ArgProblem[] {
  const problems = healthChecksSettingsProblems(s);
  if (s.internalUrls.length) {
    for (const key of ["vpcId", "vpcCidrBlock"] as const) {
      if (s[key] === undefined) problems.push({ path: key, value: undefined, message: "is required with internalUrls: the canary runs in the VPC" });
    }
    if (!s.privateSubnetIds?.length)
      problems.push({
        path: "privateSubnetIds",
        value: s.privateSubnetIds,
        message: "is required with internalUrls: the canary runs in the VPC's private subnets",
      });
  }
  return problems;
}
