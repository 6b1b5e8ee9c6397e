/**
 * IPv4 subnet arithmetic for the network layout. Pure functions.
 *
 * Layout of a VPC block /N (N = 16..20), split in four quarters /(N+2):
 * - private subnet i is quarter i (i < 3): large, because the VPC CNI gives
 *   every pod a VPC address (a /16 gives each AZ 16,379 usable addresses);
 * - public subnet i is the i-th /(N+4) of the fourth quarter: only load
 *   balancers and NAT gateways live there.
 * The layout reserves room for 3 AZs whatever azCount is, so growing from 2
 * to 3 AZs adds subnets without renumbering (and replacing) existing ones.
 */

function toInt(ip: string): number {
  return ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function toIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

export function parseCidr(cidr: string): { base: number; prefix: number } {
  const [ip, prefix] = cidr.split("/");
  const p = Number(prefix);
  const size = 2 ** (32 - p);
  return { base: toInt(ip!) - (toInt(ip!) % size), prefix: p };
}

/** The index-th sub-block of size /newPrefix inside `cidr`. */
export function subBlock(cidr: string, newPrefix: number, index: number): string {
  const { base, prefix } = parseCidr(cidr);
  if (newPrefix < prefix) throw new Error(`/${newPrefix} does not fit in ${cidr}`);
  const size = 2 ** (32 - newPrefix);
  const count = 2 ** (newPrefix - prefix);
  if (index < 0 || index >= count) throw new Error(`${cidr} has no sub-block ${index} of size /${newPrefix}`);
  return `${toIp(base + index * size)}/${newPrefix}`;
}

export interface SubnetLayout {
  private: string[];
  public: string[];
}

export const MAX_AZS = 3;

export function subnetLayout(vpcCidr: string, azCount: number): SubnetLayout {
  if (azCount < 1 || azCount > MAX_AZS) throw new Error(`azCount must be 1..${MAX_AZS}, got ${azCount}`);
  const { prefix } = parseCidr(vpcCidr);
  const privatePrefix = prefix + 2; // 4 blocks: 3 private + 1 shared by the public subnets
  const publicArea = subBlock(vpcCidr, privatePrefix, MAX_AZS);
  const azs = [...Array(azCount).keys()];
  return {
    private: azs.map((i) => subBlock(vpcCidr, privatePrefix, i)),
    public: azs.map((i) => subBlock(publicArea, privatePrefix + 2, i)),
  };
}

/** True when two CIDR blocks share any address. */
export function overlaps(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  const xEnd = x.base + 2 ** (32 - x.prefix);
  const yEnd = y.base + 2 ** (32 - y.prefix);
  return x.base < yEnd && y.base < xEnd;
}
