/** Every shipped stack file, run through the real program under the mock engine. */
import { SHIPPED_STACKS, ofType, plan } from "./support/plan";

const EKS = "aws:eks/cluster:Cluster";
const RDS = "aws:rds/instance:Instance";
const NAT = "aws:ec2/natGateway:NatGateway";
const VPC = "aws:ec2/vpc:Vpc";
const BUCKET = "aws:s3/bucket:Bucket";
const ECR = "aws:ecr/repository:Repository";

describe("shipped stacks", () => {
  it("ships the four documented environments", () => {
    expect(SHIPPED_STACKS).toEqual(["mvp", "poc", "seriesb-prod", "seriesb-staging"]);
  });

  it.each(SHIPPED_STACKS)("%s plans without errors and tags every taggable resource with owner and costCenter", async (stack) => {
    const run = await plan(stack);
    expect(run.resources.length).toBeGreaterThan(10);
    const tagged = run.resources.filter((r) => r.custom && "tags" in r.inputs);
    expect(tagged.length).toBeGreaterThanOrEqual(3);
    for (const r of tagged) {
      expect({ name: r.name, tags: r.inputs.tags }).toEqual({ name: r.name, tags: expect.objectContaining({ owner: expect.any(String), costCenter: expect.any(String), environment: run.spec.environment }) });
    }
  });

  it("POC stays cheap: buckets and a registry, no VPC, NAT, database or cluster", async () => {
    const run = await plan("poc");
    expect(ofType(run, EKS)).toHaveLength(0);
    expect(ofType(run, RDS)).toHaveLength(0);
    expect(ofType(run, NAT)).toHaveLength(0);
    expect(ofType(run, VPC)).toHaveLength(0);
    expect(ofType(run, BUCKET)).toHaveLength(2);
    expect(ofType(run, ECR)).toHaveLength(1);
  });

  it("MVP runs production pieces: VPC over 2 AZs with one shared NAT, RDS, S3 and ECR", async () => {
    const run = await plan("mvp");
    expect(ofType(run, VPC)).toHaveLength(1);
    expect(ofType(run, "aws:ec2/subnet:Subnet")).toHaveLength(4);
    expect(ofType(run, NAT)).toHaveLength(1);
    expect(ofType(run, RDS)).toHaveLength(1);
    expect(ofType(run, BUCKET)).toHaveLength(2);
    expect(ofType(run, ECR)).toHaveLength(1);
  });

  it.each(["seriesb-staging", "seriesb-prod"])("%s spreads over 3 AZs with a NAT gateway in each", async (stack) => {
    const run = await plan(stack);
    const nats = ofType(run, NAT);
    expect(nats).toHaveLength(3);
    // One NAT in each AZ's public subnet.
    expect(new Set(nats.map((n) => n.inputs.subnetId)).size).toBe(3);
    // Each private route table sends its AZ's traffic through a different NAT.
    const privateRoutes = ofType(run, "aws:ec2/routeTable:RouteTable").filter((r) => r.name.includes("private"));
    const natIds = privateRoutes.map((r) => (r.inputs.routes as { natGatewayId: string }[])[0]!.natGatewayId);
    expect(new Set(natIds).size).toBe(3);
  });

  it("staging and prod use non-overlapping VPC blocks", async () => {
    const [staging, prod] = await Promise.all([plan("seriesb-staging"), plan("seriesb-prod")]);
    expect(ofType(staging, VPC)[0]!.inputs.cidrBlock).toBe("10.1.0.0/16");
    expect(ofType(prod, VPC)[0]!.inputs.cidrBlock).toBe("10.0.0.0/16");
  });

  it("protects stateful resources at production stages and not at POC or in staging", async () => {
    const stateful = [BUCKET, RDS];
    for (const [stack, expected] of [["poc", false], ["mvp", true], ["seriesb-prod", true], ["seriesb-staging", false]] as const) {
      const run = await plan(stack);
      const resources = run.resources.filter((r) => stateful.includes(r.type));
      expect(resources.length).toBeGreaterThan(0);
      for (const r of resources) expect({ stack, name: r.name, protect: r.protect, retainOnDelete: r.retainOnDelete }).toEqual({ stack, name: r.name, protect: expected, retainOnDelete: expected });
    }
  });
});
