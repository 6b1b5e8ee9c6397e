/**
 * Components refuse bad arguments by name: each component's own
 * schema and cross-field rules, called the way its constructor calls them
 * (validateArgs, before anything is declared), without the engine. The stack
 * config's overrides are built from the same schemas, so they cannot disagree.
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { descriptionOf } from "../support/schema-walk";
import { ComponentArgsError, validateArgs } from "../../lib/validate";
import { NetworkArgsSchema, NetworkSettings, networkProblems } from "../../components/network/network.schema";
import { MetadataStoreArgsSchema, MetadataStoreSettings, metadataStoreProblems } from "../../components/data/metadata-store.schema";
import {
  GpuClusterArgsSchema,
  GpuClusterSettings,
  GpuNodePoolArgsSchema,
  gpuClusterProblems,
  gpuNodePoolProblems,
} from "../../components/compute/gpu-cluster.schema";
import { GpuPoolSettings } from "../../components/compute/node-pool.schema";
import { IrsaRoleArgsSchema, irsaRoleProblems } from "../../components/compute/irsa.schema";
import { ModelServingArgsSchema, ModelServingSettings, modelServingProblems } from "../../components/serving/model-serving.schema";
import { ExperimentTrackingArgsSchema, ExperimentTrackingSettings, experimentTrackingProblems } from "../../components/tracking/experiment-tracking.schema";
import { componentRefusalAsConfigError, componentRefusalProblems, isComponentRefusal } from "../../config/component-errors";
import { planStack } from "../../plan/engine";
import { ClusterOverrides, DatabaseOverrides, NetworkOverrides, ServingOverrides, TrackingOverrides } from "../../config/schema";

const handle = { provider: {}, clusterName: "c", oidcProviderArn: "arn", oidcIssuerUrl: "https://oidc", ready: [] };
const subnets = ["subnet-a", "subnet-b", "subnet-c"];
const cluster = {
  vpcId: "vpc-1",
  vpcCidrBlock: "10.0.0.0/16",
  privateSubnetIds: subnets,
  region: "us-east-1",
  deployerRoleArn: "arn:aws:iam::111122223333:role/deployer",
};
const database = { vpcId: "vpc-1", subnetIds: subnets };
const pool = {
  clusterName: "c",
  clusterComponent: "mlp-prod-cluster",
  kubernetesVersion: "1.35",
  nodeRoleArn: "arn:aws:iam::123456789012:role/node",
  subnetIds: subnets,
};
const serving = { cluster: handle, modelsBucket: { name: "b", arn: "arn:aws:s3:::b" }, region: "us-east-1", environment: "prod" };
const tracking = {
  cluster: handle,
  database: { address: "db", port: 5432, databaseName: "mlflow", username: "u", password: "p" },
  artifactsBucket: { name: "b", arn: "arn:aws:s3:::b" },
  region: "us-east-1",
};
const gpuModel = { name: "churn", image: "<registry>/models:1.0.0", modelUri: "s3://<models-bucket>/churn/1/", gpus: 1, gpuPool: "gpu" };

type Validator = (args: unknown) => unknown;
const COMPONENTS: Record<string, Validator> = {
  Network: (a) => validateArgs("mlplatform:network:Network", "mlp-prod-network", NetworkArgsSchema, a, networkProblems),
  MetadataStore: (a) => validateArgs("mlplatform:data:MetadataStore", "mlp-prod-metadata", MetadataStoreArgsSchema, a, metadataStoreProblems),
  GpuCluster: (a) => validateArgs("mlplatform:compute:GpuCluster", "mlp-prod-cluster", GpuClusterArgsSchema, a, gpuClusterProblems),
  GpuNodePool: (a) => validateArgs("mlplatform:compute:GpuNodePool", "mlp-prod-cluster-gpu-x", GpuNodePoolArgsSchema, a, gpuNodePoolProblems),
  ModelServing: (a) => validateArgs("mlplatform:serving:ModelServing", "mlp-prod-serving", ModelServingArgsSchema, a, modelServingProblems),
  IrsaRole: (a) => validateArgs("mlplatform:compute:IrsaRole", "mlp-prod-serving-churn", IrsaRoleArgsSchema, a, irsaRoleProblems),
  ExperimentTracking: (a) =>
    validateArgs("mlplatform:tracking:ExperimentTracking", "mlp-prod-tracking", ExperimentTrackingArgsSchema, a, experimentTrackingProblems),
};

function refusal(component: string, args: unknown): ComponentArgsError {
  try {
    COMPONENTS[component]!(args);
  } catch (err) {
    expect(err).toBeInstanceOf(ComponentArgsError);
    return err as ComponentArgsError;
  }
  throw new Error(`${component} accepted ${JSON.stringify(args)}`);
}

describe("a bad argument to each component is refused, naming the argument and the value", () => {
  it.each<[string, string, unknown, string, RegExp]>([
    ["Network", "a /24 VPC", { cidrBlock: "10.0.0.0/24" }, "cidrBlock", /must be a \/16 to \/20 block/],
    ["Network", "host bits", { cidrBlock: "10.0.0.1/16" }, "cidrBlock", /host bits set.*10\.0\.0\.0\/16/],
    ["Network", "one AZ", { azCount: 1 }, "azCount", /2 or 3/],
    [
      "Network",
      "fewer zones than AZs",
      { azCount: 3, availabilityZoneIds: ["use1-az1", "use1-az2"] },
      "availabilityZoneIds",
      /lists 2 zones but the network spans 3/,
    ],
    ["Network", "a reserved tag", { tags: { "aws:owner": "x" } }, "tags.aws:owner", /aws: prefix is reserved/],
    ["Network", "a tag the network sets", { tags: { Name: "x" } }, "tags.Name", /sets itself/],
    ["MetadataStore", "IOPS on gp3", { ...database, iops: 3000 }, "iops", /provisioned IOPS are for io1\/io2/],
    [
      "MetadataStore",
      "a ceiling below the storage",
      { ...database, allocatedStorageGb: 200, maxAllocatedStorageGb: 100 },
      "maxAllocatedStorageGb",
      /at least allocatedStorageGb \(200\)/,
    ],
    ["MetadataStore", "a database name PostgreSQL refuses", { ...database, databaseName: "ML-flow" }, "databaseName", /PostgreSQL identifier/],
    ["MetadataStore", "no VPC", { subnetIds: subnets }, "vpcId", /is required/],
    [
      "GpuCluster",
      "an m5.xlarge GPU pool of 3-50 nodes",
      { ...cluster, gpuNodeGroups: [{ name: "gpu", instanceTypes: ["m5.xlarge"], minSize: 3, maxSize: 50 }] },
      "gpuNodeGroups[0].instanceTypes[0]",
      /not a GPU instance type/,
    ],
    ["GpuCluster", "an API open to 0.0.0.0/0", { ...cluster, publicAccessCidrs: ["0.0.0.0/0"] }, "publicAccessCidrs[0]", /whole internet/],
    [
      "GpuCluster",
      "an admin role listed twice",
      { ...cluster, adminRoleArns: ["arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/a"] },
      "adminRoleArns[1]",
      /one access entry/,
    ],
    [
      "GpuCluster",
      "a pool whose minimum exceeds its cap",
      { ...cluster, gpuNodeGroups: [{ name: "gpu", instanceTypes: ["g5.xlarge"], minSize: 3, maxSize: 2 }] },
      "gpuNodeGroups[0].minSize",
      /cannot exceed maxSize \(2\)/,
    ],
    ["GpuCluster", "a system pool with no node", { ...cluster, systemNodeGroup: { minSize: 0 } }, "systemNodeGroup.minSize", /at least 1/],
    [
      "GpuCluster",
      "a GPU in the system pool",
      { ...cluster, systemNodeGroup: { instanceTypes: ["g5.xlarge"] } },
      "systemNodeGroup.instanceTypes[0]",
      /GPU\/accelerator type/,
    ],
    ["GpuCluster", "one subnet", { ...cluster, privateSubnetIds: ["subnet-a"] }, "privateSubnetIds", /at least 2 AZs/],
    ["GpuCluster", "a made-up region", { ...cluster, region: "us-east-9" }, "region", /AWS region/],
    ["GpuCluster", "an unpinned Kubernetes version", { ...cluster, kubernetesVersion: "1.29" }, "kubernetesVersion", /pins its add-ons for: 1\.35, 1\.36$/],
    [
      "GpuNodePool",
      "a pool name over the node group limit",
      { ...pool, clusterComponent: "mlp-a-very-long-env-name-x-cluster", pool: { name: "a-very-long-pool-name", instanceTypes: ["g5.xlarge"] } },
      "pool.name",
      /EKS node group name .* 70 characters long; the limit is 63/,
    ],
    ["GpuNodePool", "a CPU type", { ...pool, pool: { name: "gpu", instanceTypes: ["m5.xlarge"] } }, "pool.instanceTypes[0]", /not a GPU instance type/],
    [
      "ModelServing",
      "a model name Kubernetes refuses",
      { ...serving, settings: { models: [{ ...gpuModel, name: "Churn_Model" }] } },
      "settings.models[0].name",
      /lower-case letters/,
    ],
    [
      "ModelServing",
      "an unpinned image",
      { ...serving, settings: { models: [{ ...gpuModel, image: "<registry>/models:latest" }] } },
      "settings.models[0].image",
      /latest/,
    ],
    [
      "ModelServing",
      "GPUs beyond the quota",
      { ...serving, settings: { maxGpus: 0, models: [gpuModel] } },
      "settings.maxGpus",
      /more than the namespace quota/,
    ],
    [
      "ModelServing",
      "a public endpoint open to the world",
      { ...serving, vpcId: "vpc-1", settings: { maxGpus: 1, models: [{ ...gpuModel, exposure: { type: "public", sourceRanges: ["0.0.0.0/0"] } }] } },
      "settings.models[0].exposure.sourceRanges[0]",
      /whole internet/,
    ],
    [
      "ModelServing",
      "a load balancer without a VPC",
      { ...serving, settings: { maxGpus: 1, models: [{ ...gpuModel, exposure: { type: "internal" } }] } },
      "vpcId",
      /is required/,
    ],
    [
      "IrsaRole",
      "a namespace Kubernetes refuses",
      { oidcProviderArn: "arn", oidcIssuerUrl: "https://oidc", namespace: "ML_Serving", serviceAccount: "churn" },
      "namespace",
      /Kubernetes namespace name/,
    ],
    [
      "IrsaRole",
      "a policy that is not an ARN",
      { oidcProviderArn: "arn", oidcIssuerUrl: "https://oidc", namespace: "serving", serviceAccount: "churn", managedPolicyArns: ["AmazonS3ReadOnlyAccess"] },
      "managedPolicyArns[0]",
      /IAM policy ARN/,
    ],
    ["ExperimentTracking", "the latest tag", { ...tracking, settings: { image: "ghcr.io/mlflow/mlflow:latest" } }, "settings.image", /pinned/],
    [
      "ExperimentTracking",
      "a limit below the request",
      { ...tracking, settings: { memory: "2Gi", memoryLimit: "1Gi" } },
      "settings.memoryLimit",
      /at least the memory request/,
    ],
  ])("%s: %s", (component, _what, args, argPath, message) => {
    const err = refusal(component, args);
    expect(err.message).toContain(`${component} "`);
    expect(err.problems).toContainEqual(expect.objectContaining({ path: argPath, message: expect.stringMatching(message) }));
    const problem = err.problems.find((p) => p.path === argPath)!;
    expect(err.message).toContain(`- ${argPath}: ${problem.message} (got `);
  });
});

describe("every optional field has a default", () => {
  it("{ name, instanceTypes } is a complete GPU pool", () => {
    expect(GpuPoolSettings.parse({ name: "gpu", instanceTypes: ["g5.xlarge"] })).toEqual({
      name: "gpu",
      instanceTypes: ["g5.xlarge"],
      capacityType: "ON_DEMAND",
      minSize: 0,
      desiredSize: 0,
      maxSize: 1,
      diskSizeGb: 100,
    });
    expect(GpuPoolSettings.parse({ name: "gpu", instanceTypes: ["g5.xlarge"], minSize: 2 })).toMatchObject({ minSize: 2, desiredSize: 2, maxSize: 2 });
  });

  it.each<[string, z.ZodType, unknown]>([
    ["Network", NetworkArgsSchema, {}],
    ["MetadataStore", MetadataStoreArgsSchema, database],
    ["GpuCluster", GpuClusterArgsSchema, cluster],
    ["ModelServing", ModelServingArgsSchema, serving],
    ["ExperimentTracking", ExperimentTrackingArgsSchema, tracking],
  ])("%s: the required arguments alone make complete settings", (_c, schema, required) => {
    const out = schema.parse(required) as Record<string, unknown>;
    const walk = (v: unknown, at: string): void => {
      if (v === undefined) throw new Error(`${at} has no default`);
      if (v && typeof v === "object" && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype)
        for (const [k, x] of Object.entries(v)) walk(x, `${at}.${k}`);
    };
    // Optional fields whose default is computed by the component (zones, deployer, snapshot, KMS key...) are documented as such.
    const computed = [
      "availabilityZoneIds",
      "controlPlaneSubnetIds",
      "iops",
      "snapshotIdentifier",
      "modelsBucketKmsKeyArn",
      "registryPrefix",
      "vpcId",
      "sentryDsn",
      "artifactsBucketKmsKeyArn",
      "settings.sentryDsn",
    ];
    for (const [k, v] of Object.entries(out)) if (!computed.includes(k)) walk(v, k);
    for (const [k, field] of Object.entries((schema as z.ZodObject).shape)) {
      expect({ k, described: !!descriptionOf(field as z.ZodType) }).toEqual({ k, described: true });
    }
  });
});

describe("one source of truth: the stack overrides are the components' settings", () => {
  it.each<[string, z.ZodObject, z.ZodObject]>([
    ["network", NetworkSettings, NetworkOverrides],
    ["database", MetadataStoreSettings, DatabaseOverrides],
    ["cluster", GpuClusterSettings, ClusterOverrides],
    ["serving", ModelServingSettings, ServingOverrides],
    ["tracking", ExperimentTrackingSettings, TrackingOverrides],
  ])("%s: every setting is a key of the overrides, with the component's own rule", (_piece, settings, overrides) => {
    for (const key of Object.keys(settings.shape)) expect({ key, inOverrides: key in overrides.shape }).toEqual({ key, inOverrides: true });
    // A value the component refuses, the stack config refuses too.
    const bad: Record<string, unknown> = { cidrBlock: "10.0.0.0/24", engineVersion: "9", kubernetesVersion: "1.29", namespace: "Bad_NS" };
    for (const [key, value] of Object.entries(bad)) {
      if (!(key in settings.shape)) continue;
      expect(settings.safeParse({ [key]: value }).success).toBe(false);
      expect(overrides.safeParse({ [key]: value }).success).toBe(false);
    }
  });
});

describe("each component validates its Args before it declares anything", () => {
  it.each([
    ["components/network/network.ts", "NetworkArgsSchema"],
    ["components/data/metadata-store.ts", "MetadataStoreArgsSchema"],
    ["components/data/artifact-store.ts", "ArtifactStoreArgsSchema"],
    ["components/data/container-registry.ts", "ContainerRegistryArgsSchema"],
    ["components/compute/gpu-cluster.ts", "GpuClusterArgsSchema"],
    ["components/compute/gpu-node-pool.ts", "GpuNodePoolArgsSchema"],
    ["components/serving/model-serving.ts", "ModelServingArgsSchema"],
    ["components/tracking/experiment-tracking.ts", "ExperimentTrackingArgsSchema"],
    ["components/compute/irsa.ts", "IrsaRoleArgsSchema"],
  ])("%s: validateArgs(..., %s, args, ...) comes before super()", (file, schema) => {
    const text = fs.readFileSync(path.join(__dirname, "..", "..", file), "utf8");
    const constructor = text.slice(text.indexOf("  constructor("));
    const validate = constructor.search(new RegExp(`validateArgs\\([A-Z_]+, name, ${schema}, args`));
    expect(validate).toBeGreaterThan(0);
    expect(validate).toBeLessThan(constructor.indexOf("super("));
  });
});

describe("a component's refusal at run time still names the stack key (safety net behind the config checks)", () => {
  it("maps a component's (or its child's) argument path to the piece's config key", () => {
    const pool = new ComponentArgsError("mlplatform:compute:GpuNodePool", "mlp-prod-cluster-gpu-inference", [
      { path: "pool.instanceTypes[0]", value: "m5.xlarge", message: "is not a GPU instance type" },
    ]);
    expect(isComponentRefusal(pool)).toBe(true);
    expect(componentRefusalProblems(pool, "ml-platform", "prod")).toEqual([
      {
        key: "ml-platform:cluster.pool.instanceTypes[0]",
        value: "m5.xlarge",
        message: 'is not a GPU instance type (GpuNodePool "mlp-prod-cluster-gpu-inference")',
      },
    ]);
    const net = new ComponentArgsError("mlplatform:network:Network", "mlp-prod-network", [
      { path: "cidrBlock", value: "10.0.0.0/24", message: "must be a /16 to /20 block" },
      { path: "(name)", value: "mlp-prod-network", message: "is too long" },
    ]);
    expect(componentRefusalProblems(net, "acme-ml", "prod").map((p) => p.key)).toEqual(["acme-ml:network.cidrBlock", "acme-ml:environment"]);
  });

  it("the plan turns the program's config error into exit 1 material (a ConfigError), not a crash", async () => {
    const configError = componentRefusalAsConfigError(
      new ComponentArgsError("mlplatform:network:Network", "mlp-prod-network", [
        { path: "cidrBlock", value: "10.0.0.0/24", message: "must be a /16 to /20 block" },
      ]),
      "ml-platform",
      "prod",
    );
    const program = () => {
      throw Object.assign(new Error(configError.message), { configError });
    };
    await expect(planStack("poc", { program })).rejects.toBe(configError);
  });
});
