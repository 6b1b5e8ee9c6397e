/**
 * Every policy: a compliant resource passes, and each single mutation that
 * makes it costly or unsafe is reported, with what / why / fix in the message.
 */
import type { Policy } from "@pulumi/policy";
import { EvalResource, PolicyConfig, evaluatePolicies, stagePolicyConfig } from "../policies/evaluate";
import { policies } from "../policies/rules";
import { SHIPPED_STACKS, plan } from "./support/plan";
import { policyResources } from "../plan/report";

type Props = Record<string, unknown>;
const clone = <T>(v: T): T => structuredClone(v);
const tags = { owner: "ml-team", costCenter: "research", environment: "prod", stage: "mvp" };
const provider = { type: "pulumi:providers:aws", name: "default", urn: "urn:pulumi:t::p::pulumi:providers:aws::default", props: { region: "us-east-1" } };

function res(type: string, name: string, props: Props, extra: Partial<EvalResource> = {}): EvalResource {
  return { urn: `urn:pulumi:t::p::${type}::${name}`, type, name, props, provider, ...extra };
}

const policyNamed = (name: string): Policy => {
  const p = policies.find((x) => x.name === name);
  if (!p) throw new Error(`no policy ${name}`);
  return p;
};

/** Violations one policy reports on these resources (resource policies see each; stack policies see all). */
function violations(name: string, resources: EvalResource[], config: PolicyConfig = {}) {
  const v = evaluatePolicies(resources, config, { policies: [policyNamed(name)] });
  return [...v.mandatory, ...v.advisory];
}

const gpuNodeGroup = () =>
  res("aws:eks/nodeGroup:NodeGroup", "gpu", {
    instanceTypes: ["g5.xlarge"],
    amiType: "AL2023_x86_64_NVIDIA",
    capacityType: "ON_DEMAND",
    scalingConfig: { minSize: 0, desiredSize: 0, maxSize: 1 },
    diskSize: 100,
    taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }],
    tags,
  });
/** One per-AZ node group of GPU pool "inference" (the label is how a pool is summed). */
const zonalGpuGroup = (zone: number) =>
  res("aws:eks/nodeGroup:NodeGroup", `gpu-inference-${zone}`, {
    ...gpuNodeGroup().props,
    labels: { "ml-platform/node-group": "inference" },
  });
const cpuNodeGroup = () =>
  res("aws:eks/nodeGroup:NodeGroup", "system", { instanceTypes: ["t3.large"], amiType: "AL2023_x86_64_STANDARD", scalingConfig: { minSize: 1, desiredSize: 2, maxSize: 3 }, tags });
const database = () =>
  res("aws:rds/instance:Instance", "db", {
    engine: "postgres",
    instanceClass: "db.t4g.small",
    allocatedStorage: 20,
    maxAllocatedStorage: 100,
    storageType: "gp3",
    storageEncrypted: true,
    publiclyAccessible: false,
    backupRetentionPeriod: 7,
    deletionProtection: true,
    skipFinalSnapshot: false,
    finalSnapshotIdentifier: "db-final",
    multiAz: false,
    tags,
  }, { protect: true });
const gpuDeployment = () =>
  res("kubernetes:apps/v1:Deployment", "model", {
    spec: {
      replicas: 1,
      template: {
        spec: {
          containers: [{ name: "server", resources: { limits: { "nvidia.com/gpu": 1 } } }],
          tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
        },
      },
    },
  });
const servingDeployment = () =>
  res("kubernetes:apps/v1:Deployment", "classifier-blue", {
    metadata: { name: "classifier-blue", namespace: "serving" },
    spec: {
      replicas: 1,
      template: {
        spec: {
          containers: [{ name: "model-server", resources: { limits: { "nvidia.com/gpu": "1" } }, livenessProbe: { httpGet: { path: "/health", port: "http" } }, startupProbe: { httpGet: { path: "/health", port: "http" } } }],
          tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
        },
      },
    },
  });
const servingHpa = (maxReplicas: number) =>
  res("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "classifier-blue-hpa", { metadata: { name: "classifier-blue", namespace: "serving" }, spec: { minReplicas: 1, maxReplicas, scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "classifier-blue" } } });
const gpuQuota = () => res("kubernetes:core/v1:ResourceQuota", "gpu", { metadata: { name: "gpu", namespace: "serving" }, spec: { hard: { "requests.nvidia.com/gpu": "4" } } });
const cluster = () =>
  res("aws:eks/cluster:Cluster", "eks", {
    vpcConfig: { endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
    upgradePolicy: { supportType: "STANDARD" },
    encryptionConfig: { provider: { keyArn: "arn:aws:kms:us-east-1:123456789012:key/x" }, resources: ["secrets"] },
    tags,
  });

interface Case {
  policy: string;
  compliant: () => EvalResource[];
  mutations: [string, (r: EvalResource[]) => void][];
  config?: PolicyConfig;
}

const first = (rs: EvalResource[]) => rs[0]!.props as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the tests read and mutate arbitrary nested props

function bucketWithSettings(): EvalResource[] {
  const bucket = res("aws:s3/bucket:Bucket", "data", { bucket: "data-1", tags }, { protect: true });
  const on = (type: string, name: string, props: Props) => res(type, name, { bucket: "data-1", ...props }, { propertyDependencies: { bucket: [bucket.urn] } });
  return [
    bucket,
    on("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "data-pab", { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }),
    on("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "data-sse", { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }),
    on("aws:s3/bucketVersioning:BucketVersioning", "data-ver", { versioningConfiguration: { status: "Enabled" } }),
    on("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "data-lc", { rules: [{ id: "x", status: "Enabled", noncurrentVersionExpiration: { noncurrentDays: 30 } }] }),
  ];
}

const dropType = (type: string) => (rs: EvalResource[]) => rs.splice(rs.findIndex((r) => r.type === type), 1);

/** A kube-prometheus-stack release as the Monitoring component declares it (Prometheus part). */
const prometheusRelease = () =>
  res("kubernetes:helm.sh/v3:Release", "kube-prometheus-stack", {
    chart: "kube-prometheus-stack",
    values: {
      prometheus: {
        prometheusSpec: {
          retention: "15d",
          retentionSize: "40GB",
          storageSpec: { volumeClaimTemplate: { spec: { storageClassName: "gp3", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } } } } },
        },
      },
    },
  });

const CASES: Case[] = [
  {
    policy: "allowed-instance-types",
    compliant: () => [gpuNodeGroup(), cpuNodeGroup()],
    mutations: [
      ["a p4d.24xlarge GPU group", (rs) => (first(rs).instanceTypes = ["p4d.24xlarge"])],
      ["a second, unlisted type in the group", (rs) => first(rs).instanceTypes.push("g6e.12xlarge")],
      ["a standalone EC2 instance of an unlisted type", (rs) => rs.push(res("aws:ec2/instance:Instance", "box", { instanceType: "m5.24xlarge" }))],
    ],
  },
  {
    policy: "node-group-size-caps",
    compliant: () => [gpuNodeGroup(), cpuNodeGroup()],
    mutations: [
      ["a GPU group that may reach 2 nodes", (rs) => (first(rs).scalingConfig.maxSize = 2)],
      ["a CPU group that may reach 4 nodes", (rs) => (rs[1]!.props.scalingConfig = { minSize: 1, desiredSize: 1, maxSize: 4 })],
    ],
  },
  {
    policy: "node-group-worst-case-spend",
    compliant: () => [gpuNodeGroup()],
    mutations: [
      ["a g5.12xlarge group ($4,141/month a node)", (rs) => (first(rs).instanceTypes = ["g5.12xlarge"])],
      ["two g5.xlarge at most ($1,485/month)", (rs) => (first(rs).scalingConfig.maxSize = 2)],
      ["an instance type nobody can price", (rs) => (first(rs).instanceTypes = ["g9.mega"])],
    ],
  },
  {
    policy: "gpu-node-groups-tainted",
    compliant: () => [gpuNodeGroup(), cpuNodeGroup()],
    mutations: [
      ["no taint", (rs) => (first(rs).taints = [])],
      ["a PreferNoSchedule taint only", (rs) => (first(rs).taints = [{ key: "nvidia.com/gpu", value: "true", effect: "PREFER_NO_SCHEDULE" }])],
      ["a taint on another key", (rs) => (first(rs).taints = [{ key: "gpu", value: "true", effect: "NO_SCHEDULE" }])],
    ],
  },
  {
    policy: "gpu-node-groups-scale-to-zero",
    compliant: () => [gpuNodeGroup(), cpuNodeGroup()],
    mutations: [["minSize 1 on a GPU group", (rs) => (first(rs).scalingConfig = { minSize: 1, desiredSize: 1, maxSize: 1 })]],
  },
  {
    policy: "gpu-node-groups-use-nvidia-ami",
    compliant: () => [gpuNodeGroup()],
    mutations: [
      ["the standard AL2023 AMI", (rs) => (first(rs).amiType = "AL2023_x86_64_STANDARD")],
      ["no AMI type (EKS defaults to a CPU AMI)", (rs) => delete first(rs).amiType],
    ],
  },
  {
    policy: "no-standalone-gpu-instances",
    compliant: () => [res("aws:ec2/instance:Instance", "bastion", { instanceType: "t3.medium" })],
    mutations: [
      ["a g5.xlarge EC2 instance", (rs) => (first(rs).instanceType = "g5.xlarge")],
      ["a GPU launch template", (rs) => rs.push(res("aws:ec2/launchTemplate:LaunchTemplate", "lt", { instanceType: "p3.2xlarge" }))],
    ],
  },
  {
    policy: "gpu-workloads-within-caps",
    compliant: () => [gpuDeployment()],
    mutations: [
      ["2 replicas x 1 GPU", (rs) => (first(rs).spec.replicas = 2)],
      ["1 replica x 4 GPUs", (rs) => (first(rs).spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"] = 4)],
      ["a Job with parallelism 3", (rs) => rs.push(res("kubernetes:batch/v1:Job", "train", { spec: { parallelism: 3, template: { spec: first(rs).spec.template.spec } } }))],
      ["a DaemonSet requesting GPUs", (rs) => rs.push(res("kubernetes:apps/v1:DaemonSet", "ds", { spec: { template: { spec: first(rs).spec.template.spec } } }))],
    ],
  },
  {
    policy: "gpu-workloads-tolerate-taint",
    compliant: () => [gpuDeployment(), res("kubernetes:apps/v1:Deployment", "web", { spec: { template: { spec: { containers: [{ name: "web" }] } } } })],
    mutations: [
      ["no tolerations", (rs) => (first(rs).spec.template.spec.tolerations = [])],
      ["a toleration for another key", (rs) => (first(rs).spec.template.spec.tolerations = [{ key: "dedicated", operator: "Exists" }])],
    ],
  },
  {
    policy: "rds-private-and-encrypted",
    compliant: () => [database()],
    mutations: [
      ["publicly accessible", (rs) => (first(rs).publiclyAccessible = true)],
      ["unencrypted storage", (rs) => (first(rs).storageEncrypted = false)],
    ],
  },
  {
    policy: "rds-backups",
    compliant: () => [database()],
    mutations: [
      ["no backups", (rs) => (first(rs).backupRetentionPeriod = 0)],
      ["3 days of backups", (rs) => (first(rs).backupRetentionPeriod = 3)],
    ],
  },
  {
    policy: "stateful-deletion-safeguards",
    compliant: () => [database(), bucketWithSettings()[0]!],
    mutations: [
      ["no deletion protection", (rs) => (first(rs).deletionProtection = false)],
      ["no final snapshot", (rs) => (first(rs).skipFinalSnapshot = true)],
      ["database not protected from destroy", (rs) => (rs[0]!.protect = false)],
      ["bucket not protected from destroy", (rs) => (rs[1]!.protect = false)],
    ],
  },
  {
    policy: "rds-sizing",
    compliant: () => [database()],
    mutations: [
      ["a db.r6g.4xlarge", (rs) => (first(rs).instanceClass = "db.r6g.4xlarge")],
      ["storage autoscaling to 2 TB", (rs) => (first(rs).maxAllocatedStorage = 2000)],
      ["20,000 provisioned IOPS", (rs) => Object.assign(first(rs), { storageType: "io1", iops: 20000 })],
      ["Multi-AZ db.m6g.large ($255/month) over the $250 cap", (rs) => Object.assign(first(rs), { instanceClass: "db.m6g.large", multiAz: true })],
    ],
  },
  {
    policy: "s3-no-public-access",
    compliant: () => bucketWithSettings(),
    mutations: [
      ["a public-read ACL", (rs) => rs.push(res("aws:s3/bucketAclV2:BucketAclV2", "acl", { bucket: "data-1", acl: "public-read" }))],
      ["a policy allowing everyone", (rs) => rs.push(res("aws:s3/bucketPolicy:BucketPolicy", "pol", { bucket: "data-1", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::data-1/*" }] }) }))],
      ["a public access block with one switch off", (rs) => (rs[1]!.props.blockPublicPolicy = false)],
    ],
  },
  {
    policy: "s3-buckets-hardened",
    compliant: () => bucketWithSettings(),
    mutations: [
      ["no public access block", dropType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")],
      ["no default encryption", dropType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")],
      ["versioning suspended", (rs) => (rs[3]!.props.versioningConfiguration = { status: "Suspended" })],
      ["no lifecycle rule", dropType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")],
      ["settings attached to another bucket", (rs) => rs.slice(1).forEach((r) => Object.assign(r, { propertyDependencies: {}, props: { ...r.props, bucket: "other" } }))],
    ],
  },
  {
    policy: "ecr-scan-on-push",
    compliant: () => [res("aws:ecr/repository:Repository", "models", { name: "models", imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true } })],
    mutations: [["scan on push off", (rs) => (first(rs).imageScanningConfiguration = { scanOnPush: false })]],
  },
  {
    policy: "ecr-immutable-tags",
    compliant: () => [res("aws:ecr/repository:Repository", "models", { name: "models", imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true } })],
    mutations: [["mutable tags", (rs) => (first(rs).imageTagMutability = "MUTABLE")]],
  },
  {
    policy: "ecr-lifecycle-policy",
    compliant: () => {
      const repo = res("aws:ecr/repository:Repository", "models", { name: "models" });
      return [repo, res("aws:ecr/lifecyclePolicy:LifecyclePolicy", "models", { repository: "models", policy: "{}" }, { propertyDependencies: { repository: [repo.urn] } })];
    },
    mutations: [["no lifecycle policy", dropType("aws:ecr/lifecyclePolicy:LifecyclePolicy")]],
  },
  {
    policy: "no-world-open-admin-ports",
    compliant: () => [res("aws:ec2/securityGroup:SecurityGroup", "db", { ingress: [{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["10.0.0.0/16"] }, { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }] })],
    mutations: [
      ["PostgreSQL open to the world", (rs) => (first(rs).ingress[0].cidrBlocks = ["0.0.0.0/0"])],
      ["all traffic from ::/0", (rs) => first(rs).ingress.push({ protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] })],
      ["an SSH ingress rule resource", (rs) => rs.push(res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "ssh", { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" }))],
    ],
  },
  {
    policy: "no-wildcard-admin-iam",
    compliant: () => [res("aws:iam/rolePolicy:RolePolicy", "read", { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::data-1/*" }] }) })],
    mutations: [
      ["Action * on Resource *", (rs) => (first(rs).policy = JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }))],
      ["iam:* on *", (rs) => (first(rs).policy = JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["iam:*"], Resource: ["*"] }] }))],
      ["AdministratorAccess attached", (rs) => rs.push(res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin", { role: "r", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }))],
    ],
  },
  {
    policy: "eks-api-not-public",
    compliant: () => [cluster()],
    mutations: [
      ["public endpoint open to 0.0.0.0/0", (rs) => (first(rs).vpcConfig.publicAccessCidrs = ["0.0.0.0/0"])],
      ["public endpoint with no CIDRs (AWS default: everyone)", (rs) => delete first(rs).vpcConfig.publicAccessCidrs],
    ],
  },
  {
    policy: "eks-standard-support-only",
    compliant: () => [cluster()],
    mutations: [
      ["no upgrade policy (AWS default: extended support)", (rs) => delete first(rs).upgradePolicy],
      ["extended support", (rs) => (first(rs).upgradePolicy = { supportType: "EXTENDED" })],
    ],
  },
  {
    policy: "eks-secrets-encrypted",
    compliant: () => [cluster()],
    mutations: [["no secrets encryption", (rs) => delete first(rs).encryptionConfig]],
  },
  {
    policy: "public-load-balancers-restricted",
    compliant: () => [
      res("kubernetes:core/v1:Service", "api", { spec: { type: "LoadBalancer", loadBalancerSourceRanges: ["203.0.113.0/24"] } }),
      res("kubernetes:core/v1:Service", "internal", { metadata: { annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" } }, spec: { type: "LoadBalancer" } }),
    ],
    mutations: [
      ["no source ranges", (rs) => delete first(rs).spec.loadBalancerSourceRanges],
      ["source range 0.0.0.0/0", (rs) => (first(rs).spec.loadBalancerSourceRanges = ["0.0.0.0/0"])],
    ],
  },
  {
    policy: "log-groups-have-retention",
    compliant: () => [res("aws:cloudwatch/logGroup:LogGroup", "logs", { retentionInDays: 30 })],
    mutations: [["logs kept forever", (rs) => delete first(rs).retentionInDays]],
  },
  // Monitoring (policies/rules/monitoring.ts); more cases in test/monitoring.test.ts.
  {
    policy: "prometheus-retention-bounded",
    compliant: () => [prometheusRelease()],
    mutations: [
      ["no size-based retention", (rs) => delete first(rs).values.prometheus.prometheusSpec.retentionSize],
      ["a retention size larger than the volume", (rs) => (first(rs).values.prometheus.prometheusSpec.retentionSize = "80GB")],
      ["a year of retention", (rs) => (first(rs).values.prometheus.prometheusSpec.retention = "365d")],
      ["a 1 TiB volume", (rs) => (first(rs).values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage = "1Ti")],
    ],
  },
  {
    policy: "prometheus-storage-persistent",
    compliant: () => [prometheusRelease()],
    mutations: [["metrics kept in the pod", (rs) => delete first(rs).values.prometheus.prometheusSpec.storageSpec]],
  },
  {
    policy: "required-cost-tags",
    compliant: () => [database()],
    mutations: [
      ["no costCenter tag", (rs) => delete first(rs).tags.costCenter],
      ["no tags at all", (rs) => (first(rs).tags = {})],
    ],
  },
  {
    policy: "stack-monthly-budget",
    compliant: () => [provider, gpuNodeGroup(), cpuNodeGroup()],
    mutations: [
      ["a GPU group that may reach 2 nodes ($1,000 budget)", (rs) => (rs[1]!.props.scalingConfig = { minSize: 0, desiredSize: 0, maxSize: 2 })],
      ["a warm GPU node", (rs) => (rs[1]!.props.scalingConfig = { minSize: 1, desiredSize: 1, maxSize: 1 })],
    ],
    config: { "stack-monthly-budget": { maxWorstCaseMonthlyUsd: 1000 } },
  },
  {
    policy: "gpu-pool-caps",
    // A pool split over two AZs: 1 + 1 nodes, summed by the pool label (components/compute/gpu-node-pool.ts).
    compliant: () => [provider, ...[0, 1].map((i) => zonalGpuGroup(i))],
    mutations: [
      ["a third AZ group that takes the pool to 3 nodes", (rs) => rs.push(zonalGpuGroup(2))],
      ["per-AZ groups of 2 nodes each (4 in the pool)", (rs) => rs.slice(1).forEach((r) => (r.props.scalingConfig = { minSize: 0, desiredSize: 0, maxSize: 2 }))],
      ["a pool of 4-GPU nodes over its spend cap", (rs) => rs.slice(1).forEach((r) => (r.props.instanceTypes = ["g5.12xlarge"]))],
    ],
    config: { "gpu-pool-caps": { maxGpuNodesPerPool: 2, maxWorstCaseMonthlyUsdPerPool: 2000 } },
  },
  {
    policy: "cost-fully-priced",
    compliant: () => [provider, gpuNodeGroup()],
    mutations: [["an instance type with no price", (rs) => (rs[1]!.props.instanceTypes = ["g9.mega"])]],
  },
  // Serving (policies/rules/serving.ts).
  {
    policy: "hpa-gpu-within-caps",
    compliant: () => [servingDeployment(), servingHpa(2)],
    mutations: [
      ["an autoscaler that may reach 3 GPU pods (cap 2)", (rs) => ((rs[1]!.props.spec as Props).maxReplicas = 3)],
      ["2 GPUs per pod at maxReplicas 2", (rs) => (first(rs).spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"] = "2")],
    ],
    config: { "hpa-gpu-within-caps": { maxGpusPerWorkload: 2 } },
  },
  {
    policy: "gpu-namespaces-have-quota",
    compliant: () => [servingDeployment(), gpuQuota()],
    mutations: [
      ["no GPU quota in the namespace", dropType("kubernetes:core/v1:ResourceQuota")],
      ["a quota on CPU only", (rs) => ((rs[1]!.props.spec as Props).hard = { "requests.cpu": "8" })],
      ["the quota in another namespace", (rs) => ((rs[1]!.props.metadata as Props).namespace = "training")],
    ],
  },
  {
    policy: "model-servers-have-startup-probes",
    compliant: () => [servingDeployment()],
    mutations: [["a liveness probe without a startup probe", (rs) => delete first(rs).spec.template.spec.containers[0].startupProbe]],
  },
  // Operations (ops WP; more cases in test/operations.test.ts).
  {
    policy: "database-in-backup-plan",
    compliant: () => [database(), res("aws:backup/selection:Selection", "db-backup", { resources: ["[unknown]"] }, { propertyDependencies: { resources: [database().urn] } })],
    mutations: [["no backup selection names the production database", (rs) => rs.pop()]],
  },
  {
    policy: "backup-retention-minimum",
    compliant: () => [res("aws:backup/plan:Plan", "plan", { rules: [{ ruleName: "daily", lifecycle: { deleteAfter: 35 } }] })],
    mutations: [["a rule keeping snapshots 3 days (default minimum 7)", (rs) => (first(rs).rules[0].lifecycle.deleteAfter = 3)]],
  },
  {
    policy: "alarms-notify-someone",
    compliant: () => [res("aws:cloudwatch/metricAlarm:MetricAlarm", "db-cpu", { alarmActions: ["arn:aws:sns:us-east-1:123456789012:alerts"] })],
    mutations: [
      ["no alarm actions", (rs) => delete first(rs).alarmActions],
      ["actions disabled", (rs) => (first(rs).actionsEnabled = false)],
    ],
  },
];

describe("policy pack", () => {
  it("has a test case for every policy", () => {
    expect(CASES.map((c) => c.policy).sort()).toEqual(policies.map((p) => p.name).sort());
  });

  describe.each(CASES)("$policy", ({ policy, compliant, mutations, config }) => {
    it("passes a compliant resource", () => {
      expect(violations(policy, compliant(), config)).toEqual([]);
    });
    it.each(mutations)("reports %s, saying why and how to fix it", (_label, mutate) => {
      const resources = clone(compliant());
      mutate(resources);
      const found = violations(policy, resources, config);
      expect(found.length).toBeGreaterThan(0);
      for (const v of found) {
        expect(v.message).toMatch(/Why it matters: .+\nFix: .+/);
        expect(v.enforcementLevel).toBe(policyNamed(policy).enforcementLevel === "advisory" ? "advisory" : "mandatory");
      }
    });
  });
});

describe("policy configuration", () => {
  it("stage configs relax what the strict defaults block", () => {
    const big = gpuNodeGroup();
    (big.props.scalingConfig as Props).maxSize = 4;
    big.props.instanceTypes = ["g5.12xlarge"];
    const strict = evaluatePolicies([provider, big]);
    expect(strict.mandatory.map((v) => v.policy)).toEqual(expect.arrayContaining(["allowed-instance-types", "node-group-size-caps", "node-group-worst-case-spend", "stack-monthly-budget"]));
    const seriesb = evaluatePolicies([provider, big], stagePolicyConfig("seriesb"));
    expect(seriesb.mandatory.map((v) => v.policy)).toEqual(["node-group-worst-case-spend"]);
    expect(seriesb.mandatory[0]!.message).toMatch(/\$16,5\d\d\/month/);
  });

  it("production-only safeguards follow the environment tag", () => {
    const staging = database();
    Object.assign(staging.props, { deletionProtection: false, skipFinalSnapshot: true, tags: { ...tags, environment: "staging" } });
    staging.protect = false;
    const cfg = stagePolicyConfig("seriesb");
    const only = { policies: [policyNamed("stateful-deletion-safeguards")] };
    expect(evaluatePolicies([staging], cfg, only).mandatory).toEqual([]);
    staging.props.tags = { ...tags, environment: "prod" };
    expect(evaluatePolicies([staging], cfg, only).mandatory.map((v) => v.message.split("\n")[0])).toEqual([
      "Database db is not protected (Pulumi resource option `protect`).",
      "Database db has no deletion protection.",
      "Database db would be deleted without a final snapshot.",
    ]);
  });

  it("remediates missing tags from the configured defaults and never touches sizing", () => {
    const db = database();
    db.props.tags = { environment: "prod" };
    const cfg: PolicyConfig = { "required-cost-tags": { enforcementLevel: "remediate", defaults: { owner: "unassigned", costCenter: "unallocated" } } };
    expect(evaluatePolicies([db], cfg, { policies: [policyNamed("required-cost-tags")] }).mandatory).toEqual([]);
    const [remediate] = [policyNamed("required-cost-tags")] as { remediateResource?: (a: unknown) => Props | undefined }[];
    const out = remediate!.remediateResource!({ type: db.type, props: db.props, getConfig: () => ({ requiredTags: ["owner", "costCenter", "environment"], defaults: { owner: "unassigned", costCenter: "unallocated" } }) });
    expect(out).toEqual({ ...db.props, tags: { environment: "prod", owner: "unassigned", costCenter: "unallocated" } });
    // A tag with no default is still reported, as mandatory under remediate.
    db.props.tags = { owner: "x", costCenter: "y" };
    expect(evaluatePolicies([db], cfg, { policies: [policyNamed("required-cost-tags")] }).mandatory[0]!.message).toMatch(/lacks the tag\(s\) environment/);
  });

  it("stack policies price custom resources only: the root stack and components are not 'unpriced'", () => {
    const root = res("pulumi:pulumi:Stack", "ml-platform-prod", {});
    const component = res("mlplatform:compute:GpuCluster", "cluster", {}, { parent: root.urn });
    const group = { ...gpuNodeGroup(), parent: component.urn };
    const found = evaluatePolicies([provider, root, component, group], {}, { policies: [policyNamed("cost-fully-priced"), policyNamed("stack-monthly-budget")] });
    expect([...found.mandatory, ...found.advisory]).toEqual([]);
  });

  it("a disabled policy reports nothing", () => {
    const open = database();
    open.props.publiclyAccessible = true;
    expect(evaluatePolicies([open], { "rds-private-and-encrypted": "disabled" }, { policies: [policyNamed("rds-private-and-encrypted")] }).mandatory).toEqual([]);
  });
});

describe("shipped stacks under their stage's policy config", () => {
  it.each(SHIPPED_STACKS)("%s has no violation, counting the root stack and components the engine also sends", async (stack) => {
    const run = await plan(stack);
    const resources = policyResources(run);
    expect(resources.map((r) => r.type)).toEqual(expect.arrayContaining(["pulumi:pulumi:Stack", "mlplatform:data:ArtifactStore"]));
    const verdicts = evaluatePolicies(resources, stagePolicyConfig(run.spec.stage));
    expect(verdicts.mandatory).toEqual([]);
    expect(verdicts.advisory).toEqual([]);
  });
});
