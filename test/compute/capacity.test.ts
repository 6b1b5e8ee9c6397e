/** The system pool must hold everything pinned to it, at its minimum size. Pure functions, no engine. */
import {
  allocatablePerNode,
  checkSystemPool,
  kubeReservedCpuMillis,
  kubeReservedMemoryMiB,
  maxPods,
  nodesNeeded,
  SystemWorkload,
} from "../../components/compute/capacity";
import { ConfigError } from "../../config/resolve";
import { resolveWithAccess as resolvePlatformSpec } from "../support/cluster-access";
import { STAGE_PRESETS } from "../../config/presets";
import { gpuClusterSystemWorkloads } from "../../components/compute/gpu-cluster.footprint";
import { servingSystemWorkloads } from "../../components/serving/model-serving.footprint";
import { trackingSystemWorkloads } from "../../components/tracking/settings";

describe("node allocatable, as the EKS AL2023 AMI computes it", () => {
  it("reserves CPU by the 6% / 1% / 0.5% / 0.25% bands of nodeadm", () => {
    expect(kubeReservedCpuMillis(1)).toBe(60);
    expect(kubeReservedCpuMillis(2)).toBe(70);
    expect(kubeReservedCpuMillis(4)).toBe(80);
    expect(kubeReservedCpuMillis(8)).toBe(90);
  });

  it("reserves 11 MiB per pod slot + 255 MiB, with max pods from the VPC CNI's ENI formula", () => {
    expect(maxPods("t3.medium")).toBe(17);
    expect(maxPods("t3.large")).toBe(35);
    expect(maxPods("m6i.large")).toBe(29);
    expect(maxPods("m6i.xlarge")).toBe(58);
    expect(kubeReservedMemoryMiB(35)).toBe(640);
  });

  it("gives a t3.large 1,930m CPU and 6,837 MiB (8 GiB less VM overhead, kube-reserved and the 100Mi eviction threshold)", () => {
    expect(allocatablePerNode("t3.large")).toEqual({ instanceType: "t3.large", cpuMillis: 1930, memoryMiB: 6837, pods: 35 });
  });

  it("has no figures for a type the catalogue lacks", () => {
    expect(allocatablePerNode("x9.huge")).toBeUndefined();
  });
});

const ds = (name: string, cpuMillis: number, memoryMiB: number): SystemWorkload => ({ name, replicas: 1, cpuMillis, memoryMiB, perNode: true });
const dep = (name: string, replicas: number, cpuMillis: number, memoryMiB: number): SystemWorkload => ({ name, replicas, cpuMillis, memoryMiB });

describe("checkSystemPool", () => {
  it("counts DaemonSets once per node and Deployments once per replica", () => {
    const report = checkSystemPool({ instanceTypes: ["t3.large"], nodes: 3 }, [ds("agent", 100, 50), dep("api", 2, 200, 300)]);
    expect(report.requested).toEqual({ cpuMillis: 3 * 100 + 2 * 200, memoryMiB: 3 * 50 + 2 * 300, pods: 5 });
    expect(report.allocatable).toEqual({ cpuMillis: 3 * 1930, memoryMiB: 3 * 6837, pods: 3 * 35 });
    expect(report.fits).toBe(true);
  });

  it("refuses totals beyond the pool, naming the resource and the pool", () => {
    const report = checkSystemPool({ instanceTypes: ["t3.large"], nodes: 2 }, [dep("big", 4, 1000, 500)]);
    expect(report.fits).toBe(false);
    expect(report.problems.join()).toMatch(/CPU requests 4,000m CPU exceed the 3,860m CPU allocatable on 2 x t3.large/);
  });

  it("refuses a pod that fits no single node, even when the totals would", () => {
    const report = checkSystemPool({ instanceTypes: ["t3.large"], nodes: 4 }, [dep("huge", 1, 500, 7000)]);
    expect(report.fits).toBe(false);
    expect(report.problems.join()).toMatch(/one huge pod .* does not fit on a t3.large/);
  });

  it("keeps room for the extra pod a rolling update starts", () => {
    // 2 x 3,000 MiB on 1 x t3.large (6,837 MiB): fits, but a third pod during a rollout would not.
    const report = checkSystemPool({ instanceTypes: ["t3.large"], nodes: 1 }, [dep("api", 2, 100, 3000)]);
    expect(report.fits).toBe(false);
    expect(report.problems.join()).toMatch(/no room for the extra api pod a rolling update starts/);
    expect(nodesNeeded({ instanceTypes: ["t3.large"], nodes: 1 }, [dep("api", 2, 100, 3000)])).toBe(2);
  });

  it("assumes the weakest node of a mixed pool", () => {
    expect(checkSystemPool({ instanceTypes: ["t3.xlarge", "t3.medium"], nodes: 1 }, []).node?.instanceType).toBe("t3.medium");
  });
});

describe("the shipped stages fit their system pools at minimum size", () => {
  it.each(["mvp", "seriesb"] as const)("%s: EKS add-ons, MLflow, serving add-ons on the preset pool", (stage) => {
    const p = STAGE_PRESETS[stage];
    const serving = { ...p.serving.settings, models: [] };
    const workloads = [...gpuClusterSystemWorkloads(p.cluster.settings), ...servingSystemWorkloads(serving), ...trackingSystemWorkloads(p.tracking.settings)];
    const pool = p.cluster.settings.systemNodeGroup;
    const report = checkSystemPool({ instanceTypes: pool.instanceTypes, nodes: pool.minSize }, workloads);
    expect(report.problems).toEqual([]);
    expect(report.requested.cpuMillis).toBeGreaterThan(0);
  });
});

const base = {
  "aws:region": "us-east-1",
  "ml-platform:stage": "mvp",
  "ml-platform:environment": "prod",
  "ml-platform:tags": JSON.stringify({ owner: "ml-team", costCenter: "research" }),
};
// Three 2 GiB MLflow replicas on t3.medium nodes: too much for the preset's 2 nodes, enough for 3.
const heavyTracking = { "ml-platform:tracking": JSON.stringify({ replicas: 3, memory: "2Gi", memoryLimit: "3Gi" }) };

describe("config: the preset grows the pool, or the stack is refused", () => {
  it("grows the preset's system pool to the fewest nodes that fit, and says why", () => {
    const spec = resolvePlatformSpec(
      { ...base, ...heavyTracking, "ml-platform:cluster": JSON.stringify({ systemNodeGroup: { instanceTypes: ["t3.medium"] } }) },
      "mvp",
    );
    const pool = spec.cluster.settings.systemNodeGroup;
    expect(STAGE_PRESETS.mvp.cluster.settings.systemNodeGroup.minSize).toBe(2);
    expect(pool.minSize).toBe(3);
    expect(pool.desiredSize).toBeGreaterThanOrEqual(3);
    expect(pool.maxSize).toBeGreaterThanOrEqual(3);
    expect(spec.cluster.why).toMatch(/system pool starts at 3 nodes instead of 2/);
    expect(spec.systemPool?.fits).toBe(true);
    // The preset itself is not changed for the next stack.
    expect(STAGE_PRESETS.mvp.cluster.settings.systemNodeGroup.minSize).toBe(2);
  });

  it("refuses a minSize the stack file set itself, naming the key and the size that fits", () => {
    let error: unknown;
    try {
      resolvePlatformSpec(
        { ...base, ...heavyTracking, "ml-platform:cluster": JSON.stringify({ systemNodeGroup: { instanceTypes: ["t3.medium"], minSize: 2, desiredSize: 2 } }) },
        "mvp",
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const [p] = (error as ConfigError).problems;
    expect(p).toMatchObject({ key: "ml-platform:cluster.systemNodeGroup.minSize", value: 2 });
    expect(p!.message).toMatch(/do not fit on 2 x t3.medium: memory requests .* set minSize to 3/);
  });

  it("refuses a pod no node of the pool can hold, whatever the size, at the key of its request", () => {
    let error: unknown;
    try {
      resolvePlatformSpec(
        {
          ...base,
          "ml-platform:tracking": JSON.stringify({ memory: "6Gi", memoryLimit: "6Gi" }),
          "ml-platform:cluster": JSON.stringify({ systemNodeGroup: { instanceTypes: ["t3.medium"] } }),
        },
        "mvp",
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.objectContaining({
        key: "ml-platform:tracking.memory",
        value: "6Gi",
        message: expect.stringMatching(/one MLflow pod does not fit on any node: a t3\.medium of the system pool has .* use a larger system instance type/),
      }),
    ]);
  });

  it("counts monitoring at Series B", () => {
    const spec = resolvePlatformSpec({ ...base, "ml-platform:stage": "seriesb" }, "seriesb");
    expect(spec.systemPool?.workloads.map((w) => w.name)).toEqual(
      expect.arrayContaining(["prometheus", "grafana", "node-exporter", "mlflow", "cluster-autoscaler"]),
    );
    expect(spec.systemPool?.fits).toBe(true);
  });

  it("leaves the preset pool alone when everything fits", () => {
    const spec = resolvePlatformSpec(base, "mvp");
    expect(spec.cluster.settings.systemNodeGroup.minSize).toBe(STAGE_PRESETS.mvp.cluster.settings.systemNodeGroup.minSize);
    expect(spec.systemPool?.fits).toBe(true);
    expect(spec.systemPool?.workloads.map((w) => w.name)).toEqual(expect.arrayContaining(["coredns", "mlflow", "kube-proxy"]));
  });
});
