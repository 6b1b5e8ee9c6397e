import * as aws from "@pulumi/aws";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { GpuNodeGroupSettings, NodeGroupSettings } from "../../config/presets";
import { clusterAutoscalerPolicy, serviceTrustPolicy } from "../../lib/iam";
import {
  CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
  CLUSTER_LOG_TYPES,
  CLUSTER_ROLE_POLICY_ARN,
  EBS_CSI_POLICY_ARN,
  GPU_TAINT,
  NODE_ROLE_POLICY_ARNS,
  accessGrants,
  autoscalerTagSlug,
  clusterAutoscalerValues,
  controlPlaneLogGroupName,
  devicePluginValues,
  gp3StorageClass,
  gpuNodeLabels,
  kubeconfig,
  nodeTemplateTags,
  secretsEncryptionPolicy,
  systemNodeLabels,
} from "../../lib/eks";
import {
  CLUSTER_AUTOSCALER_CHART,
  EKS_ADDON_VERSIONS,
  EksAddonName,
  KUBERNETES_VERSION,
  NODE_AMI_TYPES,
  NVIDIA_DEVICE_PLUGIN_CHART,
  clusterAutoscalerImageTag,
} from "../../lib/versions";
import type { ClusterHandle } from "./cluster-handle";
import { IrsaRole, IrsaRoleArgs } from "./irsa";

export interface GpuClusterArgs {
  /**
   * VPC the private subnets belong to. Required. EKS derives the VPC from the
   * subnets, so it is not sent to AWS today; it is part of the contract for
   * VPC-scoped additions (security group rules, interface endpoints).
   */
  vpcId: pulumi.Input<string>;
  /** Private subnets (one per AZ, at least two) for the control plane's network interfaces and all nodes. Required. */
  privateSubnetIds: pulumi.Input<string>[];
  /** AWS region of the cluster, written into the kubeconfig and the autoscaler's settings. Required. */
  region: string;
  /** Tags for every AWS resource. Default none. */
  tags?: Record<string, string>;
  /** Kubernetes minor ("1.35"). Default KUBERNETES_VERSION from config/presets.ts. */
  kubernetesVersion?: string;
  /**
   * CIDRs allowed to reach the public API endpoint. Default [] (the endpoint
   * is private only: `pulumi up` must then run from inside the VPC, through a
   * VPN or a runner in the VPC, or the Kubernetes resources cannot be created).
   */
  publicAccessCidrs?: string[];
  /** Days CloudWatch keeps the control-plane logs; must be a CloudWatch retention period. Default 30. */
  logRetentionDays?: number;
  /**
   * IAM role ARNs given cluster-admin through EKS access entries. Default [].
   * Do not list the role that runs `pulumi up`: it is admin already.
   */
  adminRoleArns?: string[];
  /** IAM role ARNs given read-only (view) access through EKS access entries. Default []. */
  readOnlyRoleArns?: string[];
  /**
   * The CPU node group for CoreDNS, the add-ons, the autoscaler and platform
   * services. Default: 2 x t3.large on demand (min 2, max 3), 50 GB disks.
   */
  systemNodeGroup?: NodeGroupSettings;
  /** GPU node groups, each tainted and labelled; min 0 lets them cost nothing while idle. Default []. */
  gpuNodeGroups?: GpuNodeGroupSettings[];
  /**
   * Install the Cluster Autoscaler, which starts GPU nodes when GPU pods are
   * pending and removes idle ones. Without it, scale node groups by hand.
   * Default false.
   */
  autoscaler?: boolean;
}

const DEFAULT_SYSTEM_NODE_GROUP: NodeGroupSettings = {
  instanceTypes: ["t3.large"],
  capacityType: "ON_DEMAND",
  minSize: 2,
  desiredSize: 2,
  maxSize: 3,
  diskSizeGb: 50,
};

/**
 * An EKS cluster for GPU workloads that costs nothing for GPUs while none is
 * needed: a small always-on CPU system pool, and GPU pools that sit at zero
 * nodes, tainted so only GPU pods land there, tagged so the Cluster
 * Autoscaler can start them from zero. Includes secrets encryption,
 * control-plane logs with a retention, IRSA, the managed add-ons, the NVIDIA
 * device plugin, a default gp3 StorageClass, and a Kubernetes provider for
 * later components.
 */
export class GpuCluster extends pulumi.ComponentResource implements ClusterHandle {
  public readonly clusterName: pulumi.Output<string>;
  public readonly endpoint: pulumi.Output<string>;
  /** ARN of the IAM OIDC provider; IRSA roles trust it. */
  public readonly oidcProviderArn: pulumi.Output<string>;
  /** The cluster's OIDC issuer URL (https://oidc.eks.<region>.amazonaws.com/id/...). */
  public readonly oidcIssuerUrl: pulumi.Output<string>;
  /** Kubeconfig (JSON) using `aws eks get-token`; a secret output. */
  public readonly kubeconfig: pulumi.Output<string>;
  /** Kubernetes provider for this cluster: pass it to every component that deploys into it. */
  public readonly provider: kubernetes.Provider;
  public readonly nodeRoleArn: pulumi.Output<string>;
  /** The security group EKS creates for the control plane and managed nodes. */
  public readonly clusterSecurityGroupId: pulumi.Output<string>;
  /** What in-cluster components wait for: system nodes, CNI, kube-proxy, DNS and the EBS CSI driver. */
  public readonly ready: pulumi.Resource[];
  /** EKS node group names, by GPU node group name ("inference" -> "mlp-prod-cluster-gpu-inference-1a2b3c4"). */
  public readonly gpuNodeGroupNames: Record<string, pulumi.Output<string>>;
  private readonly tags: Record<string, string>;

  constructor(name: string, args: GpuClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlplatform:compute:GpuCluster", name, {}, opts);
    // The AWS name is fixed (not auto-suffixed) so the log group name is known before the cluster exists.
    const clusterName = name;
    if (clusterName.length > 100) throw new Error(`EKS cluster names are at most 100 characters; "${clusterName}" has ${clusterName.length}`);
    const version = args.kubernetesVersion ?? KUBERNETES_VERSION;
    const publicAccessCidrs = args.publicAccessCidrs ?? [];
    const system = args.systemNodeGroup ?? DEFAULT_SYSTEM_NODE_GROUP;
    const gpuGroups = args.gpuNodeGroups ?? [];
    const tags = args.tags ?? {};
    this.tags = tags;
    const parent = { parent: this };
    // Config mistakes fail the preview before anything is created.
    const grants = accessGrants(args.adminRoleArns ?? [], args.readOnlyRoleArns ?? []);
    const autoscalerImageTag = args.autoscaler ? clusterAutoscalerImageTag(version) : undefined;

    // ---------------------------------------------------------- control plane
    const clusterRole = new aws.iam.Role(`${name}-control-plane`, {
      description: `EKS control plane of ${clusterName}`,
      assumeRolePolicy: JSON.stringify(serviceTrustPolicy("eks.amazonaws.com")),
      tags,
    }, parent);
    const clusterRolePolicy = new aws.iam.RolePolicyAttachment(`${name}-control-plane`, {
      role: clusterRole.name,
      policyArn: CLUSTER_ROLE_POLICY_ARN,
    }, parent);

    // Envelope encryption of Kubernetes Secrets with our own key (rotated yearly).
    const secretsKey = new aws.kms.Key(`${name}-secrets`, {
      description: `Encrypts Kubernetes secrets of ${clusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags,
    }, parent);
    const secretsKeyAccess = new aws.iam.RolePolicy(`${name}-secrets-key`, {
      role: clusterRole.id,
      policy: secretsKey.arn.apply((arn) => JSON.stringify(secretsEncryptionPolicy(arn))),
    }, parent);

    // Created before the cluster: otherwise EKS creates this group itself, unmanaged
    // and with infinite retention (audit logs then grow the bill forever).
    const controlPlaneLogs = new aws.cloudwatch.LogGroup(`${name}-control-plane-logs`, {
      name: controlPlaneLogGroupName(clusterName),
      retentionInDays: args.logRetentionDays ?? 30,
      tags,
    }, parent);

    const cluster = new aws.eks.Cluster(`${name}-eks`, {
      name: clusterName,
      version,
      roleArn: clusterRole.arn,
      vpcConfig: {
        subnetIds: args.privateSubnetIds,
        endpointPrivateAccess: true,
        // Public only when someone is allowed in; never open to 0.0.0.0/0 by default.
        endpointPublicAccess: publicAccessCidrs.length > 0,
        publicAccessCidrs: publicAccessCidrs.length > 0 ? publicAccessCidrs : undefined,
      },
      encryptionConfig: { provider: { keyArn: secretsKey.arn }, resources: ["secrets"] },
      enabledClusterLogTypes: [...CLUSTER_LOG_TYPES],
      accessConfig: {
        // Access entries only (no aws-auth ConfigMap to hand-edit).
        authenticationMode: "API",
        // The identity running `pulumi up` must keep admin access: the Helm
        // releases and the StorageClass below are created with it.
        bootstrapClusterCreatorAdminPermissions: true,
      },
      // STANDARD, never EXTENDED: extended support costs $0.60/hour per cluster
      // instead of $0.10. At the end of standard support AWS upgrades the control
      // plane itself, so upgrade in code before then (lib/versions.ts).
      upgradePolicy: { supportType: "STANDARD" },
      // No unmanaged vpc-cni/coredns/kube-proxy: they are installed below as
      // managed add-ons, which EKS can upgrade.
      bootstrapSelfManagedAddons: false,
      tags,
    }, { parent: this, dependsOn: [controlPlaneLogs, clusterRolePolicy, secretsKeyAccess] });

    for (const grant of grants) {
      const resourceName = `${name}-${grant.kind === "admin" ? "admin" : "readonly"}-${grant.slug}`;
      const entry = new aws.eks.AccessEntry(resourceName, {
        clusterName: cluster.name,
        principalArn: grant.principalArn,
        type: "STANDARD",
        tags,
      }, parent);
      new aws.eks.AccessPolicyAssociation(resourceName, {
        clusterName: cluster.name,
        principalArn: entry.principalArn,
        policyArn: grant.policyArn,
        accessScope: { type: "cluster" },
      }, parent);
    }

    // IRSA: pods get AWS permissions through their service account, never from the node role.
    const issuerUrl = cluster.identities.apply((ids) => ids[0]!.oidcs[0]!.issuer);
    const oidcProvider = new aws.iam.OpenIdConnectProvider(`${name}-oidc`, {
      url: issuerUrl,
      clientIdLists: ["sts.amazonaws.com"],
      tags,
    }, parent);
    this.oidcProviderArn = oidcProvider.arn;
    this.oidcIssuerUrl = issuerUrl;

    // ------------------------------------------------------------------ nodes
    const nodeRole = new aws.iam.Role(`${name}-node`, {
      description: `EKS nodes of ${clusterName}`,
      assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")),
      tags,
    }, parent);
    const nodeRolePolicies = NODE_ROLE_POLICY_ARNS.map((policyArn) =>
      new aws.iam.RolePolicyAttachment(`${name}-node-${policyArn.split("/").pop()}`, { role: nodeRole.name, policyArn }, parent));

    const addon = (addonName: EksAddonName, dependsOn: pulumi.Resource[], serviceAccountRoleArn?: pulumi.Input<string>) =>
      new aws.eks.Addon(`${name}-${addonName}`, {
        clusterName: cluster.name,
        addonName,
        // Pinned in lib/versions.ts; unpinned means EKS's default for this Kubernetes minor.
        addonVersion: EKS_ADDON_VERSIONS[addonName] ?? aws.eks.getAddonVersionOutput({ addonName, kubernetesVersion: version, mostRecent: false }, parent).version,
        serviceAccountRoleArn,
        resolveConflictsOnCreate: "OVERWRITE",
        // Keep settings someone changed in the cluster rather than silently reverting them.
        resolveConflictsOnUpdate: "PRESERVE",
        tags,
      }, { parent: this, dependsOn });

    // Networking add-ons come before any node: without the CNI no node becomes
    // Ready (the cluster has no self-managed copy). DaemonSets with no node are healthy.
    const vpcCni = addon("vpc-cni", []);
    const kubeProxy = addon("kube-proxy", []);

    // Nodes must find their role's permissions and the CNI in place when they boot.
    const nodePrerequisites = [...nodeRolePolicies, vpcCni, kubeProxy];
    // The desired size is ignored after creation: the Cluster Autoscaler (or a
    // human with `aws eks update-nodegroup-config`) owns it, and the next
    // `pulumi up` must not reset a pool that scaled up for a running job. min
    // and max stay managed here. (To raise minSize above the current size,
    // scale up by hand first: EKS rejects desired < min.)
    const ownedByAutoscaler: pulumi.CustomResourceOptions = { ignoreChanges: ["scalingConfig.desiredSize"] };

    // Reading an ASG's name from its node group's outputs is not creating resources in apply.
    const asgOf = (nodeGroup: aws.eks.NodeGroup) => nodeGroup.resources.apply((r) => r[0]!.autoscalingGroups[0]!.name);
    // EKS does not copy node group tags to the instances it launches, so GPU
    // hours would show up untagged in Cost Explorer. ASG tags with
    // propagateAtLaunch reach every instance the group starts.
    const propagateCostTags = (pool: string, nodeGroup: aws.eks.NodeGroup) => {
      const asgName = asgOf(nodeGroup);
      for (const [key, value] of Object.entries(tags)) {
        new aws.autoscaling.Tag(`${name}-${pool}-asg-tag-${key.replace(/[^A-Za-z0-9]+/g, "-")}`, {
          autoscalingGroupName: asgName,
          tag: { key, value, propagateAtLaunch: true },
        }, parent);
      }
    };

    // What every pool shares; each pool adds its AMI, labels and taints.
    const poolArgs = (pool: NodeGroupSettings) => ({
      clusterName: cluster.name,
      // Follows the control plane's version, so an upgrade in code upgrades the nodes too.
      version: cluster.version,
      nodeRoleArn: nodeRole.arn,
      subnetIds: args.privateSubnetIds,
      instanceTypes: pool.instanceTypes,
      capacityType: pool.capacityType,
      diskSize: pool.diskSizeGb,
      scalingConfig: { minSize: pool.minSize, desiredSize: pool.desiredSize, maxSize: pool.maxSize },
      updateConfig: { maxUnavailable: 1 },
      tags,
    });

    const systemNodes = new aws.eks.NodeGroup(`${name}-system`, {
      ...poolArgs(system),
      amiType: NODE_AMI_TYPES.cpu,
      // Untainted: CoreDNS, the add-ons and platform services run here.
      labels: systemNodeLabels(),
    }, { parent: this, dependsOn: nodePrerequisites, ...ownedByAutoscaler });
    propagateCostTags("system", systemNodes);

    this.gpuNodeGroupNames = {};
    for (const group of gpuGroups) {
      const nodeGroup = new aws.eks.NodeGroup(`${name}-gpu-${group.name}`, {
        // The presets use min 0 / desired 0: no GPU instance runs (or bills) until a GPU pod asks for one.
        ...poolArgs(group),
        // NVIDIA driver, container toolkit and runtime preinstalled.
        amiType: NODE_AMI_TYPES.nvidiaGpu,
        // The taint keeps CPU pods off expensive GPU nodes (they would also block scale-down to zero).
        taints: [GPU_TAINT],
        labels: gpuNodeLabels(group),
      }, { parent: this, dependsOn: nodePrerequisites, ...ownedByAutoscaler });
      this.gpuNodeGroupNames[group.name] = nodeGroup.nodeGroupName;
      propagateCostTags(`gpu-${group.name}`, nodeGroup);

      // Scale-from-zero hints on the node group's Auto Scaling group (lib/eks.ts nodeTemplateTags).
      const asgName = asgOf(nodeGroup);
      for (const [key, value] of Object.entries(nodeTemplateTags(group, clusterName))) {
        new aws.autoscaling.Tag(`${name}-gpu-${group.name}-asg-${autoscalerTagSlug(key, clusterName)}`, {
          autoscalingGroupName: asgName,
          // Not propagated: these describe the group to the autoscaler, instances need none of them.
          tag: { key, value, propagateAtLaunch: false },
        }, parent);
      }
    }

    // Add-ons that run Deployments need a node to be healthy.
    const coreDns = addon("coredns", [systemNodes]);
    const ebsCsiRole = this.irsaRole(`${name}-ebs-csi`, {
      namespace: "kube-system",
      serviceAccount: "ebs-csi-controller-sa",
      managedPolicyArns: [EBS_CSI_POLICY_ARN],
    });
    const ebsCsi = addon("aws-ebs-csi-driver", [systemNodes], ebsCsiRole.roleArn);

    // ---------------------------------------------------- inside the cluster
    this.kubeconfig = pulumi.secret(
      pulumi.all([cluster.endpoint, cluster.certificateAuthority]).apply(([endpoint, ca]) =>
        JSON.stringify(kubeconfig(clusterName, endpoint, ca.data, args.region))),
    );
    this.provider = new kubernetes.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, parent);
    // Kubernetes objects wait for a node, DNS and storage, and are deleted before them on destroy.
    this.ready = [systemNodes, vpcCni, kubeProxy, coreDns, ebsCsi];
    const inCluster: pulumi.CustomResourceOptions = { parent: this, provider: this.provider, dependsOn: this.ready };

    new kubernetes.storage.v1.StorageClass(`${name}-gp3`, gp3StorageClass(), inCluster);

    // Advertises nvidia.com/gpu on GPU nodes. A DaemonSet with no GPU node running is fine (and free).
    new kubernetes.helm.v3.Release(`${name}-nvidia-device-plugin`, {
      name: NVIDIA_DEVICE_PLUGIN_CHART.chart,
      chart: NVIDIA_DEVICE_PLUGIN_CHART.chart,
      version: NVIDIA_DEVICE_PLUGIN_CHART.version,
      repositoryOpts: { repo: NVIDIA_DEVICE_PLUGIN_CHART.repo },
      namespace: "kube-system",
      values: { ...devicePluginValues() },
    }, inCluster);

    if (autoscalerImageTag) {
      const autoscalerRole = this.irsaRole(`${name}-autoscaler`, {
        namespace: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.namespace,
        serviceAccount: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.name,
        // May only resize Auto Scaling groups tagged as owned by this cluster.
        inlinePolicy: JSON.stringify(clusterAutoscalerPolicy(clusterName)),
      });
      new kubernetes.helm.v3.Release(`${name}-cluster-autoscaler`, {
        name: CLUSTER_AUTOSCALER_CHART.chart,
        chart: CLUSTER_AUTOSCALER_CHART.chart,
        version: CLUSTER_AUTOSCALER_CHART.version,
        repositoryOpts: { repo: CLUSTER_AUTOSCALER_CHART.repo },
        namespace: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.namespace,
        values: { ...clusterAutoscalerValues({ clusterName, region: args.region, roleArn: autoscalerRole.roleArn, imageTag: autoscalerImageTag }) },
      }, inCluster);
    }

    this.clusterName = cluster.name;
    this.endpoint = cluster.endpoint;
    this.nodeRoleArn = nodeRole.arn;
    this.clusterSecurityGroupId = cluster.vpcConfig.clusterSecurityGroupId;
    this.registerOutputs({
      clusterName: this.clusterName,
      endpoint: this.endpoint,
      oidcProviderArn: this.oidcProviderArn,
      kubeconfig: this.kubeconfig,
      nodeRoleArn: this.nodeRoleArn,
      clusterSecurityGroupId: this.clusterSecurityGroupId,
      gpuNodeGroupNames: this.gpuNodeGroupNames,
    });
  }

  /**
   * An IRSA role trusted by this cluster's OIDC provider for one service
   * account. Parented to the cluster unless `opts.parent` says otherwise.
   */
  public irsaRole(name: string, args: Omit<IrsaRoleArgs, "oidcProviderArn" | "oidcIssuerUrl">, opts?: pulumi.ComponentResourceOptions): IrsaRole {
    return new IrsaRole(name, {
      tags: this.tags,
      ...args,
      oidcProviderArn: this.oidcProviderArn,
      oidcIssuerUrl: this.oidcIssuerUrl,
    }, { parent: this, ...opts });
  }
}
