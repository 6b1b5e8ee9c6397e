/**
 * One wording for a bad value: the same value given in a stack file
 * (resolvePlatformSpec) and to a component's constructor (its own argument
 * check, validateArgs) is refused with the same message, in our words, not
 * zod's ("Too big: expected number to be <=65535").
 */
import { ConfigError } from "../../config/resolve";
import { resolveWithAccess as resolvePlatformSpec } from "../support/cluster-access";
import { ComponentArgsError } from "../../lib/validate";
import { ModelServing, type ModelServingArgs } from "../../components/serving/model-serving";
import { Network, type NetworkArgs } from "../../components/network/network";
import { ContainerRegistry, type ContainerRegistryArgs } from "../../components/data/container-registry";
import { GpuCluster, type GpuClusterArgs } from "../../components/compute/gpu-cluster";

const handle = { provider: {}, clusterName: "c", oidcProviderArn: "arn", oidcIssuerUrl: "https://oidc", ready: [] } as unknown as ModelServingArgs["cluster"];
const model = { name: "churn", image: "<registry>/models:1.0.0", modelUri: "s3://<models-bucket>/churn/1/" };

/** A valid Series B stack file, with `piece` set to `value`. */
function stackRaw(piece: string, value: unknown): Record<string, string> {
  return {
    "aws:region": "us-east-1",
    "ml-platform:stage": "seriesb",
    "ml-platform:environment": "prod",
    "ml-platform:tags": JSON.stringify({ owner: "ml-team", costCenter: "research" }),
    [`ml-platform:${piece}`]: JSON.stringify(value),
  };
}

/** The message the stack file's error gives at `key`. */
function configMessage(piece: string, value: unknown, key: string): string | undefined {
  try {
    resolvePlatformSpec(stackRaw(piece, value), "wording");
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.find((p) => p.key === key)?.message;
  }
  throw new Error(`the stack accepted ${piece}: ${JSON.stringify(value)}`);
}

/** The message the component's own check gives at `path`, before it declares anything (no engine needed). */
function componentMessage(construct: () => unknown, path: string): string | undefined {
  try {
    construct();
  } catch (err) {
    expect(err).toBeInstanceOf(ComponentArgsError);
    return (err as ComponentArgsError).problems.find((p) => p.path === path)?.message;
  }
  throw new Error("the component accepted its arguments");
}

const serving = (settings: ModelServingArgs["settings"]) => () =>
  new ModelServing("mlp-prod-serving", {
    cluster: handle,
    modelsBucket: { name: "b", arn: "arn:aws:s3:::b" },
    region: "us-east-1",
    environment: "prod",
    settings,
  });
const network = (args: unknown) => () => new Network("mlp-prod-network", args as NetworkArgs);
const registry = (args: unknown) => () => new ContainerRegistry("mlp-prod-registry", args as ContainerRegistryArgs);
const cluster = (args: Record<string, unknown>) => () =>
  new GpuCluster("mlp-prod-cluster", {
    vpcId: "vpc-1",
    vpcCidrBlock: "10.0.0.0/16",
    privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"],
    region: "us-east-1",
    deployerRoleArn: "arn:aws:iam::111122223333:role/deployer",
    ...args,
  } as GpuClusterArgs);

const MODEL_KEYS =
  "name, image, modelUri, replicas, release, canary, activeColor, blue, green, port, cpu, memory, cpuLimit, memoryLimit, gpus, gpuPool, healthPath, readinessPath, startupTimeoutSeconds, drainSeconds, shutdownSeconds, maxReplicas, targetCpuUtilization, exposure, prefix";

describe("a bad value reads the same in a stack file and in a component's arguments", () => {
  it.each<[kind: string, piece: string, value: Record<string, unknown>, key: string, construct: () => unknown, path: string, message: string | RegExp]>([
    [
      "too big",
      "serving",
      { models: [{ ...model, port: 70000 }] },
      "serving.models[0].port",
      serving({ models: [{ ...model, port: 70000 }] }),
      "settings.models[0].port",
      "must be at most 65535",
    ],
    [
      "too small",
      "serving",
      { models: [{ ...model, port: 0 }] },
      "serving.models[0].port",
      serving({ models: [{ ...model, port: 0 }] }),
      "settings.models[0].port",
      "must be at least 1",
    ],
    [
      "not a whole number",
      "serving",
      { models: [{ ...model, port: 80.5 }] },
      "serving.models[0].port",
      serving({ models: [{ ...model, port: 80.5 }] }),
      "settings.models[0].port",
      "must be a whole number",
    ],
    [
      "wrong enum",
      "network",
      { natGateways: "two" },
      "network.natGateways",
      network({ natGateways: "two" }),
      "natGateways",
      "allowed values: none, single, perAz",
    ],
    [
      "wrong enum, nested",
      "serving",
      { models: [{ ...model, activeColor: "red" }] },
      "serving.models[0].activeColor",
      serving({ models: [{ ...model, activeColor: "red" as "blue" }] }),
      "settings.models[0].activeColor",
      "allowed values: blue, green",
    ],
    ["wrong type", "registry", { keepLastImages: "ten" }, "registry.keepLastImages", registry({ keepLastImages: "ten" }), "keepLastImages", "must be number"],
    [
      "wrong type, boolean",
      "serving",
      { blueGreen: "yes" },
      "serving.blueGreen",
      serving({ blueGreen: "yes" as unknown as boolean }),
      "settings.blueGreen",
      "must be boolean",
    ],
    [
      "wrong type in a union",
      "serving",
      { models: [{ ...model, cpu: true }] },
      "serving.models[0].cpu",
      serving({ models: [{ ...model, cpu: true as unknown as string }] }),
      "settings.models[0].cpu",
      "must be string or number",
    ],
    [
      "missing",
      "serving",
      { models: [{ image: model.image }] },
      "serving.models[0].name",
      serving({ models: [{ image: model.image } as typeof model] }),
      "settings.models[0].name",
      "is required",
    ],
    [
      "unknown key in a list entry",
      "serving",
      { models: [{ ...model, replica: 2 }] },
      "serving.models[0].replica",
      serving({ models: [{ ...model, replica: 2 } as typeof model] }),
      "settings.models[0].replica",
      `unknown key; allowed here: ${MODEL_KEYS}`,
    ],
    [
      "unknown key in a nested object",
      "cluster",
      { systemNodeGroup: { minSise: 2 } },
      "cluster.systemNodeGroup.minSise",
      cluster({ systemNodeGroup: { minSise: 2 } }),
      "systemNodeGroup.minSise",
      /^unknown key; allowed here: instanceTypes, capacityType, minSize, /,
    ],
    [
      "bad regex",
      "serving",
      { namespace: "Serving" },
      "serving.namespace",
      serving({ namespace: "Serving" }),
      "settings.namespace",
      /^must be a Kubernetes namespace name/,
    ],
    [
      "too short a list",
      "registry",
      { repositories: [] },
      "registry.repositories",
      registry({ repositories: [] }),
      "repositories",
      "give at least one repository",
    ],
    ["bad CIDR", "network", { cidrBlock: "10.0.0.1/16" }, "network.cidrBlock", network({ cidrBlock: "10.0.0.1/16" }), "cidrBlock", /^has host bits set/],
  ])("%s", (_kind, piece, value, key, construct, path, message) => {
    const fromStack = configMessage(piece, value, `ml-platform:${key}`);
    const fromComponent = componentMessage(construct, path);
    expect(fromStack).toEqual(fromComponent);
    if (typeof message === "string") expect(fromStack).toBe(message);
    else expect(fromStack).toMatch(message);
  });
});
