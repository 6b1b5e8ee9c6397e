/**
 * Registry, network and identity, logging, cost allocation and the stack budget.
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { HOURS_PER_MONTH, PRICES, pricesFor } from "../../cost/prices";
import { stackCost, stackRegion } from "../../cost/stack";
import { providerDefaultTags } from "../stages";
import { T, asArray, configSchema, explain, limitSchema, money, policyStatements, regionOf, stackLimits, tagsOf, withDefaults } from "./common";

const pricesIn = (region: string | undefined) => (region === undefined ? undefined : pricesFor(region));
/** "$0.10", "$0.03": a unit price with its cents. */
const money2 = (n: number) => `$${n.toFixed(2)}`;

type Props = Record<string, unknown>;

// ---------------------------------------------------------------- registry

export const ecrScanOnPush: ResourceValidationPolicy = {
  name: "ecr-scan-on-push",
  description: "Container repositories scan every image for known vulnerabilities when it is pushed.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== T.ecrRepository) return;
    if ((args.props.imageScanningConfiguration as Props | undefined)?.scanOnPush !== true) {
      report(
        explain(
          `Repository ${args.name} does not scan on push.`,
          "a model server image with a known CVE reaches production unnoticed.",
          "set imageScanningConfiguration: { scanOnPush: true } (basic scanning is free).",
        ),
      );
    }
  },
};

export const ecrImmutableTags: ResourceValidationPolicy = {
  name: "ecr-immutable-tags",
  description: "Image tags are immutable, so a deployed tag always means the same image.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== T.ecrRepository) return;
    if (args.props.imageTagMutability !== "IMMUTABLE" && args.props.imageTagMutability !== "IMMUTABLE_WITH_EXCLUSION") {
      report(
        explain(
          `Repository ${args.name} allows tags to be overwritten.`,
          "a re-pushed tag silently changes what production runs, and a rollback to it restores the wrong model.",
          'set imageTagMutability: "IMMUTABLE".',
        ),
      );
    }
  },
};

export const ecrLifecyclePolicy: StackValidationPolicy = {
  name: "ecr-lifecycle-policy",
  description: "Every repository has a lifecycle policy that expires old and untagged images.",
  enforcementLevel: "advisory",
  validateStack: (args, report) => {
    for (const repo of args.resources.filter((r) => r.type === T.ecrRepository)) {
      const has = args.resources.some(
        (r) =>
          r.type === T.ecrLifecycle && (asArray(r.propertyDependencies?.repository).some((d) => d.urn === repo.urn) || r.props.repository === repo.props.name),
      );
      if (!has) {
        const perGb = pricesIn(regionOf(repo.props, repo.provider))?.ecrPerGbMonth;
        report(
          explain(
            `Repository ${repo.name} has no lifecycle policy.`,
            `CUDA model images weigh 5-15 GB; ${perGb === undefined ? "every image stays" : `at ${money2(perGb)}/GB-month`}, a year of nightly builds costs hundreds of dollars a month.`,
            "add an aws.ecr.LifecyclePolicy expiring untagged images and keeping the newest N.",
          ),
          repo.urn,
        );
      }
    }
  },
};

// ---------------------------------------------------------------- network and identity

const PORT_DEFAULTS = { sensitivePorts: ["22", "3389", "5432", "3306", "1433", "6379", "27017", "9200", "2379", "6443", "10250", "5000"] };
const WORLD = ["0.0.0.0/0", "::/0"];

interface Ingress {
  fromPort?: number;
  toPort?: number;
  protocol?: string;
  cidrBlocks?: string[];
  ipv6CidrBlocks?: string[];
}

function worldOpenSensitive(rules: Ingress[], ports: number[]): number[] {
  const hits = new Set<number>();
  for (const r of rules) {
    const cidrs = [...asArray(r.cidrBlocks), ...asArray(r.ipv6CidrBlocks)];
    if (!cidrs.some((c) => WORLD.includes(c))) continue;
    const all = r.protocol === "-1" || r.protocol === "all";
    for (const p of ports) if (all || ((r.fromPort ?? 0) <= p && p <= (r.toPort ?? 65535))) hits.add(p);
  }
  return [...hits];
}

export const noWorldOpenAdminPorts: ResourceValidationPolicy = {
  name: "no-world-open-admin-ports",
  description: "No security group opens database, admin or cluster ports to 0.0.0.0/0 or ::/0.",
  enforcementLevel: "mandatory",
  configSchema: configSchema(PORT_DEFAULTS, { sensitivePorts: "Ports that must never be reachable from the whole internet" }),
  validateResource: (args, report) => {
    let rules: Ingress[];
    if (args.type === T.securityGroup) rules = asArray(args.props.ingress as Ingress[] | undefined);
    else if (args.type === T.securityGroupRule && args.props.type === "ingress") rules = [args.props as Ingress];
    else if (args.type === T.ingressRule)
      rules = [
        {
          fromPort: args.props.fromPort as number,
          toPort: args.props.toPort as number,
          protocol: args.props.ipProtocol as string,
          cidrBlocks: asArray(args.props.cidrIpv4 as string),
          ipv6CidrBlocks: asArray(args.props.cidrIpv6 as string),
        },
      ];
    else return;
    const ports = withDefaults(PORT_DEFAULTS, args.getConfig).sensitivePorts.map(Number);
    const open = worldOpenSensitive(rules, ports);
    if (open.length) {
      report(
        explain(
          `${args.name} opens port(s) ${open.join(", ")} to the whole internet.`,
          "database, SSH and cluster ports are scanned within minutes of opening; one weak password is a breach.",
          "restrict the source to the VPC CIDR, a security group, or your office/VPN ranges.",
        ),
      );
    }
  },
};

const ADMIN_POLICY_ARNS = ["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/IAMFullAccess"];

function wildcardAdminStatements(policy: unknown): boolean {
  return policyStatements(policy).some((s) => {
    const actions = asArray(s.Action as string | string[] | undefined);
    const resources = asArray(s.Resource as string | string[] | undefined);
    return s.Effect === "Allow" && actions.some((a) => a === "*" || a === "*:*" || a === "iam:*") && resources.includes("*");
  });
}

export const noWildcardAdminIam: ResourceValidationPolicy = {
  name: "no-wildcard-admin-iam",
  description: 'No IAM policy grants Action "*" (or iam:*) on Resource "*", and no role gets AdministratorAccess.',
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    const why = "a leaked pod token or CI key with admin rights can mine crypto on GPUs, read every bucket and delete the account's backups.";
    const fix = "grant the specific actions on the specific resources (see lib/iam.ts for examples).";
    if ([T.iamPolicy, T.iamRolePolicy, T.iamUserPolicy, T.iamGroupPolicy].includes(args.type as never) && wildcardAdminStatements(args.props.policy)) {
      report(explain(`${args.name} allows every action on every resource.`, why, fix));
    }
    if (args.type === T.iamRole) {
      for (const p of asArray(args.props.inlinePolicies as Props[] | undefined))
        if (wildcardAdminStatements(p.policy)) report(explain(`Role ${args.name} has an inline policy allowing every action on every resource.`, why, fix));
      for (const arn of asArray(args.props.managedPolicyArns as string[] | undefined))
        if (ADMIN_POLICY_ARNS.includes(arn)) report(explain(`Role ${args.name} gets ${arn}.`, why, fix));
    }
    if (
      [T.iamRolePolicyAttachment, T.iamUserPolicyAttachment, T.iamGroupPolicyAttachment].includes(args.type as never) &&
      ADMIN_POLICY_ARNS.includes(String(args.props.policyArn))
    ) {
      report(explain(`${args.name} attaches ${String(args.props.policyArn)}.`, why, fix));
    }
  },
};

export const eksApiNotPublic: ResourceValidationPolicy = {
  name: "eks-api-not-public",
  description: "The EKS API endpoint is private, or public only to listed CIDRs (never 0.0.0.0/0).",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== T.eksCluster) return;
    const vpc = (args.props.vpcConfig ?? {}) as { endpointPublicAccess?: boolean; publicAccessCidrs?: string[] };
    // The AWS default for endpointPublicAccess is true, with publicAccessCidrs 0.0.0.0/0.
    if (vpc.endpointPublicAccess === false) return;
    const cidrs = asArray(vpc.publicAccessCidrs);
    if (!cidrs.length || cidrs.some((c) => WORLD.includes(c))) {
      report(
        explain(
          `Cluster ${args.name} exposes its API endpoint to the whole internet.`,
          "the Kubernetes API is then one stolen token or one API-server CVE away from whoever finds it.",
          "set vpcConfig.endpointPublicAccess: false, or list your office/VPN/CI ranges in publicAccessCidrs (ml-platform:cluster.publicAccessCidrs).",
        ),
      );
    }
  },
};

export const eksStandardSupportOnly: ResourceValidationPolicy = {
  name: "eks-standard-support-only",
  description: "EKS clusters opt out of extended support, which bills 6x the control plane price.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== T.eksCluster) return;
    if ((args.props.upgradePolicy as Props | undefined)?.supportType !== "STANDARD") {
      const eks = pricesIn(regionOf(args.props, args.provider))?.eksControlPlanePerHour;
      const rates = eks
        ? `: ${money2(eks.extended)}/h (${money(eks.extended * HOURS_PER_MONTH)}/month) instead of ${money2(eks.standard)}/h (${money(eks.standard * HOURS_PER_MONTH)}/month)`
        : ", several times the standard control-plane price";
      report(
        explain(
          `Cluster ${args.name} does not set upgradePolicy.supportType to STANDARD.`,
          `when its Kubernetes version leaves standard support, EKS silently moves it to extended support${rates}.`,
          'set upgradePolicy: { supportType: "STANDARD" } and upgrade Kubernetes on schedule.',
        ),
      );
    }
  },
};

export const eksSecretsEncrypted: ResourceValidationPolicy = {
  name: "eks-secrets-encrypted",
  description: "Kubernetes secrets are envelope-encrypted with a KMS key.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== T.eksCluster) return;
    const enc = args.props.encryptionConfig as { resources?: string[] } | undefined;
    if (!asArray(enc?.resources).includes("secrets")) {
      report(
        explain(
          `Cluster ${args.name} does not envelope-encrypt Kubernetes secrets.`,
          "database passwords and cloud credentials sit in etcd encrypted only at the disk layer.",
          'set encryptionConfig: { provider: { keyArn }, resources: ["secrets"] }.',
        ),
      );
    }
  },
};

function isInternalService(annotations: Record<string, string>): boolean {
  return (
    annotations["service.beta.kubernetes.io/aws-load-balancer-internal"] === "true" ||
    annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"] === "internal"
  );
}

/** The cheapest NLB hour the price table knows, a month of it: what a public LoadBalancer Service costs at least, wherever it runs. */
function cheapestNlb(): { monthly: number; region: string } | undefined {
  let best: { monthly: number; region: string } | undefined;
  for (const table of Object.values(PRICES)) {
    const hourly = table.loadBalancer.nlbPerHour;
    if (hourly !== undefined && (!best || hourly * HOURS_PER_MONTH < best.monthly)) best = { monthly: hourly * HOURS_PER_MONTH, region: table.region };
  }
  return best;
}

export const publicLoadBalancersRestricted: ResourceValidationPolicy = {
  name: "public-load-balancers-restricted",
  description: "Internet-facing LoadBalancer Services list the source ranges allowed to reach them.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== T.k8sService) return;
    const spec = (args.props.spec ?? {}) as { type?: string; loadBalancerSourceRanges?: string[] };
    if (spec.type !== "LoadBalancer") return;
    const annotations = ((args.props.metadata ?? {}) as { annotations?: Record<string, string> }).annotations ?? {};
    if (isInternalService(annotations)) return;
    const ranges = asArray(spec.loadBalancerSourceRanges);
    if (!ranges.length || ranges.some((r) => WORLD.includes(r))) {
      const nlb = cheapestNlb();
      report(
        explain(
          `Service ${args.name} puts an internet-facing load balancer in front of the cluster with no source ranges.`,
          `a model endpoint open to everyone invites scraping and GPU-burning traffic you pay for${nlb ? `, on top of the load balancer itself (an NLB is at least ${money(nlb.monthly)}/month before traffic, ${nlb.region})` : ""}.`,
          'set spec.loadBalancerSourceRanges to the callers\' CIDRs, or make it internal (annotation service.beta.kubernetes.io/aws-load-balancer-scheme: "internal").',
        ),
      );
    }
  },
};

export const logGroupsHaveRetention: ResourceValidationPolicy = {
  name: "log-groups-have-retention",
  description: "CloudWatch log groups expire old logs.",
  enforcementLevel: "advisory",
  validateResource: (args, report) => {
    if (args.type !== T.logGroup) return;
    const days = Number(args.props.retentionInDays ?? 0);
    if (!days) {
      const perGb = pricesIn(regionOf(args.props, args.provider))?.cloudwatchLogs.storagePerGbMonth;
      report(
        explain(
          `Log group ${args.name} keeps logs forever.`,
          `EKS audit and VPC flow logs grow by gigabytes a day; ${perGb === undefined ? "stored logs are billed per GB-month" : `at ${money2(perGb)}/GB-month kept`}, forever is a growing bill.`,
          "set retentionInDays (e.g. 30 or 90).",
        ),
      );
    }
  },
};

// ---------------------------------------------------------------- cost allocation

const TAG_DEFAULTS: { requiredTags: string[]; defaults: Record<string, string> } = { requiredTags: ["owner", "costCenter", "environment"], defaults: {} };

/** AWS resources that take tags: they have a `tags` or `tagsAll` property. */
function isTaggable(type: string, props: Props): boolean {
  return type.startsWith("aws:") && ("tags" in props || "tagsAll" in props);
}

/** The tags AWS will put on the resource: its provider's default tags, then its own (which win, as in the AWS provider). */
const effectiveTags = (props: Props, provider: Parameters<typeof providerDefaultTags>[0]) =>
  ({ ...providerDefaultTags(provider), ...tagsOf(props) }) as Record<string, string>;

export const requiredCostTags: ResourceValidationPolicy = {
  name: "required-cost-tags",
  description:
    "Every taggable AWS resource carries the cost-allocation tags. With enforcementLevel remediate, missing tags are filled from `defaults` (tags only, never sizing).",
  enforcementLevel: "advisory",
  configSchema: configSchema(TAG_DEFAULTS, {
    requiredTags: "Tag keys every taggable AWS resource must carry",
    defaults: "Values a remediation may fill in for missing tags",
  }),
  validateResource: (args, report) => {
    if (!isTaggable(args.type, args.props)) return;
    const { requiredTags } = withDefaults(TAG_DEFAULTS, args.getConfig);
    const tags = effectiveTags(args.props, args.provider);
    const missing = requiredTags.filter((k) => !tags[k]);
    if (missing.length) {
      report(
        explain(
          `${args.name} lacks the tag(s) ${missing.join(", ")}.`,
          "untagged spend cannot be traced to a team in Cost Explorer, so nobody owns it.",
          "set ml-platform:tags in the stack file (or the AWS provider's defaultTags, which count), or run this policy with enforcementLevel remediate and `defaults`.",
        ),
      );
    }
  },
  remediateResource: (args) => {
    if (!isTaggable(args.type, args.props)) return undefined;
    const { requiredTags, defaults } = withDefaults(TAG_DEFAULTS, args.getConfig);
    const tags = { ...tagsOf(args.props) };
    const fromProvider = providerDefaultTags(args.provider);
    const fill = requiredTags.filter((k) => !tags[k] && !fromProvider[k] && defaults[k]);
    if (!fill.length) return undefined;
    for (const k of fill) tags[k] = defaults[k]!;
    return { ...args.props, tags };
  },
};

// ---------------------------------------------------------------- stack budget

/** The stack's cost as the plan computes it: one function (cost/stack.ts), the same resources. */
const costOfStack = (resources: PolicyResource[], configuredRegion: unknown) =>
  stackCost(resources, { region: stackRegion(resources) ?? (typeof configuredRegion === "string" && configuredRegion ? configuredRegion : undefined) });

/** What to change first to get under the budget: advice for the costliest item the stack really has. */
function budgetFix(top: { type: string; name: string; worstCaseMonthlyUsd: number } | undefined): string {
  if (!top) return "remove or shrink what the stack declares";
  const cost = `${top.name}, ${money(top.worstCaseMonthlyUsd)}/month at most`;
  if (top.type === T.nodeGroup) return `start with the costliest item, ${cost}: lower its maxSize or pick a cheaper instance type`;
  if (top.type === T.rds)
    return `start with the costliest item, ${cost}: a smaller instance class, Single-AZ outside production, or less provisioned storage and IOPS`;
  if (top.type === "aws:ec2/natGateway:NatGateway") return `start with the costliest item, ${cost}: share one NAT gateway across AZs`;
  if (top.type === T.ec2Instance) return `start with the costliest item, ${cost}: a smaller type, or stop it outside working hours`;
  if (top.type.startsWith("kubernetes:")) return `start with the costliest item, ${cost}: fewer replicas (or a lower maxReplicas) or fewer GPUs per pod`;
  if (top.type === T.eksCluster)
    return `start with the costliest item, ${cost}: keep the cluster in standard support (upgradePolicy.supportType STANDARD) and on a supported minor`;
  return `start with the costliest item, ${cost}: shrink it or remove it`;
}

export const stackMonthlyBudget: StackValidationPolicy = {
  name: "stack-monthly-budget",
  description: "The whole stack, with every autoscaler at its maximum, fits the stage's monthly budget, and idle GPUs cost nothing.",
  enforcementLevel: "mandatory",
  configSchema: limitSchema(
    "stack-monthly-budget",
    {
      maxWorstCaseMonthlyUsd: "USD a month the stack may cost with every node group at maxSize",
      maxIdleGpuMonthlyUsd: "USD a month of GPU capacity that may run with no GPU work (node group minimums)",
    },
    { region: true },
  ),
  validateStack: (args, report) => {
    const { limits, source } = stackLimits("stack-monthly-budget", args.resources, args.getConfig);
    const cost = costOfStack(args.resources, args.getConfig<{ region?: string }>().region);
    // What cannot be priced (a region without a price table, an unknown type) is
    // cost-fully-priced's advisory finding: the budget counts what it can price.
    const unpriced = cost.unpriced.length ? ` (${cost.unpriced.length} resource(s) unpriced, not counted)` : "";
    if (cost.worstCaseMonthlyUsd > limits.maxWorstCaseMonthlyUsd) {
      const top = [...cost.byResource].sort((a, b) => b.worstCaseMonthlyUsd - a.worstCaseMonthlyUsd).slice(0, 3);
      report(
        explain(
          `This stack can cost ${money(cost.worstCaseMonthlyUsd)}/month with every autoscaler at its maximum (expected ${money(cost.expectedMonthlyUsd)})${unpriced}; the budget is ${money(limits.maxWorstCaseMonthlyUsd)} (${source}).`,
          `the largest items: ${top.map((l) => `${l.name} ${money(l.worstCaseMonthlyUsd)}`).join(", ")}.`,
          `${budgetFix(top[0])}, or raise maxWorstCaseMonthlyUsd in your --policy-pack-config file with the budget owner's sign-off.`,
        ),
      );
    }
    if (cost.idleGpuMonthlyUsd > limits.maxIdleGpuMonthlyUsd) {
      report(
        explain(
          `GPU capacity worth ${money(cost.idleGpuMonthlyUsd)}/month runs even with no GPU work; the allowance is ${money(limits.maxIdleGpuMonthlyUsd)} (${source}).`,
          "GPU node group minimums are billed around the clock.",
          "set minSize 0 on GPU node groups and let the autoscaler start nodes on demand.",
        ),
      );
    }
  },
};

export const costFullyPriced: StackValidationPolicy = {
  name: "cost-fully-priced",
  description:
    "Every resource that costs money has a price in the cost model, so the budget check is complete (advisory: an unpriced region or type never blocks).",
  enforcementLevel: "advisory",
  configSchema: { properties: { region: { type: "string", description: "Region whose prices apply when no AWS provider names one. Default: none" } } },
  validateStack: (args, report) => {
    const cost = costOfStack(args.resources, args.getConfig<{ region?: string }>().region);
    if (!cost.unpriced.length) return;
    const why = "the budget and spend checks count only what they can price; the size caps and allowlists still hold.";
    if (!cost.priceTableAsOf && cost.region.startsWith("unknown")) {
      // A gap of its own: no region at all, not a region the table lacks.
      report(
        explain(
          `No region is known for this stack: no AWS provider names one and the policy config sets none, so ${cost.unpriced.length} resource(s) are unpriced.`,
          why,
          "set `region` for cost-fully-priced and stack-monthly-budget in your --policy-pack-config file (the region the cluster runs in), or plan with an AWS provider that names it.",
        ),
      );
      return;
    }
    if (!cost.priceTableAsOf) {
      // One finding for a region the table does not cover, not one per resource.
      report(
        explain(
          `No price table for region ${cost.region}: ${cost.unpriced.length} resource(s) are unpriced (priced regions: ${Object.keys(PRICES).join(", ")}).`,
          why,
          "plan in a priced region to see the figures, or add the region to cost/prices.ts from the AWS price list, with its source and date.",
        ),
      );
      return;
    }
    for (const u of cost.unpriced) {
      report(
        explain(`${u.name} (${u.type}) is not priced: ${u.reason}.`, why, "add the price to cost/prices.ts with its source, or accept it knowingly."),
        u.urn,
      );
    }
  },
};

export const platformPolicies = [
  ecrScanOnPush,
  ecrImmutableTags,
  ecrLifecyclePolicy,
  noWorldOpenAdminPorts,
  noWildcardAdminIam,
  eksApiNotPublic,
  eksStandardSupportOnly,
  eksSecretsEncrypted,
  publicLoadBalancersRestricted,
  logGroupsHaveRetention,
  requiredCostTags,
  stackMonthlyBudget,
  costFullyPriced,
];
