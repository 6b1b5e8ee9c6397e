/**
 * CoreDNS (EKS managed add-on `coredns`): the cluster's DNS. A Deployment, so
 * it is installed once the system pool has a node.
 */
import type { EksAddonPin } from "../../../lib/versions";
import type { ClusterAddon } from "./addon";
import { DESCRIBED_FOR_1_36, eksManagedAddon } from "./eks-addon";

/** The add-on version per Kubernetes minor (how to refresh them: eks-addon.ts). */
export const COREDNS_PINS: readonly EksAddonPin[] = [
  {
    version: "v1.14.3-eksbuild.3",
    kubernetesVersion: "1.35",
    source:
      'Amazon EKS user guide, "CoreDNS versions" table (managing-coredns), row Kubernetes 1.35 = v1.14.3-eksbuild.3 ' +
      "(read in the ja_jp edition at docs.aws.amazon.com, the same edition as kube-proxy; its table already lists 1.36).",
    checked: "2026-11-23",
  },
  {
    version: "v1.14.3-eksbuild.14",
    kubernetesVersion: "1.36",
    source: DESCRIBED_FOR_1_36 + ": coredns v1.14.3-eksbuild.14, the default for 1.36 (EKS Distro 1-36 ships CoreDNS v1.14.3 from v1-36-eks-6, 2026-07-27).",
    checked: "2026-12-07",
  },
];

/** The coredns add-on: 2 replicas x 100m / 70Mi (the EKS CoreDNS Deployment, checked 2026-11-23). */
export const coreDns: ClusterAddon = eksManagedAddon({
  name: "coredns",
  pins: COREDNS_PINS,
  purpose: "cluster DNS for Services and pods",
  phase: "with-nodes",
  footprint: [{ name: "coredns", replicas: 2, cpuMillis: 100, memoryMiB: 70, source: "EKS CoreDNS add-on" }],
});
