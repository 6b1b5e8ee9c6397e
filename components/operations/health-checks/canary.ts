/**
 * The in-VPC Synthetics canary, as plain data: runtime pin, name, schedule,
 * the script it runs, and how many (billed) runs a month its schedule makes.
 */
import { createHash } from "crypto";

/**
 * Synthetics runtime. A Node.js + Puppeteer runtime: our script only needs
 * Node's http/https modules, and these runtimes take a plain async handler
 * (a thrown error fails the run). syn-nodejs-puppeteer-13.x is current
 * (CloudWatch user guide, "Runtime versions using Node.js and Puppeteer";
 * 7.0 and older were deprecated on 2026-01-22, "Runtime versions support
 * policy"; checked 2026-11-23). Deprecated runtimes keep running but cannot be
 * updated: bump this when AWS announces 13.x's deprecation date.
 */
export const CANARY_RUNTIME_VERSION = "syn-nodejs-puppeteer-13.1";

/** Node.js runtimes load the script from nodejs/node_modules/<file>.js in the zip; the handler is <file>.handler. */
export const CANARY_SCRIPT_PATH = "nodejs/node_modules/health.js";
export const CANARY_HANDLER = "health.handler";

/**
 * Canary names: lower-case letters, digits, '-' and '_', at most 255
 * characters (Synthetics API, CreateCanary; checked 2026-11-23); kept at 21,
 * the historical limit, so the Lambda function name derived from it
 * (cwsyn-<name>-<id>) stays short. Deterministic, unique per environment.
 */
export function canaryName(environment: string): string {
  const base = `mlp-${environment}-health`;
  if (base.length <= 21) return base;
  return `mlp-${environment.slice(0, 10)}-${createHash("sha1").update(environment).digest("hex").slice(0, 6)}`;
}

/** Synthetics schedule expression for a run every `minutes` minutes. */
export function canarySchedule(minutes: number): string {
  return minutes === 1 ? "rate(1 minute)" : `rate(${minutes} minutes)`;
}

const DAYS_PER_MONTH = 730 / 24;

/** Runs a month of a `rate(...)` schedule (730 hours, like the rest of the cost model); undefined for cron and one-off schedules. */
export function canaryRunsPerMonth(expression: string): number | undefined {
  const m = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(expression.trim());
  if (!m) return undefined;
  const every = Number(m[1]);
  if (every === 0) return 0; // rate(0 minutes): run once, then stop.
  const minutes = m[2]!.startsWith("hour") ? every * 60 : every;
  return Math.round((DAYS_PER_MONTH * 24 * 60) / minutes);
}

/** The environment variable the script reads its URLs from (a JSON array). */
export const CANARY_URLS_ENV = "HEALTH_URLS";

/**
 * The canary script: GET every URL (10 s timeout each), fail the run if any
 * answers with something other than 2xx/3xx or not at all, and name the URL.
 * Plain Node.js, no browser: the run costs the same but takes a second.
 */
export function canaryScript(): string {
  return [
    "'use strict';",
    "const http = require('http');",
    "const https = require('https');",
    "",
    "function check(url) {",
    "  return new Promise((resolve, reject) => {",
    "    const client = url.startsWith('https:') ? https : http;",
    "    const req = client.get(url, { timeout: 10000 }, (res) => {",
    "      res.resume();",
    "      if (res.statusCode >= 200 && res.statusCode < 400) resolve(res.statusCode);",
    "      else reject(new Error(url + ' answered ' + res.statusCode));",
    "    });",
    "    req.on('timeout', () => req.destroy(new Error(url + ' timed out after 10 s')));",
    "    req.on('error', (err) => reject(new Error(url + ': ' + err.message)));",
    "  });",
    "}",
    "",
    "exports.handler = async () => {",
    `  const urls = JSON.parse(process.env.${CANARY_URLS_ENV} || '[]');`,
    "  const results = await Promise.allSettled(urls.map(check));",
    "  const failures = results.filter((r) => r.status === 'rejected').map((r) => r.reason.message);",
    "  for (const [i, r] of results.entries()) console.log(urls[i], r.status === 'fulfilled' ? 'OK ' + r.value : 'FAILED');",
    "  if (failures.length) throw new Error(failures.join('; '));",
    "  return 'all ' + urls.length + ' endpoints healthy';",
    "};",
    "",
  ].join("\n");
}

/** S3 key of the script bundle: content-addressed, so a new script is a new object and the canary picks it up. */
export function canaryCodeKey(script: string): string {
  return `code/health-${createHash("sha256").update(script).digest("hex").slice(0, 16)}.zip`;
}
