/**
 * Warnings the plan prints for a valid configuration that may still fail or
 * surprise at deploy time, for reasons the program cannot check offline
 * (account quotas, identities). Pure: derived from the resolved PlatformSpec.
 */
import type { PlatformSpec } from "./spec";

/**
 * Default quota of Elastic IP addresses per region and account ("EC2-VPC
 * Elastic IPs", Service Quotas code L-0263D0A3): 5 (EC2 user guide, "Elastic
 * IP address quota"; checked 2026-11-23).
 */
export const DEFAULT_EIP_QUOTA = 5;
export const EIP_QUOTA_CODE = "L-0263D0A3";

/** The AWS documentation's example account ID, used by the shipped stack files as a placeholder. */
export const EXAMPLE_ACCOUNT_ID = "123456789012";

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
  if (spec.cluster.enabled) {
    const deployer = spec.cluster.settings.deployerRoleArn;
    if (!deployer) {
      warnings.push(
        "Cluster access: no ml-platform:cluster.deployerRoleArn, so only the identity that creates the cluster gets admin (EKS's implicit creator entry); " +
          'a `pulumi up` from CI or a colleague\'s laptop under another role cannot reach Kubernetes. Set it before the first `pulumi up` (docs/guides/deploying.md, "Cluster access: laptop and CI").',
      );
    } else if (deployer.split(":")[4] === EXAMPLE_ACCOUNT_ID) {
      warnings.push(
        `Cluster access: ml-platform:cluster.deployerRoleArn (${deployer}) is the documentation's example account ${EXAMPLE_ACCOUNT_ID}; ` +
          "replace it with the role your laptop and CI assume for `pulumi up`, or the Kubernetes part of the deployment is refused.",
      );
    }
  }
  return warnings;
}
