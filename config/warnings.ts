/**
 * What the first `pulumi up` needs that the offline plan cannot prove: account
 * quotas, and example values left in the stack file (config/placeholders.ts).
 * The plan prints them under one heading. Pure: derived from the resolved PlatformSpec.
 */
import { INSTANCE_SHAPES } from "../lib/instance-types";
import { placeholderProblems } from "./placeholders";
import type { PlatformSpec } from "./spec";

/**
 * Default quota of Elastic IP addresses per region and account ("EC2-VPC
 * Elastic IPs", Service Quotas code L-0263D0A3): 5 (EC2 user guide, "Elastic
 * IP address quota"; checked 2026-11-23).
 */
export const DEFAULT_EIP_QUOTA = 5;
export const EIP_QUOTA_CODE = "L-0263D0A3";

/** Elastic IPs the stack allocates: one per NAT gateway. */
export function elasticIpCount(spec: Pick<PlatformSpec, "network">): number {
  if (!spec.network.enabled) return 0;
  const { natGateways, azCount } = spec.network.settings;
  return natGateways === "none" ? 0 : natGateways === "single" ? 1 : azCount;
}

/** The AWS CLI command that asks for a higher Elastic IP quota in a region. */
export function eipQuotaRequestCommand(region: string, desired: number): string {
  return `aws service-quotas request-service-quota-increase --service-code ec2 --quota-code ${EIP_QUOTA_CODE} --desired-value ${desired} --region ${region}`;
}

/**
 * EC2's vCPU quotas for GPU instances, per family class and purchase option
 * (Service Quotas, service code ec2; EC2 user guide, "On-Demand Instance
 * quotas" and "Spot Instance quotas"; the codes as the Service Quotas console
 * links them, e.g. console.aws.amazon.com/servicequotas/home/services/ec2/quotas/L-417A185B
 * "Running On-Demand P instances"; checked 2026-12-07). New accounts often
 * start at 0 for all four, and a GPU node group then never gets a node.
 */
export const GPU_VCPU_QUOTAS = {
  "G ON_DEMAND": { code: "L-DB2E81BA", name: "Running On-Demand G and VT instances" },
  "P ON_DEMAND": { code: "L-417A185B", name: "Running On-Demand P instances" },
  "G SPOT": { code: "L-3819A6DF", name: "All G and VT Spot Instance Requests" },
  "P SPOT": { code: "L-7212CCBC", name: "All P Spot Instance Requests" },
} as const;

/** The AWS CLI command that asks for a higher quota. */
export function quotaRequestCommand(code: string, region: string, desired: number): string {
  return `aws service-quotas request-service-quota-increase --service-code ec2 --quota-code ${code} --desired-value ${desired} --region ${region}`;
}

/** vCPUs each GPU quota must allow for every GPU pool at its maximum, and the pools behind the figure. */
export function gpuVcpuDemand(spec: Pick<PlatformSpec, "cluster">): { quota: keyof typeof GPU_VCPU_QUOTAS; vcpus: number; pools: string[] }[] {
  if (!spec.cluster.enabled) return [];
  const demand = new Map<keyof typeof GPU_VCPU_QUOTAS, { vcpus: number; pools: string[] }>();
  for (const pool of spec.cluster.settings.gpuNodeGroups) {
    const vcpu = Math.max(0, ...pool.instanceTypes.map((t) => INSTANCE_SHAPES[t]?.vcpu ?? 0));
    const cls = pool.instanceTypes.some((t) => t.startsWith("p")) ? "P" : "G";
    const quota = `${cls} ${pool.capacityType}` as keyof typeof GPU_VCPU_QUOTAS;
    const d = demand.get(quota) ?? { vcpus: 0, pools: [] };
    d.vcpus += vcpu * pool.maxSize;
    d.pools.push(`${pool.name} ${pool.maxSize} x ${pool.instanceTypes.join("/")}`);
    demand.set(quota, d);
  }
  return [...demand].map(([quota, d]) => ({ quota, ...d }));
}

export function planWarnings(spec: PlatformSpec): string[] {
  const warnings: string[] = [];
  const eips = elasticIpCount(spec);
  if (eips * 2 > DEFAULT_EIP_QUOTA) {
    warnings.push(
      `Elastic IPs: this stack allocates ${eips} (one per NAT gateway); the default quota is ${DEFAULT_EIP_QUOTA} per region and account, ` +
        `so a second stack like it in the same account and region (staging next to prod) fails at its NAT gateways. ` +
        `Check the quota first, or raise it: ${eipQuotaRequestCommand(spec.region, Math.max(10, eips * 3))}`,
    );
  }
  for (const d of gpuVcpuDemand(spec)) {
    const q = GPU_VCPU_QUOTAS[d.quota];
    warnings.push(
      `GPU vCPU quota: the GPU pools can run ${d.vcpus} vCPUs under "${q.name}" (${q.code}: ${d.pools.join(", ")}); new accounts often have 0, and a node group with no quota never gets a node. ` +
        `Check it: aws service-quotas get-service-quota --service-code ec2 --quota-code ${q.code} --region ${spec.region}; raise it: ${quotaRequestCommand(q.code, spec.region, d.vcpus)}`,
    );
  }
  if (spec.cluster.enabled && spec.cluster.settings.gpuNodeGroups.length) {
    const types = [...new Set(spec.cluster.settings.gpuNodeGroups.flatMap((g) => g.instanceTypes))];
    warnings.push(
      `GPU offerings: not every zone offers every GPU type, and a node group in a zone without its type never gets a node. Check that the stack's zones (stack output availabilityZoneIds, or network.availabilityZoneIds) offer ${types.join(", ")}: ` +
        `aws ec2 describe-instance-type-offerings --location-type availability-zone-id --filters Name=instance-type,Values=${types.join(",")} --region ${spec.region}`,
    );
  }
  for (const p of placeholderProblems(spec))
    warnings.push(`Placeholder: ${p.key} (${String(p.value)}) ${p.message}; a real \`pulumi up\` refuses it (index.ts), this offline plan only warns.`);
  return warnings;
}
