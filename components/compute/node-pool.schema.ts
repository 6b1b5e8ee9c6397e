/**
 * Node groups as zod schemas: a GPU pool (`{ name, instanceTypes }` is
 * enough: everything else has a default) and the CPU system pool. Shared by
 * GpuCluster, GpuNodePool and the `cluster` stack config.
 */
import { z } from "zod";
import { isAcceleratedType, isNvidiaGpuType, looksLikeInstanceType, unsupportedAcceleratorReason } from "../../lib/instance-types";
import { type ArgProblem, withType } from "../../lib/validate";

const HOME = "components/compute/node-pool.args.ts";

export const CAPACITY_TYPES = ["ON_DEMAND", "SPOT"] as const;

const instanceType = z.string().refine(looksLikeInstanceType, "must be an EC2 instance type such as m6i.large");

/** An NVIDIA x86_64 instance type: the GPU pools run the NVIDIA AMI, the device plugin and CUDA images. */
export const gpuInstanceType = instanceType.superRefine((t, ctx) => {
  if (!looksLikeInstanceType(t) || isNvidiaGpuType(t)) return;
  const reason = unsupportedAcceleratorReason(t);
  ctx.addIssue({
    code: "custom",
    message: reason
      ? `is not usable for a GPU node group (${reason}); use an NVIDIA x86_64 type such as g5.xlarge, g6.xlarge or p4d.24xlarge`
      : "is not a GPU instance type; GPU node groups take NVIDIA x86_64 types such as g4dn.xlarge, g5.xlarge, g6.xlarge, p4d.24xlarge",
  });
});

/** A CPU instance type, for the system pool. */
export const cpuInstanceType = instanceType.refine(
  (t) => !isAcceleratedType(t),
  "is a GPU/accelerator type: the system node group runs CPU add-ons only (put GPUs in gpuNodeGroups)",
);

const nodes = (what: string) => z.number().int(`${what} must be a whole number of nodes`).min(0, `${what} cannot be negative`);
// EKS managed node groups: root volume 1-16,384 GiB for gp3; below 20 GB the EKS AMIs do not fit with images (EC2 EBS limits, checked 2026-11-23).
const diskSizeGb = z
  .number()
  .int("diskSizeGb must be a whole number of GB")
  .min(20, "diskSizeGb must be at least 20 (GB)")
  .max(16384, "diskSizeGb must be at most 16384 (GB), gp3's largest volume");

/** A pool's name: it names node groups, launch templates and the `ml-platform/node-group` label. */
export const poolName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/, "must be 2-22 characters of lower-case letters, digits and '-', starting with a letter");

/** A GPU pool as given: `{ name, instanceTypes }` is enough. */
export const GpuPoolInput = withType(
  z.strictObject({
    name: poolName.describe(
      "Short name: node groups are named `<cluster>-gpu-<name>-<zone index>`, and nodes carry the label `ml-platform/node-group: <name>`.",
    ),
    instanceTypes: z
      .array(gpuInstanceType)
      .min(1, "give at least one GPU instance type")
      .describe("NVIDIA x86_64 instance types; the first is what the cost model's expected figure uses."),
    capacityType: z.enum(CAPACITY_TYPES).describe("ON_DEMAND or SPOT (about 55 % cheaper, may be reclaimed).").default("ON_DEMAND"),
    minSize: nodes("minSize").describe("Nodes that always run, summed over the pool's AZs; 0 costs nothing while idle.").default(0),
    desiredSize: nodes("desiredSize")
      .optional()
      .describe(
        "Nodes at creation; later `pulumi up`s leave it to the add-on that adds nodes where one runs (Series B), and keep it where none does (MVP). Default: minSize.",
      ),
    maxSize: nodes("maxSize")
      .min(1, "maxSize must be at least 1")
      .optional()
      .describe("The pool's cap, summed over its per-AZ node groups. Default: minSize, at least 1."),
    diskSizeGb: diskSizeGb.describe("Root volume (gp3, GB) of each node: CUDA images are large.").default(100),
  }),
  { typeName: "GpuNodeGroupInput", home: HOME, doc: "A GPU pool as a caller gives it: `{ name, instanceTypes }` is enough." },
);

/** A GPU pool with every default applied. */
export const GpuPoolSettings = withType(
  GpuPoolInput.transform((p) => ({
    ...p,
    desiredSize: p.desiredSize ?? p.minSize,
    maxSize: p.maxSize ?? Math.max(1, p.minSize),
  })),
  {
    outputTypeName: "GpuNodeGroupSettings",
    outputRequired: ["desiredSize", "maxSize"],
    home: HOME,
    doc: "A GPU pool with every default applied: one EKS node group per AZ, all carrying the pool's name as a label.",
  },
);

/** The CPU system pool (over all AZs): CoreDNS, the add-ons, the autoscaler and platform services. */
export const SystemPoolSettings = withType(
  z.strictObject({
    instanceTypes: z.array(cpuInstanceType).min(1, "give at least one instance type").describe("CPU instance types of the system pool.").default(["t3.large"]),
    capacityType: z.enum(CAPACITY_TYPES).describe("ON_DEMAND or SPOT.").default("ON_DEMAND"),
    minSize: nodes("minSize").min(1, "must be at least 1: CoreDNS and the add-ons need a CPU node").describe("Nodes that always run.").default(2),
    desiredSize: nodes("desiredSize").describe("Nodes at creation.").default(2),
    maxSize: nodes("maxSize").min(1, "maxSize must be at least 1").describe("Most nodes the pool may grow to.").default(3),
    diskSizeGb: diskSizeGb.describe("Root volume (gp3, GB) of each node.").default(50),
  }),
  { typeName: "NodeGroupInput", outputTypeName: "NodeGroupSettings", home: HOME, doc: "The CPU system pool (over all AZs)." },
);

/** Sizes that pass one by one but not together, at `path` (e.g. "gpuNodeGroups[0]"). */
export function poolSizeProblems(path: string, g: { minSize: number; desiredSize: number; maxSize: number }): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (g.minSize > g.maxSize) problems.push({ path: `${path}.minSize`, value: g.minSize, message: `cannot exceed maxSize (${g.maxSize})` });
  else if (g.desiredSize < g.minSize || g.desiredSize > g.maxSize)
    problems.push({ path: `${path}.desiredSize`, value: g.desiredSize, message: `must lie between minSize (${g.minSize}) and maxSize (${g.maxSize})` });
  return problems;
}
