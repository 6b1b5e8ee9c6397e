import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { flowLogsWritePolicy, serviceTrustPolicy } from "../../lib/iam";
import { subnetLayout } from "../../lib/cidr";
import type { NatMode } from "../../config/presets";

export interface NetworkArgs {
  /** IPv4 block of the VPC, /16 to /20. Default "10.0.0.0/16". */
  cidrBlock?: string;
  /** Availability zones to spread subnets over, 2 or 3. Default 2. */
  azCount?: number;
  /**
   * NAT gateways for the private subnets' egress: "none", "single" (one shared,
   * cheapest, an AZ outage cuts egress) or "perAz" (one per AZ, highly
   * available). Default "single".
   */
  natGateways?: NatMode;
  /** Days to keep VPC flow logs in CloudWatch; 0 (the default) records none. */
  flowLogRetentionDays?: number;
  /** Tags for every resource. Default none. */
  tags?: Record<string, string>;
}

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
  public readonly privateSubnetIds: pulumi.Output<string>[];
  public readonly availabilityZones: pulumi.Output<string>[];
  public readonly natGatewayCount: number;
  /** NAT gateway ids, one per AZ or one shared (CloudWatch alarms watch them). */
  public readonly natGatewayIds: pulumi.Output<string>[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlplatform:network:Network", name, {}, opts);
    const cidrBlock = args.cidrBlock ?? "10.0.0.0/16";
    const azCount = args.azCount ?? 2;
    const natMode = args.natGateways ?? "single";
    const tags = args.tags ?? {};
    const layout = subnetLayout(cidrBlock, azCount);
    const parent = { parent: this };

    const zones = aws.getAvailabilityZonesOutput({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, parent);
    this.availabilityZones = layout.private.map((_, i) => zones.names[i]!);

    const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
      cidrBlock,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { ...tags, Name: `${name}-vpc` },
    }, parent);

    // Adopt the VPC's default security group and leave it without rules: anything
    // launched without an explicit group gets no network access (CIS AWS 5.4).
    new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, {
      vpcId: vpc.id,
      ingress: [],
      egress: [],
      tags: { ...tags, Name: `${name}-default-deny` },
    }, parent);

    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { ...tags, Name: `${name}-igw` } }, parent);

    const publicRoutes = new aws.ec2.RouteTable(`${name}-public-rt`, {
      vpcId: vpc.id,
      routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
      tags: { ...tags, Name: `${name}-public` },
    }, parent);

    const publicSubnets = layout.public.map((cidr, i) => {
      const subnet = new aws.ec2.Subnet(`${name}-public-${i}`, {
        vpcId: vpc.id,
        cidrBlock: cidr,
        availabilityZone: this.availabilityZones[i],
        mapPublicIpOnLaunch: false,
        // Internet-facing load balancers go here.
        tags: { ...tags, Name: `${name}-public-${i}`, "kubernetes.io/role/elb": "1", tier: "public" },
      }, parent);
      new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: subnet.id, routeTableId: publicRoutes.id }, parent);
      return subnet;
    });

    const natCount = natMode === "none" ? 0 : natMode === "single" ? 1 : azCount;
    const nats = [...Array(natCount).keys()].map((i) => {
      const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: { ...tags, Name: `${name}-nat-${i}` } }, parent);
      return new aws.ec2.NatGateway(`${name}-nat-${i}`, {
        allocationId: eip.id,
        subnetId: publicSubnets[i]!.id,
        tags: { ...tags, Name: `${name}-nat-${i}` },
      }, { parent: this, dependsOn: [igw] });
    });

    this.natGatewayIds = nats.map((n) => n.id);
    const privateRouteTables: aws.ec2.RouteTable[] = [];
    const privateSubnets = layout.private.map((cidr, i) => {
      const subnet = new aws.ec2.Subnet(`${name}-private-${i}`, {
        vpcId: vpc.id,
        cidrBlock: cidr,
        availabilityZone: this.availabilityZones[i],
        // Internal load balancers go here.
        tags: { ...tags, Name: `${name}-private-${i}`, "kubernetes.io/role/internal-elb": "1", tier: "private" },
      }, parent);
      // Each AZ routes through its own NAT when there is one per AZ, else through the shared one.
      const nat = nats[Math.min(i, nats.length - 1)];
      const routeTable = new aws.ec2.RouteTable(`${name}-private-rt-${i}`, {
        vpcId: vpc.id,
        routes: nat ? [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }] : [],
        tags: { ...tags, Name: `${name}-private-${i}` },
      }, parent);
      new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: subnet.id, routeTableId: routeTable.id }, parent);
      privateRouteTables.push(routeTable);
      return subnet;
    });

    // Gateway endpoints are free; S3 traffic (data sets, models, images' layers) then bypasses the NAT.
    const region = aws.getRegionOutput({}, parent);
    new aws.ec2.VpcEndpoint(`${name}-s3`, {
      vpcId: vpc.id,
      serviceName: pulumi.interpolate`com.amazonaws.${region.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: [publicRoutes.id, ...privateRouteTables.map((rt) => rt.id)],
      tags: { ...tags, Name: `${name}-s3` },
    }, parent);

    const flowLogDays = args.flowLogRetentionDays ?? 0;
    if (flowLogDays > 0) {
      const logGroup = new aws.cloudwatch.LogGroup(`${name}-flow-logs`, {
        retentionInDays: flowLogDays,
        tags,
      }, parent);
      const role = new aws.iam.Role(`${name}-flow-logs`, {
        assumeRolePolicy: JSON.stringify(serviceTrustPolicy("vpc-flow-logs.amazonaws.com")),
        tags,
      }, parent);
      new aws.iam.RolePolicy(`${name}-flow-logs`, {
        role: role.id,
        policy: logGroup.arn.apply((arn) => JSON.stringify(flowLogsWritePolicy(arn))),
      }, parent);
      new aws.ec2.FlowLog(`${name}-flow-logs`, {
        vpcId: vpc.id,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: logGroup.arn,
        iamRoleArn: role.arn,
        maxAggregationInterval: 600,
        tags,
      }, parent);
    }

    this.vpcId = vpc.id;
    this.vpcCidrBlock = vpc.cidrBlock;
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.natGatewayCount = natCount;
    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
    });
  }
}
