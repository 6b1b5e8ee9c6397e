/** lib/naming.ts: the physical names a stack creates and the AWS limits they must fit. Pure. */
import { AUTONAME_SUFFIX_LENGTH, NAME_LIMITS, describeNameOverLimit, gpuNodeGroupName, namesOverLimit, physicalNames } from "../../lib/naming";

describe("physical names and their limits", () => {
  const stack = (environment: string, pool = "inference", bucket = "models") => ({
    environment,
    buckets: ["datasets", bucket],
    database: true,
    flowLogs: true,
    cluster: { gpuPools: [{ name: pool, zoneCount: 3 }], autoscaler: true },
  });

  it("counts Pulumi's 8-character random suffix on auto-named resources, not on fixed names", () => {
    expect(AUTONAME_SUFFIX_LENGTH).toBe(8);
    const names = physicalNames(stack("prod"));
    const bucket = names.find((n) => n.kind === "s3Bucket" && n.logicalName === "mlp-prod-artifacts-models")!;
    expect(bucket.length).toBe("mlp-prod-artifacts-models".length + 8);
    const cluster = names.find((n) => n.kind === "eksCluster")!;
    expect(cluster.physicalName).toBe("mlp-prod-cluster");
    expect(names.filter((n) => n.kind === "eksNodeGroup").map((n) => n.logicalName)).toEqual([
      "mlp-prod-cluster-system",
      gpuNodeGroupName("mlp-prod-cluster", "inference", 0),
      gpuNodeGroupName("mlp-prod-cluster", "inference", 1),
      gpuNodeGroupName("mlp-prod-cluster", "inference", 2),
    ]);
    expect(names.filter((n) => n.kind === "iamRole").map((n) => n.logicalName).sort()).toEqual([
      "mlp-prod-cluster-autoscaler-role",
      "mlp-prod-cluster-control-plane",
      "mlp-prod-cluster-ebs-csi-role",
      "mlp-prod-cluster-node",
      "mlp-prod-cluster-vpc-cni-role",
      "mlp-prod-network-flow-logs",
    ]);
    expect(namesOverLimit(stack("prod"))).toEqual([]);
  });

  it("finds the names a long environment and pool name push over the limits, and says which keys drive them", () => {
    const over = namesOverLimit(stack("a-very-long-env-name-x", "a-long-gpu-pool-name-x", "a-long-bucket-name-xyz"));
    const nodeGroup = over.find((n) => n.kind === "eksNodeGroup" && n.logicalName.endsWith("-0"))!;
    expect(nodeGroup.length).toBe("mlp-a-very-long-env-name-x-cluster-gpu-a-long-gpu-pool-name-x-0".length + 8);
    expect(nodeGroup.length).toBeGreaterThan(NAME_LIMITS.eksNodeGroup);
    expect(nodeGroup.drivenBy).toEqual(["environment", "cluster.gpuNodeGroups[0].name"]);
    expect(describeNameOverLimit(nodeGroup)).toMatch(/EKS node group names are at most 63 \(including Pulumi's 8-character random suffix\)/);
    expect(over.map((n) => n.kind)).toEqual(["s3Bucket", "eksNodeGroup", "eksNodeGroup", "eksNodeGroup"]);
    expect(over[0]!.drivenBy).toEqual(["environment", "artifacts.buckets[1]"]);
    // A 22-character environment alone still fits every role and the database.
    expect(namesOverLimit({ environment: "a-very-long-env-name-x", database: true, cluster: { gpuPools: [], autoscaler: true } })).toEqual([]);
  });
});
