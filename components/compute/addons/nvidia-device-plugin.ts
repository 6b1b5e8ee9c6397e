/**
 * The NVIDIA device plugin: advertises `nvidia.com/gpu` on GPU nodes so pods
 * can request GPUs. The AL2023 NVIDIA AMI ships the driver and container
 * toolkit, so the plugin is all the cluster needs. Chart pin, values and
 * installer in one place (modelled on cdk-eks-blueprints' lib/addons/<name>).
 */
import type { ChartPin } from "../../../lib/versions";
import { GPU_TOLERATION, POOL_LABEL, Toleration } from "../labels";
import type { ClusterAddon } from "./addon";

/**
 * Chart 0.20.0 was published 2026-08-20 (source: the chart repository index,
 * https://nvidia.github.io/k8s-device-plugin/index.yaml, and the tag v0.20.0
 * of NVIDIA/k8s-device-plugin). Its kubeVersion is ">= 1.10.0-0", so 1.35
 * and 1.36 (the tests render the chart at both); checked 2026-11-23, the 1.36
 * render 2026-12-07.
 */
export const NVIDIA_DEVICE_PLUGIN_CHART: ChartPin = {
  repo: "https://nvidia.github.io/k8s-device-plugin",
  chart: "nvidia-device-plugin",
  version: "0.20.0",
};

export interface DevicePluginValues {
  tolerations: Toleration[];
  nodeSelector: Record<string, string>;
}

/**
 * Values: the plugin must tolerate the GPU taint (or it could never run where
 * the GPUs are); the nodeSelector keeps it on the GPU pools and ANDs with the
 * chart's default affinity on nvidia.com/gpu.present=true.
 */
export function devicePluginValues(): DevicePluginValues {
  return {
    tolerations: [GPU_TOLERATION, { key: "CriticalAddonsOnly", operator: "Exists" }],
    nodeSelector: { [POOL_LABEL]: "gpu" },
  };
}

/**
 * Installed in kube-system as `<cluster component>-nvidia-device-plugin`, in
 * every cluster. A DaemonSet on the GPU pools only (none on the system
 * pool); with no GPU node running it is fine, and free.
 */
export const nvidiaDevicePlugin: ClusterAddon = {
  id: NVIDIA_DEVICE_PLUGIN_CHART.chart,
  pin: { helm: NVIDIA_DEVICE_PLUGIN_CHART },
  purpose: "Advertises each GPU node's GPUs to Kubernetes (`nvidia.com/gpu`), so GPU pods can be scheduled",
  phase: "in-cluster",
  settings: {},
  footprint: [],
  // The chart requests nothing for the plugin; it still takes a pod slot on each GPU node.
  gpuNodeFootprint: [
    { name: "nvidia-device-plugin", replicas: 1, cpuMillis: 0, memoryMiB: 0, perNode: true, source: "nvidia-device-plugin chart 0.20.0 (no requests)" },
  ],
  enabled: () => true,
  iamRoleNames: () => [],
  install: ({ declare, owner, parent, cluster, dependsOn }) => {
    const release = declare.helmRelease(
      `${owner}-nvidia-device-plugin`,
      NVIDIA_DEVICE_PLUGIN_CHART,
      {
        namespace: "kube-system",
        values: { ...devicePluginValues() },
      },
      { parent, provider: cluster.provider, dependsOn },
    );
    return { resources: [release], roles: [] };
  },
};
