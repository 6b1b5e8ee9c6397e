import * as aws from "../../lib/aws";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { withStageLabel } from "../../lib/tags";
import { serviceTrustPolicy } from "../../lib/iam";
import { PLANNED_INGEST_GB_TAG, withPlannedGb } from "../../lib/tags";
import { validateArgs } from "../../lib/validate";
import { NODE_AMI_TYPES } from "../../lib/versions";
import { KUBERNETES_API_PORT, accessGrantResourceSuffix, accessGrants, apiAccessRules } from "./access";
import { ClusterAddonPhase } from "./addons/addon";
import { NVIDIA_DEVICE_PLUGIN_CHART } from "./addons/nvidia-device-plugin";
import { CLUSTER_ADDONS } from "./addons/registry";
import { ADDON_RESOURCES } from "./addons/resources";
import type { ClusterHandle } from "./cluster-handle";
import type { GpuClusterArgs } from "./gpu-cluster.args";
import { GpuClusterArgsSchema, gpuClusterProblems } from "./gpu-cluster.schema";
import { GpuNodePool } from "./gpu-node-pool";
import { CLUSTER_LOG_TYPES, CLUSTER_ROLE_POLICY_ARN, NODE_ROLE_POLICY_ARNS, controlPlaneLogGroupName, secretsEncryptionPolicy } from "./iam";
import { IrsaRole, IrsaRoleArgs } from "./irsa";
import { kubeconfig } from "./kubeconfig";
import { systemNodeLabels } from "./labels";
import { gpuPoolsGrowOnDemand } from "./gpu-cluster.footprint";
import { controlPlaneRoleName, eksClusterName, gpuPoolName, nodeRoleName, systemNodeGroupName } from "./names";
import { managedNodeGroup } from "./node-group";
import { gp3StorageClass } from "./storage-class";
import { CONTROL_PLANE_ZONE_COUNT } from "./zones";

export type { GpuClusterArgs };

export const GPU_CLUSTER_TYPE = "mlplatform:compute:GpuCluster";

/**
 * An EKS cluster for GPU workloads that costs nothing for GPUs while none is
 * needed: a small always-on CPU system pool, and GPU pools (GpuNodePool) that
 * sit at zero nodes, tainted so only GPU pods land there, tagged so the
 * Cluster Autoscaler can start them from zero. Includes secrets encryption,
 * control-plane logs with a retention, access entries (the deployer role
 * explicitly; EKS's implicit creator entry is never made), a 443 rule for the private endpoint, IRSA, the managed add-ons
 * (vpc-cni with its own role), the NVIDIA device plugin, a default gp3
 * StorageClass, and a Kubernetes provider for later components.
 *
 * Add-ons live in ./addons/<addon>.ts, each with its pin, values and IAM.
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
  /**
   * The security group EKS creates for the control plane; managed nodes (and
   * so pods) use it too. Services such as the database admit it.
   */
  public readonly clusterSecurityGroupId: pulumi.Output<string>;
  /** The VPC the cluster runs in (the AWS Load Balancer Controller needs it when pods cannot reach IMDS). */
  public readonly vpcId: pulumi.Output<string>;
  /** AWS region of the cluster. */
  public readonly region: pulumi.Output<string>;
  /** What in-cluster components wait for: API reachability and access, system nodes, CNI, kube-proxy, DNS, EBS CSI. */
  public readonly ready: pulumi.Resource[];
  /** Per GPU pool, what its GPU pods wait for: the pool's node groups and the NVIDIA device plugin. */
  public readonly gpuPoolReady: Record<string, pulumi.Resource[]>;
  /** EKS node group names of each GPU pool, one per AZ the pool uses ("inference" -> [".._0-1a2b3c4", ...]). */
  public readonly gpuNodeGroupNames: Record<string, pulumi.Output<string>[]>;
  private readonly tags: Record<string, string>;

  constructor(name: string, args: GpuClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before anything is declared: a bad argument (an API open to 0.0.0.0/0, a CPU type
    // in a GPU pool, a role listed twice, a name over AWS's limits) throws ComponentArgsError naming it.
    const s = validateArgs(GPU_CLUSTER_TYPE, name, GpuClusterArgsSchema, args, gpuClusterProblems);
    // Every Kubernetes object it declares carries the stage label when its tags state a stage (lib/tags.ts).
    super(
      GPU_CLUSTER_TYPE,
      name,
      {},
      { ...opts, transformations: [...(opts?.transformations ?? []), (t) => ({ props: withStageLabel(t.type, t.props, s.tags.stage), opts: t.opts })] },
    );
    // The AWS name is fixed (not auto-suffixed) so the log group name is known before the cluster exists.
    const clusterName = eksClusterName(name);
    const version = s.kubernetesVersion;
    const publicAccessCidrs = s.publicAccessCidrs;
    const system = s.systemNodeGroup;
    const gpuPools = s.gpuNodeGroups;
    const tags = s.tags;
    this.tags = tags;
    this.region = pulumi.output(s.region);
    const parent = { parent: this };
    const grants = accessGrants(s.adminRoleArns, s.readOnlyRoleArns, s.deployerRoleArn);
    // The add-ons the settings enable (components/compute/addons/registry.ts); one with no pin
    // for this Kubernetes minor throws here, before anything is declared.
    const addons = CLUSTER_ADDONS.filter((addon) => addon.enabled(s));
    for (const addon of addons) addon.requireKubernetesVersion?.(version);
    // Installs those of one phase, in registry order; returns what others wait for (all of them, and by add-on).
    const installed = new Map<string, pulumi.Resource[]>();
    const installAddons = (phase: ClusterAddonPhase, dependsOn: pulumi.Resource[]): pulumi.Resource[] => {
      const inputs = { region: s.region, kubernetesVersion: version };
      const target = { declare: ADDON_RESOURCES, owner: name, parent: this, cluster: this, settings: s, inputs, tags, dependsOn };
      return addons
        .filter((addon) => addon.phase === phase)
        .flatMap((addon) => {
          const { resources } = addon.install(target);
          installed.set(addon.id, resources);
          return resources;
        });
    };

    // ---------------------------------------------------------- control plane
    const clusterRole = new aws.iam.Role(
      controlPlaneRoleName(name),
      {
        description: `EKS control plane of ${clusterName}`,
        assumeRolePolicy: JSON.stringify(serviceTrustPolicy("eks.amazonaws.com")),
        tags,
      },
      parent,
    );
    const clusterRolePolicy = new aws.iam.RolePolicyAttachment(
      `${name}-control-plane`,
      {
        role: clusterRole.name,
        policyArn: CLUSTER_ROLE_POLICY_ARN,
      },
      parent,
    );

    // Envelope encryption of Kubernetes Secrets with our own key (rotated yearly).
    const secretsKey = new aws.kms.Key(
      `${name}-secrets`,
      {
        description: `Encrypts Kubernetes secrets of ${clusterName}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags,
      },
      parent,
    );
    const secretsKeyAccess = new aws.iam.RolePolicy(
      `${name}-secrets-key`,
      {
        role: clusterRole.id,
        policy: secretsKey.arn.apply((arn) => JSON.stringify(secretsEncryptionPolicy(arn))),
      },
      parent,
    );

    // Created before the cluster: otherwise EKS creates this group itself, unmanaged
    // and with infinite retention (audit logs then grow the bill forever).
    const controlPlaneLogs = new aws.cloudwatch.LogGroup(
      `${name}-control-plane-logs`,
      {
        name: controlPlaneLogGroupName(clusterName),
        retentionInDays: s.logRetentionDays,
        tags: withPlannedGb(tags, PLANNED_INGEST_GB_TAG, s.expectedLogGbPerMonth),
      },
      parent,
    );

    const cluster = new aws.eks.Cluster(
      `${name}-eks`,
      {
        name: clusterName,
        version,
        roleArn: clusterRole.arn,
        vpcConfig: {
          // Fixed to the first two AZs whatever the stage: EKS refuses a change of the control plane's AZ set.
          subnetIds: s.controlPlaneSubnetIds ?? s.privateSubnetIds.slice(0, CONTROL_PLANE_ZONE_COUNT),
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
          // Never an implicit admin entry for whoever creates the cluster: the deployer role's explicit
          // entry below is the only way in for `pulumi up`. With the flag on, EKS creates an entry for the
          // creator, and one principal holds one entry, so an explicit entry for the same role (the
          // deployer set later, or the creator listed under adminRoleArns, readOnlyRoleArns or
          // serving.viewerRoleArns) fails with ResourceInUseException (terraform-aws-eks #2969, #3293;
          // pulumi-eks #2373). Off, no entry can collide and nobody is admin just for creating the cluster.
          bootstrapClusterCreatorAdminPermissions: false,
        },
        // STANDARD, never EXTENDED: extended support costs $0.60/hour per cluster
        // instead of $0.10. At the end of standard support AWS upgrades the control
        // plane itself, so upgrade in code before then (lib/versions.ts).
        upgradePolicy: { supportType: "STANDARD" },
        // No unmanaged vpc-cni/coredns/kube-proxy: they are installed below as
        // managed add-ons, which EKS can upgrade.
        bootstrapSelfManagedAddons: false,
        tags,
      },
      {
        parent: this,
        dependsOn: [controlPlaneLogs, clusterRolePolicy, secretsKeyAccess],
        // EKS reads the bootstrap flag at creation only, and the provider replaces the cluster to change
        // it (hashicorp/terraform-provider-aws #35824, pulumi-aws #3997): a cluster created with it on by
        // an earlier version keeps it (docs/guides/operations.md, "Adding a deployer role ...").
        ignoreChanges: ["accessConfig.bootstrapClusterCreatorAdminPermissions"],
      },
    );
    const clusterSecurityGroupId = cluster.vpcConfig.clusterSecurityGroupId;

    // The private endpoint answers only sources the cluster security group admits: by
    // default it admits only itself, so a runner, bastion or VPN client in the VPC times out.
    const apiRules = apiAccessRules(s.privateAccessCidrs, s.privateAccessSecurityGroupIds).map(
      (rule) =>
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-api-${rule.slug}`,
          {
            securityGroupId: clusterSecurityGroupId,
            description: rule.description,
            ipProtocol: "tcp",
            fromPort: KUBERNETES_API_PORT,
            toPort: KUBERNETES_API_PORT,
            cidrIpv4: rule.securityGroupId ? undefined : (rule.cidr ?? s.vpcCidrBlock),
            referencedSecurityGroupId: rule.securityGroupId,
            tags,
          },
          parent,
        ),
    );

    const accessResources: pulumi.Resource[] = [];
    for (const grant of grants) {
      const resourceName = `${name}-${accessGrantResourceSuffix(grant)}`;
      const entry = new aws.eks.AccessEntry(
        resourceName,
        {
          clusterName: cluster.name,
          principalArn: grant.principalArn,
          type: "STANDARD",
          tags,
        },
        parent,
      );
      const association = new aws.eks.AccessPolicyAssociation(
        resourceName,
        {
          clusterName: cluster.name,
          principalArn: entry.principalArn,
          policyArn: grant.policyArn,
          accessScope: { type: "cluster" },
        },
        parent,
      );
      if (grant.role === "deployer") accessResources.push(entry, association);
    }

    // IRSA: pods get AWS permissions through their service account, never from the node role.
    const issuerUrl = cluster.identities.apply((ids) => ids[0]!.oidcs[0]!.issuer);
    const oidcProvider = new aws.iam.OpenIdConnectProvider(
      `${name}-oidc`,
      {
        url: issuerUrl,
        clientIdLists: ["sts.amazonaws.com"],
        tags,
      },
      parent,
    );
    this.oidcProviderArn = oidcProvider.arn;
    this.oidcIssuerUrl = issuerUrl;
    // What the add-ons installed before the Kubernetes provider exists read of the cluster.
    this.clusterName = cluster.name;

    // ------------------------------------------------------------------ nodes
    const nodeRole = new aws.iam.Role(
      nodeRoleName(name),
      {
        description: `EKS nodes of ${clusterName}`,
        assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")),
        tags,
      },
      parent,
    );
    const nodeRolePolicies = NODE_ROLE_POLICY_ARNS.map(
      (policyArn) => new aws.iam.RolePolicyAttachment(`${name}-node-${policyArn.split("/").pop()}`, { role: nodeRole.name, policyArn }, parent),
    );

    // Networking add-ons come before any node: without the CNI no node becomes
    // Ready (the cluster has no self-managed copy). DaemonSets with no node are healthy.
    const networking = installAddons("before-nodes", []);

    // Nodes must find their role's permissions and the CNI in place when they boot.
    // ...and their subnets' way out (a NAT route): a node that cannot pull images never joins.
    const nodePrerequisites = [...nodeRolePolicies, ...networking, ...(s.nodeDependsOn ?? [])];
    // Where no add-on adds nodes (MVP), the program owns every group's desired size (node-group.ts).
    const sizedOutside = gpuPoolsGrowOnDemand(s);
    const nodeGroupBase = {
      clusterName: cluster.name,
      kubernetesVersion: cluster.version,
      nodeRoleArn: nodeRole.arn,
      tags,
      dependsOn: nodePrerequisites,
      sizedOutside,
    };

    const { nodeGroup: systemNodes } = managedNodeGroup(
      systemNodeGroupName(name),
      {
        ...nodeGroupBase,
        // One group over all AZs: untainted, for CoreDNS, the add-ons and platform services.
        subnetIds: s.privateSubnetIds,
        instanceTypes: system.instanceTypes,
        capacityType: system.capacityType,
        amiType: NODE_AMI_TYPES.cpu,
        diskSizeGb: system.diskSizeGb,
        scaling: { minSize: system.minSize, desiredSize: system.desiredSize, maxSize: system.maxSize },
        labels: systemNodeLabels(),
      },
      this,
    );

    this.gpuNodeGroupNames = {};
    const poolNodeGroups: Record<string, pulumi.Resource[]> = {};
    for (const pool of gpuPools) {
      const gpuPool = new GpuNodePool(
        gpuPoolName(name, pool.name),
        {
          ...nodeGroupBase,
          clusterComponent: name,
          subnetIds: s.privateSubnetIds,
          pool,
        },
        parent,
      );
      this.gpuNodeGroupNames[pool.name] = gpuPool.nodeGroupNames;
      poolNodeGroups[pool.name] = gpuPool.nodeGroups;
    }

    // Add-ons that run Deployments need a node to be healthy.
    const onNodes = installAddons("with-nodes", [systemNodes]);

    // ---------------------------------------------------- inside the cluster
    this.kubeconfig = pulumi.secret(
      pulumi
        .all([cluster.endpoint, cluster.certificateAuthority, s.region])
        .apply(([endpoint, ca, region]) => JSON.stringify(kubeconfig(clusterName, endpoint, ca.data, region))),
    );
    this.provider = new kubernetes.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, parent);
    // Kubernetes objects wait for the API to be reachable (443 rules) and for the
    // deployer's access, a node, DNS and storage, and are deleted before them on destroy.
    this.ready = [...apiRules, ...accessResources, systemNodes, ...networking, ...onNodes];

    // The default StorageClass: encrypted gp3 volumes through the EBS CSI driver.
    new kubernetes.storage.v1.StorageClass(`${name}-gp3`, gp3StorageClass(), { parent: this, provider: this.provider, dependsOn: this.ready });
    installAddons("in-cluster", this.ready);
    // A GPU pod can schedule once its pool has nodes and the device plugin advertises their GPUs.
    const devicePlugin = installed.get(NVIDIA_DEVICE_PLUGIN_CHART.chart) ?? [];
    this.gpuPoolReady = Object.fromEntries(Object.entries(poolNodeGroups).map(([pool, groups]) => [pool, [...groups, ...devicePlugin]]));

    this.endpoint = cluster.endpoint;
    this.nodeRoleArn = nodeRole.arn;
    this.clusterSecurityGroupId = clusterSecurityGroupId;
    this.vpcId = pulumi.output(s.vpcId);
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
    return new IrsaRole(
      name,
      {
        tags: this.tags,
        ...args,
        oidcProviderArn: this.oidcProviderArn,
        oidcIssuerUrl: this.oidcIssuerUrl,
      },
      { parent: this, ...opts },
    );
  }
}
