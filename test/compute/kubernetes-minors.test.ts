/**
 * Each supported Kubernetes minor, planned: a shipped stack on the default
 * (1.35) and the ops-eu fixture on 1.36 (its `cluster.kubernetesVersion`).
 * Whatever depends on the minor follows the stack's choice: the control
 * plane, every node group (AL2023 AMI types, which EKS publishes for both),
 * the EKS add-on builds and the Cluster Autoscaler's image. Both plans are
 * shared with the other tests (no extra run); the charts themselves are
 * rendered at each minor with `helm --kube-version` in test/charts/render.test.ts.
 */
import { clusterAutoscalerImageTag } from "../../components/compute/addons/cluster-autoscaler";
import { eksAddonVersion } from "../../components/compute/addons/eks-addon";
import { CLUSTER_ADDONS } from "../../components/compute/addons/registry";
import { KUBERNETES_VERSION, NODE_AMI_TYPES, SUPPORTED_KUBERNETES_VERSIONS } from "../../lib/versions";
import type { PlanRun } from "../../plan/engine";
import { FIXTURE_STACKS, ofType, one, plan } from "../support/plan";

/** One plan per supported minor: stack label -> plan. */
const PLANS: [string, () => Promise<PlanRun>][] = [
  ["seriesb-prod", () => plan("seriesb-prod")],
  ["fixture ops-eu", () => plan("ops-eu", FIXTURE_STACKS)],
];

let runs: { label: string; run: PlanRun; minor: string }[];
beforeAll(async () => {
  runs = [];
  for (const [label, planOf] of PLANS) {
    const run = await planOf();
    runs.push({ label, run, minor: String(one(run, "aws:eks/cluster:Cluster").inputs.version) });
  }
});

/** What a plan declares that depends on the Kubernetes minor, as the minor's pins say it should be. */
function minorBound(run: PlanRun) {
  const nodeGroups = ofType(run, "aws:eks/nodeGroup:NodeGroup");
  const autoscaler = ofType(run, "kubernetes:helm.sh/v3:Release").find((r) => String(r.inputs.chart).includes("cluster-autoscaler"));
  return {
    nodeGroupVersions: [...new Set(nodeGroups.map((g) => String(g.inputs.version)))],
    amiTypes: [...new Set(nodeGroups.map((g) => String(g.inputs.amiType)))].sort(),
    addons: Object.fromEntries(ofType(run, "aws:eks/addon:Addon").map((a) => [String(a.inputs.addonName), a.inputs.addonVersion])),
    autoscalerImage: (autoscaler?.inputs.values as { image?: { tag?: string } } | undefined)?.image?.tag,
  };
}

describe("every supported Kubernetes minor", () => {
  it("is planned by a stack: the shipped stacks on the default, the ops-eu fixture on the newer one", () => {
    expect(runs.map((r) => r.minor).sort()).toEqual([...SUPPORTED_KUBERNETES_VERSIONS]);
    expect(runs.find((r) => r.label === "seriesb-prod")!.minor).toBe(KUBERNETES_VERSION);
  });

  it("runs its node groups, EKS add-ons and Cluster Autoscaler at the stack's minor", () => {
    for (const { label, run, minor } of runs) {
      const addons = Object.fromEntries(CLUSTER_ADDONS.flatMap((a) => ("eks" in a.pin ? [[a.id, eksAddonVersion(a.id, a.pin.eks, minor)]] : [])));
      expect({ label, ...minorBound(run) }).toEqual({
        label,
        nodeGroupVersions: [minor],
        // AL2023 only: EKS publishes no Amazon Linux 2 AMI from Kubernetes 1.33 on.
        amiTypes: [NODE_AMI_TYPES.cpu, NODE_AMI_TYPES.nvidiaGpu].sort(),
        addons,
        autoscalerImage: clusterAutoscalerImageTag(minor),
      });
    }
  });
});
