/**
 * Every in-cluster add-on, by the component that installs it, in the order
 * it installs them. The installers, the system pool's capacity check, the
 * name-length check and the docs all read these lists; an add-on is added
 * here once, with its own file next to this one.
 */
import type { Addon, ClusterAddon } from "./addon";
import { vpcCni } from "./vpc-cni";
import { kubeProxy } from "./kube-proxy";
import { coreDns } from "./coredns";
import { ebsCsiDriver } from "./ebs-csi-driver";
import { nvidiaDevicePlugin } from "./nvidia-device-plugin";
import { clusterAutoscaler } from "./cluster-autoscaler";
import { awsLoadBalancerController } from "./aws-load-balancer-controller";
import { metricsServer } from "./metrics-server";
import { argoRollouts } from "./argo-rollouts";
import { kubePrometheusStack } from "./kube-prometheus-stack";
import { dcgmExporter } from "./dcgm-exporter";

/** GpuCluster's add-ons, in declaration order (each in its phase). */
export const CLUSTER_ADDONS = [vpcCni, kubeProxy, coreDns, ebsCsiDriver, nvidiaDevicePlugin, clusterAutoscaler] as const;

/** ModelServing's add-ons. */
export const SERVING_ADDONS = [awsLoadBalancerController, metricsServer, argoRollouts] as const;

/** Monitoring's add-ons. */
export const MONITORING_ADDONS = [kubePrometheusStack, dcgmExporter] as const;

/** Every add-on the platform can install. */
export const ADDONS: readonly Addon<never, never>[] = [...CLUSTER_ADDONS, ...SERVING_ADDONS, ...MONITORING_ADDONS];

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
type ArgsOf<T> = T extends ClusterAddon<infer A> ? A : never;

/** The arguments the cluster's add-ons add to GpuClusterArgs, each optional with its default. */
export type ClusterAddonArgs = UnionToIntersection<ArgsOf<(typeof CLUSTER_ADDONS)[number]>>;

/** The add-on settings among a cluster's settings (what index.ts passes GpuCluster for them). */
export function clusterAddonSettings(settings: Required<ClusterAddonArgs>): ClusterAddonArgs {
  const keys = CLUSTER_ADDONS.flatMap((a) => Object.keys(a.settings));
  return Object.fromEntries(keys.map((k) => [k, (settings as Record<string, unknown>)[k]])) as ClusterAddonArgs;
}
