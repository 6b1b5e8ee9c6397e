/**
 * kube-proxy (EKS managed add-on `kube-proxy`): routes Service traffic on
 * every node. Installed before any node, like the CNI.
 */
import type { EksAddonPin } from "../../../lib/versions";
import type { ClusterAddon } from "./addon";
import { eksManagedAddon } from "./eks-addon";

/**
 * The add-on version for Kubernetes 1.35 (how to refresh it: eks-addon.ts).
 * kube-proxy is built per Kubernetes minor: its version must carry the
 * cluster's minor.
 */
export const KUBE_PROXY_PIN: EksAddonPin = {
  version: "v1.35.3-eksbuild.13",
  kubernetesVersion: "1.35",
  source:
    'Amazon EKS user guide, "kube-proxy versions" table (managing-kube-proxy), row Kubernetes 1.35 = v1.35.3-eksbuild.13 ' +
    "(read in the ja_jp edition at docs.aws.amazon.com, the newest stored edition; its table already lists 1.36). " +
    "kube-proxy is built per Kubernetes minor: its version must carry the cluster's minor.",
  checked: "2026-11-23",
};

/** The kube-proxy add-on; its DaemonSet requests 100m CPU (the EKS kube-proxy DaemonSet, checked 2026-11-23). */
export const kubeProxy: ClusterAddon = eksManagedAddon({
  name: "kube-proxy",
  pin: KUBE_PROXY_PIN,
  purpose: "Service routing on every node",
  phase: "before-nodes",
  footprint: [{ name: "kube-proxy", replicas: 1, cpuMillis: 100, memoryMiB: 0, perNode: true, source: "EKS kube-proxy add-on" }],
});
