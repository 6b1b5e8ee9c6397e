/**
 * GpuCluster: pure helpers first (no Pulumi engine), then the component as
 * the offline plan sees it (plan/engine.ts under mocks), for two fixture
 * stacks in test/fixtures/stacks: the MVP preset (no autoscaler, private
 * endpoint) and a Series B variant (autoscaler, public CIDR, access entries,
 * three GPU pools).
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { StorageClass } from "kubernetes-models/storage.k8s.io/v1/StorageClass";
import { Pod } from "kubernetes-models/v1/Pod";
import { Toleration as TolerationModel } from "kubernetes-models/v1/Toleration";
import { GpuCluster, GpuClusterArgs } from "../components/compute/gpu-cluster";
import { Network } from "../components/network/network";
import { ClusterSettings, GpuNodeGroupSettings, KUBERNETES_VERSION } from "../config/presets";
import { resolvePlatformSpec } from "../config/resolve";
import {
  ACCESS_POLICY_ARNS,
  GPU_TAINT,
  accessGrants,
  autoscalerTagSlug,
  clusterAutoscalerValues,
  devicePluginValues,
  gp3StorageClass,
  gpuNodeLabels,
  gpusPerNode,
  kubeconfig,
  nodeTemplateTags,
} from "../lib/eks";
import { PolicyDocument } from "../lib/iam";
import { isAcceleratedType } from "../lib/instance-types";
import {
  CLUSTER_AUTOSCALER_CHART,
  EKS_ADDONS,
  NVIDIA_DEVICE_PLUGIN_CHART,
  clusterAutoscalerImageTag,
} from "../lib/versions";
import { PlanRun, PlannedResource, SECRET_PLACEHOLDER, planStack } from "../plan/engine";

// Compile-time check (tsc): index.ts can spread the resolved cluster settings into the args.
const _wiring = (settings: ClusterSettings): GpuClusterArgs => ({ ...settings, vpcId: "vpc-1", privateSubnetIds: ["subnet-1"], region: "us-east-1", tags: {} });
void _wiring;

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
  it("describes a 4-GPU node: labels, the taint in Kubernetes spelling, the GPU count, discovery tags", () => {
    expect(nodeTemplateTags(group("training", ["g5.12xlarge"]), "mlp-prod-cluster")).toEqual({
      [`${TEMPLATE}/label/ml-platform/pool`]: "gpu",
      [`${TEMPLATE}/label/ml-platform/node-group`]: "training",
      [`${TEMPLATE}/label/nvidia.com/gpu.present`]: "true",
      [`${TEMPLATE}/taint/nvidia.com/gpu`]: "true:NoSchedule",
      [`${TEMPLATE}/resources/nvidia.com/gpu`]: "4",
      "k8s.io/cluster-autoscaler/enabled": "true",
      "k8s.io/cluster-autoscaler/mlp-prod-cluster": "owned",
    });
  });

  it("omits the GPU count when the instance type is not in the catalogue", () => {
    const tags = nodeTemplateTags(group("frontier", ["p5e.48xlarge"]), "c");
    expect(tags).not.toHaveProperty(`${TEMPLATE}/resources/nvidia.com/gpu`);
    expect(tags[`${TEMPLATE}/taint/nvidia.com/gpu`]).toBe("true:NoSchedule");
  });

  it("omits the GPU count when the group mixes instance types with different counts", () => {
    expect(gpusPerNode(["g5.xlarge", "g5.12xlarge"])).toBeUndefined();
    expect(gpusPerNode(["g5.xlarge", "g6.xlarge"])).toBe(1);
    expect(nodeTemplateTags(group("mixed", ["g5.xlarge", "g5.12xlarge"]), "c")).not.toHaveProperty(`${TEMPLATE}/resources/nvidia.com/gpu`);
  });

  it("gives every tag a distinct resource-name slug", () => {
    const keys = Object.keys(nodeTemplateTags(group("training", ["g5.12xlarge"]), "mlp-prod-cluster"));
    const slugs = keys.map((k) => autoscalerTagSlug(k, "mlp-prod-cluster"));
    expect(new Set(slugs).size).toBe(keys.length);
    expect(slugs).toContain("owner");
    expect(slugs).toContain("taint-nvidia-com-gpu");
  });
});

describe("Kubernetes objects validate against the Kubernetes schema", () => {
  it("the gp3 StorageClass is valid, default, encrypted and waits for the pod's AZ", () => {
    const sc = gp3StorageClass();
    expect(() => new StorageClass(sc).validate()).not.toThrow();
    expect(sc.metadata.annotations["storageclass.kubernetes.io/is-default-class"]).toBe("true");
    expect(sc).toMatchObject({ provisioner: "ebs.csi.aws.com", parameters: { type: "gp3", encrypted: "true" }, volumeBindingMode: "WaitForFirstConsumer", allowVolumeExpansion: true, reclaimPolicy: "Delete" });
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
    const pod = { metadata: { name: "probe" }, spec: { containers: [{ name: "c", image: "busybox" }], tolerations: values.tolerations, nodeSelector: values.nodeSelector } };
    expect(() => new Pod(pod).validate()).not.toThrow();
    expect(values.tolerations).toContainEqual({ key: GPU_TAINT.key, operator: "Exists", effect: "NoSchedule" });
    expect(values.tolerations).toContainEqual({ key: "CriticalAddonsOnly", operator: "Exists" });
    expect(values.nodeSelector).toEqual({ "ml-platform/pool": "gpu" });
  });

  it("the autoscaler runs on the system pool, as a valid pod spec", () => {
    const values = clusterAutoscalerValues({ clusterName: "c", region: "us-east-1", roleArn: "arn:aws:iam::123456789012:role/ca", imageTag: "v1.35.0" });
    const pod = { metadata: { name: "probe" }, spec: { containers: [{ name: "c", image: "busybox" }], nodeSelector: values.nodeSelector, priorityClassName: values.priorityClassName } };
    expect(() => new Pod(pod).validate()).not.toThrow();
    expect(values.nodeSelector).toEqual({ "ml-platform/pool": "system" });
  });
});

describe("pure helpers", () => {
  it("GPU node labels include the device plugin's affinity label", () => {
    expect(gpuNodeLabels({ name: "inference" })).toEqual({ "ml-platform/pool": "gpu", "ml-platform/node-group": "inference", "nvidia.com/gpu.present": "true" });
  });

  it("the kubeconfig authenticates with aws eks get-token for this cluster and region", () => {
    const cfg = kubeconfig("mlp-prod-cluster", "https://x.eks.amazonaws.com", "Q0E=", "eu-west-1");
    expect(cfg.clusters[0]!.cluster).toEqual({ server: "https://x.eks.amazonaws.com", "certificate-authority-data": "Q0E=" });
    const exec = cfg.users[0]!.user.exec;
    expect(exec.apiVersion).toBe("client.authentication.k8s.io/v1beta1");
    expect(exec.command).toBe("aws");
    expect(exec.args.join(" ")).toContain("eks get-token --cluster-name mlp-prod-cluster --region eu-west-1");
    expect(cfg["current-context"]).toBe(cfg.contexts[0]!.name);
  });

  it("autoscaler values: AWS, auto-discovery of this cluster, IRSA annotation, scale-down settings", () => {
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

  it("the autoscaler image moves with the Kubernetes pin, and an unpinned minor fails loudly", () => {
    expect(clusterAutoscalerImageTag(KUBERNETES_VERSION)).toBe("v1.35.0");
    expect(clusterAutoscalerImageTag(KUBERNETES_VERSION).startsWith(`v${KUBERNETES_VERSION}.`)).toBe(true);
    expect(() => clusterAutoscalerImageTag("1.34")).toThrow(/lib\/versions.ts/);
  });

  it("charts are pinned to exact versions", () => {
    expect(NVIDIA_DEVICE_PLUGIN_CHART).toEqual({ repo: "https://nvidia.github.io/k8s-device-plugin", chart: "nvidia-device-plugin", version: "0.20.0" });
    expect(CLUSTER_AUTOSCALER_CHART).toEqual({ repo: "https://kubernetes.github.io/autoscaler", chart: "cluster-autoscaler", version: "9.59.0" });
  });

  it("access grants map roles to the EKS admin and view policies and refuse a role listed twice", () => {
    const grants = accessGrants(["arn:aws:iam::111111111111:role/admins"], ["arn:aws:iam::111111111111:role/path/readers"]);
    expect(grants.map((g) => [g.policyArn, g.slug])).toEqual([
      [ACCESS_POLICY_ARNS.admin, "admins"],
      [ACCESS_POLICY_ARNS.readOnly, "readers"],
    ]);
    expect(ACCESS_POLICY_ARNS.admin).toBe("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
    expect(ACCESS_POLICY_ARNS.readOnly).toBe("arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy");
    expect(() => accessGrants(["arn:aws:iam::1:role/x"], ["arn:aws:iam::1:role/x"])).toThrow(/listed twice/);
    expect(accessGrants(["arn:aws:iam::1:role/x", "arn:aws:iam::2:role/x"], []).map((g) => g.slug)).toEqual(["x", "x-2"]);
  });
});

// ------------------------------------------------------- component, mocked

const STACKS = path.join(__dirname, "fixtures", "stacks");

interface Planned {
  run: PlanRun;
  cluster: GpuCluster;
  /** ignoreChanges per resource name, captured by a stack transformation. */
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
    const network = new Network(`${prefix}-network`, { ...spec.network.settings, tags });
    cluster = new GpuCluster(`${prefix}-cluster`, {
      ...spec.cluster.settings,
      vpcId: network.vpcId,
      privateSubnetIds: network.privateSubnetIds,
      region: spec.region,
      tags,
    });
    return {
      clusterName: cluster.clusterName,
      oidcProviderArn: cluster.oidcProviderArn,
      oidcIssuerUrl: cluster.oidcIssuerUrl,
      nodeRoleArn: cluster.nodeRoleArn,
      gpuNodeGroupNames: cluster.gpuNodeGroupNames,
    };
  };
  const run = await planStack(stack, { stacksDir: STACKS, program });
  return { run, cluster: cluster!, ignoreChanges };
}

const ofType = (run: PlanRun, type: string) => run.resources.filter((r) => r.type === type);
function named(run: PlanRun, type: string, name: string): PlannedResource {
  const found = run.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} named ${name}; have: ${ofType(run, type).map((r) => r.name).join(", ")}`);
  return found;
}
const input = <T>(r: PlannedResource, key: string) => r.inputs[key] as T;

interface Taint { key: string; value: string; effect: string }
interface Scaling { minSize: number; desiredSize: number; maxSize: number }

let mvp: Planned;
let seriesb: Planned;

beforeAll(async () => {
  mvp = await plan("gpu-mvp");
  seriesb = await plan("gpu-seriesb");
});

describe("GpuCluster: GPU node groups cost nothing while idle", () => {
  it("every GPU node group uses the NVIDIA AMI, carries the taint and labels, and starts at 0 nodes", () => {
    for (const { run } of [mvp, seriesb]) {
      const groups = ofType(run, "aws:eks/nodeGroup:NodeGroup").filter((r) => r.name.includes("-gpu-"));
      expect(groups.length).toBe(run.spec.cluster.settings.gpuNodeGroups.length);
      for (const ng of groups) {
        const name = ng.name.split("-gpu-")[1]!;
        expect(input(ng, "amiType")).toBe("AL2023_x86_64_NVIDIA");
        expect(input<Taint[]>(ng, "taints")).toEqual([{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }]);
        expect(input(ng, "labels")).toEqual({ "ml-platform/pool": "gpu", "ml-platform/node-group": name, "nvidia.com/gpu.present": "true" });
        expect(input<Scaling>(ng, "scalingConfig")).toMatchObject({ minSize: 0, desiredSize: 0 });
      }
    }
  });

  it("the desired size is left to the autoscaler (or a human) after creation", () => {
    for (const { run, ignoreChanges } of [mvp, seriesb]) {
      for (const ng of ofType(run, "aws:eks/nodeGroup:NodeGroup")) expect(ignoreChanges.get(ng.name)).toEqual(["scalingConfig.desiredSize"]);
    }
  });

  it("each GPU node group's ASG carries the scale-from-zero tags, not propagated to instances", () => {
    const { run } = seriesb;
    const clusterName = "mlp-gpub-cluster";
    const expectedGpus: Record<string, string | undefined> = { inference: "1", training: "4", frontier: undefined };
    for (const [groupName, gpus] of Object.entries(expectedGpus)) {
      const tags = ofType(run, "aws:autoscaling/tag:Tag")
        .filter((t) => input<string>(t, "autoscalingGroupName").startsWith(`eks-${clusterName}-gpu-${groupName}-`))
        .filter((t) => input<{ key: string }>(t, "tag").key.startsWith("k8s.io/cluster-autoscaler/"));
      const byKey = Object.fromEntries(tags.map((t) => {
        const tag = input<{ key: string; value: string; propagateAtLaunch: boolean }>(t, "tag");
        expect(tag.propagateAtLaunch).toBe(false);
        return [tag.key, tag.value];
      }));
      expect(byKey[`${TEMPLATE}/label/ml-platform/pool`]).toBe("gpu");
      expect(byKey[`${TEMPLATE}/label/ml-platform/node-group`]).toBe(groupName);
      expect(byKey[`${TEMPLATE}/label/nvidia.com/gpu.present`]).toBe("true");
      expect(byKey[`${TEMPLATE}/taint/nvidia.com/gpu`]).toBe("true:NoSchedule");
      expect(byKey[`${TEMPLATE}/resources/nvidia.com/gpu`]).toBe(gpus);
      expect(byKey["k8s.io/cluster-autoscaler/enabled"]).toBe("true");
      expect(byKey[`k8s.io/cluster-autoscaler/${clusterName}`]).toBe("owned");
    }
  });

  it("the autoscaler's IAM condition matches the owned tag the ASGs get", () => {
    const role = named(seriesb.run, "aws:iam/rolePolicy:RolePolicy", "mlp-gpub-cluster-autoscaler-inline");
    const policy = JSON.parse(input<string>(role, "policy")) as PolicyDocument;
    const scale = policy.Statement.find((s) => s.Sid === "ScaleOwnGroupsOnly")!;
    expect(scale.Condition).toEqual({ StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/mlp-gpub-cluster": "owned" } });
  });
});

describe("GpuCluster: the system pool", () => {
  it("is CPU-only, untainted, labelled system, on the standard AL2023 AMI", () => {
    for (const { run } of [mvp, seriesb]) {
      const ng = named(run, "aws:eks/nodeGroup:NodeGroup", `${run.spec.namePrefix}-cluster-system`);
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
    expect(releases(mvp.run).map((r) => input(r, "chart"))).not.toContain("cluster-autoscaler");
    expect(mvp.run.resources.filter((r) => r.name.includes("autoscaler"))).toEqual([]);

    expect(seriesb.run.spec.cluster.settings.autoscaler).toBe(true);
    const ca = named(seriesb.run, "kubernetes:helm.sh/v3:Release", "mlp-gpub-cluster-cluster-autoscaler");
    expect(input(ca, "version")).toBe("9.59.0");
    expect(input(ca, "repositoryOpts")).toEqual({ repo: "https://kubernetes.github.io/autoscaler" });
    const values = input<ReturnType<typeof clusterAutoscalerValues>>(ca, "values");
    expect(values.image.tag).toBe("v1.35.0");
    expect(values.autoDiscovery.clusterName).toBe("mlp-gpub-cluster");
    expect(values.awsRegion).toBe("eu-west-2");
    expect(values.rbac.serviceAccount.annotations["eks.amazonaws.com/role-arn"]).toMatch(/role\/mlp-gpub-cluster-autoscaler-role$/);
  });

  it("the NVIDIA device plugin is pinned, in kube-system, tolerates the GPU taint and stays on the GPU pool", () => {
    for (const { run } of [mvp, seriesb]) {
      const dp = releases(run).find((r) => input(r, "chart") === "nvidia-device-plugin")!;
      expect(dp).toBeDefined();
      expect(input(dp, "version")).toBe("0.20.0");
      expect(input(dp, "repositoryOpts")).toEqual({ repo: "https://nvidia.github.io/k8s-device-plugin" });
      expect(input(dp, "namespace")).toBe("kube-system");
      const values = input<ReturnType<typeof devicePluginValues>>(dp, "values");
      expect(values.tolerations).toContainEqual({ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" });
      expect(values.nodeSelector).toEqual({ "ml-platform/pool": "gpu" });
    }
  });

  it("Kubernetes objects use the cluster's provider and wait for the system pool and add-ons", () => {
    const { run } = mvp;
    const provider = named(run, "pulumi:providers:kubernetes", "mlp-gputest-cluster-k8s");
    const systemPool = named(run, "aws:eks/nodeGroup:NodeGroup", "mlp-gputest-cluster-system");
    const coreDns = named(run, "aws:eks/addon:Addon", "mlp-gputest-cluster-coredns");
    const k8s = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
    expect(k8s.length).toBe(2); // the StorageClass and the device plugin
    for (const r of k8s) {
      expect(r.provider).toMatch(new RegExp(`^${provider.urn.replace(/[$]/g, "\\$")}::`));
      expect(r.dependencies).toEqual(expect.arrayContaining([systemPool.urn, coreDns.urn]));
    }
  });

  it("the emitted StorageClass validates against the Kubernetes schema and is the default gp3 class", () => {
    const sc = named(mvp.run, "kubernetes:storage.k8s.io/v1:StorageClass", "mlp-gputest-cluster-gp3");
    expect(() => new StorageClass(sc.inputs as unknown as ReturnType<typeof gp3StorageClass>).validate()).not.toThrow();
    expect(sc.inputs).toMatchObject({ provisioner: "ebs.csi.aws.com", volumeBindingMode: "WaitForFirstConsumer", metadata: { annotations: { "storageclass.kubernetes.io/is-default-class": "true" } } });
  });

  it("the managed add-ons are installed with a fixed version, networking before nodes, the rest after", () => {
    const { run } = mvp;
    const addons = ofType(run, "aws:eks/addon:Addon");
    expect(addons.map((a) => input(a, "addonName")).sort()).toEqual([...EKS_ADDONS].sort());
    for (const a of addons) {
      expect(input<string>(a, "addonVersion")).toBeTruthy();
      expect(input(a, "resolveConflictsOnCreate")).toBe("OVERWRITE");
      expect(input(a, "resolveConflictsOnUpdate")).toBe("PRESERVE");
    }
    const urn = (name: string) => named(run, "aws:eks/addon:Addon", `mlp-gputest-cluster-${name}`).urn;
    const systemPool = named(run, "aws:eks/nodeGroup:NodeGroup", "mlp-gputest-cluster-system");
    expect(systemPool.dependencies).toEqual(expect.arrayContaining([urn("vpc-cni"), urn("kube-proxy")]));
    for (const name of ["coredns", "aws-ebs-csi-driver"]) {
      expect(named(run, "aws:eks/addon:Addon", `mlp-gputest-cluster-${name}`).dependencies).toContain(systemPool.urn);
    }
  });
});

describe("GpuCluster: control plane", () => {
  const eks = (run: PlanRun) => ofType(run, "aws:eks/cluster:Cluster")[0]!;

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
    for (const [{ run }, days] of [[mvp, 30], [seriesb, 90]] as const) {
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
    expect(input(cluster, "accessConfig")).toEqual({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true });
    expect(input(cluster, "bootstrapSelfManagedAddons")).toBe(false);
  });

  it("exposes a public endpoint only when CIDRs are given, and only to them", () => {
    const privateOnly = input<Record<string, unknown>>(eks(mvp.run), "vpcConfig");
    expect(privateOnly).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: false });
    expect(privateOnly.publicAccessCidrs).toBeUndefined();
    expect(privateOnly.subnetIds).toHaveLength(2);
    const open = input<Record<string, unknown>>(eks(seriesb.run), "vpcConfig");
    expect(open).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] });
  });

  it("grants admin and read-only roles through access entries with cluster scope", () => {
    expect(ofType(mvp.run, "aws:eks/accessEntry:AccessEntry")).toEqual([]);
    const associations = ofType(seriesb.run, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
    const byPrincipal = Object.fromEntries(associations.map((a) => [input<string>(a, "principalArn"), a]));
    expect(input(byPrincipal["arn:aws:iam::123456789012:role/platform-admins"]!, "policyArn")).toBe(ACCESS_POLICY_ARNS.admin);
    expect(input(byPrincipal["arn:aws:iam::123456789012:role/teams/ml-readers"]!, "policyArn")).toBe(ACCESS_POLICY_ARNS.readOnly);
    for (const a of associations) expect(input(a, "accessScope")).toEqual({ type: "cluster" });
    const entries = ofType(seriesb.run, "aws:eks/accessEntry:AccessEntry").map((e) => input<string>(e, "principalArn")).sort();
    expect(entries).toEqual(["arn:aws:iam::123456789012:role/platform-admins", "arn:aws:iam::123456789012:role/teams/ml-readers"]);
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
  });
});
