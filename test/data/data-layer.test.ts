/** Security and backup properties of the data layer, as the program declares them for real stacks. */
import { subnetLayout, overlaps } from "../../components/network/cidr";
import { ecrLifecyclePolicy } from "../../components/data/ecr-lifecycle";
import { attachedTo, ofType, one, plan } from "../support/plan";

describe("ArtifactStore", () => {
  it.each(["poc", "mvp", "seriesb-prod"])("%s: every bucket is private, encrypted, versioned, TLS-only and has lifecycle rules", async (stack) => {
    const run = await plan(stack);
    const buckets = ofType(run, "aws:s3/bucket:Bucket");
    expect(buckets.map((b) => b.name).sort()).toEqual([`${run.spec.namePrefix}-artifacts-datasets`, `${run.spec.namePrefix}-artifacts-models`]);
    for (const bucket of buckets) {
      expect(bucket.inputs.forceDestroy).toBe(false);
      const [pab] = attachedTo(run, bucket, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "bucket");
      expect(pab?.inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
      const [own] = attachedTo(run, bucket, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "bucket");
      expect(own?.inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
      const [sse] = attachedTo(run, bucket, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "bucket");
      const algorithm = (sse?.inputs.rules as { applyServerSideEncryptionByDefault: { sseAlgorithm: string } }[])[0]!.applyServerSideEncryptionByDefault
        .sseAlgorithm;
      expect(algorithm).toBe(run.spec.artifacts.settings.encryption === "sse-kms" ? "aws:kms" : "AES256");
      const [ver] = attachedTo(run, bucket, "aws:s3/bucketVersioning:BucketVersioning", "bucket");
      expect(ver?.inputs.versioningConfiguration).toEqual({ status: "Enabled" });
      const [lc] = attachedTo(run, bucket, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "bucket");
      const rules = lc?.inputs.rules as {
        id: string;
        status: string;
        noncurrentVersionExpiration?: { noncurrentDays: number };
        abortIncompleteMultipartUpload?: { daysAfterInitiation: number };
      }[];
      expect(rules.find((r) => r.id === "expire-noncurrent-versions")?.noncurrentVersionExpiration?.noncurrentDays).toBe(
        run.spec.artifacts.settings.noncurrentVersionExpirationDays,
      );
      expect(rules.find((r) => r.id === "abort-incomplete-uploads")?.abortIncompleteMultipartUpload?.daysAfterInitiation).toBe(7);
      expect(rules.every((r) => r.status === "Enabled")).toBe(true);
      const [policy] = attachedTo(run, bucket, "aws:s3/bucketPolicy:BucketPolicy", "bucket");
      const doc = JSON.parse(policy!.inputs.policy as string);
      expect(doc.Statement).toEqual([
        expect.objectContaining({ Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
      ]);
    }
  });

  it("Series B encrypts with a rotating customer managed key that is itself protected", async () => {
    const run = await plan("seriesb-prod");
    const key = one(run, "aws:kms/key:Key", "artifacts");
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(key.protect).toBe(true);
    const sse = ofType(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
    for (const s of sse) {
      expect((s.inputs.rules as { bucketKeyEnabled: boolean }[])[0]!.bucketKeyEnabled).toBe(true);
      expect(s.propertyDependencies.rules).toContain(key.urn);
    }
  });
});

describe("ContainerRegistry", () => {
  it("repositories have immutable tags, scan on push and a lifecycle policy", async () => {
    const run = await plan("mvp");
    const repo = one(run, "aws:ecr/repository:Repository");
    expect(repo.inputs).toMatchObject({ imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true }, forceDelete: false });
    const [lifecycle] = attachedTo(run, repo, "aws:ecr/lifecyclePolicy:LifecyclePolicy", "repository");
    expect(JSON.parse(lifecycle!.inputs.policy as string)).toEqual(ecrLifecyclePolicy(7, 100));
  });

  it("the lifecycle policy expires untagged images first and puts the catch-all rule last", () => {
    const { rules } = ecrLifecyclePolicy(14, 300);
    expect(rules[0]!.selection).toMatchObject({ tagStatus: "untagged", countType: "sinceImagePushed", countNumber: 14 });
    expect(rules[rules.length - 1]!.selection).toMatchObject({ tagStatus: "any", countNumber: 300 });
    expect(rules.map((r) => r.rulePriority)).toEqual([1, 2]);
  });
});

describe("MetadataStore", () => {
  it("mvp: private, encrypted, backed up 7 days, deletion-protected, final snapshot, protected from destroy", async () => {
    const run = await plan("mvp");
    const db = one(run, "aws:rds/instance:Instance");
    expect(db.inputs).toMatchObject({
      engine: "postgres",
      publiclyAccessible: false,
      storageEncrypted: true,
      backupRetentionPeriod: 7,
      deletionProtection: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: expect.stringMatching(/^mlp-prod-metadata-final-[0-9a-f]{8}$/),
      multiAz: false,
      instanceClass: "db.t4g.small",
    });
    expect(db.protect).toBe(true);
    expect(db.inputs.password).toBe("[secret]");
  });

  it("seriesb-prod: Multi-AZ with 14 days of backups", async () => {
    const db = one(await plan("seriesb-prod"), "aws:rds/instance:Instance");
    expect(db.inputs).toMatchObject({ multiAz: true, backupRetentionPeriod: 14, deletionProtection: true, performanceInsightsEnabled: true });
  });

  it("seriesb-staging can be torn down: no protection, no final snapshot", async () => {
    const db = one(await plan("seriesb-staging"), "aws:rds/instance:Instance");
    expect(db.protect).toBe(false);
    expect(db.inputs).toMatchObject({ skipFinalSnapshot: true, deletionProtection: false });
  });

  it("is reachable on 5432 from the cluster's security group only (nodes and pods), through private subnets", async () => {
    const run = await plan("mvp");
    const sg = one(run, "aws:ec2/securityGroup:SecurityGroup", "metadata");
    const ingress = sg.inputs.ingress as { fromPort: number; toPort: number; cidrBlocks?: string[]; securityGroups?: string[] }[];
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({ fromPort: 5432, toPort: 5432, securityGroups: [expect.stringMatching(/^sg-/)] });
    expect(ingress[0]!.cidrBlocks).toBeUndefined();
    // The group is the EKS cluster security group (the cluster's vpcConfig output).
    expect(sg.propertyDependencies.ingress).toContain(one(run, "aws:eks/cluster:Cluster").urn);
    const subnetGroup = one(run, "aws:rds/subnetGroup:SubnetGroup");
    const privateSubnets = ofType(run, "aws:ec2/subnet:Subnet").filter((s) => s.name.includes("private"));
    expect(subnetGroup.propertyDependencies.subnetIds!.sort()).toEqual(privateSubnets.map((s) => s.urn).sort());
  });

  it("keeps credentials in Secrets Manager, never in plain text", async () => {
    const run = await plan("mvp");
    const version = one(run, "aws:secretsmanager/secretVersion:SecretVersion");
    expect(version.inputs.secretString).toBe("[secret]");
    expect(one(run, "aws:secretsmanager/secret:Secret").protect).toBe(true);
    const pg = one(run, "aws:rds/parameterGroup:ParameterGroup");
    expect(pg.inputs.family).toBe("postgres17");
    expect(pg.inputs.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: "rds.force_ssl", value: "1" })]));
  });
});

describe("Network layout", () => {
  it.each([
    ["10.0.0.0/16", 3],
    ["10.1.0.0/16", 2],
    ["172.20.0.0/20", 3],
  ] as const)("subnets of %s over %i AZs are disjoint and inside the VPC", (cidr, azs) => {
    const layout = subnetLayout(cidr, azs);
    const all = [...layout.private, ...layout.public];
    expect(all).toHaveLength(azs * 2);
    for (const s of all) expect(overlaps(s, cidr)).toBe(true);
    for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) expect(overlaps(all[i]!, all[j]!)).toBe(false);
  });

  it("growing from 2 to 3 AZs keeps the existing subnets' blocks (no replacement)", () => {
    const two = subnetLayout("10.0.0.0/16", 2);
    const three = subnetLayout("10.0.0.0/16", 3);
    expect(three.private.slice(0, 2)).toEqual(two.private);
    expect(three.public.slice(0, 2)).toEqual(two.public);
    expect(two.private[0]).toBe("10.0.0.0/18");
    expect(two.public[0]).toBe("10.0.192.0/20");
  });

  it("tags subnets for load balancer placement and adds the free S3 gateway endpoint", async () => {
    const run = await plan("mvp");
    const subnets = ofType(run, "aws:ec2/subnet:Subnet");
    for (const s of subnets) {
      const tags = s.inputs.tags as Record<string, string>;
      expect(tags[s.name.includes("public") ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb"]).toBe("1");
    }
    expect(one(run, "aws:ec2/vpcEndpoint:VpcEndpoint").inputs).toMatchObject({ serviceName: "com.amazonaws.us-east-1.s3", vpcEndpointType: "Gateway" });
  });

  it("the VPC's default security group allows nothing", async () => {
    const sg = one(await plan("mvp"), "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
    expect(sg.inputs).toMatchObject({ ingress: [], egress: [] });
  });

  it("Series B records VPC flow logs with a retention period", async () => {
    const run = await plan("seriesb-prod");
    expect(one(run, "aws:cloudwatch/logGroup:LogGroup", "flow-logs").inputs.retentionInDays).toBe(90);
    expect(one(run, "aws:ec2/flowLog:FlowLog").inputs.trafficType).toBe("ALL");
    expect(ofType(await plan("mvp"), "aws:ec2/flowLog:FlowLog")).toHaveLength(0);
  });
});

describe("Stack outputs another stack reads through a StackReference", () => {
  it("exports the network, bucket ARNs, database security group, node role, cluster security group and OIDC issuer", async () => {
    const run = await plan("seriesb-prod");
    const o = run.outputs as Record<string, unknown>;
    expect(o.vpcCidrBlock).toBe("10.0.0.0/16");
    expect(o.privateSubnetIds).toHaveLength(3);
    expect(o.bucketArns).toEqual({
      datasets: expect.stringMatching(/^arn:aws:s3:::mlp-prod-artifacts-datasets/),
      models: expect.stringMatching(/^arn:aws:s3:::mlp-prod-artifacts-models/),
    });
    expect(o.artifactsKmsKeyArn).toMatch(/^arn:aws:kms:us-east-1:\d{12}:key\//);
    expect(o.databaseSecurityGroupId).toMatch(/^sg-/);
    expect(o.clusterSecurityGroupId).toMatch(/^sg-/);
    expect(o.nodeRoleArn).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(o.oidcIssuerUrl).toMatch(/^https:\/\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\//);
  });
});
