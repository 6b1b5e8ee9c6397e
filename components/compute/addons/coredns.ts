/**
 * CoreDNS (EKS managed add-on `coredns`): the cluster's DNS. A Deployment, so
 * it is installed once the system pool has a node.
 */
import type { EksAddonPin } from "../../../lib/versions";
import type { ClusterAddon } from "./addon";
import { eksManagedAddon } from "./eks-addon";

/** The add-on version for Kubernetes 1.35 (how to refresh it: eks-addon.ts). */
export const COREDNS_PIN: EksAddonPin = {
  version: "v1.14.3-eksbuild.3",
  kubernetesVersion: "1.35",
  source:
    'Amazon EKS user guide, "CoreDNS versions" table (managing-coredns), row Kubernetes 1.35 = v1.14.3-eksbuild.3 ' +
    "(read in the ja_jp edition at docs.aws.amazon.com, the same edition as kube-proxy; its table already lists 1.36).",
  checked: "2026-11-23",
};

/** The coredns add-on: 2 replicas x 100m / 70Mi (the EKS CoreDNS Deployment, checked 2026-11-23). */
export const coreDns: ClusterAddon = eksManagedAddon({
  name: "coredns",
  pin: COREDNS_PIN,
  purpose: "cluster DNS for Services and pods",
  phase: "with-nodes",
  footprint: [{ name: "coredns", replicas: 2, cpuMillis: 100, memoryMiB: 70, source: "EKS CoreDNS add-on" }],
});
