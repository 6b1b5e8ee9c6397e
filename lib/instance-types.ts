/**
 * What the blueprint knows about EC2 instance types: enough to tell a GPU type
 * from a CPU type, to count GPUs for the policies, and to size node groups.
 * Prices live in cost/prices.ts; an unknown type is still allowed where its
 * family is known, and the cost model then reports it as unpriced.
 */

/** NVIDIA GPU families on x86_64 that the EKS `AL2023_x86_64_NVIDIA` AMI supports. */
export const NVIDIA_X86_GPU_FAMILIES = ["g4dn", "g5", "g6", "g6e", "gr6", "p3", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en"] as const;

/** GPU families we refuse for GPU node groups, with the reason shown to the user. */
const UNSUPPORTED_ACCELERATOR_FAMILIES: Record<string, string> = {
  g4ad: "AMD Radeon GPUs: the NVIDIA AMI and device plugin do not drive them",
  g5g: "Arm (Graviton) with NVIDIA T4G: needs the AL2023_ARM_64_NVIDIA AMI, which the GPU node groups do not use",
  inf1: "AWS Inferentia: needs the Neuron device plugin, not NVIDIA's",
  inf2: "AWS Inferentia: needs the Neuron device plugin, not NVIDIA's",
  trn1: "AWS Trainium: needs the Neuron device plugin, not NVIDIA's",
  trn2: "AWS Trainium: needs the Neuron device plugin, not NVIDIA's",
  dl1: "Habana Gaudi: needs Habana's device plugin, not NVIDIA's",
};

export interface InstanceShape {
  vcpu: number;
  memoryGiB: number;
  /** NVIDIA GPUs per instance (0 for CPU types). */
  gpus: number;
  gpuModel?: string;
}

/** Shapes of the instance types the presets and docs mention (AWS instance type pages). */
export const INSTANCE_SHAPES: Record<string, InstanceShape> = {
  "t3.medium": { vcpu: 2, memoryGiB: 4, gpus: 0 },
  "t3.large": { vcpu: 2, memoryGiB: 8, gpus: 0 },
  "t3.xlarge": { vcpu: 4, memoryGiB: 16, gpus: 0 },
  "m5.large": { vcpu: 2, memoryGiB: 8, gpus: 0 },
  "m5.xlarge": { vcpu: 4, memoryGiB: 16, gpus: 0 },
  "m6i.large": { vcpu: 2, memoryGiB: 8, gpus: 0 },
  "m6i.xlarge": { vcpu: 4, memoryGiB: 16, gpus: 0 },
  "m7i.large": { vcpu: 2, memoryGiB: 8, gpus: 0 },
  "m7i.xlarge": { vcpu: 4, memoryGiB: 16, gpus: 0 },
  "c6i.xlarge": { vcpu: 4, memoryGiB: 8, gpus: 0 },
  "g4dn.xlarge": { vcpu: 4, memoryGiB: 16, gpus: 1, gpuModel: "T4" },
  "g4dn.2xlarge": { vcpu: 8, memoryGiB: 32, gpus: 1, gpuModel: "T4" },
  "g4dn.12xlarge": { vcpu: 48, memoryGiB: 192, gpus: 4, gpuModel: "T4" },
  "g5.xlarge": { vcpu: 4, memoryGiB: 16, gpus: 1, gpuModel: "A10G" },
  "g5.2xlarge": { vcpu: 8, memoryGiB: 32, gpus: 1, gpuModel: "A10G" },
  "g5.4xlarge": { vcpu: 16, memoryGiB: 64, gpus: 1, gpuModel: "A10G" },
  "g5.12xlarge": { vcpu: 48, memoryGiB: 192, gpus: 4, gpuModel: "A10G" },
  "g5.48xlarge": { vcpu: 192, memoryGiB: 768, gpus: 8, gpuModel: "A10G" },
  "g6.xlarge": { vcpu: 4, memoryGiB: 16, gpus: 1, gpuModel: "L4" },
  "g6.2xlarge": { vcpu: 8, memoryGiB: 32, gpus: 1, gpuModel: "L4" },
  "g6.12xlarge": { vcpu: 48, memoryGiB: 192, gpus: 4, gpuModel: "L4" },
  "g6e.xlarge": { vcpu: 4, memoryGiB: 32, gpus: 1, gpuModel: "L40S" },
  "g6e.12xlarge": { vcpu: 48, memoryGiB: 384, gpus: 4, gpuModel: "L40S" },
  "p3.2xlarge": { vcpu: 8, memoryGiB: 61, gpus: 1, gpuModel: "V100" },
  "p4d.24xlarge": { vcpu: 96, memoryGiB: 1152, gpus: 8, gpuModel: "A100" },
  "p5.48xlarge": { vcpu: 192, memoryGiB: 2048, gpus: 8, gpuModel: "H100" },
};

/** The family of an instance type: "g5" for "g5.xlarge". */
export function instanceFamily(instanceType: string): string {
  return instanceType.split(".")[0] ?? instanceType;
}

const INSTANCE_TYPE_PATTERN = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;

/** True when the string has the shape of an EC2 instance type ("m5.large"). */
export function looksLikeInstanceType(instanceType: string): boolean {
  return INSTANCE_TYPE_PATTERN.test(instanceType);
}

/** True for NVIDIA x86_64 GPU instance types that GPU node groups accept. */
export function isNvidiaGpuType(instanceType: string): boolean {
  return (NVIDIA_X86_GPU_FAMILIES as readonly string[]).includes(instanceFamily(instanceType));
}

/** True for any accelerated type (NVIDIA, AMD, Neuron, Gaudi): never for a CPU pool. */
export function isAcceleratedType(instanceType: string): boolean {
  return isNvidiaGpuType(instanceType) || instanceFamily(instanceType) in UNSUPPORTED_ACCELERATOR_FAMILIES;
}

/** Why an accelerated type cannot back a GPU node group, or undefined when it can. */
export function unsupportedAcceleratorReason(instanceType: string): string | undefined {
  return UNSUPPORTED_ACCELERATOR_FAMILIES[instanceFamily(instanceType)];
}

/** GPUs per instance, or undefined when the type is not in the catalogue. */
export function gpusPerInstance(instanceType: string): number | undefined {
  const shape = INSTANCE_SHAPES[instanceType];
  if (shape) return shape.gpus;
  return isAcceleratedType(instanceType) ? undefined : 0;
}
