/**
 * The zones a cluster may use (by zone ID, stable across accounts) and how a
 * pool is split over them, one node group per zone.
 */
import type { NodeGroupSettings } from "./node-pool.args";

// ------------------------------------------------------ zones and GPU pools

/**
 * Zone IDs that cannot host an EKS cluster's subnets (EKS user guide,
 * "Subnet requirements for clusters": us-east-1 use1-az3, us-west-1 usw1-az2,
 * ca-central-1 cac1-az3; checked 2026-11-23). Zone IDs, not names: AZ names
 * map to different physical zones in each account, IDs do not.
 */
export const EKS_UNSUPPORTED_ZONE_IDS = ["use1-az3", "usw1-az2", "cac1-az3"] as const;

/** Shape of an AZ ID: "use1-az1", "euw1-az3", "apse2-az2", "usgw1-az1". */
export const ZONE_ID_PATTERN = /^[a-z]{2,5}[0-9]-az[0-9]{1,2}$/;

/** "use1-az10" -> ["use1", 10], for a numeric sort (az10 after az9, not after az1). */
function zoneIdKey(zoneId: string): [string, number] {
  const [prefix = "", n = "0"] = zoneId.split("-az");
  return [prefix, Number(n)];
}

/**
 * The zones a VPC uses, chosen so the choice never changes between runs: the
 * region's AZ IDs sorted by number, without the EKS-incapable ones, first
 * `count` of them. The input must be every AZ of the region whatever its
 * current state (an "impaired" zone that disappeared from a state=available
 * list would shift every later subnet to another AZ and replace it), so the
 * result depends only on which zones exist. Growing from 2 to 3 AZs keeps the
 * first two. Throws when the region has too few usable zones.
 */
export function chooseZoneIds(allZoneIds: string[], count: number): string[] {
  const excluded = new Set<string>(EKS_UNSUPPORTED_ZONE_IDS);
  const usable = [...new Set(allZoneIds)]
    .filter((z) => !excluded.has(z))
    .sort((a, b) => {
      const [pa, na] = zoneIdKey(a);
      const [pb, nb] = zoneIdKey(b);
      return pa === pb ? na - nb : pa < pb ? -1 : 1;
    });
  if (usable.length < count) {
    throw new Error(`the region has ${usable.length} availability zones EKS can use (${usable.join(", ") || "none"}); ${count} are needed`);
  }
  return usable.slice(0, count);
}

/**
 * How many AZs the EKS control plane uses, always: the private subnets of the
 * first two zones. EKS accepts new control-plane subnets only in the AZs
 * chosen at creation (EKS user guide, "VPC requirements": "All subnets that
 * you add must be in the same set of AZs as originally provided when you
 * created the cluster"; checked 2026-11-23), so this set must not grow when a
 * stage adds a third AZ: nodes use all AZs, the control plane two.
 */
export const CONTROL_PLANE_ZONE_COUNT = 2;

/** One per-AZ node group of a GPU pool: which zone (index into the network's zones) and its sizes. */
export interface ZonalGroupSize {
  zoneIndex: number;
  minSize: number;
  desiredSize: number;
  maxSize: number;
}

/** `total` split into `parts` near-equal whole numbers, larger ones first (5 over 3 -> 2, 2, 1). */
function splitEvenly(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const extra = total % parts;
  return [...Array(parts).keys()].map((i) => base + (i < extra ? 1 : 0));
}

/**
 * Splits a GPU pool over the AZs: one EKS node group per AZ, because a pod
 * bound to a zonal EBS volume can only run in that volume's AZ, and the
 * autoscaler picks the zone by picking the node group (EKS user guide,
 * "Managed node groups": one node group per AZ plus
 * --balance-similar-node-groups for EBS-backed workloads; checked 2026-11-23).
 *
 * The pool's caps are for the pool, so the per-AZ sizes SUM to them: a pool
 * capped at 4 nodes over 3 AZs gets maxSize 2, 1, 1, never 4 per AZ (which
 * would triple its worst-case bill). An EKS node group needs maxSize >= 1, so
 * a pool capped below the AZ count uses only the first `maxSize` AZs (a
 * 1-node pool lives in one AZ). minSize and desiredSize are split the same way
 * and never exceed a group's max.
 */
export function splitPoolAcrossZones(pool: Pick<NodeGroupSettings, "minSize" | "desiredSize" | "maxSize">, zoneCount: number): ZonalGroupSize[] {
  if (zoneCount < 1) throw new Error(`a GPU pool needs at least one zone, got ${zoneCount}`);
  if (pool.maxSize < 1) throw new Error(`a GPU pool's maxSize must be at least 1, got ${pool.maxSize}`);
  const groups = Math.min(zoneCount, pool.maxSize);
  const max = splitEvenly(pool.maxSize, groups);
  const min = splitEvenly(Math.min(pool.minSize, pool.maxSize), groups);
  const desired = splitEvenly(Math.min(Math.max(pool.desiredSize, pool.minSize), pool.maxSize), groups);
  return max.map((m, zoneIndex) => ({
    zoneIndex,
    maxSize: m,
    minSize: Math.min(min[zoneIndex]!, m),
    desiredSize: Math.min(Math.max(desired[zoneIndex]!, min[zoneIndex]!), m),
  }));
}
