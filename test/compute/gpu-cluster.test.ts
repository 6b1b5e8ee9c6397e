/**
 * GpuCluster and its parts: pure helpers first (no Pulumi engine), then the
 * component as the offline plan sees it (plan/engine.ts under mocks), for two
 * fixture stacks in test/fixtures/stacks: the MVP preset (no autoscaler,
 * private endpoint, automatic zones, no deployer role) and a Series B variant
 * (autoscaler, pinned zones, public CIDR, extra private-endpoint sources, a
 * deployer role, access entries, three GPU pools).
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { StorageClass } from "kubernetes-models/storage.k8s.io/v1/StorageClass";
import { Pod } from "kubernetes-models/v1/Pod";
import { Toleration as TolerationModel } from "kubernetes-models/v1/Toleration";
import {
  CLUSTER_AUTOSCALER_CHART,
  CLUSTER_AUTOSCALER_IMAGE_TAGS,
  clusterAutoscalerImageTag,
  clusterAutoscalerPolicy,
  clusterAutoscalerValues,
  eksManagedAsgTags,
  nodeTemplateTagSlug,
  nodeTemplateTags,
} from "../../components/compute/addons/cluster-autoscaler";
import { NVIDIA_DEVICE_PLUGIN_CHART, devicePluginValues } from "../../components/compute/addons/nvidia-device-plugin";
import { GpuCluster } from "../../components/compute/gpu-cluster";
import { Network } from "../../components/network/network";
import { resolveWithAccess as resolvePlatformSpec } from "../support/cluster-access";
import type { GpuNodeGroupSettings } from "../../components/compute/node-pool.args";
import { ACCELERATOR_LABEL, GPU_TAINT, acceleratorLabelValue, gpuNodeLabels, gpusPerNode } from "../../components/compute/labels";
import { ACCESS_POLICY_ARNS, accessGrants, apiAccessRules } from "../../components/compute/access";
import { gpuNodeGroupAsgTags } from "../../components/compute/node-tags";
import { chooseZoneIds, splitPoolAcrossZones } from "../../components/compute/zones";
import { gp3StorageClass } from "../../components/compute/storage-class";
import { kubeconfig } from "../../components/compute/kubeconfig";
import { nodeLaunchTemplate } from "../../components/compute/launch-template";
import { PolicyDocument } from "../../components/data/bucket-policy";
import { INSTANCE_SHAPES, isAcceleratedType } from "../../lib/instance-types";
import { KUBERNETES_VERSION, SUPPORTED_KUBERNETES_VERSIONS, helmChartName } from "../../lib/versions";
import { eksAddonVersion } from "../../components/compute/addons/eks-addon";
import { CLUSTER_ADDONS } from "../../components/compute/addons/registry";
import { PlanRun, PlannedResource, SECRET_PLACEHOLDER, planStack } from "../../plan/engine";
import { evaluatePolicies, stagePolicyConfig } from "../../policies/evaluate";

const TEMPLATE = "k8s.io/cluster-autoscaler/node-template";

const group = (name: string, instanceTypes: string[]): GpuNodeGroupSettings => ({
  name,
  instanceTypes,
  capacityType: "ON_DEMAND",
  minSize: 0,
  desiredSize: 0,
  maxSize: 2,
  diskSizeGb: 100,
});

// ------------------------------------------------------------ pure helpers

describe("nodeTemplateTags (scale from zero)", () => {
  it("describes a 4-GPU node: labels incl. the accelerator label, the taint in Kubernetes spelling, the GPU count", () => {
    expect(nodeTemplateTags(group("training", ["g5.12xlarge"]))).toEqual({
      [`${TEMPLATE}/label/ml-platform/pool`]: "gpu",
      [`${TEMPLATE}/label/ml-platform/node-group`]: "training",
      [`${TEMPLATE}/label/nvidia.com/gpu.present`]: "true",
      [`${TEMPLATE}/label/k8s.amazonaws.com/accelerator`]: "nvidia-a10g",
      [`${TEMPLATE}/taint/nvidia.com/gpu`]: "true:NoSchedule",
      [`${TEMPLATE}/resources/nvidia.com/gpu`]: "4",
    });
  });

  it("never includes the discovery tags EKS sets on managed node group ASGs itself", () => {
    const tags = nodeTemplateTags(group("training", ["g5.12xlarge"]));
    for (const key of Object.keys(eksManagedAsgTags("mlp-prod-cluster"))) expect(tags).not.toHaveProperty(key);
    expect(Object.keys(eksManagedAsgTags("c"))).toEqual(["k8s.io/cluster-autoscaler/enabled", "k8s.io/cluster-autoscaler/c"]);
  });

  it("omits the GPU count when the instance type is not in the catalogue", () => {
    const tags = nodeTemplateTags(group("frontier", ["p5e.48xlarge"]));
    expect(tags).not.toHaveProperty(`${TEMPLATE}/resources/nvidia.com/gpu`);
    expect(tags[`${TEMPLATE}/taint/nvidia.com/gpu`]).toBe("true:NoSchedule");
  });

  it("omits the GPU count when the group mixes instance types with different counts", () => {
    expect(gpusPerNode(["g5.xlarge", "g5.12xlarge"])).toBeUndefined();
    expect(gpusPerNode(["g5.xlarge", "g6.xlarge"])).toBe(1);
    expect(nodeTemplateTags(group("mixed", ["g5.xlarge", "g5.12xlarge"]))).not.toHaveProperty(`${TEMPLATE}/resources/nvidia.com/gpu`);
  });

  it("are what every GPU node group's ASG carries (node-tags.ts takes them from the add-ons), each with its slug", () => {
    const pool = group("training", ["g5.12xlarge"]);
    expect(gpuNodeGroupAsgTags(pool)).toEqual(Object.entries(nodeTemplateTags(pool)).map(([key, value]) => ({ slug: nodeTemplateTagSlug(key), key, value })));
  });

  it("gives every tag a distinct resource-name slug", () => {
    const keys = Object.keys(nodeTemplateTags(group("training", ["g5.12xlarge"])));
    const slugs = keys.map((k) => nodeTemplateTagSlug(k));
    expect(new Set(slugs).size).toBe(keys.length);
    expect(slugs).toContain("taint-nvidia-com-gpu");
    expect(slugs).toContain("label-k8s-amazonaws-com-accelerator");
  });
});

describe("the accelerator label (Cluster Autoscaler on AWS)", () => {
  it("names the GPU model as the autoscaler's AWS provider spells it", () => {
    expect(ACCELERATOR_LABEL).toBe("k8s.amazonaws.com/accelerator");
    expect(acceleratorLabelValue(["g5.xlarge"])).toBe("nvidia-a10g");
    expect(acceleratorLabelValue(["g6.12xlarge"])).toBe("nvidia-l4");
    expect(acceleratorLabelValue(["g4dn.xlarge"])).toBe("nvidia-tesla-t4");
    expect(acceleratorLabelValue(["p4d.24xlarge"])).toBe("nvidia-tesla-a100");
  });

  it("a pool mixing GPU models says which models it may have; an unknown type still gets the label", () => {
    expect(acceleratorLabelValue(["g6.xlarge", "g5.xlarge"])).toBe("nvidia-a10g_nvidia-l4");
    expect(acceleratorLabelValue(["p5e.48xlarge"])).toBe("nvidia");
    for (const types of [
      ["g5.xlarge", "g6.xlarge"],
      ["g5.12xlarge", "g6.12xlarge", "g4dn.12xlarge"],
    ]) {
      expect(acceleratorLabelValue(types)).toMatch(/^[a-z0-9]([-a-z0-9_.]{0,61}[a-z0-9])?$/); // a valid label value
    }
  });

  it("GPU node labels include the device plugin's affinity label and the accelerator label", () => {
    expect(gpuNodeLabels({ name: "inference", instanceTypes: ["g5.xlarge"] })).toEqual({
      "ml-platform/pool": "gpu",
      "ml-platform/node-group": "inference",
      "nvidia.com/gpu.present": "true",
      "k8s.amazonaws.com/accelerator": "nvidia-a10g",
    });
  });
});

describe("splitPoolAcrossZones: one node group per AZ, the pool's cap is the sum", () => {
  const sum = (xs: { maxSize: number }[]) => xs.reduce((s, x) => s + x.maxSize, 0);

  it("a pool of 4 over 3 AZs gets 2, 1, 1: never 4 per AZ", () => {
    const groups = splitPoolAcrossZones({ minSize: 0, desiredSize: 0, maxSize: 4 }, 3);
    expect(groups.map((g) => [g.zoneIndex, g.maxSize])).toEqual([
      [0, 2],
      [1, 1],
      [2, 1],
    ]);
    expect(sum(groups)).toBe(4);
  });

  it("a pool capped below the AZ count uses only the first maxSize AZs (EKS node groups need maxSize >= 1)", () => {
    expect(splitPoolAcrossZones({ minSize: 0, desiredSize: 0, maxSize: 1 }, 2).map((g) => g.zoneIndex)).toEqual([0]);
    expect(splitPoolAcrossZones({ minSize: 0, desiredSize: 0, maxSize: 2 }, 3).map((g) => [g.zoneIndex, g.maxSize])).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });

  it("the sum equals the cap for every cap and AZ count, and min/desired split within each group's max", () => {
    for (let zones = 1; zones <= 3; zones++) {
      for (let cap = 1; cap <= 9; cap++) {
        for (const min of [0, 1, cap]) {
          const groups = splitPoolAcrossZones({ minSize: min, desiredSize: min, maxSize: cap }, zones);
          expect(sum(groups)).toBe(cap);
          expect(groups.reduce((s, g) => s + g.minSize, 0)).toBe(min);
          for (const g of groups) {
            expect(g.maxSize).toBeGreaterThanOrEqual(1);
            expect(g.minSize).toBeLessThanOrEqual(g.desiredSize);
            expect(g.desiredSize).toBeLessThanOrEqual(g.maxSize);
          }
        }
      }
    }
  });
});

describe("chooseZoneIds: AZs by zone ID, stable, EKS-capable", () => {
  it("sorts zone IDs numerically and leaves out the zones EKS refuses", () => {
    expect(chooseZoneIds(["use1-az4", "use1-az6", "use1-az1", "use1-az2", "use1-az3", "use1-az5"], 3)).toEqual(["use1-az1", "use1-az2", "use1-az4"]);
    expect(chooseZoneIds(["usw1-az1", "usw1-az2", "usw1-az3"], 2)).toEqual(["usw1-az1", "usw1-az3"]);
    expect(chooseZoneIds(["cac1-az4", "cac1-az3", "cac1-az2", "cac1-az1"], 3)).toEqual(["cac1-az1", "cac1-az2", "cac1-az4"]);
    expect(chooseZoneIds(["x1-az10", "x1-az9", "x1-az2"], 2)).toEqual(["x1-az2", "x1-az9"]);
  });

  it("depends only on which zones exist: order of the answer does not matter, growing 2 -> 3 keeps the first two", () => {
    const all = ["euw2-az2", "euw2-az3", "euw2-az1"];
    expect(chooseZoneIds([...all].reverse(), 2)).toEqual(chooseZoneIds(all, 2));
    expect(chooseZoneIds(all, 3).slice(0, 2)).toEqual(chooseZoneIds(all, 2));
  });

  it("refuses a region with too few usable zones", () => {
    expect(() => chooseZoneIds(["usw1-az1", "usw1-az2"], 2)).toThrow(/1 availability zones EKS can use/);
  });
});

describe("node launch templates", () => {
  it("require IMDSv2 with hop limit 1, carry the encrypted gp3 root volume and tag instances and volumes", () => {
    const lt = nodeLaunchTemplate({ diskSizeGb: 100, tags: { owner: "o", costCenter: "c" } });
    expect(lt.metadataOptions).toEqual({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" });
    expect(lt.blockDeviceMappings).toEqual([
      { deviceName: "/dev/xvda", ebs: { volumeSize: 100, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
    ]);
    expect(lt.tagSpecifications.map((t) => t.resourceType).sort()).toEqual(["instance", "network-interface", "volume"]);
    for (const t of lt.tagSpecifications) expect(t.tags).toEqual({ owner: "o", costCenter: "c" });
  });
});

describe("API endpoint access rules", () => {
  it("admit the VPC by default, then extra CIDRs and security groups, each once, with stable names", () => {
    expect(apiAccessRules([], [])).toEqual([{ slug: "vpc", description: "Kubernetes API from inside the VPC" }]);
    const rules = apiAccessRules(["10.8.0.0/16", "10.8.0.0/16"], ["sg-0123456789abcdef0"]);
    expect(rules.map((r) => r.slug)).toEqual(["vpc", "cidr-10-8-0-0-16", "sg-sg-0123456789abcdef0"]);
    expect(rules[1]).toMatchObject({ cidr: "10.8.0.0/16" });
    expect(rules[2]).toMatchObject({ securityGroupId: "sg-0123456789abcdef0" });
  });
});

describe("Kubernetes objects validate against the Kubernetes schema", () => {
  it("the gp3 StorageClass is valid, default, encrypted and waits for the pod's AZ", () => {
    const sc = gp3StorageClass();
    expect(() => new StorageClass(sc).validate()).not.toThrow();
    expect(sc.metadata.annotations["storageclass.kubernetes.io/is-default-class"]).toBe("true");
    expect(sc).toMatchObject({
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true" },
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
      reclaimPolicy: "Delete",
    });
  });

  it("validation catches a broken StorageClass (so the checks above cannot pass vacuously)", () => {
    const badMode = { ...gp3StorageClass(), volumeBindingMode: "WhenConvenient" } as unknown as ReturnType<typeof gp3StorageClass>;
    expect(() => new StorageClass(badMode).validate()).toThrow(/volumeBindingMode/);
    const { provisioner: _dropped, ...noProvisioner } = gp3StorageClass();
    void _dropped;
    expect(() => new StorageClass(noProvisioner as unknown as ReturnType<typeof gp3StorageClass>).validate()).toThrow(/provisioner/);
  });

  it("the device plugin's tolerations and nodeSelector are valid pod fields and match the GPU taint", () => {
    const values = devicePluginValues();
    for (const t of values.tolerations) expect(() => new TolerationModel(t).validate()).not.toThrow();
    // The EKS spelling of the effect is not a Kubernetes one: the model must refuse it.
    const eksSpelling = { key: "nvidia.com/gpu", operator: "Exists", effect: "NO_SCHEDULE" } as unknown as ConstructorParameters<typeof TolerationModel>[0];
    expect(() => new TolerationModel(eksSpelling).validate()).toThrow(/effect/);
    const pod = {
      metadata: { name: "probe" },
      spec: { containers: [{ name: "c", image: "busybox" }], tolerations: values.tolerations, nodeSelector: values.nodeSelector },
    };
    expect(() => new Pod(pod).validate()).not.toThrow();
    expect(values.tolerations).toContainEqual({ key: GPU_TAINT.key, operator: "Exists", effect: "NoSchedule" });
    expect(values.tolerations).toContainEqual({ key: "CriticalAddonsOnly", operator: "Exists" });
    expect(values.nodeSelector).toEqual({ "ml-platform/pool": "gpu" });
  });

  it("the autoscaler runs on the system pool, as a valid pod spec", () => {
    const values = clusterAutoscalerValues({ clusterName: "c", region: "us-east-1", roleArn: "arn:aws:iam::123456789012:role/ca", imageTag: "v1.35.0" });
    const pod = {
      metadata: { name: "probe" },
      spec: { containers: [{ name: "c", image: "busybox" }], nodeSelector: values.nodeSelector, priorityClassName: values.priorityClassName },
    };
    expect(() => new Pod(pod).validate()).not.toThrow();
    expect(values.nodeSelector).toEqual({ "ml-platform/pool": "system" });
  });
});

describe("pure helpers", () => {
  it("the kubeconfig authenticates with aws eks get-token for this cluster and region", () => {
    const cfg = kubeconfig("mlp-prod-cluster", "https://x.eks.amazonaws.com", "Q0E=", "eu-west-1");
    expect(cfg.clusters[0]!.cluster).toEqual({ server: "https://x.eks.amazonaws.com", "certificate-authority-data": "Q0E=" });
    const exec = cfg.users[0]!.user.exec;
    expect(exec.apiVersion).toBe("client.authentication.k8s.io/v1beta1");
    expect(exec.command).toBe("aws");
    expect(exec.args.join(" ")).toContain("eks get-token --cluster-name mlp-prod-cluster --region eu-west-1");
    expect(cfg["current-context"]).toBe(cfg.contexts[0]!.name);
  });

  it("autoscaler values: AWS, auto-discovery of this cluster, IRSA annotation, balanced per-AZ groups", () => {
    const values = clusterAutoscalerValues({ clusterName: "mlp-prod-cluster", region: "eu-west-1", roleArn: "arn:role", imageTag: "v1.35.0" });
    expect(values).toMatchObject({
      cloudProvider: "aws",
      awsRegion: "eu-west-1",
      autoDiscovery: { clusterName: "mlp-prod-cluster" },
      image: { tag: "v1.35.0" },
      rbac: { serviceAccount: { create: true, name: "cluster-autoscaler", annotations: { "eks.amazonaws.com/role-arn": "arn:role" } } },
      priorityClassName: "system-cluster-critical",
    });
    expect(values.extraArgs).toEqual({
      "balance-similar-node-groups": true,
      "skip-nodes-with-system-pods": false,
      "scale-down-unneeded-time": "10m",
      "scale-down-delay-after-add": "10m",
      expander: "least-waste",
    });
  });

  it("the autoscaler may scale only ASGs carrying the owned tag that EKS sets", () => {
    const scale = clusterAutoscalerPolicy("mlp-prod-cluster").Statement.find((s) => s.Sid === "ScaleOwnGroupsOnly")!;
    const [ownedKey] = Object.keys(eksManagedAsgTags("mlp-prod-cluster")).filter((k) => k.endsWith("/mlp-prod-cluster"));
    expect(scale.Condition).toEqual({ StringEquals: { [`aws:ResourceTag/${ownedKey}`]: "owned" } });
  });

  it("the autoscaler image moves with the Kubernetes pin, every supported minor has one, and an unpinned minor fails loudly", () => {
    expect(clusterAutoscalerImageTag(KUBERNETES_VERSION)).toBe("v1.35.2");
    for (const v of SUPPORTED_KUBERNETES_VERSIONS) expect(CLUSTER_AUTOSCALER_IMAGE_TAGS[v]).toMatch(new RegExp(`^v${v.replace(".", "\\.")}\\.`));
    expect(() => clusterAutoscalerImageTag("1.34")).toThrow(/cluster-autoscaler.ts/);
  });

  it("charts are pinned to exact versions", () => {
    expect(NVIDIA_DEVICE_PLUGIN_CHART).toEqual({ repo: "https://nvidia.github.io/k8s-device-plugin", chart: "nvidia-device-plugin", version: "0.20.0" });
    expect(CLUSTER_AUTOSCALER_CHART).toEqual({ repo: "https://kubernetes.github.io/autoscaler", chart: "cluster-autoscaler", version: "9.59.0" });
  });

  it("access grants map roles to the EKS admin and view policies, give the deployer its own entry, and refuse a role listed twice", () => {
    const grants = accessGrants(
      ["arn:aws:iam::111111111111:role/admins"],
      ["arn:aws:iam::111111111111:role/path/readers"],
      "arn:aws:iam::111111111111:role/deployer",
    );
    expect(grants.map((g) => [g.role, g.policyArn, g.slug])).toEqual([
      ["deployer", ACCESS_POLICY_ARNS.admin, ""],
      ["admin", ACCESS_POLICY_ARNS.admin, "admins"],
      ["readonly", ACCESS_POLICY_ARNS.readOnly, "readers"],
    ]);
    expect(ACCESS_POLICY_ARNS.admin).toBe("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
    expect(ACCESS_POLICY_ARNS.readOnly).toBe("arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy");
    expect(() => accessGrants(["arn:aws:iam::1:role/x"], ["arn:aws:iam::1:role/x"])).toThrow(/listed twice/);
    expect(() => accessGrants(["arn:aws:iam::1:role/x"], [], "arn:aws:iam::1:role/x")).toThrow(/as deployer and admin/);
    expect(accessGrants(["arn:aws:iam::1:role/x", "arn:aws:iam::2:role/x"], []).map((g) => g.slug)).toEqual(["x", "x-2"]);
  });

  it("the Spot training pool's types share one shape, as the autoscaler requires of a group", () => {
    const shapes = ["g5.12xlarge", "g6.12xlarge"].map((t) => INSTANCE_SHAPES[t]!);
    expect(new Set(shapes.map((s) => `${s.vcpu}/${s.memoryGiB}/${s.gpus}`)).size).toBe(1);
  });
});

describe("configuration of zones, deployer access and destroying data", () => {
  const base = {
    "aws:region": "us-east-1",
    "ml-platform:stage": "mvp",
    "ml-platform:environment": "prod",
    "ml-platform:tags": JSON.stringify({ owner: "o", costCenter: "c" }),
  };
  const problems = (extra: Record<string, unknown>) => {
    const raw: Record<string, string> = { ...base };
    for (const [k, v] of Object.entries(extra)) raw[k] = typeof v === "string" ? v : JSON.stringify(v);
    try {
      resolvePlatformSpec(raw, "t");
      return [];
    } catch (e) {
      return (e as { problems: { key: string; message: string }[] }).problems;
    }
  };

  it("zones are pinned by ID, never by name, and never to a zone EKS refuses", () => {
    expect(problems({ "ml-platform:network": { availabilityZoneIds: ["use1-az1", "use1-az2", "use1-az4"] } })).toEqual([]);
    expect(problems({ "ml-platform:network": { availabilityZoneIds: ["us-east-1a", "us-east-1b"] } })[0]).toMatchObject({
      key: "ml-platform:network.availabilityZoneIds[0]",
      message: expect.stringMatching(/AZ ID such as use1-az1/),
    });
    expect(problems({ "ml-platform:network": { availabilityZoneIds: ["use1-az1", "use1-az3"] } })[0]).toMatchObject({
      key: "ml-platform:network.availabilityZoneIds[1]",
      message: expect.stringMatching(/cannot host EKS/),
    });
    expect(problems({ "ml-platform:network": { azCount: 3, availabilityZoneIds: ["use1-az1", "use1-az2"] } })[0]).toMatchObject({
      key: "ml-platform:network.availabilityZoneIds",
      message: expect.stringMatching(/spans 3/),
    });
  });

  it("the deployer role gets one entry: listing it as admin too is refused", () => {
    const arn = "arn:aws:iam::111111111111:role/deployer";
    expect(problems({ "ml-platform:cluster": { deployerRoleArn: arn } })).toEqual([]);
    expect(problems({ "ml-platform:cluster": { deployerRoleArn: arn, adminRoleArns: [arn] } })[0]).toMatchObject({
      key: "ml-platform:cluster.adminRoleArns[0]",
      message: expect.stringMatching(/is also ml-platform:cluster\.deployerRoleArn/),
    });
    expect(problems({ "ml-platform:cluster": { privateAccessSecurityGroupIds: ["runner"] } })[0]).toMatchObject({
      key: "ml-platform:cluster.privateAccessSecurityGroupIds[0]",
    });
  });

  it("destroying data is allowed only where stateful resources are not protected", () => {
    expect(problems({ "ml-platform:allowDestroyWithData": true })[0]).toMatchObject({
      key: "ml-platform:allowDestroyWithData",
      message: expect.stringMatching(/contradicts protectStatefulResources/),
    });
    expect(problems({ "ml-platform:allowDestroyWithData": true, "ml-platform:protectStatefulResources": false })).toEqual([]);
  });
});

// ------------------------------------------------------- component, mocked

const STACKS = path.join(__dirname, "..", "fixtures", "stacks");

interface Planned {
  run: PlanRun;
  cluster: GpuCluster;
  /** Resource options per resource name, captured by a stack transformation. */
  ignoreChanges: Map<string, string[]>;
}

/** Declares a Network and a GpuCluster the way index.ts wires them, and plans the stack. */
async function plan(stack: string): Promise<Planned> {
  let cluster: GpuCluster | undefined;
  const ignoreChanges = new Map<string, string[]>();
  const program = () => {
    pulumi.runtime.registerStackTransformation((args) => {
      ignoreChanges.set(args.name, args.opts.ignoreChanges ?? []);
      return undefined;
    });
    const spec = resolvePlatformSpec(pulumi.runtime.allConfig(), pulumi.getStack());
    const { namePrefix: prefix, tags } = spec;
    const n = spec.network.settings;
    const c = spec.cluster.settings;
    const network = new Network(`${prefix}-network`, {
      cidrBlock: n.cidrBlock,
      azCount: n.azCount,
      availabilityZoneIds: n.availabilityZoneIds,
      natGateways: n.natGateways,
      tags,
    });
    cluster = new GpuCluster(`${prefix}-cluster`, {
      vpcId: network.vpcId,
      vpcCidrBlock: network.vpcCidrBlock,
      privateSubnetIds: network.privateSubnetIds,
      controlPlaneSubnetIds: network.controlPlaneSubnetIds,
      region: spec.region,
      kubernetesVersion: c.kubernetesVersion,
      publicAccessCidrs: c.publicAccessCidrs,
      privateAccessCidrs: c.privateAccessCidrs,
      privateAccessSecurityGroupIds: c.privateAccessSecurityGroupIds,
      logRetentionDays: c.logRetentionDays,
      deployerRoleArn: c.deployerRoleArn!,
      adminRoleArns: c.adminRoleArns,
      readOnlyRoleArns: c.readOnlyRoleArns,
      systemNodeGroup: c.systemNodeGroup,
      gpuNodeGroups: c.gpuNodeGroups,
      autoscaler: c.autoscaler,
      tags,
    });
    return {
      clusterName: cluster.clusterName,
      oidcProviderArn: cluster.oidcProviderArn,
      oidcIssuerUrl: cluster.oidcIssuerUrl,
      nodeRoleArn: cluster.nodeRoleArn,
      gpuNodeGroupNames: cluster.gpuNodeGroupNames,
      availabilityZoneIds: network.availabilityZoneIds,
    };
  };
  const run = await planStack(stack, { stacksDir: STACKS, program });
  return { run, cluster: cluster!, ignoreChanges };
}

const ofType = (run: PlanRun, type: string) => run.resources.filter((r) => r.type === type);
function named(run: PlanRun, type: string, name: string): PlannedResource {
  const found = run.resources.find((r) => r.type === type && r.name === name);
  if (!found)
    throw new Error(
      `no ${type} named ${name}; have: ${ofType(run, type)
        .map((r) => r.name)
        .join(", ")}`,
    );
  return found;
}
const input = <T>(r: PlannedResource, key: string) => r.inputs[key] as T;
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const gpuGroupsOf = (run: PlanRun) => ofType(run, NODE_GROUP).filter((r) => r.name.includes("-gpu-"));
/** "mlp-gpub-cluster-gpu-inference-2" -> "inference". */
const poolOf = (ng: PlannedResource) => ng.name.split("-gpu-")[1]!.replace(/-\d+$/, "");

interface Taint {
  key: string;
  value: string;
  effect: string;
}
interface Scaling {
  minSize: number;
  desiredSize: number;
  maxSize: number;
}

let mvp: Planned;
let seriesb: Planned;

beforeAll(async () => {
  mvp = await plan("gpu-mvp");
  seriesb = await plan("gpu-seriesb");
});

describe("GpuNodePool: per-AZ GPU node groups that cost nothing while idle", () => {
  it("every GPU node group is in one AZ, on the NVIDIA AMI, tainted, labelled (incl. the accelerator label) and starts at 0 nodes", () => {
    for (const { run } of [mvp, seriesb]) {
      const groups = gpuGroupsOf(run);
      expect(groups.length).toBeGreaterThanOrEqual(run.spec.cluster.settings.gpuNodeGroups.length);
      for (const ng of groups) {
        const pool = run.spec.cluster.settings.gpuNodeGroups.find((g) => g.name === poolOf(ng))!;
        expect(input<string[]>(ng, "subnetIds")).toHaveLength(1);
        expect(input(ng, "amiType")).toBe("AL2023_x86_64_NVIDIA");
        expect(input<Taint[]>(ng, "taints")).toEqual([{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }]);
        expect(input(ng, "labels")).toEqual({
          "ml-platform/pool": "gpu",
          "ml-platform/node-group": pool.name,
          "nvidia.com/gpu.present": "true",
          "k8s.amazonaws.com/accelerator": acceleratorLabelValue(pool.instanceTypes),
        });
        expect(input<Scaling>(ng, "scalingConfig")).toMatchObject({ minSize: 0, desiredSize: 0 });
      }
    }
  });

  it("a pool's per-AZ groups sum to the pool's cap, in distinct AZs, and a pool never spans more AZs than its cap", () => {
    const groups = gpuGroupsOf(seriesb.run);
    const byPool = new Map<string, PlannedResource[]>();
    for (const g of groups) byPool.set(poolOf(g), [...(byPool.get(poolOf(g)) ?? []), g]);
    const caps = Object.fromEntries([...byPool].map(([pool, gs]) => [pool, gs.map((g) => input<Scaling>(g, "scalingConfig").maxSize)]));
    expect(caps).toEqual({ inference: [2, 1, 1], training: [1, 1], frontier: [1] });
    for (const [pool, gs] of byPool) {
      const cap = seriesb.run.spec.cluster.settings.gpuNodeGroups.find((p) => p.name === pool)!.maxSize;
      expect(gs.reduce((s, g) => s + input<Scaling>(g, "scalingConfig").maxSize, 0)).toBe(cap);
      expect(new Set(gs.map((g) => input<string[]>(g, "subnetIds")[0])).size).toBe(gs.length);
    }
    // MVP: a 1-node pool lives in one AZ.
    expect(gpuGroupsOf(mvp.run).map((g) => g.name)).toEqual(["mlp-gputest-cluster-gpu-gpu-0"]);
  });

  it("GPU node groups wait for the vpc-cni add-on and the node role's policies", () => {
    for (const { run } of [mvp, seriesb]) {
      const prefix = `${run.spec.namePrefix}-cluster`;
      const cni = named(run, "aws:eks/addon:Addon", `${prefix}-vpc-cni`);
      const policies = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.name.startsWith(`${prefix}-node-`));
      expect(policies.length).toBe(2);
      for (const ng of ofType(run, NODE_GROUP)) expect(ng.dependencies).toEqual(expect.arrayContaining([cni.urn, ...policies.map((p) => p.urn)]));
    }
  });

  it("every node group has its own launch template: IMDSv2 required, hop limit 1, the disk in the template and not on the group", () => {
    for (const { run } of [mvp, seriesb]) {
      for (const ng of ofType(run, NODE_GROUP)) {
        const ref = input<{ name: string; version: string }>(ng, "launchTemplate");
        const lt = named(run, "aws:ec2/launchTemplate:LaunchTemplate", ref.name);
        expect(ng.propertyDependencies.launchTemplate).toContain(lt.urn);
        expect(input(lt, "metadataOptions")).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
        expect(input(ng, "diskSize")).toBeUndefined();
        const disk = input<{ ebs: { volumeSize: number } }[]>(lt, "blockDeviceMappings")[0]!.ebs.volumeSize;
        expect(disk).toBe(ng.name.includes("-gpu-") ? 100 : 50);
        // A template that set these would take the AMI, bootstrap or security groups away from EKS.
        for (const key of ["imageId", "userData", "vpcSecurityGroupIds", "instanceType"]) expect(input(lt, key)).toBeUndefined();
      }
    }
  });

  it("the desired size is left to the autoscaler after creation; where none runs (MVP) the program owns it", () => {
    for (const ng of ofType(seriesb.run, NODE_GROUP)) expect(seriesb.ignoreChanges.get(ng.name)).toEqual(["scalingConfig.desiredSize"]);
    // At MVP a raised minSize goes out with a desired size to match: EKS refuses desired < min.
    for (const ng of ofType(mvp.run, NODE_GROUP)) expect(mvp.ignoreChanges.get(ng.name)).toEqual([]);
  });

  it("each GPU node group's ASG carries the scale-from-zero tags, not propagated, and no tag EKS sets itself", () => {
    const { run } = seriesb;
    const clusterName = "mlp-gpub-cluster";
    const tags = ofType(run, "aws:autoscaling/tag:Tag");
    for (const t of tags) expect(Object.keys(eksManagedAsgTags(clusterName))).not.toContain(input<{ key: string }>(t, "tag").key);
    const expectedGpus: Record<string, string | undefined> = { inference: "1", training: "4", frontier: undefined };
    for (const ng of gpuGroupsOf(run)) {
      const mine = tags.filter((t) => (t.propertyDependencies.autoscalingGroupName ?? []).includes(ng.urn));
      const byKey = Object.fromEntries(
        mine.map((t) => {
          const tag = input<{ key: string; value: string; propagateAtLaunch: boolean }>(t, "tag");
          expect(tag.propagateAtLaunch).toBe(false);
          return [tag.key, tag.value];
        }),
      );
      const pool = poolOf(ng);
      expect(byKey[`${TEMPLATE}/label/ml-platform/pool`]).toBe("gpu");
      expect(byKey[`${TEMPLATE}/label/ml-platform/node-group`]).toBe(pool);
      expect(byKey[`${TEMPLATE}/label/nvidia.com/gpu.present`]).toBe("true");
      expect(byKey[`${TEMPLATE}/label/k8s.amazonaws.com/accelerator`]).toBe(input<Record<string, string>>(ng, "labels")["k8s.amazonaws.com/accelerator"]);
      expect(byKey[`${TEMPLATE}/taint/nvidia.com/gpu`]).toBe("true:NoSchedule");
      expect(byKey[`${TEMPLATE}/resources/nvidia.com/gpu`]).toBe(expectedGpus[pool]);
    }
  });

  it("the autoscaler's IAM condition matches the owned tag EKS puts on its node groups' ASGs", () => {
    const role = named(seriesb.run, "aws:iam/rolePolicy:RolePolicy", "mlp-gpub-cluster-autoscaler-inline");
    const policy = JSON.parse(input<string>(role, "policy")) as PolicyDocument;
    const scale = policy.Statement.find((s) => s.Sid === "ScaleOwnGroupsOnly")!;
    expect(scale.Condition).toEqual({ StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/mlp-gpub-cluster": "owned" } });
  });

  it("exports each pool's node group names, one per AZ it uses", () => {
    const names = seriesb.run.outputs.gpuNodeGroupNames as Record<string, string[]>;
    expect(Object.fromEntries(Object.entries(names).map(([k, v]) => [k, v.length]))).toEqual({ inference: 3, training: 2, frontier: 1 });
  });
});

describe("policies and the cost model see a pool as the sum of its per-AZ groups", () => {
  const provider = { type: "pulumi:providers:aws", name: "default", urn: "urn:pulumi:s::p::pulumi:providers:aws::default", props: { region: "us-east-1" } };
  const zonalGroup = (i: number, pool: string, maxSize: number) => ({
    urn: `urn:pulumi:s::p::aws:eks/nodeGroup:NodeGroup::c-gpu-${pool}-${i}`,
    type: "aws:eks/nodeGroup:NodeGroup",
    name: `c-gpu-${pool}-${i}`,
    props: {
      instanceTypes: ["g5.xlarge"],
      amiType: "AL2023_x86_64_NVIDIA",
      taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }],
      labels: { "ml-platform/node-group": pool },
      scalingConfig: { minSize: 0, desiredSize: 0, maxSize },
      // The program's tags: the stage tag selects the MVP's built-in limits (policies/stages.ts).
      tags: { owner: "ml-team", costCenter: "research", environment: "prod", stage: "mvp" },
    },
    provider,
  });

  it("the node-group caps sum a pool's per-AZ groups: each group passes the per-group cap, together they exceed it", () => {
    const groups = [0, 1, 2].map((i) => zonalGroup(i, "inference", 1));
    const verdicts = evaluatePolicies([provider, ...groups], stagePolicyConfig("mvp"));
    // node-group-size-caps and node-group-worst-case-spend see the pool: 3 nodes and 3 x $734/month.
    expect(verdicts.mandatory.map((v) => v.policy).sort()).toEqual(["node-group-size-caps", "node-group-worst-case-spend"]);
    expect(verdicts.mandatory.find((v) => v.policy === "node-group-size-caps")!.message).toMatch(
      /^pool inference \(3 node groups.*may scale to 3 GPU nodes; the cap is 2 /,
    );
    expect(verdicts.mandatory.find((v) => v.policy === "node-group-worst-case-spend")!.message).toMatch(
      /^pool inference \(3 node groups.*costs up to \$2,2\d\d\/month .*the cap is \$1,600 /,
    );
    // Pools are summed separately: 2 + 1 nodes in two pools pass.
    const twoPools = [zonalGroup(0, "a", 1), zonalGroup(1, "a", 1), zonalGroup(0, "b", 1)];
    expect(evaluatePolicies([provider, ...twoPools], stagePolicyConfig("mvp")).mandatory).toEqual([]);
  });
});

describe("GpuCluster: zones and subnets", () => {
  const subnets = (run: PlanRun) => ofType(run, "aws:ec2/subnet:Subnet").filter((s) => s.name.includes("-private-"));

  it("places subnets by zone ID: pinned IDs in the given order, else the sorted EKS-capable ones", () => {
    expect(subnets(seriesb.run).map((s) => input(s, "availabilityZoneId"))).toEqual(["euw2-az3", "euw2-az1", "euw2-az2"]);
    // The mock account offers use1-az4, az6, az1, az2, az3, az5 under names a..f.
    expect(subnets(mvp.run).map((s) => input(s, "availabilityZoneId"))).toEqual(["use1-az1", "use1-az2"]);
    for (const { run } of [mvp, seriesb]) {
      for (const s of ofType(run, "aws:ec2/subnet:Subnet")) {
        expect(input(s, "availabilityZone")).toBeUndefined();
        expect(input(s, "mapPublicIpOnLaunch")).toBe(false);
      }
    }
  });

  it("the control plane uses the first two AZs' private subnets; nodes use all of them", () => {
    for (const { run } of [mvp, seriesb]) {
      const cluster = ofType(run, "aws:eks/cluster:Cluster")[0]!;
      const cp = input<{ subnetIds: string[] }>(cluster, "vpcConfig").subnetIds;
      expect(cp).toHaveLength(2);
      const system = named(run, NODE_GROUP, `${run.spec.namePrefix}-cluster-system`);
      const nodeSubnets = input<string[]>(system, "subnetIds");
      expect(nodeSubnets).toHaveLength(run.spec.network.settings.azCount);
      expect(nodeSubnets.slice(0, 2)).toEqual(cp);
    }
  });
});

describe("GpuCluster: the system pool", () => {
  it("is CPU-only, untainted, labelled system, on the standard AL2023 AMI", () => {
    for (const { run } of [mvp, seriesb]) {
      const ng = named(run, NODE_GROUP, `${run.spec.namePrefix}-cluster-system`);
      expect(input(ng, "amiType")).toBe("AL2023_x86_64_STANDARD");
      expect(input(ng, "taints")).toBeUndefined();
      expect(input(ng, "labels")).toEqual({ "ml-platform/pool": "system" });
      expect(input<string[]>(ng, "instanceTypes").some(isAcceleratedType)).toBe(false);
      expect(input(ng, "updateConfig")).toEqual({ maxUnavailable: 1 });
    }
  });
});

describe("GpuCluster: IRSA", () => {
  function expectIrsaTrust(p: Planned, roleName: string, subject: string) {
    const role = named(p.run, "aws:iam/role:Role", roleName);
    const trust = JSON.parse(input<string>(role, "assumeRolePolicy")) as PolicyDocument;
    const issuer = String(p.run.outputs.oidcIssuerUrl).replace(/^https:\/\//, "");
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0]).toEqual({
      Effect: "Allow",
      Principal: { Federated: p.run.outputs.oidcProviderArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: { StringEquals: { [`${issuer}:sub`]: subject, [`${issuer}:aud`]: "sts.amazonaws.com" } },
    });
    expect(issuer).not.toMatch(/^https/);
    expect(String(p.run.outputs.oidcProviderArn)).toMatch(/:oidc-provider\//);
  }

  it("vpc-cni has its own role (kube-system:aws-node, AmazonEKS_CNI_Policy); the node role no longer carries the CNI policy", () => {
    for (const p of [mvp, seriesb]) {
      const prefix = `${p.run.spec.namePrefix}-cluster`;
      expectIrsaTrust(p, `${prefix}-vpc-cni-role`, "system:serviceaccount:kube-system:aws-node");
      expect(input(named(p.run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", `${prefix}-vpc-cni-AmazonEKS_CNI_Policy`), "policyArn")).toBe(
        "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
      );
      expect(input(named(p.run, "aws:eks/addon:Addon", `${prefix}-vpc-cni`), "serviceAccountRoleArn")).toMatch(new RegExp(`role/${prefix}-vpc-cni-role$`));
      const nodePolicies = ofType(p.run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter((a) => a.name.startsWith(`${prefix}-node-`))
        .map((a) => input<string>(a, "policyArn"));
      expect(nodePolicies.sort()).toEqual(["arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly", "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"]);
    }
  });

  it("the EBS CSI role trusts only kube-system:ebs-csi-controller-sa and carries the EBS policy", () => {
    expectIrsaTrust(mvp, "mlp-gputest-cluster-ebs-csi-role", "system:serviceaccount:kube-system:ebs-csi-controller-sa");
    const attachment = named(mvp.run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "mlp-gputest-cluster-ebs-csi-AmazonEBSCSIDriverPolicy");
    expect(input(attachment, "policyArn")).toBe("arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy");
    const addon = named(mvp.run, "aws:eks/addon:Addon", "mlp-gputest-cluster-aws-ebs-csi-driver");
    expect(input(addon, "serviceAccountRoleArn")).toMatch(/role\/mlp-gputest-cluster-ebs-csi-role$/);
  });

  it("the autoscaler role trusts only kube-system:cluster-autoscaler", () => {
    expectIrsaTrust(seriesb, "mlp-gpub-cluster-autoscaler-role", "system:serviceaccount:kube-system:cluster-autoscaler");
  });

  it("the OIDC provider is for the cluster's issuer with the STS audience", () => {
    const oidc = named(mvp.run, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "mlp-gputest-cluster-oidc");
    expect(input(oidc, "url")).toBe(mvp.run.outputs.oidcIssuerUrl);
    expect(input(oidc, "clientIdLists")).toEqual(["sts.amazonaws.com"]);
  });
});

describe("GpuCluster: in-cluster software", () => {
  const releases = (run: PlanRun) => ofType(run, "kubernetes:helm.sh/v3:Release");

  it("installs the Cluster Autoscaler and its role only when autoscaler is true", () => {
    expect(mvp.run.spec.cluster.settings.autoscaler).toBe(false);
    expect(releases(mvp.run).map((r) => helmChartName(input(r, "chart")))).not.toContain("cluster-autoscaler");
    expect(mvp.run.resources.filter((r) => r.name.includes("autoscaler"))).toEqual([]);

    expect(seriesb.run.spec.cluster.settings.autoscaler).toBe(true);
    const ca = named(seriesb.run, "kubernetes:helm.sh/v3:Release", "mlp-gpub-cluster-cluster-autoscaler");
    expect(input(ca, "version")).toBe("9.59.0");
    // From the vendored archive, the one the tests render (test/charts/), not from the chart repository.
    expect({ chart: input(ca, "chart"), repositoryOpts: input(ca, "repositoryOpts") }).toEqual({
      chart: "charts/cluster-autoscaler-9.59.0.tgz",
      repositoryOpts: undefined,
    });
    const values = input<ReturnType<typeof clusterAutoscalerValues>>(ca, "values");
    expect(values.image.tag).toBe("v1.35.2");
    expect(values.autoDiscovery.clusterName).toBe("mlp-gpub-cluster");
    expect(values.awsRegion).toBe("eu-west-2");
    expect(values.extraArgs["balance-similar-node-groups"]).toBe(true);
    expect(values.rbac.serviceAccount.annotations["eks.amazonaws.com/role-arn"]).toMatch(/role\/mlp-gpub-cluster-autoscaler-role$/);
  });

  it("the NVIDIA device plugin is pinned, in kube-system, tolerates the GPU taint and stays on the GPU pool", () => {
    for (const { run } of [mvp, seriesb]) {
      const dp = releases(run).find((r) => helmChartName(input(r, "chart")) === "nvidia-device-plugin")!;
      expect(dp).toBeDefined();
      expect(input(dp, "version")).toBe("0.20.0");
      expect({ chart: input(dp, "chart"), repositoryOpts: input(dp, "repositoryOpts") }).toEqual({
        chart: "charts/nvidia-device-plugin-0.20.0.tgz",
        repositoryOpts: undefined,
      });
      expect(input(dp, "namespace")).toBe("kube-system");
      const values = input<ReturnType<typeof devicePluginValues>>(dp, "values");
      expect(values.tolerations).toContainEqual({ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" });
      expect(values.nodeSelector).toEqual({ "ml-platform/pool": "gpu" });
    }
  });

  it("Kubernetes objects use the cluster's provider and wait for API access (443 rule, deployer entry), the system pool and add-ons", () => {
    for (const { run } of [mvp, seriesb]) {
      const prefix = `${run.spec.namePrefix}-cluster`;
      const provider = named(run, "pulumi:providers:kubernetes", `${prefix}-k8s`);
      const waitFor = [
        named(run, NODE_GROUP, `${prefix}-system`).urn,
        named(run, "aws:eks/addon:Addon", `${prefix}-coredns`).urn,
        named(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `${prefix}-api-vpc`).urn,
        ...ofType(run, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
          .filter((a) => a.name === `${prefix}-deployer`)
          .map((a) => a.urn),
      ];
      const k8s = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
      expect(k8s.length).toBe(run.spec.cluster.settings.autoscaler ? 3 : 2); // StorageClass, device plugin (+ autoscaler)
      for (const r of k8s) {
        expect(r.provider).toMatch(new RegExp(`^${provider.urn.replace(/[$]/g, "\\$")}::`));
        expect(r.dependencies).toEqual(expect.arrayContaining(waitFor));
      }
    }
  });

  it("the emitted StorageClass validates against the Kubernetes schema and is the default gp3 class", () => {
    const sc = named(mvp.run, "kubernetes:storage.k8s.io/v1:StorageClass", "mlp-gputest-cluster-gp3");
    expect(() => new StorageClass(sc.inputs as unknown as ReturnType<typeof gp3StorageClass>).validate()).not.toThrow();
    expect(sc.inputs).toMatchObject({
      provisioner: "ebs.csi.aws.com",
      volumeBindingMode: "WaitForFirstConsumer",
      metadata: { annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
    });
  });

  it("the managed add-ons are installed with a fixed version, networking before nodes, the rest after", () => {
    const { run } = mvp;
    const addons = ofType(run, "aws:eks/addon:Addon");
    const pins = Object.fromEntries(CLUSTER_ADDONS.flatMap((a) => ("eks" in a.pin ? [[a.id, a.pin.eks]] : [])));
    expect(addons.map((a) => input(a, "addonName")).sort()).toEqual(Object.keys(pins).sort());
    for (const a of addons) {
      expect(input<string>(a, "addonVersion")).toBeTruthy();
      // Pinned add-ons get their pin from their add-on file, not EKS's moving default.
      const pinned = eksAddonVersion(input<string>(a, "addonName"), pins[input<string>(a, "addonName")]!, KUBERNETES_VERSION);
      if (pinned !== undefined) expect(input(a, "addonVersion")).toBe(pinned);
      expect(input(a, "resolveConflictsOnCreate")).toBe("OVERWRITE");
      expect(input(a, "resolveConflictsOnUpdate")).toBe("PRESERVE");
    }
    const urn = (name: string) => named(run, "aws:eks/addon:Addon", `mlp-gputest-cluster-${name}`).urn;
    const systemPool = named(run, NODE_GROUP, "mlp-gputest-cluster-system");
    expect(systemPool.dependencies).toEqual(expect.arrayContaining([urn("vpc-cni"), urn("kube-proxy")]));
    for (const name of ["coredns", "aws-ebs-csi-driver"]) {
      expect(named(run, "aws:eks/addon:Addon", `mlp-gputest-cluster-${name}`).dependencies).toContain(systemPool.urn);
    }
  });
});

describe("GpuCluster: control plane", () => {
  const eks = (run: PlanRun) => ofType(run, "aws:eks/cluster:Cluster")[0]!;
  const RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

  it("encrypts secrets with a rotated KMS key of its own", () => {
    const cluster = eks(mvp.run);
    const key = named(mvp.run, "aws:kms/key:Key", "mlp-gputest-cluster-secrets");
    expect(input(key, "enableKeyRotation")).toBe(true);
    const enc = input<{ provider: { keyArn: string }; resources: string[] }>(cluster, "encryptionConfig");
    expect(enc.resources).toEqual(["secrets"]);
    expect(enc.provider.keyArn).toMatch(/^arn:aws:kms:us-east-1:\d{12}:key\//);
    expect(cluster.propertyDependencies.encryptionConfig).toContain(key.urn);
  });

  it("creates the log group EKS writes to, with the stage's retention, before the cluster", () => {
    for (const [{ run }, days] of [
      [mvp, 30],
      [seriesb, 90],
    ] as const) {
      const cluster = eks(run);
      const logs = ofType(run, "aws:cloudwatch/logGroup:LogGroup").find((l) => l.name.endsWith("-control-plane-logs"))!;
      expect(input(logs, "name")).toBe(`/aws/eks/${input<string>(cluster, "name")}/cluster`);
      expect(input(logs, "retentionInDays")).toBe(days);
      expect(cluster.dependencies).toContain(logs.urn);
      expect(input(cluster, "enabledClusterLogTypes")).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
    }
  });

  it("pins the version, standard support only, API access entries, managed add-ons only", () => {
    const cluster = eks(mvp.run);
    expect(input(cluster, "name")).toBe("mlp-gputest-cluster");
    expect(input(cluster, "version")).toBe(KUBERNETES_VERSION);
    expect(input(cluster, "upgradePolicy")).toEqual({ supportType: "STANDARD" });
    expect(input(cluster, "bootstrapSelfManagedAddons")).toBe(false);
  });

  it("access is the deployer role's explicit admin entry, never the creator's implicit one; the flag never replaces the cluster", () => {
    expect(input(eks(seriesb.run), "accessConfig")).toEqual({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
    const deployer = named(seriesb.run, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "mlp-gpub-cluster-deployer");
    expect(input(deployer, "principalArn")).toBe("arn:aws:iam::123456789012:role/ml-platform-deployer");
    expect(input(deployer, "policyArn")).toBe(ACCESS_POLICY_ARNS.admin);
    // Whatever the settings: no stack gets EKS's implicit creator entry, which collides with an explicit one for the same role.
    expect(input(eks(mvp.run), "accessConfig")).toEqual({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
    for (const p of [mvp, seriesb]) expect(p.ignoreChanges.get(eks(p.run).name)).toEqual(["accessConfig.bootstrapClusterCreatorAdminPermissions"]);
  });

  it("opens 443 on the cluster security group to the VPC's block, plus the configured CIDRs and security groups", () => {
    const mvpRules = ofType(mvp.run, RULE);
    expect(mvpRules.map((r) => [input(r, "fromPort"), input(r, "toPort"), input(r, "ipProtocol"), input(r, "cidrIpv4")])).toEqual([
      [443, 443, "tcp", "10.0.0.0/16"],
    ]);
    for (const r of mvpRules) expect(r.propertyDependencies.securityGroupId).toContain(eks(mvp.run).urn);
    const rules = Object.fromEntries(ofType(seriesb.run, RULE).map((r) => [r.name, [input(r, "cidrIpv4"), input(r, "referencedSecurityGroupId")]]));
    expect(rules).toEqual({
      "mlp-gpub-cluster-api-vpc": ["10.0.0.0/16", undefined],
      "mlp-gpub-cluster-api-cidr-10-8-0-0-16": ["10.8.0.0/16", undefined],
      "mlp-gpub-cluster-api-sg-sg-0123456789abcdef0": [undefined, "sg-0123456789abcdef0"],
    });
  });

  it("exposes a public endpoint only when CIDRs are given, and only to them (gpu-mvp deploys from inside the VPC)", () => {
    const privateOnly = input<Record<string, unknown>>(eks(mvp.run), "vpcConfig");
    expect(privateOnly).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: false });
    expect(privateOnly.publicAccessCidrs).toBeUndefined();
    const open = input<Record<string, unknown>>(eks(seriesb.run), "vpcConfig");
    expect(open).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] });
  });

  it("grants admin and read-only roles through access entries with cluster scope", () => {
    expect(ofType(mvp.run, "aws:eks/accessEntry:AccessEntry").map((e) => [e.name, input(e, "principalArn")])).toEqual([
      ["mlp-gputest-cluster-deployer", "arn:aws:iam::111122223333:role/ml-platform-deployer"],
    ]);
    const associations = ofType(seriesb.run, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
    const byPrincipal = Object.fromEntries(associations.map((a) => [input<string>(a, "principalArn"), a]));
    expect(input(byPrincipal["arn:aws:iam::123456789012:role/platform-admins"]!, "policyArn")).toBe(ACCESS_POLICY_ARNS.admin);
    expect(input(byPrincipal["arn:aws:iam::123456789012:role/teams/ml-readers"]!, "policyArn")).toBe(ACCESS_POLICY_ARNS.readOnly);
    for (const a of associations) expect(input(a, "accessScope")).toEqual({ type: "cluster" });
    const entries = ofType(seriesb.run, "aws:eks/accessEntry:AccessEntry")
      .map((e) => input<string>(e, "principalArn"))
      .sort();
    expect(entries).toEqual([
      "arn:aws:iam::123456789012:role/ml-platform-deployer",
      "arn:aws:iam::123456789012:role/platform-admins",
      "arn:aws:iam::123456789012:role/teams/ml-readers",
    ]);
  });

  it("the kubeconfig is a secret output and reaches the provider as a secret", async () => {
    expect(await pulumi.isSecret(mvp.cluster.kubeconfig)).toBe(true);
    expect(input(named(mvp.run, "pulumi:providers:kubernetes", "mlp-gputest-cluster-k8s"), "kubeconfig")).toBe(SECRET_PLACEHOLDER);
  });

  it("every resource it declares is a named child of the component", () => {
    const { run } = seriesb;
    const component = named(run, "mlplatform:compute:GpuCluster", "mlp-gpub-cluster");
    const children = new Set([component.urn]);
    for (const r of run.resources) if (r.parent && children.has(r.parent)) children.add(r.urn);
    const clusterResources = run.resources.filter((r) => children.has(r.urn) && r !== component);
    expect(clusterResources.length).toBeGreaterThan(40);
    for (const r of clusterResources) expect(r.name.startsWith("mlp-gpub-cluster-")).toBe(true);
    // Nothing leaked to the stack root (a resource created without `parent: this`).
    const roots = run.resources.filter((r) => r.parent === component.parent);
    expect(roots.map((r) => r.type).sort()).toEqual(["mlplatform:compute:GpuCluster", "mlplatform:network:Network"]);
    expect(
      ofType(run, "mlplatform:compute:GpuNodePool")
        .map((p) => p.name)
        .sort(),
    ).toEqual(["mlp-gpub-cluster-gpu-frontier", "mlp-gpub-cluster-gpu-inference", "mlp-gpub-cluster-gpu-training"]);
  });
});
