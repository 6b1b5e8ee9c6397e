/**
 * Values the shipped stack files carry as examples, which the offline plan
 * accepts (so every shipped stack plans) but a real `pulumi up` must not
 * deploy: the AWS documentation's example account, the documentation address
 * ranges, example.com host names and addresses, and `<...>` markers. The plan
 * lists each under what the first `pulumi up` needs (config/warnings.ts); the
 * program refuses them when it runs under the real engine (index.ts). Pure.
 */
import type { ConfigProblem } from "./errors";
import type { PlatformSpec } from "./spec";

/** The AWS documentation's example account ID. */
export const EXAMPLE_ACCOUNT_ID = "123456789012";

/** IPv4 blocks reserved for documentation (RFC 5737): TEST-NET-1, -2 and -3. */
export const DOCUMENTATION_CIDRS = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"] as const;

/** Domains reserved for examples (RFC 2606). */
const EXAMPLE_DOMAIN = /(^|\.)example\.(com|org|net)$/i;

function ipToInt(ip: string): number {
  return ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** The CIDR lies inside one of the documentation ranges. */
export function isDocumentationCidr(cidr: string): boolean {
  const [ip, prefix] = cidr.split("/");
  if (!ip || Number(prefix) < 24) return false;
  return DOCUMENTATION_CIDRS.some((block) => ipToInt(ip) >>> 8 === ipToInt(block.split("/")[0]!) >>> 8);
}

const hostOf = (url: string) => /^[a-z]+:\/\/([^/:?#]+)/i.exec(url)?.[1] ?? "";

/** Why a value is a placeholder, or undefined. */
function placeholderReason(value: string): string | undefined {
  if (/<[^>]*>/.test(value)) return "still holds a `<...>` marker";
  if (/^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:123456789012:/.test(value) || value.startsWith(`${EXAMPLE_ACCOUNT_ID}.dkr.ecr.`))
    return `names the AWS documentation's example account ${EXAMPLE_ACCOUNT_ID}`;
  if (/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(value) && isDocumentationCidr(value)) return "is a documentation address (RFC 5737), not yours";
  const domain = value.includes("@") && !value.includes("://") ? value.split("@").pop()! : hostOf(value) || value;
  if (EXAMPLE_DOMAIN.test(domain)) return "is an example.com name (RFC 2606), which reaches nobody";
  return undefined;
}

/** Where a stack's settings may hold example values, as [key path, value] pairs, for the pieces it deploys. */
function candidates(spec: PlatformSpec): [PropertyKey[], string][] {
  const out: [PropertyKey[], string][] = [];
  const list = (path: PropertyKey[], values: readonly string[] | undefined) => values?.forEach((v, i) => out.push([[...path, i], v]));
  if (spec.cluster.enabled) {
    const c = spec.cluster.settings;
    if (c.deployerRoleArn) out.push([["cluster", "deployerRoleArn"], c.deployerRoleArn]);
    list(["cluster", "adminRoleArns"], c.adminRoleArns);
    list(["cluster", "readOnlyRoleArns"], c.readOnlyRoleArns);
    list(["cluster", "publicAccessCidrs"], c.publicAccessCidrs);
  }
  if (spec.serving.enabled) {
    const s = spec.serving.settings;
    list(["serving", "viewerRoleArns"], s.viewerRoleArns);
    s.models.forEach((m, i) => {
      for (const [k, v] of [
        ["image", m.image],
        ["modelUri", m.modelUri],
        ["blue.image", m.blue?.image],
        ["green.image", m.green?.image],
      ] as const) {
        // <registry> and <models-bucket> are resolved by the program, not placeholders.
        if (v) out.push([["serving", "models", i, ...k.split(".")], v.replace("<registry>", "registry").replace("<models-bucket>", "bucket")]);
      }
    });
  }
  if (spec.alerts.enabled) {
    list(["alerts", "emails"], spec.alerts.settings.emails);
    list(["alerts", "httpsEndpoints"], spec.alerts.settings.httpsEndpoints);
  }
  if (spec.monitoring.enabled)
    spec.monitoring.settings.receivers.forEach((r, i) => r.topicArn && out.push([["monitoring", "receivers", i, "topicArn"], r.topicArn]));
  if (spec.healthChecks.enabled) {
    spec.healthChecks.settings.publicEndpoints.forEach((e, i) => out.push([["healthChecks", "publicEndpoints", i, "host"], e.host]));
    spec.healthChecks.settings.internalUrls.forEach((u, i) => out.push([["healthChecks", "internalUrls", i, "url"], u.url]));
  }
  if (spec.predictionMonitoring.enabled && spec.predictionMonitoring.settings.image)
    out.push([["predictionMonitoring", "image"], spec.predictionMonitoring.settings.image]);
  return out;
}

/** `["cluster", "adminRoleArns", 0]` -> `<project>:cluster.adminRoleArns[0]`. */
function keyOf(project: string, path: PropertyKey[]): string {
  const [head, ...rest] = path;
  let key = `${project}:${String(head)}`;
  for (const part of rest) key += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
  return key;
}

/** Every example value the stack would deploy, as a problem naming its key. */
export function placeholderProblems(spec: PlatformSpec): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [path, value] of candidates(spec)) {
    const why = placeholderReason(value);
    if (why) problems.push({ key: keyOf(spec.project, path), value, message: `${why}: replace it before \`pulumi up\`` });
  }
  return problems;
}
