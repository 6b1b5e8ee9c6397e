/**
 * kube-proxy (EKS managed add-on `kube-proxy`): routes Service traffic on
 * every node. Installed before any node, like the CNI.
 */
import type { EksAddonPin } from "../../../lib/versions";
import type { ClusterAddon } from "./addon";
import { DESCRIBED_FOR_1_36, eksManagedAddon } from "./eks-addon";

/**
 * The add-on version per Kubernetes minor (how to refresh them:
 * eks-addon.ts). kube-proxy is built per Kubernetes minor: its version must
 * carry the cluster's minor.
 */
export const KUBE_PROXY_PINS: readonly EksAddonPin[] = [
  {
    version: "v1.35.3-eksbuild.13",
    kubernetesVersion: "1.35",
    source:
      'Amazon EKS user guide, "kube-proxy versions" table (managing-kube-proxy), row Kubernetes 1.35 = v1.35.3-eksbuild.13 ' +
      "(read in the ja_jp edition at docs.aws.amazon.com, the newest stored edition; its table already lists 1.36). " +
      "kube-proxy is built per Kubernetes minor: its version must carry the cluster's minor.",
    checked: "2026-11-23",
  },
  {
    version: "v1.36.0-eksbuild.17",
    kubernetesVersion: "1.36",
    source: DESCRIBED_FOR_1_36 + ": kube-proxy v1.36.0-eksbuild.17, the default for 1.36.",
    checked: "2026-12-07",
  },
];

/** The kube-proxy add-on; its DaemonSet requests 100m CPU (the EKS kube-proxy DaemonSet, checked 2026-11-23). */
export const kubeProxy: ClusterAddon = eksManagedAddon({
  name: "kube-proxy",
  pins: KUBE_PROXY_PINS,
  purpose: "Service routing on every node",
  phase: "before-nodes",
  footprint: [{ name: "kube-proxy", replicas: 1, cpuMillis: 100, memoryMiB: 0, perNode: true, source: "EKS kube-proxy add-on" }],
});
