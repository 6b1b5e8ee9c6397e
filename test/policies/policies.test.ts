/**
 * Every policy: a compliant resource passes, and each single mutation that
 * makes it costly or unsafe is reported, with what / why / fix in the message.
 * Then the properties of the pack as a whole: stage limits from tags, the
 * config file on top, strictest without a stage, AWS's own safeguards,
 * unpriced regions. Pure: no stack is planned here (the shipped stacks go
 * through the real server in policy-pack.integration.test.ts).
 */
import type { Policy } from "@pulumi/policy";
import type { Stage } from "../../lib/stages";
import { HOURS_PER_MONTH, PRICES } from "../../cost/prices";
import { GPU_TAINT, NODE_GROUP_LABEL } from "../../components/compute/labels";
import { EvalResource, PolicyConfig, evaluatePolicies, stagePolicyConfig } from "../../policies/evaluate";
import { policies } from "../../policies/rules";
import { money } from "../../policies/rules/common";
import { DIRECTIONS, KNOWN_STAGES, LimitedPolicy, STAGE_LIMITS } from "../../policies/stages";
import { costlyMistakes, soundSetups, withoutStage } from "../support/costly-mistakes";
import { analysisTemplateManifest } from "../../components/serving/canary";
import { withModelDefaults } from "../../components/serving/model-defaults";

type Props = Record<string, unknown>;
const clone = <T>(v: T): T => structuredClone(v);
const tags = { owner: "ml-team", costCenter: "research", environment: "prod", stage: "mvp" };
const MVP = STAGE_LIMITS.mvp;
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
    labels: { [NODE_GROUP_LABEL]: "inference" },
    tags,
  });
/** One per-AZ node group of GPU pool "inference" (the label is how a pool is summed). */
const zonalGpuGroup = (zone: number) =>
  res("aws:eks/nodeGroup:NodeGroup", `gpu-inference-${zone}`, {
    ...gpuNodeGroup().props,
    labels: { "ml-platform/node-group": "inference" },
  });
const cpuNodeGroup = () =>
  res("aws:eks/nodeGroup:NodeGroup", "system", {
    instanceTypes: ["t3.large"],
    amiType: "AL2023_x86_64_STANDARD",
    scalingConfig: { minSize: 1, desiredSize: 2, maxSize: 3 },
    tags,
  });
const database = () =>
  res(
    "aws:rds/instance:Instance",
    "db",
    {
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
    },
    { protect: true },
  );
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
          containers: [
            {
              name: "model-server",
              resources: { limits: { "nvidia.com/gpu": "1" } },
              livenessProbe: { httpGet: { path: "/health", port: "http" } },
              startupProbe: { httpGet: { path: "/health", port: "http" } },
            },
          ],
          tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
        },
      },
    },
  });
const servingHpa = (maxReplicas: number) =>
  res("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "classifier-blue-hpa", {
    metadata: { name: "classifier-blue", namespace: "serving" },
    spec: { minReplicas: 1, maxReplicas, scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "classifier-blue" } },
  });
const gpuQuota = () =>
  res("kubernetes:core/v1:ResourceQuota", "gpu", { metadata: { name: "gpu", namespace: "serving" }, spec: { hard: { "requests.nvidia.com/gpu": "4" } } });
const cluster = () =>
  res("aws:eks/cluster:Cluster", "eks", {
    vpcConfig: { endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
    upgradePolicy: { supportType: "STANDARD" },
    encryptionConfig: { provider: { keyArn: "arn:aws:kms:us-east-1:123456789012:key/x" }, resources: ["secrets"] },
    tags,
  });

/** A CPU model server as an expert deploys it: unprivileged, a version-tagged image, no host paths. */
const modelServer = (over: Props = {}) =>
  res("kubernetes:apps/v1:Deployment", "fraud-model", {
    metadata: { name: "fraud-model", namespace: "serving", labels: { environment: "prod" } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "fraud-model" } },
      template: {
        metadata: { labels: { app: "fraud-model" } },
        spec: {
          containers: [
            {
              name: "server",
              image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/models:1.4.0",
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
              volumeMounts: [{ name: "cache", mountPath: "/cache" }],
            },
          ],
          volumes: [{ name: "cache", emptyDir: {} }],
          ...over,
        },
      },
    },
  });
const pdb = (spec: Props) =>
  res("kubernetes:policy/v1:PodDisruptionBudget", "fraud-model-pdb", {
    metadata: { name: "fraud-model", namespace: "serving" },
    spec: { selector: { matchLabels: { app: "fraud-model" } }, ...spec },
  });
const container0 = (rs: EvalResource[]) => first(rs).spec.template.spec.containers[0];

/** An alert topic (first) and the alarm that pages it, through the engine's property dependency. */
const alertingStack = (kmsMasterKeyId: string) => {
  const topic = res("aws:sns/topic:Topic", "alerts", { kmsMasterKeyId, tags });
  const alarm = res(
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "db-cpu",
    { alarmActions: ["[unknown]"] },
    { propertyDependencies: { alarmActions: [topic.urn] } },
  );
  return [topic, alarm];
};

interface Case {
  policy: string;
  compliant: () => EvalResource[];
  mutations: [string, (r: EvalResource[]) => void][];
  config?: PolicyConfig;
}

/** A canary model (components/serving/canary.ts) as the program declares it, at Series B. */
const canaryModel = () =>
  withModelDefaults({
    name: "ranker",
    release: "canary",
    image: "<registry>/models:2.0.0",
    modelUri: "s3://<models-bucket>/ranker/2.0.0/",
    gpus: 1,
    gpuPool: "inference",
  });
const seriesbLabel = { "ml-platform/stage": "seriesb" };
const canaryAnalysis = () => {
  const t = analysisTemplateManifest(canaryModel(), "serving", "http://prometheus.monitoring.svc:9090");
  return res("kubernetes:argoproj.io/v1alpha1:AnalysisTemplate", "ranker-analysis", {
    ...t,
    metadata: { ...t.metadata, labels: { ...t.metadata.labels, ...seriesbLabel } },
  });
};
const canaryRollout = () =>
  res("kubernetes:argoproj.io/v1alpha1:Rollout", "ranker-rollout", {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Rollout",
    metadata: { name: "ranker", namespace: "serving", labels: seriesbLabel },
    spec: {
      strategy: {
        canary: {
          stableService: "ranker",
          canaryService: "ranker-canary",
          analysis: { templates: [{ templateName: "ranker-health" }], startingStep: 1 },
          steps: [{ setWeight: 10 }, { pause: { duration: "10m" } }],
        },
      },
    },
  });

const first = (rs: EvalResource[]) => rs[0]!.props as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the tests read and mutate arbitrary nested props

function bucketWithSettings(): EvalResource[] {
  const bucket = res("aws:s3/bucket:Bucket", "data", { bucket: "data-1", tags }, { protect: true });
  const on = (type: string, name: string, props: Props) => res(type, name, { bucket: "data-1", ...props }, { propertyDependencies: { bucket: [bucket.urn] } });
  return [
    bucket,
    on("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "data-pab", {
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }),
    on("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "data-sse", {
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    }),
    on("aws:s3/bucketVersioning:BucketVersioning", "data-ver", { versioningConfiguration: { status: "Enabled" } }),
    on("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "data-lc", {
      rules: [{ id: "x", status: "Enabled", noncurrentVersionExpiration: { noncurrentDays: 30 } }],
    }),
  ];
}

const dropType = (type: string) => (rs: EvalResource[]) =>
  rs.splice(
    rs.findIndex((r) => r.type === type),
    1,
  );

/** A kube-prometheus-stack release as the Monitoring component declares it (Prometheus part), from its vendored archive. */
const prometheusRelease = () =>
  res("kubernetes:helm.sh/v3:Release", "kube-prometheus-stack", {
    chart: "charts/kube-prometheus-stack-88.5.3.tgz",
    values: {
      prometheus: {
        prometheusSpec: {
          retention: "15d",
          retentionSize: "40GB",
          storageSpec: {
            volumeClaimTemplate: { spec: { storageClassName: "gp3", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } } } },
          },
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
      ["a GPU group one node past the MVP cap", (rs) => (first(rs).scalingConfig.maxSize = MVP["node-group-size-caps"].maxGpuNodesPerGroup + 1)],
      [
        "a CPU group one node past the MVP cap",
        (rs) => (rs[1]!.props.scalingConfig = { minSize: 1, desiredSize: 1, maxSize: MVP["node-group-size-caps"].maxNodesPerGroup + 1 }),
      ],
      ["two more per-AZ groups of the same GPU pool: 3 nodes in the pool, each group within the cap", (rs) => rs.push(zonalGpuGroup(1), zonalGpuGroup(2))],
    ],
  },
  {
    policy: "node-group-worst-case-spend",
    compliant: () => [gpuNodeGroup()],
    mutations: [
      ["a g5.12xlarge group ($4,141/month a node)", (rs) => (first(rs).instanceTypes = ["g5.12xlarge"])],
      ["three g5.xlarge at most ($2,227/month, MVP cap $1,600)", (rs) => (first(rs).scalingConfig.maxSize = 3)],
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
    // A CPU bastion, and two GPU dev boxes that something stops: an idle alarm's EC2 stop action, an evening stop schedule.
    compliant: () => {
      const alarmed = res("aws:ec2/instance:Instance", "gpu-dev", { instanceType: "g5.xlarge" });
      const scheduled = res("aws:ec2/instance:Instance", "gpu-dev-2", { instanceType: "g5.xlarge" });
      return [
        res("aws:ec2/instance:Instance", "bastion", { instanceType: "t3.medium" }),
        alarmed,
        res(
          "aws:cloudwatch/metricAlarm:MetricAlarm",
          "gpu-dev-idle",
          {
            metricName: "CPUUtilization",
            namespace: "AWS/EC2",
            threshold: 5,
            comparisonOperator: "LessThanThreshold",
            evaluationPeriods: 12,
            period: 300,
            statistic: "Average",
            alarmActions: ["arn:aws:automate:us-east-1:ec2:stop"],
            dimensions: { InstanceId: "[unknown]" },
          },
          { propertyDependencies: { dimensions: [alarmed.urn] } },
        ),
        scheduled,
        res(
          "aws:scheduler/schedule:Schedule",
          "gpu-dev-2-evening",
          {
            scheduleExpression: "cron(0 20 * * ? *)",
            flexibleTimeWindow: { mode: "OFF" },
            target: { arn: "arn:aws:scheduler:::aws-sdk:ec2:stopInstances", roleArn: "arn:aws:iam::123456789012:role/s", input: "[unknown]" },
          },
          { propertyDependencies: { target: [scheduled.urn] } },
        ),
      ];
    },
    mutations: [
      ["a g5.xlarge EC2 instance", (rs) => (first(rs).instanceType = "g5.xlarge")],
      ["a GPU box whose idle alarm only notifies", (rs) => (first(rs.slice(2)).alarmActions = ["arn:aws:sns:us-east-1:123456789012:alerts"])],
      ["a GPU box whose schedule starts it instead", (rs) => (first(rs.slice(4)).target.arn = "arn:aws:scheduler:::aws-sdk:ec2:startInstances")],
      ["a GPU launch template", (rs) => rs.push(res("aws:ec2/launchTemplate:LaunchTemplate", "lt", { instanceType: "p3.2xlarge" }))],
    ],
  },
  {
    policy: "gpu-workloads-within-caps",
    // An MVP workload (its label): 2 GPUs at most; the Job takes the stage the stack states.
    compliant: () => {
      const d = gpuDeployment();
      d.props.metadata = { name: "model", labels: { "ml-platform/stage": "mvp" } };
      (d.props.spec as Props).replicas = 2;
      return [d];
    },
    mutations: [
      ["3 replicas x 1 GPU", (rs) => (first(rs).spec.replicas = 3)],
      ["2 replicas x 2 GPUs", (rs) => (first(rs).spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"] = 2)],
      [
        "a Job with parallelism 3",
        (rs) => rs.push(res("kubernetes:batch/v1:Job", "train", { spec: { parallelism: 3, template: { spec: clone(first(rs).spec.template.spec) } } })),
      ],
      [
        "a DaemonSet requesting GPUs",
        (rs) => rs.push(res("kubernetes:apps/v1:DaemonSet", "ds", { spec: { template: { spec: first(rs).spec.template.spec } } })),
      ],
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
      [
        "an unprotected database without deletion protection",
        (rs) => Object.assign(rs[0]!, { protect: false, props: { ...rs[0]!.props, deletionProtection: false } }),
      ],
      [
        "an unprotected database without a final snapshot",
        (rs) => Object.assign(rs[0]!, { protect: false, props: { ...rs[0]!.props, skipFinalSnapshot: true } }),
      ],
      ["an unprotected bucket with forceDestroy", (rs) => Object.assign(rs[1]!, { protect: false, props: { ...rs[1]!.props, forceDestroy: true } })],
    ],
  },
  {
    policy: "stateful-resources-protected",
    compliant: () => [database(), bucketWithSettings()[0]!],
    mutations: [
      ["a database guarded by AWS only (no protect)", (rs) => (rs[0]!.protect = false)],
      ["a bucket guarded by AWS only (no protect)", (rs) => (rs[1]!.protect = false)],
      ["a protected database without deletion protection", (rs) => (first(rs).deletionProtection = false)],
    ],
  },
  {
    policy: "rds-sizing",
    compliant: () => [database()],
    mutations: [
      ["a db.r6g.4xlarge", (rs) => (first(rs).instanceClass = "db.r6g.4xlarge")],
      ["storage autoscaling to 2 TB", (rs) => (first(rs).maxAllocatedStorage = 2000)],
      ["20,000 provisioned IOPS", (rs) => Object.assign(first(rs), { storageType: "io1", iops: 20000 })],
      [
        "a POC's Multi-AZ db.t4g.small ($51/month) over its $50 cap",
        (rs) => Object.assign(first(rs), { multiAz: true, maxAllocatedStorage: 20, tags: { ...tags, stage: "poc" } }),
      ],
    ],
  },
  {
    policy: "s3-no-public-access",
    compliant: () => bucketWithSettings(),
    mutations: [
      ["a public-read ACL", (rs) => rs.push(res("aws:s3/bucketAclV2:BucketAclV2", "acl", { bucket: "data-1", acl: "public-read" }))],
      [
        "a policy allowing everyone",
        (rs) =>
          rs.push(
            res("aws:s3/bucketPolicy:BucketPolicy", "pol", {
              bucket: "data-1",
              policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::data-1/*" }] }),
            }),
          ),
      ],
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
      [
        "settings attached to another bucket",
        (rs) => rs.slice(1).forEach((r) => Object.assign(r, { propertyDependencies: {}, props: { ...r.props, bucket: "other" } })),
      ],
    ],
  },
  {
    policy: "ecr-scan-on-push",
    compliant: () => [
      res("aws:ecr/repository:Repository", "models", { name: "models", imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true } }),
    ],
    mutations: [["scan on push off", (rs) => (first(rs).imageScanningConfiguration = { scanOnPush: false })]],
  },
  {
    policy: "ecr-immutable-tags",
    compliant: () => [
      res("aws:ecr/repository:Repository", "models", { name: "models", imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true } }),
    ],
    mutations: [["mutable tags", (rs) => (first(rs).imageTagMutability = "MUTABLE")]],
  },
  {
    policy: "ecr-lifecycle-policy",
    compliant: () => {
      const repo = res("aws:ecr/repository:Repository", "models", { name: "models" });
      return [
        repo,
        res("aws:ecr/lifecyclePolicy:LifecyclePolicy", "models", { repository: "models", policy: "{}" }, { propertyDependencies: { repository: [repo.urn] } }),
      ];
    },
    mutations: [["no lifecycle policy", dropType("aws:ecr/lifecyclePolicy:LifecyclePolicy")]],
  },
  {
    policy: "no-world-open-admin-ports",
    compliant: () => [
      res("aws:ec2/securityGroup:SecurityGroup", "db", {
        ingress: [
          { protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["10.0.0.0/16"] },
          { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
        ],
      }),
    ],
    mutations: [
      ["PostgreSQL open to the world", (rs) => (first(rs).ingress[0].cidrBlocks = ["0.0.0.0/0"])],
      ["all traffic from ::/0", (rs) => first(rs).ingress.push({ protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] })],
      [
        "an SSH ingress rule resource",
        (rs) =>
          rs.push(
            res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "ssh", { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" }),
          ),
      ],
    ],
  },
  {
    policy: "no-wildcard-admin-iam",
    compliant: () => [
      res("aws:iam/rolePolicy:RolePolicy", "read", {
        policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::data-1/*" }] }),
      }),
    ],
    mutations: [
      ["Action * on Resource *", (rs) => (first(rs).policy = JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }))],
      ["iam:* on *", (rs) => (first(rs).policy = JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["iam:*"], Resource: ["*"] }] }))],
      [
        "AdministratorAccess attached",
        (rs) =>
          rs.push(res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin", { role: "r", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" })),
      ],
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
      res("kubernetes:core/v1:Service", "internal", {
        metadata: { annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" } },
        spec: { type: "LoadBalancer" },
      }),
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
  // Monitoring (policies/rules/monitoring.ts); more cases in test/monitoring/monitoring.test.ts.
  {
    policy: "prometheus-retention-bounded",
    compliant: () => [prometheusRelease()],
    mutations: [
      ["no size-based retention", (rs) => delete first(rs).values.prometheus.prometheusSpec.retentionSize],
      ["a retention size larger than the volume", (rs) => (first(rs).values.prometheus.prometheusSpec.retentionSize = "80GB")],
      ["a year of retention", (rs) => (first(rs).values.prometheus.prometheusSpec.retention = "365d")],
      [
        "a year of retention, installed by chart name from a repository",
        (rs) => {
          first(rs).chart = "kube-prometheus-stack";
          first(rs).values.prometheus.prometheusSpec.retention = "365d";
        },
      ],
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
  {
    policy: "canary-has-analysis",
    compliant: () => [canaryRollout()],
    mutations: [
      ["a Series B canary without analysis", (rs) => delete first(rs).spec.strategy.canary.analysis],
      ["its analysis templates emptied", (rs) => (first(rs).spec.strategy.canary.analysis.templates = [])],
    ],
  },
  {
    policy: "canary-analysis-can-fail",
    compliant: () => [canaryAnalysis()],
    mutations: [
      [
        "an error-ratio threshold of 1 or more",
        (rs) =>
          Object.assign(first(rs).spec.metrics[0], {
            successCondition: "len(result) > 0 && result[0] <= 1",
            failureCondition: "len(result) > 0 && result[0] > 1",
          }),
      ],
      ["a failure condition no ratio reaches", (rs) => (first(rs).spec.metrics[0].failureCondition = "len(result) > 0 && result[0] > 1.5")],
      [
        "a success condition that is always true, without a failure condition",
        (rs) => {
          first(rs).spec.metrics[1].successCondition = "true";
          delete first(rs).spec.metrics[1].failureCondition;
        },
      ],
      ["failureLimit at least count", (rs) => Object.assign(first(rs).spec.metrics[1], { count: 3, failureLimit: 3 })],
      ["no query", (rs) => (first(rs).spec.metrics[0].provider.prometheus.query = "")],
      ["no provider", (rs) => (first(rs).spec.metrics[0].provider = {})],
      [
        "no condition at all",
        (rs) => {
          delete first(rs).spec.metrics[1].successCondition;
          delete first(rs).spec.metrics[1].failureCondition;
        },
      ],
      ["no metric", (rs) => (first(rs).spec.metrics = [])],
    ],
  },
  {
    policy: "stage-stated",
    compliant: () => [cpuNodeGroup(), gpuDeployment()],
    mutations: [
      ["no resource states a stage", (rs) => delete first(rs).tags.stage],
      ["a stage the pack does not know", (rs) => (first(rs).tags = { ...first(rs).tags, stage: "prod" })],
      ["an AWS resource without the tag in an MVP stack", (rs) => rs.push(res("aws:s3/bucket:Bucket", "untagged", { tags: { owner: "ml-team" } }))],
      ["Kubernetes objects only, without the label", (rs) => rs.shift()],
    ],
  },
  // What runs in the cluster.
  {
    policy: "gpu-workloads-fit-pool",
    // Pool "inference": 2 x g5.xlarge (1 GPU each) in two per-AZ groups; a 2-replica model selects it by label and tolerates its taint.
    compliant: () => {
      const group = (zone: string) => ({ ...zonalGpuGroup(0), urn: `urn:gpu-${zone}`, name: `gpu-inference-${zone}` });
      const model = gpuDeployment();
      model.props.metadata = { name: "model", namespace: "serving" };
      first([model]).spec.replicas = 2;
      first([model]).spec.template.spec.nodeSelector = { [NODE_GROUP_LABEL]: "inference" };
      return [model, group("a"), group("b")];
    },
    mutations: [
      ["3 replicas on a pool that starts 2 GPUs", (rs) => (first(rs).spec.replicas = 3)],
      ["2 GPUs per pod on 1-GPU nodes", (rs) => (first(rs).spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"] = 2)],
      ["a nodeSelector no pool has", (rs) => (first(rs).spec.template.spec.nodeSelector = { [NODE_GROUP_LABEL]: "training" })],
      ["no toleration of the pool's taint", (rs) => (first(rs).spec.template.spec.tolerations = [])],
      [
        "an autoscaler that may reach 4 replicas",
        (rs) =>
          rs.push(
            res("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "model-hpa", {
              metadata: { name: "model", namespace: "serving" },
              spec: { minReplicas: 1, maxReplicas: 4, scaleTargetRef: { kind: "Deployment", name: "model" } },
            }),
          ),
      ],
    ],
  },
  {
    policy: "containers-not-privileged",
    // A node agent in kube-system (the CNI, a device plugin) may run privileged.
    compliant: () => {
      const agent = modelServer({ containers: [{ name: "agent", image: "agent:1.0.0", securityContext: { privileged: true } }] });
      agent.props.metadata = { name: "node-agent", namespace: "kube-system" };
      return [modelServer(), { ...agent, urn: `${agent.urn}-agent` }];
    },
    mutations: [
      ["a privileged model server", (rs) => (container0(rs).securityContext = { privileged: true })],
      [
        "a privileged init container",
        (rs) => (first(rs).spec.template.spec.initContainers = [{ name: "setup", image: "busybox:1.36", securityContext: { privileged: true } }]),
      ],
    ],
  },
  {
    policy: "no-host-runtime-mounts",
    // A read-only host directory other than the runtime's (a log reader) is not this policy's concern.
    compliant: () => [
      modelServer({
        volumes: [
          { name: "cache", emptyDir: {} },
          { name: "logs", hostPath: { path: "/var/log" } },
        ],
      }),
    ],
    mutations: [
      ["the containerd socket", (rs) => first(rs).spec.template.spec.volumes.push({ name: "cri", hostPath: { path: "/run/containerd/containerd.sock" } })],
      ["the docker socket", (rs) => first(rs).spec.template.spec.volumes.push({ name: "docker", hostPath: { path: "/var/run/docker.sock", type: "Socket" } })],
      ["the node's root", (rs) => first(rs).spec.template.spec.volumes.push({ name: "host", hostPath: { path: "/" } })],
      ["the runtime's directory", (rs) => first(rs).spec.template.spec.volumes.push({ name: "run", hostPath: { path: "/var/run/" } })],
    ],
  },
  {
    policy: "gpu-limits-match-requests",
    compliant: () => {
      const [limitsOnly, both] = [gpuDeployment(), gpuDeployment()];
      both.props.spec = clone(both.props.spec);
      first([both]).spec.template.spec.containers[0].resources = { requests: { "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": 1 } };
      return [limitsOnly, { ...both, urn: `${both.urn}-both` }];
    },
    mutations: [
      ["GPUs in requests only", (rs) => (first(rs).spec.template.spec.containers[0].resources = { requests: { "nvidia.com/gpu": 1 } })],
      [
        "a limit lower than the request",
        (rs) => (first(rs).spec.template.spec.containers[0].resources = { requests: { "nvidia.com/gpu": 2 }, limits: { "nvidia.com/gpu": 1 } }),
      ],
    ],
  },
  {
    policy: "images-pinned-in-production",
    compliant: () => [
      modelServer(),
      modelServer({ containers: [{ name: "server", image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/models@sha256:" + "a".repeat(64) }] }),
      // Outside production a moving tag is the developer's business.
      {
        ...modelServer({ containers: [{ name: "server", image: "models:latest" }] }),
        props: {
          ...modelServer().props,
          metadata: { name: "dev", labels: { environment: "dev" } },
          spec: { template: { spec: { containers: [{ name: "server", image: "models:latest" }] } } },
        },
      },
    ],
    mutations: [
      ["a :latest image", (rs) => (container0(rs).image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/models:latest")],
      ["an image with no tag", (rs) => (container0(rs).image = "localhost:5000/models")],
      [
        "no environment stated anywhere (treated as production)",
        (rs) => {
          delete first(rs).metadata.labels;
          container0(rs).image = "models";
        },
      ],
    ],
  },
  {
    policy: "pdbs-allow-eviction",
    compliant: () => [modelServer(), pdb({ maxUnavailable: 1 }), { ...pdb({ minAvailable: 1 }), urn: "urn:pdb-min" }],
    mutations: [
      ["maxUnavailable 0", (rs) => ((rs[1]!.props.spec as Props).maxUnavailable = 0)],
      ["maxUnavailable 0%", (rs) => ((rs[1]!.props.spec as Props).maxUnavailable = "0%")],
      ["minAvailable 100%", (rs) => ((rs[2]!.props.spec as Props).minAvailable = "100%")],
      ["minAvailable equal to the replicas", (rs) => ((rs[2]!.props.spec as Props).minAvailable = 2)],
      ["minAvailable 1 on a single replica", (rs) => (first(rs).spec.replicas = 1)],
    ],
  },
  // Exposure, alerting and keys, identity, versions and settings.
  {
    policy: "public-ingresses-guarded",
    compliant: () => {
      const ingress = (annotations: Record<string, string>, name: string) =>
        res("kubernetes:networking.k8s.io/v1:Ingress", name, {
          metadata: { name, namespace: "mlflow", annotations: { "alb.ingress.kubernetes.io/scheme": "internet-facing", ...annotations } },
          spec: {
            ingressClassName: "alb",
            rules: [{ http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "mlflow", port: { number: 80 } } } }] } }],
          },
        });
      return [
        ingress({ "alb.ingress.kubernetes.io/auth-type": "oidc" }, "mlflow-oidc"),
        ingress({ "alb.ingress.kubernetes.io/inbound-cidrs": "203.0.113.0/24" }, "mlflow-office"),
        // Internal: the controller's default scheme.
        res("kubernetes:networking.k8s.io/v1:Ingress", "internal", { metadata: { name: "internal", annotations: {} }, spec: {} }),
      ];
    },
    mutations: [
      ["MLflow internet-facing with neither", (rs) => delete first(rs).metadata.annotations["alb.ingress.kubernetes.io/auth-type"]],
      [
        "source ranges that include the whole internet",
        (rs) => (first(rs.slice(1)).metadata.annotations["alb.ingress.kubernetes.io/inbound-cidrs"] = "203.0.113.0/24, 0.0.0.0/0"),
      ],
    ],
  },
  {
    policy: "alert-topics-deliverable",
    compliant: () => alertingStack("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
    mutations: [
      ["the AWS managed key by alias", (rs) => (first(rs).kmsMasterKeyId = "alias/aws/sns")],
      ["the AWS managed key by alias ARN", (rs) => (first(rs).kmsMasterKeyId = "arn:aws:kms:us-east-1:123456789012:alias/aws/sns")],
    ],
  },
  {
    policy: "alert-topics-encrypted",
    compliant: () => alertingStack("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
    mutations: [["no encryption", (rs) => delete first(rs).kmsMasterKeyId]],
  },
  {
    policy: "backup-vaults-kept",
    compliant: () => [
      res("aws:backup/vault:Vault", "vault", { forceDestroy: false, tags }),
      res("aws:backup/vault:Vault", "scratch", { forceDestroy: true, tags: { ...tags, environment: "staging" } }),
    ],
    mutations: [["a production vault with forceDestroy", (rs) => (first(rs).forceDestroy = true)]],
  },
  {
    policy: "kms-deletion-window",
    compliant: () => [res("aws:kms/key:Key", "data", { deletionWindowInDays: 30, enableKeyRotation: true, tags })],
    mutations: [["the minimum 7 days", (rs) => (first(rs).deletionWindowInDays = 7)]],
  },
  {
    policy: "no-service-wide-iam-wildcards",
    compliant: () => [
      res("aws:iam/rolePolicy:RolePolicy", "model-reads", {
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: ["arn:aws:s3:::models", "arn:aws:s3:::models/*"] },
            { Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::scratch/*" },
            { Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
          ],
        }),
      }),
    ],
    mutations: [
      ["s3:* on *", (rs) => (first(rs).policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }))],
      [
        "ec2:* in a role's inline policy",
        (rs) =>
          rs.push(
            res("aws:iam/role:Role", "pod", {
              inlinePolicies: [{ name: "x", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["ec2:*"], Resource: ["*"] }] }) }],
            }),
          ),
      ],
    ],
  },
  {
    policy: "eks-version-in-standard-support",
    compliant: () => [res("aws:eks/cluster:Cluster", "eks", { ...cluster().props, version: "1.35" })],
    mutations: [
      ["1.34, past 2026-12-02", (rs) => (first(rs).version = "1.34")],
      ["1.27, older than the table", (rs) => (first(rs).version = "1.27")],
    ],
    config: { "eks-version-in-standard-support": { asOf: "2026-12-07" } },
  },
  {
    policy: "ecr-exclusions-keep-tags-immutable",
    compliant: () => [
      res("aws:ecr/repository:Repository", "models", {
        imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters: [{ filter: "latest", filterType: "WILDCARD" }],
        imageScanningConfiguration: { scanOnPush: true },
        tags,
      }),
    ],
    mutations: [["an exclusion filter of *", (rs) => (first(rs).imageTagMutabilityExclusionFilters = [{ filter: "*", filterType: "WILDCARD" }])]],
  },
  {
    policy: "volumes-use-gp3",
    compliant: () => [
      res("aws:ebs/volume:Volume", "data", { type: "gp3", size: 100, availabilityZone: "us-east-1a", tags }),
      res("kubernetes:storage.k8s.io/v1:StorageClass", "gp3", { provisioner: "ebs.csi.aws.com", parameters: { type: "gp3" } }),
    ],
    mutations: [
      ["a gp2 volume", (rs) => (first(rs).type = "gp2")],
      ["a gp2 StorageClass", (rs) => ((rs[1]!.props.parameters as Props).type = "gp2")],
      ["a gp2 database", (rs) => rs.push({ ...database(), props: { ...database().props, storageType: "gp2" } })],
      [
        "a gp2 root volume",
        (rs) =>
          rs.push(
            res("aws:ec2/launchTemplate:LaunchTemplate", "lt", {
              blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeType: "gp2", volumeSize: 50 } }],
            }),
          ),
      ],
    ],
  },
  {
    policy: "nat-gateways-fit-stage",
    compliant: () => [
      res("aws:ec2/natGateway:NatGateway", "nat-a", { subnetId: "subnet-a", tags }),
      res("aws:ec2/natGateway:NatGateway", "nat-private", { connectivityType: "private", subnetId: "subnet-b", tags }),
    ],
    mutations: [["a second public NAT gateway at MVP", (rs) => rs.push(res("aws:ec2/natGateway:NatGateway", "nat-b", { subnetId: "subnet-b", tags }))]],
  },
  {
    policy: "object-lock-governance-on-data",
    compliant: () => {
      const bucket = res("aws:s3/bucket:Bucket", "datasets", { tags: { ...tags, purpose: "datasets" }, objectLockEnabled: true });
      const audit = res("aws:s3/bucket:Bucket", "audit-logs", { tags: { ...tags, purpose: "audit" }, objectLockEnabled: true });
      const lock = (b: EvalResource, mode: string, years: number) =>
        res(
          "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
          `${b.name}-lock`,
          { bucket: "x", rule: { defaultRetention: { mode, years } } },
          { propertyDependencies: { bucket: [b.urn] } },
        );
      return [bucket, audit, lock(bucket, "GOVERNANCE", 1), lock(audit, "COMPLIANCE", 7)];
    },
    mutations: [["COMPLIANCE for 3 years on the data sets", (rs) => (first(rs.slice(2)).rule.defaultRetention = { mode: "COMPLIANCE", years: 3 })]],
  },
  {
    policy: "gpu-notebooks-stop",
    compliant: () => [
      res("aws:sagemaker/notebookInstance:NotebookInstance", "gpu-nb", {
        instanceType: "ml.g5.xlarge",
        lifecycleConfigName: "auto-stop-idle",
        roleArn: "arn:aws:iam::123456789012:role/nb",
      }),
      res("aws:sagemaker/notebookInstance:NotebookInstance", "cpu-nb", { instanceType: "ml.t3.medium", roleArn: "arn:aws:iam::123456789012:role/nb" }),
    ],
    mutations: [["a GPU notebook with no auto-stop", (rs) => delete first(rs).lifecycleConfigName]],
  },
  // Operations (more cases in test/operations/operations.test.ts).
  {
    policy: "database-in-backup-plan",
    // A Series B production database (before Series B no environment counts, policies/stages.ts).
    compliant: () => {
      const db = database();
      db.props.tags = { ...tags, stage: "seriesb" };
      return [db, res("aws:backup/selection:Selection", "db-backup", { resources: ["[unknown]"] }, { propertyDependencies: { resources: [db.urn] } })];
    },
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

const mandatoryPolicies = (resources: EvalResource[], config: PolicyConfig = {}) => new Set(evaluatePolicies(resources, config).mandatory.map((v) => v.policy));

describe("stage limits without a config file", () => {
  it.each(KNOWN_STAGES)("%s: every costly mistake one step past the stage's limits is blocked by its policy", (stage) => {
    for (const m of costlyMistakes(stage))
      expect({ mistake: m.label, blockedBy: [...mandatoryPolicies(m.resources)] }).toEqual({ mistake: m.label, blockedBy: expect.arrayContaining([m.policy]) });
  });

  it.each(KNOWN_STAGES)("%s: setups right at the stage's limits pass every policy", (stage) => {
    for (const setup of soundSetups(stage)) {
      const v = evaluatePolicies(setup.resources);
      expect({ setup: setup.label, mandatory: v.mandatory.map((x) => x.policy), advisory: v.advisory.map((x) => x.policy) }).toEqual({
        setup: setup.label,
        mandatory: [],
        advisory: [],
      });
    }
  });

  it("the sound MVP setups the strict defaults used to block pass: a 2-replica GPU Deployment, a GPU group of 0..2, a 4-node CPU group", () => {
    const labels = soundSetups("mvp").map((s) => s.label);
    expect(labels).toEqual(expect.arrayContaining(["a 2-replica GPU Deployment", "a GPU group of 0..2 nodes", "a CPU group of 4 nodes"]));
  });

  it("without a stage, the pack applies the loosest limits of every stage and says so once: what every stage blocks is blocked, no sound setup of any stage is", () => {
    const stageFindings = (rs: EvalResource[], config: PolicyConfig = {}) => evaluatePolicies(rs, config).advisory.filter((v) => v.policy === "stage-stated");
    for (const m of costlyMistakes(undefined)) {
      const untagged = withoutStage(m.resources);
      expect({ mistake: m.label, blockedBy: [...mandatoryPolicies(untagged)] }).toEqual({ mistake: m.label, blockedBy: expect.arrayContaining([m.policy]) });
      const unknownStage = untagged.map((r) => (r.props.tags ? { ...r, props: { ...r.props, tags: { ...(r.props.tags as Props), stage: "prod" } } } : r));
      expect([...mandatoryPolicies(unknownStage)]).toEqual(expect.arrayContaining([m.policy]));
    }
    for (const stage of KNOWN_STAGES) {
      for (const setup of soundSetups(stage)) {
        const untagged = withoutStage(setup.resources);
        expect({ setup: `${stage}: ${setup.label}`, mandatory: [...mandatoryPolicies(untagged)] }).toEqual({
          setup: `${stage}: ${setup.label}`,
          mandatory: [],
        });
        // One finding, however many resources, that says which limits applied and how to state the stage.
        const found = stageFindings(untagged);
        expect(found).toHaveLength(1);
        expect(found[0]!.message).toContain("apply the loosest limits of every stage");
        expect(found[0]!.message).toContain("aws:defaultTags.tags.stage");
        expect(found[0]!.message).toContain("policies/config/<stage>.json");
        // Tagged, or with the stage named in the config, nothing is said.
        expect(stageFindings(setup.resources)).toEqual([]);
        expect(stageFindings(untagged, stagePolicyConfig(stage))).toEqual([]);
      }
    }
  });

  it("the stage named in the policy config applies to resources that state none, never over a resource's own tag", () => {
    const pocFile = stagePolicyConfig("poc");
    for (const m of costlyMistakes("poc")) {
      const untagged = withoutStage(m.resources);
      expect({ mistake: m.label, blockedBy: [...mandatoryPolicies(untagged, pocFile)] }).toEqual({
        mistake: m.label,
        blockedBy: expect.arrayContaining([m.policy]),
      });
    }
    // A 4-node group tagged MVP passes with the POC file (its tag wins); untagged, the file's POC cap of 2 blocks it.
    const group = cpuNodeGroup();
    (group.props.scalingConfig as Props).maxSize = 4;
    expect(mandatoryPolicies([provider, group], pocFile).has("node-group-size-caps")).toBe(false);
    expect(mandatoryPolicies(withoutStage([provider, group]), pocFile).has("node-group-size-caps")).toBe(true);
    const message = evaluatePolicies(withoutStage([provider, group]), pocFile).mandatory.find((v) => v.policy === "node-group-size-caps")!.message;
    expect(message).toContain("poc stage limits, the stage the policy config names");
  });

  it("an AWS provider's default tags state the stage of every resource it creates, for the limits and for the cost tags", () => {
    const group = withoutStage([cpuNodeGroup()])[0]!;
    (group.props.scalingConfig as Props).maxSize = 4;
    delete (group.props.tags as Props).owner;
    for (const defaultTags of [{ tags: { stage: "poc", owner: "ml-team" } }, JSON.stringify({ tags: { stage: "poc", owner: "ml-team" } })]) {
      const p = { ...provider, props: { ...provider.props, defaultTags } };
      const r = { ...group, provider: p };
      const v = evaluatePolicies([{ ...p, urn: p.urn, props: p.props }, r]);
      expect(v.mandatory.map((x) => x.policy)).toContain("node-group-size-caps");
      expect(v.mandatory.find((x) => x.policy === "node-group-size-caps")!.message).toContain("poc stage limits");
      expect(v.advisory.map((x) => x.policy)).not.toContain("required-cost-tags");
      expect(v.advisory.map((x) => x.policy)).not.toContain("stage-stated");
    }
    expect(evaluatePolicies([group]).advisory.map((x) => x.policy)).toEqual(expect.arrayContaining(["required-cost-tags", "stage-stated"]));
  });

  it.each(KNOWN_STAGES)("%s: a small private SSM bastion on a t3.micro passes every policy", (stage) => {
    const bastion = res("aws:ec2/instance:Instance", "bastion", {
      instanceType: "t3.micro",
      associatePublicIpAddress: false,
      iamInstanceProfile: "ssm-bastion",
      metadataOptions: { httpTokens: "required" },
      rootBlockDevice: { volumeType: "gp3", volumeSize: 8, encrypted: true },
      tags: { ...tags, stage },
    });
    const v = evaluatePolicies([provider, bastion]);
    expect({ mandatory: v.mandatory.map((x) => x.policy), advisory: v.advisory.map((x) => x.policy) }).toEqual({ mandatory: [], advisory: [] });
    // Its price is the point: a few dollars a month.
    expect(PRICES["us-east-1"]!.ec2["t3.micro"]! * HOURS_PER_MONTH).toBeLessThan(10);
  });

  it("spend and size limits only grow from stage to stage, safety floors only tighten", () => {
    for (const [earlier, later] of [
      ["poc", "mvp"],
      ["mvp", "seriesb"],
    ] as [Stage, Stage][]) {
      for (const policy of Object.keys(DIRECTIONS) as LimitedPolicy[]) {
        for (const [key, direction] of Object.entries(DIRECTIONS[policy])) {
          const a = (STAGE_LIMITS[earlier][policy] as Record<string, unknown>)[key];
          const b = (STAGE_LIMITS[later][policy] as Record<string, unknown>)[key];
          const what = `${policy}.${key} ${earlier} -> ${later}`;
          if (direction === "atMost") expect({ what, grows: (b as number) >= (a as number) }).toEqual({ what, grows: true });
          if (direction === "atLeast") expect({ what, tightens: (b as number) >= (a as number) }).toEqual({ what, tightens: true });
          if (direction === "allowlist") expect({ what, b }).toEqual({ what, b: expect.arrayContaining(a as string[]) });
        }
      }
    }
  });

  it("a GPU workload takes its stage from its ml-platform/stage label, else from the stack's other resources, else the loosest stage's cap", () => {
    const twoReplicas = (labels: Record<string, string>) => {
      const d = gpuDeployment();
      Object.assign(d.props, { metadata: { name: "model", labels } });
      (d.props.spec as Props).replicas = 2;
      return d;
    };
    const capped = (rs: EvalResource[]) => violations("gpu-workloads-within-caps", rs).length > 0;
    expect(capped([twoReplicas({ "ml-platform/stage": "mvp" })])).toBe(false);
    expect(capped([twoReplicas({}), cpuNodeGroup()])).toBe(false); // the node group is tagged mvp
    expect(capped([twoReplicas({})])).toBe(false); // nothing states a stage: Series B's cap of 8 (stage-stated says so)
    expect(capped([twoReplicas({}), withoutStage([cpuNodeGroup()])[0]!])).toBe(false);
    expect(capped([twoReplicas({})].map((d) => ({ ...d, props: { ...d.props, spec: { ...(d.props.spec as Props), replicas: 9 } } })))).toBe(true);
    expect(capped([twoReplicas({ "ml-platform/stage": "poc" }), cpuNodeGroup()])).toBe(true); // its own label wins
  });

  it("the budget's fix names the costliest item the stack really has, with its figure", () => {
    const db = database();
    Object.assign(db.props, { instanceClass: "db.m7g.large", multiAz: true, tags: { ...tags, stage: "poc" } });
    const found = violations("stack-monthly-budget", [provider, db]);
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toMatch(/Fix: start with the costliest item, db, \$[\d,]+\/month at most: a smaller instance class/);
    const group = cpuNodeGroup();
    Object.assign(group.props, { scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 3 }, tags: { ...tags, stage: "poc" } });
    expect(violations("stack-monthly-budget", [provider, group])[0]!.message).toMatch(
      /Fix: start with the costliest item, system, \$[\d,]+\/month at most: lower its maxSize/,
    );
  });

  it("a public LoadBalancer Service's finding prices the load balancer itself", () => {
    const svc = res("kubernetes:core/v1:Service", "open", { spec: { type: "LoadBalancer", ports: [{ port: 80 }] } }, { provider: undefined });
    const cheapest = Math.min(...Object.values(PRICES).map((p) => p.loadBalancer.nlbPerHour ?? Infinity)) * HOURS_PER_MONTH;
    expect(violations("public-load-balancers-restricted", [svc])[0]!.message).toContain(`an NLB is at least ${money(cheapest)}/month before traffic`);
  });

  it("stack policies apply the strictest stage the stack's resources state", () => {
    const group = cpuNodeGroup();
    Object.assign(group.props, { scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 10 }, tags: { ...tags, stage: "seriesb" } });
    const budget = (rs: EvalResource[]) => violations("stack-monthly-budget", [provider, ...rs]).length > 0;
    expect(budget([group])).toBe(false); // ~$620/month: within Series B's budget
    const pocDb = database();
    pocDb.props.tags = { ...tags, stage: "poc" };
    expect(budget([group, pocDb])).toBe(true); // one resource states POC: its $100 budget applies
    expect(budget(withoutStage([group, pocDb]))).toBe(false); // nothing states a stage: Series B's budget, the loosest (stage-stated says so)
  });
});

describe("the config file overrides the built-in limits, key by key", () => {
  const gpuGroupOf = (maxSize: number, stage: Stage) => {
    const g = gpuNodeGroup();
    Object.assign(g.props, { scalingConfig: { minSize: 0, desiredSize: 0, maxSize }, tags: { ...tags, stage } });
    return g;
  };

  it("a key the file names replaces the stage's value for every stage; the keys it does not name keep theirs", () => {
    const file: PolicyConfig = { "node-group-size-caps": { maxGpuNodesPerGroup: 1 } };
    for (const stage of ["mvp", "seriesb"] as Stage[]) {
      expect(violations("node-group-size-caps", [gpuGroupOf(2, stage)])).toEqual([]);
      const found = violations("node-group-size-caps", [gpuGroupOf(2, stage)], file);
      expect(found.length).toBeGreaterThan(0);
      for (const v of found) expect(v.message).toContain("maxGpuNodesPerGroup from the policy config");
      // maxNodesPerGroup is not in the file: the stage's own CPU cap still applies.
      const cpu = cpuNodeGroup();
      Object.assign(cpu.props, {
        scalingConfig: { minSize: 1, desiredSize: 1, maxSize: STAGE_LIMITS[stage]["node-group-size-caps"].maxNodesPerGroup },
        tags: { ...tags, stage },
      });
      expect(violations("node-group-size-caps", [cpu], file)).toEqual([]);
    }
  });

  it("a file can relax a limit too, and a policy named without an enforcementLevel keeps its own", () => {
    const p4d = gpuNodeGroup();
    p4d.props.instanceTypes = ["p4d.24xlarge"];
    expect(violations("allowed-instance-types", [p4d]).length).toBeGreaterThan(0);
    expect(violations("allowed-instance-types", [p4d], { "allowed-instance-types": { allowedInstanceTypes: ["p4d.24xlarge"] } })).toEqual([]);
    const level = evaluatePolicies([p4d], { "allowed-instance-types": { allowedInstanceTypes: ["g5.xlarge"] } }).mandatory.map((v) => v.policy);
    expect(level).toContain("allowed-instance-types");
  });

  it("the shipped stage files name their stage for every stage-limited policy and override no built-in limit, so tagged resources get the same verdicts with or without them", () => {
    for (const stage of KNOWN_STAGES) {
      const file = stagePolicyConfig(stage);
      const named = [...Object.keys(DIRECTIONS), "stage-stated"].map((p) => [p, (file[p] as { stage?: string } | undefined)?.stage]);
      expect(named).toEqual([...Object.keys(DIRECTIONS), "stage-stated"].map((p) => [p, stage]));
      // An entry may set a level ("disabled"); it sets none of the built-in limits' keys.
      const limited = Object.entries(file)
        .filter(([p, e]) => p in DIRECTIONS && typeof e === "object" && Object.keys(e).some((k) => k in DIRECTIONS[p as LimitedPolicy]))
        .map(([p]) => p);
      expect({ stage, limitsOverridden: limited }).toEqual({ stage, limitsOverridden: [] });
      for (const m of costlyMistakes(stage)) expect(mandatoryPolicies(m.resources, file)).toEqual(mandatoryPolicies(m.resources));
    }
  });
});

describe("AWS's own safeguards count: deletion guards of production data", () => {
  const awsGuarded = { db: { deletionProtection: true, skipFinalSnapshot: false, finalSnapshotIdentifier: "db-final" }, bucket: { forceDestroy: false } };
  const awsUnguarded = { db: { deletionProtection: false, skipFinalSnapshot: true, finalSnapshotIdentifier: undefined }, bucket: { forceDestroy: true } };
  const cases = (["db", "bucket"] as const).flatMap((kind) => [true, false].flatMap((aws) => [true, false].map((protect) => ({ kind, aws, protect }))));

  it.each(cases)("$kind with AWS guard $aws and protect $protect", ({ kind, aws, protect }) => {
    const base = kind === "db" ? database() : bucketWithSettings()[0]!;
    const r = { ...base, protect, props: { ...base.props, ...(aws ? awsGuarded : awsUnguarded)[kind] } };
    const v = evaluatePolicies([r], {}, { policies: [policyNamed("stateful-deletion-safeguards"), policyNamed("stateful-resources-protected")] });
    // Neither guard: mandatory. One of them: advisory only. Both: nothing.
    expect(v.mandatory.length > 0).toBe(!aws && !protect);
    expect(v.advisory.length > 0).toBe(aws !== protect);
    // Outside production (or at a POC) nothing is said at all.
    const staging = { ...r, props: { ...r.props, tags: { ...tags, environment: "staging" } } };
    const poc = { ...r, props: { ...r.props, tags: { ...tags, stage: "poc" } } };
    for (const x of [staging, poc])
      expect(evaluatePolicies([x], {}, { policies: [policyNamed("stateful-deletion-safeguards"), policyNamed("stateful-resources-protected")] })).toMatchObject(
        { mandatory: [], advisory: [] },
      );
  });
});

describe("regions without a price table", () => {
  const moveTo = (resources: EvalResource[], region: string) =>
    resources.map((r) =>
      r.type === "pulumi:providers:aws"
        ? { ...r, props: { ...r.props, region } }
        : r.provider
          ? { ...r, provider: { ...r.provider, props: { ...r.provider.props, region } } }
          : r,
    );
  const UNPRICED = ["sa-east-1", "af-south-1"].filter((r) => !(r in PRICES));

  it("there is a real region left unpriced to test with", () => expect(UNPRICED.length).toBeGreaterThan(0));

  it.each(KNOWN_STAGES)("%s: sound setups in an unpriced region plan with one advisory 'unpriced' finding and no mandatory one", (stage) => {
    for (const setup of soundSetups(stage)) {
      const v = evaluatePolicies(moveTo(setup.resources, UNPRICED[0]!));
      expect({ setup: setup.label, mandatory: v.mandatory, advisory: v.advisory.map((x) => x.policy) }).toEqual({
        setup: setup.label,
        mandatory: [],
        advisory: ["cost-fully-priced"],
      });
      expect(v.advisory[0]!.message).toContain(`No price table for region ${UNPRICED[0]}`);
    }
  });

  it("the size caps and allowlists still hold there", () => {
    for (const stage of KNOWN_STAGES) {
      for (const m of costlyMistakes(stage).filter((x) => !["node-group-worst-case-spend", "stack-monthly-budget"].includes(x.policy))) {
        expect({ mistake: m.label, blockedBy: [...mandatoryPolicies(moveTo(m.resources, UNPRICED[0]!))] }).toEqual({
          mistake: m.label,
          blockedBy: expect.arrayContaining([m.policy]),
        });
      }
    }
  });
});

describe("policy facts come from where they are defined", () => {
  it("the taint the policy demands is components/compute/labels.ts's GPU_TAINT, and its message prices the group's own type in its own region", () => {
    for (const region of Object.keys(PRICES)) {
      const untainted = gpuNodeGroup();
      Object.assign(untainted, { props: { ...untainted.props, taints: [] }, provider: { ...provider, props: { region } } });
      const [v] = violations("gpu-node-groups-tainted", [untainted]);
      const hourly = PRICES[region]!.ec2["g5.xlarge"];
      expect(v!.message).toContain(hourly === undefined ? "billed by the hour" : money(hourly * HOURS_PER_MONTH));
      expect(v!.message).toContain(JSON.stringify(GPU_TAINT));
      const tainted = { ...untainted, props: { ...untainted.props, taints: [GPU_TAINT] } };
      expect(violations("gpu-node-groups-tainted", [tainted])).toEqual([]);
    }
  });
});

describe("the pack's extras", () => {
  it("remediates missing tags from the configured defaults and never touches sizing", () => {
    const db = database();
    db.props.tags = { environment: "prod", stage: "mvp" };
    const cfg: PolicyConfig = { "required-cost-tags": { enforcementLevel: "remediate", defaults: { owner: "unassigned", costCenter: "unallocated" } } };
    expect(evaluatePolicies([db], cfg, { policies: [policyNamed("required-cost-tags")] }).mandatory).toEqual([]);
    const [remediate] = [policyNamed("required-cost-tags")] as { remediateResource?: (a: unknown) => Props | undefined }[];
    const out = remediate!.remediateResource!({
      type: db.type,
      props: db.props,
      getConfig: () => ({ requiredTags: ["owner", "costCenter", "environment"], defaults: { owner: "unassigned", costCenter: "unallocated" } }),
    });
    expect(out).toEqual({ ...db.props, tags: { environment: "prod", stage: "mvp", owner: "unassigned", costCenter: "unallocated" } });
    // A tag with no default is still reported, as mandatory under remediate.
    db.props.tags = { owner: "x", costCenter: "y" };
    expect(evaluatePolicies([db], cfg, { policies: [policyNamed("required-cost-tags")] }).mandatory[0]!.message).toMatch(/lacks the tag\(s\) environment/);
  });

  it("stack policies price custom resources only: the root stack and components are not 'unpriced'", () => {
    const root = res("pulumi:pulumi:Stack", "ml-platform-prod", {});
    const component = res("mlplatform:compute:GpuCluster", "cluster", {}, { parent: root.urn });
    const group = { ...gpuNodeGroup(), parent: component.urn };
    const found = evaluatePolicies(
      [provider, root, component, group],
      {},
      { policies: [policyNamed("cost-fully-priced"), policyNamed("stack-monthly-budget")] },
    );
    expect([...found.mandatory, ...found.advisory]).toEqual([]);
  });

  it("a disabled policy reports nothing", () => {
    const open = database();
    open.props.publiclyAccessible = true;
    expect(evaluatePolicies([open], { "rds-private-and-encrypted": "disabled" }, { policies: [policyNamed("rds-private-and-encrypted")] }).mandatory).toEqual(
      [],
    );
  });
});
