/**
 * zod field types shared by the components' own schemas and the stack
 * configuration, so that a value means and allows the same everywhere.
 */
import { z } from "zod";

function ipToInt(ip: string): number {
  return ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/**
 * The block a CIDR with host bits set was probably meant as: "10.0.0.1/16" ->
 * "10.0.0.0/16"; undefined when the CIDR is already a network address.
 */
export function networkOf(cidr: string): string | undefined {
  const [ip, prefixText] = cidr.split("/");
  const prefix = Number(prefixText);
  const size = 2 ** (32 - prefix);
  const addr = ipToInt(ip!);
  const base = addr - (addr % size);
  return base === addr ? undefined : `${intToIp(base)}/${prefix}`;
}

/**
 * An IPv4 CIDR block (zod's own `cidrv4` check) whose host bits are zero:
 * "10.0.0.1/16" is refused, because AWS either rejects it (VPC, subnets) or
 * silently widens it, so what was written is not what is allowed.
 */
export function ipv4Cidr(opts: { minPrefix?: number; maxPrefix?: number; why?: string } = {}) {
  const { minPrefix = 0, maxPrefix = 32, why = "" } = opts;
  return z.cidrv4({ message: "must be an IPv4 CIDR block such as 203.0.113.0/24" }).superRefine((c, ctx) => {
    const prefix = Number(c.split("/")[1]);
    if (prefix < minPrefix || prefix > maxPrefix) {
      const range = minPrefix === maxPrefix ? `/${minPrefix}` : `/${minPrefix} to /${maxPrefix}`;
      ctx.addIssue({ code: "custom", message: `must be a ${range} block${why ? `: ${why}` : ""}` });
      return;
    }
    const network = networkOf(c);
    if (network) ctx.addIssue({ code: "custom", message: `has host bits set: a /${prefix} block starts at ${network.split("/")[0]}, so write ${network}` });
  });
}

/** An IAM role ARN (any partition). */
export const roleArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, "must be an IAM role ARN such as arn:aws:iam::123456789012:role/platform-admins");

/** CloudWatch Logs accepts only these retention periods (days) (CloudWatch Logs API PutRetentionPolicy, retentionInDays). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const logRetentionDays = z
  .number()
  .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), `must be one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")}`)
  // The refinement is invisible to z.toJSONSchema; the editor schema lists the allowed values instead.
  .meta({ enum: [...LOG_RETENTION_DAYS] });

/** A whole number of something, 0 or more. */
export const count = (what: string) => z.number().int(`${what} must be a whole number`).min(0, `${what} cannot be negative`);

/**
 * An SNS topic ARN. Topic names are 1-256 ASCII letters, digits, '-' and '_'
 * (SNS API reference, CreateTopic "Name", checked 2026-11-23).
 */
export const snsTopicArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, "must be an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:oncall");

/** An e-mail address (an SNS `email` subscription endpoint). */
export const emailAddress = z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "must be an e-mail address such as oncall@example.com");

/**
 * An HTTPS URL (an SNS `https` subscription endpoint: SNS delivers to http
 * and https endpoints; only https is accepted here, alerts leave the VPC).
 */
export const httpsUrl = z.string().regex(/^https:\/\/[^\s/]+(\/\S*)?$/, "must be an https:// URL (an SNS integration URL of your pager, or a webhook relay)");
