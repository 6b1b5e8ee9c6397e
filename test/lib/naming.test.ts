/**
 * The naming kernel (lib/naming.ts) and the physical names the components say
 * they create, as config/naming-input.ts collects them for a stack. Pure.
 */
import { AUTONAME_SUFFIX_LENGTH, NAME_LIMITS, describeNameOverLimit } from "../../lib/naming";
import { artifactStorePhysicalNames } from "../../components/data/artifact-store.footprint";
import { gpuClusterPhysicalNames } from "../../components/compute/gpu-cluster.footprint";
import { gpuNodeGroupName } from "../../components/compute/names";
import { networkPhysicalNames } from "../../components/network/network.footprint";
import { stackPhysicalNames } from "../../config/naming-input";
import { resolveWithAccess as resolvePlatformSpec } from "../support/cluster-access";
import type { GpuNodeGroupSettings } from "../../components/compute/node-pool.args";

const pool = (name: string): GpuNodeGroupSettings => ({
  name,
  instanceTypes: ["g5.xlarge"],
  capacityType: "ON_DEMAND",
  minSize: 0,
  desiredSize: 0,
  maxSize: 4,
  diskSizeGb: 100,
});
const cluster = (name: string, poolName = "inference", autoscaler = true) => gpuClusterPhysicalNames(name, { gpuNodeGroups: [pool(poolName)], autoscaler }, 3);
const overLimit = <T extends { length: number; limit: number }>(names: T[]) => names.filter((n) => n.length > n.limit);

describe("physical names and their limits", () => {
  it("counts Pulumi's 8-character random suffix on auto-named resources, not on fixed names", () => {
    expect(AUTONAME_SUFFIX_LENGTH).toBe(8);
    const bucket = artifactStorePhysicalNames("mlp-prod-artifacts", { buckets: ["datasets", "models"] }).find(
      (n) => n.logicalName === "mlp-prod-artifacts-models",
    )!;
    expect(bucket).toMatchObject({ kind: "s3Bucket", length: "mlp-prod-artifacts-models".length + 8, drivenBy: ["(name)", "buckets[1]"] });
    const names = cluster("mlp-prod-cluster");
    expect(names.find((n) => n.kind === "eksCluster")!.physicalName).toBe("mlp-prod-cluster");
    expect(names.filter((n) => n.kind === "eksNodeGroup").map((n) => n.logicalName)).toEqual([
      "mlp-prod-cluster-system",
      gpuNodeGroupName("mlp-prod-cluster", "inference", 0),
      gpuNodeGroupName("mlp-prod-cluster", "inference", 1),
      gpuNodeGroupName("mlp-prod-cluster", "inference", 2),
    ]);
    // A launch template per node group, named explicitly (no suffix).
    expect(names.filter((n) => n.kind === "launchTemplate").map((n) => n.physicalName)).toEqual(
      names.filter((n) => n.kind === "eksNodeGroup").map((n) => n.logicalName),
    );
    expect(
      [...names, ...networkPhysicalNames("mlp-prod-network", { flowLogRetentionDays: 90 })]
        .filter((n) => n.kind === "iamRole")
        .map((n) => n.logicalName)
        .sort(),
    ).toEqual([
      "mlp-prod-cluster-autoscaler-role",
      "mlp-prod-cluster-control-plane",
      "mlp-prod-cluster-ebs-csi-role",
      "mlp-prod-cluster-node",
      "mlp-prod-cluster-vpc-cni-role",
      "mlp-prod-network-flow-logs",
    ]);
    expect(overLimit(names)).toEqual([]);
  });

  it("names only what the settings deploy: no autoscaler role without the autoscaler, no flow-logs role without flow logs", () => {
    expect(cluster("mlp-prod-cluster", "inference", false).map((n) => n.logicalName)).not.toContain("mlp-prod-cluster-autoscaler-role");
    expect(networkPhysicalNames("mlp-prod-network", { flowLogRetentionDays: 0 })).toEqual([]);
  });

  it("finds the names a long environment and pool name push over the limits, and says which settings drive them", () => {
    const over = overLimit([
      ...artifactStorePhysicalNames("mlp-a-very-long-env-name-x-artifacts", { buckets: ["datasets", "a-long-bucket-name-xyz"] }),
      ...cluster("mlp-a-very-long-env-name-x-cluster", "a-long-gpu-pool-name-x"),
    ]);
    const nodeGroup = over.find((n) => n.kind === "eksNodeGroup" && n.logicalName.endsWith("-0"))!;
    expect(nodeGroup.length).toBe("mlp-a-very-long-env-name-x-cluster-gpu-a-long-gpu-pool-name-x-0".length + 8);
    expect(nodeGroup.length).toBeGreaterThan(NAME_LIMITS.eksNodeGroup);
    expect(nodeGroup.drivenBy).toEqual(["(name)", "gpuNodeGroups[0].name"]);
    expect(describeNameOverLimit(nodeGroup)).toMatch(/EKS node group names are at most 63 \(including Pulumi's 8-character random suffix\)/);
    expect(over.map((n) => n.kind)).toEqual(["s3Bucket", "eksNodeGroup", "eksNodeGroup", "eksNodeGroup"]);
    expect(over[0]!.drivenBy).toEqual(["(name)", "buckets[1]"]);
    // A 22-character environment alone still fits every role of the cluster.
    expect(overLimit(gpuClusterPhysicalNames("mlp-a-very-long-env-name-x-cluster", { gpuNodeGroups: [], autoscaler: true }, 3))).toEqual([]);
  });
});

describe("a stack's names (config/naming-input.ts)", () => {
  const mvp = resolvePlatformSpec(
    {
      "aws:region": "us-east-1",
      "ml-platform:stage": "mvp",
      "ml-platform:environment": "prod",
      "ml-platform:tags": JSON.stringify({ owner: "ml-team", costCenter: "research" }),
    },
    "mvp",
  );

  it("asks each deployed component, and names the stack keys that make up each name", () => {
    const names = stackPhysicalNames(mvp);
    const bucket = names.find((n) => n.logicalName === "mlp-prod-artifacts-models")!;
    expect(bucket.drivenBy).toEqual(["environment", "artifacts.buckets[1]"]);
    const gpuGroup = names.find((n) => n.kind === "eksNodeGroup" && n.logicalName.includes("-gpu-"))!;
    expect(gpuGroup.drivenBy).toEqual(["environment", "cluster.gpuNodeGroups[0].name"]);
    expect(names.find((n) => n.kind === "rdsInstance")!.logicalName).toBe("mlp-prod-metadata-postgres");
    // MVP runs no autoscaler and no monitoring: neither role is named.
    expect(names.map((n) => n.logicalName).filter((n) => /autoscaler|alertmanager/.test(n))).toEqual([]);
  });

  it("names nothing of a piece the stack does not deploy", () => {
    const noCluster = { ...mvp, cluster: { ...mvp.cluster, enabled: false } };
    expect(stackPhysicalNames(noCluster).filter((n) => n.logicalName.includes("-cluster-") || n.logicalName.includes("-serving-"))).toEqual([]);
  });
});
