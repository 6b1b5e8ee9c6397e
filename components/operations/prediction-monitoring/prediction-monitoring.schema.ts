/**
 * What PredictionMonitoring accepts, as zod schemas: the single source of
 * truth for its Args (validated in its constructor), their defaults and
 * descriptions, and the `predictionMonitoring` stack-config overrides
 * (config/schema.ts). Kept apart from prediction-monitoring.ts so its type
 * declarations carry no zod types.
 */
import type * as pulumi from "@pulumi/pulumi";
import { pinnedImageProblem } from "../../../lib/image-ref";
import { z } from "zod";
import { isAwsRegion } from "../../../lib/regions";
import { ArgProblem, awsTags, stageArg, schemaMatches, withType, pulumiInput, PULUMI_STRING } from "../../../lib/validate";
import type { ClusterHandle } from "../../compute/cluster-handle";
import type { PredictionMonitoringArgs } from "./prediction-monitoring.args";

/**
 * A Kubernetes CronJob schedule: five cron fields (minute 0-59, hour 0-23,
 * day of month 1-31, month 1-12 or jan-dec, day of week 0-6 or sun-sat; `*`,
 * `?`, lists, ranges and `/` steps) or a macro (@yearly, @annually, @monthly,
 * @weekly, @daily, @midnight, @hourly) (Kubernetes docs, "CronJob", "Schedule
 * syntax", checked 2026-11-23). A time zone belongs in the CronJob's
 * `timeZone` field, not in the schedule (CRON_TZ= / TZ= is not supported
 * there, same page).
 */
export const CRON_MACROS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"] as const;
const CRON_FIELDS: { name: string; min: number; max: number; names?: string[] }[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] },
  // 7 is Sunday too in the parser Kubernetes uses (robfig/cron).
  { name: "day of week", min: 0, max: 7, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];

/** Why a schedule is not a Kubernetes cron schedule, or undefined when it is. */
export function cronScheduleProblem(schedule: string): string | undefined {
  const text = schedule.trim();
  if (/^(CRON_)?TZ=/i.test(text)) return "must not carry a time zone (CRON_TZ=/TZ= is not supported in a CronJob schedule; CronJobs run in UTC on EKS)";
  if (text.startsWith("@")) return (CRON_MACROS as readonly string[]).includes(text) ? undefined : `must be one of ${CRON_MACROS.join(", ")}, or 5 cron fields`;
  const fields = text.split(/\s+/);
  if (fields.length !== 5) return `must have 5 fields (minute hour day-of-month month day-of-week), such as "0 6 * * *"; got ${fields.length}`;
  for (const [i, field] of fields.entries()) {
    const f = CRON_FIELDS[i]!;
    const value = (v: string): number | undefined => {
      const named = f.names?.indexOf(v.toLowerCase()) ?? -1;
      if (named >= 0) return named + (f.name === "month" ? 1 : 0);
      return /^\d+$/.test(v) ? Number(v) : undefined;
    };
    for (const part of field.split(",")) {
      const [range, step, extra] = part.split("/");
      if (extra !== undefined || (step !== undefined && !/^[1-9]\d*$/.test(step))) return `${f.name} "${part}": a step is "/" and a positive number`;
      if (range === "*" || range === "?") continue;
      const bounds = range!.split("-");
      const nums = bounds.map(value);
      if (bounds.length > 2 || nums.some((n) => n === undefined || n < f.min || n > f.max))
        return `${f.name} "${part}": values are ${f.min}-${f.max}${f.names ? ` or ${f.names[0]}-${f.names[f.names.length - 1]}` : ""}`;
      if (nums.length === 2 && nums[0]! > nums[1]!) return `${f.name} "${part}": a range goes from low to high`;
    }
  }
  return undefined;
}

/** An S3 key prefix of the characters S3 calls safe (S3 user guide, "Naming Amazon S3 objects", checked 2026-11-23), ending in "/". */
const keyPrefix = (example: string) =>
  z.string().regex(/^[A-Za-z0-9!_.*'()-][A-Za-z0-9!_.*'()\-/]*\/$/, `must be an S3 key prefix ending in "/", such as ${example}`);

/** A container image reference pinned by tag or digest. */
export const pinnedImage = z.string().superRefine((s, ctx) => {
  const why = pinnedImageProblem(s);
  if (why) ctx.addIssue({ code: "custom", message: `${why} (such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/drift-report:1.4.0)` });
});

/** The settings of a PredictionMonitoring: the single source of truth for its Args and for the `predictionMonitoring` stack config. */
export const PredictionMonitoringSettings = z.strictObject({
  image: pinnedImage.describe("The report image (yours: Evidently, whylogs, a notebook runner), pinned by tag or digest."),
  args: z.array(z.string()).describe("Arguments passed to the image.").default([]),
  schedule: z
    .string()
    .superRefine((s, ctx) => {
      const why = cronScheduleProblem(s);
      if (why) ctx.addIssue({ code: "custom", message: why });
    })
    .describe('Kubernetes cron schedule, UTC: 5 fields ("0 6 * * *") or a macro (@daily).')
    .default("0 6 * * *"),
  predictionsPrefix: keyPrefix("predictions/")
    .describe("Prefix the serving layer logs predictions under; the job may only read there.")
    .default("predictions/"),
  reportsPrefix: keyPrefix("prediction-reports/")
    .describe("Prefix the job writes its reports to; the job may only write there.")
    .default("prediction-reports/"),
  cpuMillis: z
    .number()
    .int()
    .min(50, "cpuMillis must be at least 50")
    .max(16000, "cpuMillis is at most 16000 (16 CPUs)")
    .describe("CPU request of the job's pod, millicores (system pool).")
    .default(500),
  memoryMiB: z
    .number()
    .int()
    .min(128, "memoryMiB must be at least 128")
    .max(65536, "memoryMiB is at most 65536 (64 GiB)")
    .describe("Memory request and limit of the job's pod, MiB.")
    .default(2048),
  timeoutHours: z
    .number()
    .int()
    .min(1, "timeoutHours must be at least 1")
    .max(24, "timeoutHours is at most 24")
    .describe("Hours after which a run is stopped (the Job's activeDeadlineSeconds).")
    .default(2),
});
export type PredictionMonitoringSettings = z.output<typeof PredictionMonitoringSettings>;

const input = (what: string) =>
  withType(
    z.custom<pulumi.Input<string>>((v) => v !== undefined && v !== null && v !== "", `${what} is required`),
    PULUMI_STRING,
  );

/** Everything PredictionMonitoring accepts. */
export const PredictionMonitoringArgsSchema = PredictionMonitoringSettings.extend({
  cluster: withType(
    z.custom<ClusterHandle>(
      (c) => typeof c === "object" && c !== null && "provider" in c,
      "must be a ClusterHandle (GpuCluster, or provider, clusterName, OIDC provider and ready)",
    ),
    { type: "ClusterHandle", imports: { ClusterHandle: "components/compute/cluster-handle.ts" } },
  ).describe("The cluster to run in."),
  bucketName: input("bucketName").describe("Name of the artifact bucket holding the predictions."),
  bucketArn: input("bucketArn").describe("Its ARN."),
  kmsKeyArn: withType(z.custom<pulumi.Input<string>>(), PULUMI_STRING)
    .optional()
    .describe("The bucket's KMS key when it is SSE-KMS encrypted. Default none (SSE-S3)."),
  region: pulumiInput(z.string().refine(isAwsRegion, "must be an AWS region such as us-east-1 (lib/regions.ts)")).describe("The stack's region."),
  environment: z.string().min(1, "environment is required").describe("Environment name, passed to the image."),
  tags: awsTags.default({}),
  stage: stageArg,
});

// tsc proves the interface (prediction-monitoring.ts) and the schema accept the same arguments.
schemaMatches<PredictionMonitoringArgs, z.input<typeof PredictionMonitoringArgsSchema>>(true);

/**
 * The job may read predictions and write reports, never both in one place:
 * neither prefix may contain the other (the IAM policy grants by prefix, so
 * nested prefixes would let the job overwrite predictions). Pure; config runs it too.
 */
export function predictionMonitoringSettingsProblems(s: Pick<PredictionMonitoringSettings, "predictionsPrefix" | "reportsPrefix">): ArgProblem[] {
  const p = s.predictionsPrefix;
  const r = s.reportsPrefix;
  if (p.startsWith(r) || r.startsWith(p))
    return [{ path: "reportsPrefix", value: r, message: `must not overlap predictionsPrefix (${p}): the job may read predictions but never write among them` }];
  return [];
}

export function predictionMonitoringProblems(_name: string, s: z.output<typeof PredictionMonitoringArgsSchema>): ArgProblem[] {
  return predictionMonitoringSettingsProblems(s);
}
