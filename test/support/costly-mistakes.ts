/**
 * The costly or dangerous mistakes the pack must block, built for a stage
 * from that stage's own limits (one step past each), and the sound setups
 * right at those limits that it must let through. Shared by the unit tests
 * (in process) and the integration test (over the Analyzer protocol).
 */
import type { Stage } from "../../lib/stages";
import { estimateCost } from "../../cost/model";
import { GPU_TAINT, GPU_TOLERATION, NODE_GROUP_LABEL, POOL_LABEL } from "../../components/compute/labels";
import { STAGE_LABEL } from "../../lib/tags";
import type { EvalResource } from "../../policies/evaluate";
import { Limits, NO_STAGE_LIMITS, STAGE_LIMITS } from "../../policies/stages";

type Props = Record<string, unknown>;
export const REGION = "us-east-1";
export const PROVIDER = {
  type: "pulumi:providers:aws",
  name: "default",
  urn: "urn:pulumi:test::ml-platform::pulumi:providers:aws::default",
  props: { region: REGION },
};

/** The AWS tags the program puts on a resource of this stage (no `stage` tag when the stage is undefined). */
export const tagsFor = (stage: Stage | undefined, environment = "prod") => ({
  owner: "ml-team",
  costCenter: "research",
  environment,
  ...(stage ? { stage } : {}),
});

let serial = 0;
export function resource(type: string, name: string, props: Props, extra: Partial<EvalResource> = {}): EvalResource {
  return {
    urn: `urn:pulumi:test::ml-platform::${type}::${name}-${++serial}`,
    type,
    name,
    props,
    provider: type.startsWith("aws:") ? PROVIDER : undefined,
    ...extra,
  };
}

export const gpuGroup = (stage: Stage | undefined, over: Props = {}, pool = "inference") =>
  resource("aws:eks/nodeGroup:NodeGroup", `gpu-${pool}`, {
    instanceTypes: ["g5.xlarge"],
    amiType: "AL2023_x86_64_NVIDIA",
    capacityType: "ON_DEMAND",
    scalingConfig: { minSize: 0, desiredSize: 0, maxSize: 1 },
    diskSize: 100,
    labels: { [POOL_LABEL]: "gpu", [NODE_GROUP_LABEL]: pool },
    taints: [GPU_TAINT],
    tags: tagsFor(stage),
    ...over,
  });
export const cpuGroup = (stage: Stage | undefined, maxSize: number, instanceType = "t3.large") =>
  resource("aws:eks/nodeGroup:NodeGroup", `system-${maxSize}`, {
    instanceTypes: [instanceType],
    amiType: "AL2023_x86_64_STANDARD",
    scalingConfig: { minSize: 1, desiredSize: 1, maxSize },
    diskSize: 20,
    labels: { [POOL_LABEL]: "system" },
    tags: tagsFor(stage),
  });
export const database = (stage: Stage | undefined, over: Props = {}, protect = true) =>
  resource(
    "aws:rds/instance:Instance",
    "db",
    {
      engine: "postgres",
      instanceClass: "db.t4g.micro",
      allocatedStorage: 20,
      maxAllocatedStorage: 20,
      storageType: "gp3",
      storageEncrypted: true,
      publiclyAccessible: false,
      backupRetentionPeriod: 7,
      deletionProtection: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: "db-final",
      deleteAutomatedBackups: false,
      multiAz: false,
      tags: tagsFor(stage),
      ...over,
    },
    { protect },
  );
export const gpuWorkload = (stage: Stage | undefined, replicas: number, kind = "Deployment", tolerations: unknown[] = [GPU_TOLERATION], pool = "inference") => {
  const pod = { containers: [{ name: "server", resources: { limits: { "nvidia.com/gpu": 1 } } }], tolerations, nodeSelector: { [NODE_GROUP_LABEL]: pool } };
  return resource(`kubernetes:${kind === "Pod" ? "core/v1" : "apps/v1"}:${kind}`, `model-${replicas}`, {
    metadata: { name: "model", namespace: "serving", labels: stage ? { [STAGE_LABEL]: stage } : {} },
    spec: kind === "Pod" ? pod : { replicas, template: { spec: pod } },
  });
};
/** The GPU quota of the namespace gpuWorkload runs in. */
export const gpuQuota = (gpus: number) =>
  resource("kubernetes:core/v1:ResourceQuota", "gpu-quota", {
    metadata: { name: "gpu", namespace: "serving" },
    spec: { hard: { "requests.nvidia.com/gpu": String(gpus) } },
  });

/** Node groups of t3.medium (allowed at every stage) whose worst case is just past `usd`. */
function groupsCostingMoreThan(stage: Stage | undefined, usd: number): EvalResource {
  const one = estimateCost(
    [{ urn: "u", type: "aws:eks/nodeGroup:NodeGroup", name: "n", inputs: cpuGroup(stage, 1, "t3.medium").props }],
    REGION,
  ).worstCaseMonthlyUsd;
  return cpuGroup(stage, Math.floor(usd / one) + 1, "t3.medium");
}

/** An alert topic with this key and the alarm that pages it (through the engine's property dependency). */
function alarmOnTopic(stage: Stage | undefined, kmsMasterKeyId: string): EvalResource[] {
  const topic = resource("aws:sns/topic:Topic", "alerts", { kmsMasterKeyId, tags: tagsFor(stage) });
  const alarm = resource(
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "db-cpu",
    { alarmActions: ["[unknown]"], tags: tagsFor(stage) },
    { propertyDependencies: { alarmActions: [topic.urn] } },
  );
  return [topic, alarm];
}

export interface Mistake {
  label: string;
  /** The policy that must block it (mandatory). */
  policy: string;
  resources: EvalResource[];
}

/** A stage's limits; with no stage, the ones the pack applies then. */
const limitsOf = (stage: Stage | undefined): Limits => (stage ? STAGE_LIMITS[stage] : NO_STAGE_LIMITS);

/** One step past each of the stage's limits, plus the mistakes no stage allows. */
export function costlyMistakes(stage: Stage | undefined): Mistake[] {
  const l = limitsOf(stage);
  const m = (label: string, policy: string, ...resources: EvalResource[]): Mistake => ({ label, policy, resources: [PROVIDER, ...resources] });
  const minBackups = l["rds-backups"].minBackupRetentionDays;
  const mistakes = [
    m("an untainted GPU node group", "gpu-node-groups-tainted", gpuGroup(stage, { taints: [] })),
    m(
      "a GPU node group that never scales to zero",
      "gpu-node-groups-scale-to-zero",
      gpuGroup(stage, { scalingConfig: { minSize: l["gpu-node-groups-scale-to-zero"].maxIdleGpuNodesPerGroup + 1, desiredSize: 1, maxSize: 8 } }),
    ),
    m("a p5.48xlarge node group", "allowed-instance-types", gpuGroup(stage, { instanceTypes: ["p5.48xlarge"] })),
    m(
      "a GPU pool one node past the cap, split over two AZ groups",
      "node-group-size-caps",
      gpuGroup(stage, { scalingConfig: { minSize: 0, desiredSize: 0, maxSize: Math.ceil((l["node-group-size-caps"].maxGpuNodesPerGroup + 1) / 2) } }),
      gpuGroup(stage, { scalingConfig: { minSize: 0, desiredSize: 0, maxSize: Math.floor((l["node-group-size-caps"].maxGpuNodesPerGroup + 1) / 2) } }),
    ),
    m("a CPU group one node past the cap", "node-group-size-caps", cpuGroup(stage, l["node-group-size-caps"].maxNodesPerGroup + 1)),
    m(
      "a node group past the monthly cap",
      "node-group-worst-case-spend",
      groupsCostingMoreThan(stage, l["node-group-worst-case-spend"].maxWorstCaseMonthlyUsdPerNodeGroup),
    ),
    m("a stack past the monthly budget", "stack-monthly-budget", groupsCostingMoreThan(stage, l["stack-monthly-budget"].maxWorstCaseMonthlyUsd)),
    m("a GPU node group on a CPU AMI", "gpu-node-groups-use-nvidia-ami", gpuGroup(stage, { amiType: "AL2023_x86_64_STANDARD" })),
    m(
      "a stray GPU instance",
      "no-standalone-gpu-instances",
      resource("aws:ec2/instance:Instance", "forgotten", { instanceType: "g5.xlarge", tags: tagsFor(stage) }),
    ),
    m("a public database", "rds-private-and-encrypted", database(stage, { publiclyAccessible: true })),
    m(`a database with ${minBackups - 1} day(s) of backups`, "rds-backups", database(stage, { backupRetentionPeriod: minBackups - 1 })),
    m("a database class off the list", "rds-sizing", database(stage, { instanceClass: "db.r6g.16xlarge" })),
    m("a public-read bucket", "s3-no-public-access", resource("aws:s3/bucket:Bucket", "leaky", { acl: "public-read", tags: tagsFor(stage) })),
    m(
      "a mutable ECR repository",
      "ecr-immutable-tags",
      resource("aws:ecr/repository:Repository", "mutable", {
        imageTagMutability: "MUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        tags: tagsFor(stage),
      }),
    ),
    m(
      "PostgreSQL open to the internet",
      "no-world-open-admin-ports",
      resource("aws:ec2/securityGroup:SecurityGroup", "open", {
        ingress: [{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["0.0.0.0/0"] }],
        tags: tagsFor(stage),
      }),
    ),
    m(
      "an admin wildcard IAM policy",
      "no-wildcard-admin-iam",
      resource("aws:iam/policy:Policy", "god", {
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }),
      }),
    ),
    m(
      "an EKS API open to 0.0.0.0/0",
      "eks-api-not-public",
      resource("aws:eks/cluster:Cluster", "open", {
        vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] },
        upgradePolicy: { supportType: "STANDARD" },
        tags: tagsFor(stage),
      }),
    ),
    m(
      "an EKS cluster drifting into extended support",
      "eks-standard-support-only",
      resource("aws:eks/cluster:Cluster", "extended", { vpcConfig: { endpointPublicAccess: false }, tags: tagsFor(stage) }),
    ),
    m(
      "a public LoadBalancer without source ranges",
      "public-load-balancers-restricted",
      resource("kubernetes:core/v1:Service", "open-lb", { spec: { type: "LoadBalancer", ports: [{ port: 80 }] } }),
    ),
    m("a GPU Deployment one GPU past the cap", "gpu-workloads-within-caps", gpuWorkload(stage, l["gpu-workloads-within-caps"].maxGpusPerWorkload + 1)),
    m("a GPU pod that does not tolerate the taint", "gpu-workloads-tolerate-taint", gpuWorkload(stage, 1, "Pod", [])),
    // Exposure, alerting, keys, identity, versions: what no stage allows.
    m(
      "MLflow behind an internet-facing Ingress with neither authentication nor source ranges",
      "public-ingresses-guarded",
      resource("kubernetes:networking.k8s.io/v1:Ingress", "mlflow", {
        metadata: { name: "mlflow", namespace: "mlflow", annotations: { "alb.ingress.kubernetes.io/scheme": "internet-facing" } },
        spec: {
          ingressClassName: "alb",
          rules: [{ http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "mlflow", port: { number: 80 } } } }] } }],
        },
      }),
    ),
    m("an alert topic on alias/aws/sns", "alert-topics-deliverable", ...alarmOnTopic(stage, "alias/aws/sns")),
    m(
      "a production backup vault with forceDestroy",
      "backup-vaults-kept",
      resource("aws:backup/vault:Vault", "vault", { forceDestroy: true, tags: tagsFor(stage) }),
    ),
    m(
      "a pod role allowing s3:* on *",
      "no-service-wide-iam-wildcards",
      resource("aws:iam/rolePolicy:RolePolicy", "pod-s3", {
        role: "model-role",
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }),
      }),
    ),
    m(
      "an EKS cluster on 1.29, past its standard support",
      "eks-version-in-standard-support",
      resource("aws:eks/cluster:Cluster", "old", {
        version: "1.29",
        vpcConfig: { endpointPublicAccess: false },
        upgradePolicy: { supportType: "STANDARD" },
        encryptionConfig: { provider: { keyArn: "arn:aws:kms:us-east-1:123456789012:key/x" }, resources: ["secrets"] },
        tags: tagsFor(stage),
      }),
    ),
    m(
      "an ECR exclusion filter of *",
      "ecr-exclusions-keep-tags-immutable",
      resource("aws:ecr/repository:Repository", "excluded", {
        imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters: [{ filter: "*", filterType: "WILDCARD" }],
        imageScanningConfiguration: { scanOnPush: true },
        tags: tagsFor(stage),
      }),
    ),
    m(
      "a GPU SageMaker notebook that never stops",
      "gpu-notebooks-stop",
      resource("aws:sagemaker/notebookInstance:NotebookInstance", "nb", {
        instanceType: "ml.g5.xlarge",
        roleArn: "arn:aws:iam::123456789012:role/nb",
        tags: tagsFor(stage),
      }),
    ),
  ];
  // Production data with no guard at all (at stages that have production data).
  if (l["stateful-deletion-safeguards"].productionEnvironments.length) {
    mistakes.push(
      m(
        "a production database nothing guards against deletion",
        "stateful-deletion-safeguards",
        database(stage, { deletionProtection: false, skipFinalSnapshot: true, finalSnapshotIdentifier: undefined }, false),
      ),
    );
  }
  return mistakes;
}

/** Setups right at the stage's limits: each passes every policy without a config file. */
export function soundSetups(stage: Stage): { label: string; resources: EvalResource[] }[] {
  const l = STAGE_LIMITS[stage];
  const caps = l["node-group-size-caps"];
  const s = (label: string, ...resources: EvalResource[]) => ({ label, resources: [PROVIDER, ...resources] });
  const setups = [
    s(`a CPU group of ${caps.maxNodesPerGroup} nodes`, cpuGroup(stage, caps.maxNodesPerGroup, "t3.medium")),
    s(
      "a small private SSM bastion on a t3.micro",
      resource("aws:ec2/instance:Instance", "bastion", {
        instanceType: "t3.micro",
        associatePublicIpAddress: false,
        iamInstanceProfile: "ssm-bastion",
        metadataOptions: { httpTokens: "required" },
        rootBlockDevice: { volumeType: "gp3", volumeSize: 8, encrypted: true },
        tags: tagsFor(stage),
      }),
    ),
    // A staging database: what production adds (an AWS Backup plan at Series B) is not this setup's subject.
    s(
      `a database keeping ${l["rds-backups"].minBackupRetentionDays} days of backups, storage up to ${l["rds-sizing"].maxAllocatedStorageGb} GB`,
      database(stage, {
        backupRetentionPeriod: l["rds-backups"].minBackupRetentionDays,
        maxAllocatedStorage: l["rds-sizing"].maxAllocatedStorageGb,
        tags: tagsFor(stage, "staging"),
      }),
    ),
  ];
  if (l["allowed-instance-types"].allowedInstanceTypes.includes("g5.xlarge")) {
    setups.push(
      s(
        `a GPU group of 0..${caps.maxGpuNodesPerGroup} nodes`,
        gpuGroup(stage, { scalingConfig: { minSize: 0, desiredSize: 0, maxSize: caps.maxGpuNodesPerGroup } }),
      ),
      s(
        `a ${l["gpu-workloads-within-caps"].maxGpusPerWorkload}-replica GPU Deployment`,
        gpuWorkload(stage, l["gpu-workloads-within-caps"].maxGpusPerWorkload),
        gpuGroup(stage, { scalingConfig: { minSize: 0, desiredSize: 0, maxSize: caps.maxGpuNodesPerGroup } }),
        gpuQuota(l["gpu-workloads-within-caps"].maxGpusPerWorkload),
      ),
    );
  }
  return setups;
}

/** The same resources with the stage tag and label removed (what another program would declare). */
export function withoutStage(resources: EvalResource[]): EvalResource[] {
  return resources.map((r) => {
    const props = structuredClone(r.props) as Props;
    if (props.tags) delete (props.tags as Props).stage;
    const labels = (props.metadata as { labels?: Props } | undefined)?.labels;
    if (labels) delete labels[STAGE_LABEL];
    return { ...r, props };
  });
}

/**
 * A stack of Kubernetes objects only (what a team deploys into a cluster it
 * does not own): a GPU model server as an expert writes it, and the mistakes
 * in what runs in the cluster, each one change away from it.
 */
export function kubernetesOnlyStack(): { sound: EvalResource[]; mistakes: Mistake[] } {
  const labels = { app: "llm", environment: "prod" };
  const server = (pod: Props = {}, replicas = 2) =>
    resource("kubernetes:apps/v1:Deployment", "llm", {
      metadata: { name: "llm", namespace: "serving", labels },
      spec: {
        replicas,
        selector: { matchLabels: { app: "llm" } },
        template: {
          metadata: { labels: { app: "llm" } },
          spec: {
            containers: [
              {
                name: "server",
                image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/models:2.0.1",
                resources: { requests: { cpu: "2", memory: "8Gi", "nvidia.com/gpu": 1 }, limits: { memory: "8Gi", "nvidia.com/gpu": 1 } },
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
              },
            ],
            tolerations: [GPU_TOLERATION],
            nodeSelector: { [NODE_GROUP_LABEL]: "inference" },
            volumes: [{ name: "cache", emptyDir: {} }],
            ...pod,
          },
        },
      },
    });
  const budget = (spec: Props) =>
    resource("kubernetes:policy/v1:PodDisruptionBudget", "llm-pdb", {
      metadata: { name: "llm", namespace: "serving" },
      spec: { selector: { matchLabels: { app: "llm" } }, ...spec },
    });
  const rest = [
    resource("kubernetes:core/v1:Namespace", "serving", { metadata: { name: "serving" } }),
    resource("kubernetes:core/v1:Service", "llm-svc", { metadata: { name: "llm", namespace: "serving" }, spec: { type: "ClusterIP", ports: [{ port: 80 }] } }),
    gpuQuota(2),
  ];
  const container = (over: Props) => [{ ...((server().props.spec as Props).template as { spec: { containers: Props[] } }).spec.containers[0], ...over }];
  const m = (label: string, policy: string, ...resources: EvalResource[]): Mistake => ({ label, policy, resources: [...rest, ...resources] });
  return {
    sound: [...rest, server(), budget({ maxUnavailable: 1 })],
    mistakes: [
      m(
        "a privileged container",
        "containers-not-privileged",
        server({ containers: container({ securityContext: { privileged: true } }) }),
        budget({ maxUnavailable: 1 }),
      ),
      m(
        "the containerd socket mounted from the node",
        "no-host-runtime-mounts",
        server({ volumes: [{ name: "cri", hostPath: { path: "/run/containerd/containerd.sock", type: "Socket" } }] }),
        budget({ maxUnavailable: 1 }),
      ),
      m("the node's root mounted", "no-host-runtime-mounts", server({ volumes: [{ name: "host", hostPath: { path: "/" } }] }), budget({ maxUnavailable: 1 })),
      m(
        "a :latest image in production",
        "images-pinned-in-production",
        server({ containers: container({ image: "models:latest" }) }),
        budget({ maxUnavailable: 1 }),
      ),
      m(
        "an untagged image in production",
        "images-pinned-in-production",
        server({ containers: container({ image: "ghcr.io/acme/llm" }) }),
        budget({ maxUnavailable: 1 }),
      ),
      m(
        "GPUs in requests but not in limits",
        "gpu-limits-match-requests",
        server({ containers: container({ resources: { requests: { cpu: "2", "nvidia.com/gpu": 1 }, limits: { memory: "8Gi" } } }) }),
        budget({ maxUnavailable: 1 }),
      ),
      m("a budget with maxUnavailable 0", "pdbs-allow-eviction", server(), budget({ maxUnavailable: 0 })),
      m("a budget of minAvailable 1 on one replica", "pdbs-allow-eviction", server({}, 1), budget({ minAvailable: 1 })),
    ],
  };
}
