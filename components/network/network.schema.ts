/**
 * What Network accepts, as a zod schema: the single source of truth for its
 * Args (validated in its constructor), their defaults and descriptions, and
 * the `network` stack-config overrides (config/schema.ts). Kept apart from
 * network.ts so the component's type declarations carry no zod types.
 */
import { z } from "zod";
import { EKS_UNSUPPORTED_ZONE_IDS, ZONE_ID_PATTERN } from "../compute/zones";
import { ipv4Cidr, logRetentionDays } from "../../lib/fields";
import { ArgProblem, awsTags, stageArg, schemaMatches, planTime, PLANNED_FIGURE } from "../../lib/validate";
import type { NetworkArgs } from "./network.args";

export const NAT_MODES = ["none", "single", "perAz"] as const;

const zoneId = z
  .string()
  .regex(ZONE_ID_PATTERN, "must be an AZ ID such as use1-az1 or euw1-az2 (an ID, not a name like us-east-1a: names differ per account)")
  .refine(
    (id) => !(EKS_UNSUPPORTED_ZONE_IDS as readonly string[]).includes(id),
    `cannot host EKS subnets (EKS refuses ${EKS_UNSUPPORTED_ZONE_IDS.join(", ")})`,
  );

/** The settings of a Network: the single source of truth for its Args and for the `network` stack config. */
export const NetworkSettings = z.strictObject({
  cidrBlock: planTime(
    ipv4Cidr({
      minPrefix: 16,
      maxPrefix: 20,
      // components/network/cidr.ts: 3 private quarters of the block, one per AZ, for nodes and pods.
      why: "EKS gives every pod a VPC address, and the layout splits the block into a private subnet per AZ (a /20 leaves 1,019 addresses per AZ)",
    }),
    "the subnets' CIDR blocks, split from it at plan time (components/network/cidr.ts)",
  )
    .describe("IPv4 block of the VPC, /16 to /20, a network address (no host bits).")
    .default("10.0.0.0/16"),
  azCount: planTime(
    z
      .number()
      .int("azCount must be 2 or 3")
      .min(2, "azCount must be 2 or 3: EKS needs subnets in two AZs at least")
      .max(3, "azCount must be 2 or 3: the subnet layout has room for 3 AZs"),
    "how many zones the subnets, route tables and NAT gateways are declared in",
  )
    .describe("Availability zones to spread subnets over, 2 or 3.")
    .default(2),
  availabilityZoneIds: planTime(
    z.array(zoneId).min(2, "list at least 2 AZ IDs").max(3, "the layout has room for 3 AZs"),
    "the zone of each subnet declared, checked against EKS's zones (leave it out to take the region's)",
  )
    .optional()
    .describe("AZ IDs to use, in order (the first azCount are used; list 3 to grow from 2 AZs later). Default: the region's AZ IDs that can host EKS, sorted."),
  natGateways: planTime(z.enum(NAT_MODES), "how many NAT gateways are declared")
    .describe('NAT egress of the private subnets: "none", "single" (one shared, cheapest; an AZ outage cuts egress) or "perAz" (one per AZ).')
    .default("single"),
  flowLogRetentionDays: planTime(z.union([z.literal(0), logRetentionDays]), "whether flow logs are declared at all")
    .describe("Days CloudWatch keeps VPC flow logs (a CloudWatch retention period); 0 records none.")
    .default(0),
});
export type NetworkSettings = z.output<typeof NetworkSettings>;

/** Everything Network accepts: the settings plus tags. */
export const NetworkArgsSchema = NetworkSettings.extend({
  expectedFlowLogGbPerMonth: planTime(z.number().min(0, "must be 0 or more GB"), PLANNED_FIGURE)
    .optional()
    .describe(
      "GB of flow logs expected a month, for cost planning: the log group carries it as the `ml-platform/planned-ingest-gb-month` tag. Unset: ingestion is listed as usage-based, not priced.",
    ),
  tags: awsTags.default({}),
  stage: stageArg,
});

// tsc proves the interface (network.ts) and the schema accept the same arguments.
schemaMatches<NetworkArgs, z.input<typeof NetworkArgsSchema>>(true);

/** Rules that involve several settings (pure; config/resolve.ts runs them too). */
export function networkProblems(_name: string, s: Pick<NetworkSettings, "azCount" | "availabilityZoneIds">): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const ids = s.availabilityZoneIds;
  if (ids && ids.length < s.azCount) {
    problems.push({
      path: "availabilityZoneIds",
      value: ids,
      message: `lists ${ids.length} zones but the network spans ${s.azCount} (azCount); list at least ${s.azCount}, in the order to use them`,
    });
  }
  ids?.forEach((id, i) => {
    if (ids.indexOf(id) !== i) problems.push({ path: `availabilityZoneIds[${i}]`, value: id, message: "repeats a zone; each subnet needs its own AZ" });
  });
  return problems;
}
