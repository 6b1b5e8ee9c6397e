import * as aws from "../../lib/aws";
import * as pulumi from "@pulumi/pulumi";
import { PLANNED_INGEST_GB_TAG, withPlannedGb } from "../../lib/tags";
import { validateArgs } from "../../lib/validate";
import { CONTROL_PLANE_ZONE_COUNT, EKS_UNSUPPORTED_ZONE_IDS, chooseZoneIds } from "../compute/zones";
import { subnetLayout } from "./cidr";
import { flowLogsTrustPolicy, flowLogsWritePolicy } from "./iam";
import type { NetworkArgs } from "./network.args";
import { flowLogsRoleName } from "./network.footprint";
import { NetworkArgsSchema, networkProblems } from "./network.schema";

export type { NetworkArgs };

/** NAT egress of the private subnets: "none", "single" or "perAz". */
export type NatMode = NonNullable<NetworkArgs["natGateways"]>;

export const NETWORK_TYPE = "mlplatform:network:Network";

/**
 * A VPC with public and private subnets over 2-3 AZs, NAT egress sized by
 * stage, a free S3 gateway endpoint (data-set traffic skips the NAT's
 * $0.045/GB), and the subnet tags the AWS load balancer integration uses to
 * place internet-facing and internal load balancers.
 */
export class Network extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly vpcCidrBlock: pulumi.Output<string>;
  public readonly publicSubnetIds: pulumi.Output<string>[];
  /** Private subnets, one per AZ, in zone order: nodes use them all. */
  public readonly privateSubnetIds: pulumi.Output<string>[];
  /**
   * The private subnets of the first two zones: the EKS control plane's fixed
   * subnet set, the same at every stage (a third AZ never joins it).
   */
  public readonly controlPlaneSubnetIds: pulumi.Output<string>[];
  /** AZ IDs of the subnets, in zone order. */
  public readonly availabilityZoneIds: pulumi.Input<string>[];
  public readonly natGatewayCount: number;
  /** NAT gateway ids, one per AZ or one shared (CloudWatch alarms watch them). */
  public readonly natGatewayIds: pulumi.Output<string>[];
  /**
   * The private subnets' route table associations, each after its route
   * table and NAT gateway: what nodes wait for, since a node that boots
   * before its subnet routes to a NAT cannot pull images or join the cluster.
   */
  public readonly egressReady: pulumi.Resource[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before anything is declared: a bad argument throws ComponentArgsError naming it.
    const s = validateArgs(NETWORK_TYPE, name, NetworkArgsSchema, args, networkProblems);
    super(NETWORK_TYPE, name, {}, opts);
    const { cidrBlock, azCount, natGateways: natMode, tags } = s;
    const layout = subnetLayout(cidrBlock, azCount);
    const parent = { parent: this };

    // Every AZ of the region whatever its state (no state filter: a zone that is
    // "impaired" today must not shift every later subnet to another zone), and
    // only real AZs (no Local or Wavelength Zones). Zone choice: components/compute/zones.ts chooseZoneIds.
    const zoneIds: pulumi.Input<string>[] = s.availabilityZoneIds
      ? s.availabilityZoneIds.slice(0, azCount)
      : (() => {
          const zones = aws.getAvailabilityZonesOutput(
            {
              allAvailabilityZones: false,
              excludeZoneIds: [...EKS_UNSUPPORTED_ZONE_IDS],
              filters: [{ name: "zone-type", values: ["availability-zone"] }],
            },
            parent,
          );
          const chosen = zones.zoneIds.apply((ids) => chooseZoneIds(ids, azCount));
          return layout.private.map((_, i) => chosen.apply((ids) => ids[i]!));
        })();
    this.availabilityZoneIds = zoneIds;

    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags: { ...tags, Name: `${name}-vpc` },
      },
      parent,
    );

    // Adopt the VPC's default security group and leave it without rules: anything
    // launched without an explicit group gets no network access (CIS AWS 5.4).
    new aws.ec2.DefaultSecurityGroup(
      `${name}-default-sg`,
      {
        vpcId: vpc.id,
        ingress: [],
        egress: [],
        tags: { ...tags, Name: `${name}-default-deny` },
      },
      parent,
    );

    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { ...tags, Name: `${name}-igw` } }, parent);

    const publicRoutes = new aws.ec2.RouteTable(
      `${name}-public-rt`,
      {
        vpcId: vpc.id,
        routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
        tags: { ...tags, Name: `${name}-public` },
      },
      parent,
    );

    const publicSubnets = layout.public.map((cidr, i) => {
      const subnet = new aws.ec2.Subnet(
        `${name}-public-${i}`,
        {
          vpcId: vpc.id,
          cidrBlock: cidr,
          availabilityZoneId: zoneIds[i],
          mapPublicIpOnLaunch: false,
          // Internet-facing load balancers go here.
          tags: { ...tags, Name: `${name}-public-${i}`, "kubernetes.io/role/elb": "1", tier: "public" },
        },
        parent,
      );
      new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: subnet.id, routeTableId: publicRoutes.id }, parent);
      return subnet;
    });

    const natCount = natMode === "none" ? 0 : natMode === "single" ? 1 : azCount;
    const nats = [...Array(natCount).keys()].map((i) => {
      const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: { ...tags, Name: `${name}-nat-${i}` } }, parent);
      return new aws.ec2.NatGateway(
        `${name}-nat-${i}`,
        {
          allocationId: eip.id,
          subnetId: publicSubnets[i]!.id,
          tags: { ...tags, Name: `${name}-nat-${i}` },
        },
        { parent: this, dependsOn: [igw] },
      );
    });

    this.natGatewayIds = nats.map((n) => n.id);
    const privateRouteTables: aws.ec2.RouteTable[] = [];
    const egressReady: pulumi.Resource[] = [];
    this.egressReady = egressReady;
    const privateSubnets = layout.private.map((cidr, i) => {
      const subnet = new aws.ec2.Subnet(
        `${name}-private-${i}`,
        {
          vpcId: vpc.id,
          cidrBlock: cidr,
          availabilityZoneId: zoneIds[i],
          // Nothing in a private subnet gets a public address.
          mapPublicIpOnLaunch: false,
          // Internal load balancers go here.
          tags: { ...tags, Name: `${name}-private-${i}`, "kubernetes.io/role/internal-elb": "1", tier: "private" },
        },
        parent,
      );
      // Each AZ routes through its own NAT when there is one per AZ, else through the shared one.
      const nat = nats[Math.min(i, nats.length - 1)];
      const routeTable = new aws.ec2.RouteTable(
        `${name}-private-rt-${i}`,
        {
          vpcId: vpc.id,
          routes: nat ? [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }] : [],
          tags: { ...tags, Name: `${name}-private-${i}` },
        },
        parent,
      );
      egressReady.push(new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: subnet.id, routeTableId: routeTable.id }, parent));
      privateRouteTables.push(routeTable);
      return subnet;
    });

    // Gateway endpoints are free; S3 traffic (data sets, models, images' layers) then bypasses the NAT.
    const region = aws.getRegionOutput({}, parent);
    new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: vpc.id,
        serviceName: pulumi.interpolate`com.amazonaws.${region.region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: [publicRoutes.id, ...privateRouteTables.map((rt) => rt.id)],
        tags: { ...tags, Name: `${name}-s3` },
      },
      parent,
    );

    const flowLogDays = s.flowLogRetentionDays;
    if (flowLogDays > 0) {
      const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-flow-logs`,
        {
          retentionInDays: flowLogDays,
          tags: withPlannedGb(tags, PLANNED_INGEST_GB_TAG, s.expectedFlowLogGbPerMonth),
        },
        parent,
      );
      const caller = aws.getCallerIdentityOutput({}, parent);
      const partition = aws.getPartitionOutput({}, parent);
      const role = new aws.iam.Role(
        flowLogsRoleName(name),
        {
          // Only flow logs of this account and region may use the role (confused deputy).
          assumeRolePolicy: pulumi
            .all([caller.accountId, region.region, partition.partition])
            .apply(([account, regionName, part]) => JSON.stringify(flowLogsTrustPolicy(account, regionName, part))),
          tags,
        },
        parent,
      );
      const rolePolicy = new aws.iam.RolePolicy(
        `${name}-flow-logs`,
        {
          role: role.id,
          policy: logGroup.arn.apply((arn) => JSON.stringify(flowLogsWritePolicy(arn))),
        },
        parent,
      );
      // Waits for the role's permissions: a flow log created first fails to deliver
      // (status "Access error") until the policy lands.
      new aws.ec2.FlowLog(
        `${name}-flow-logs`,
        {
          vpcId: vpc.id,
          trafficType: "ALL",
          logDestinationType: "cloud-watch-logs",
          logDestination: logGroup.arn,
          iamRoleArn: role.arn,
          maxAggregationInterval: 600,
          tags,
        },
        { parent: this, dependsOn: [rolePolicy] },
      );
    }

    this.vpcId = vpc.id;
    this.vpcCidrBlock = vpc.cidrBlock;
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.controlPlaneSubnetIds = this.privateSubnetIds.slice(0, CONTROL_PLANE_ZONE_COUNT);
    this.natGatewayCount = natCount;
    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      controlPlaneSubnetIds: this.controlPlaneSubnetIds,
    });
  }
}
