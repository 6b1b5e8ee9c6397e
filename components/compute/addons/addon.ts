/**
 * The contract every in-cluster add-on implements, Helm chart or EKS managed
 * add-on. Each add-on is one file in this folder: its pin, IAM, footprint on
 * the system pool, purpose and install, and its values (or where they are
 * built: kube-prometheus-stack's and the DCGM exporter's are Monitoring's,
 * in components/monitoring/values.ts). The component that owns an add-on (GpuCluster, ModelServing,
 * Monitoring) lists it and installs it through `install`; the capacity
 * check, the name-length check and the docs read the same object
 * (registry.ts lists them all), so no fact about an add-on is written twice.
 *
 * Free of zod types: the cluster's Args extend the settings its add-ons
 * declare, and the package's declarations must not need zod's.
 */
import type * as aws from "../../../lib/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { GpuNodeGroupSettings } from "../node-pool.args";
import type { ChartPin, EksAddonPin } from "../../../lib/versions";
import type { NodePoolCap } from "../../monitoring/rules";
import type { MonitoringStorage } from "../../monitoring/values";
import type { ServingSettings } from "../../serving/settings";
import type { SystemWorkload } from "../capacity";
import type { ClusterHandle } from "../cluster-handle";
import type { IrsaRole } from "../irsa";
import type { IrsaRoleArgs } from "../irsa.args";
import type { HelmReleaseArgs } from "./helm";

/** What an add-on is pinned to: a Helm chart version, or an EKS managed add-on version per Kubernetes minor. */
export type AddonPin = { readonly helm: ChartPin } | { readonly eks: readonly EksAddonPin[] };

/**
 * The resources an add-on declares, handed to it by its owner
 * (`ADDON_RESOURCES` in resources.ts). An add-on's file imports no Pulumi
 * provider, so the stack's config checks (which read every add-on's pin,
 * setting and footprint) run without loading one.
 */
export interface AddonResources {
  /** `chart` at its pinned version, as the Helm release `name`. */
  helmRelease(name: string, chart: ChartPin, args: HelmReleaseArgs, opts: pulumi.CustomResourceOptions): pulumi.Resource;
  /** An IAM role that one Kubernetes service account assumes through the cluster's OIDC provider. */
  irsaRole(name: string, args: IrsaRoleArgs, opts: pulumi.ComponentResourceOptions): IrsaRole;
  /** An EKS managed add-on. */
  eksAddon(name: string, args: aws.eks.AddonArgs, opts: pulumi.CustomResourceOptions): pulumi.Resource;
  /** EKS's default version of an add-on for a Kubernetes minor, looked up at deploy time. */
  defaultEksAddonVersion(addonName: string, kubernetesVersion: string, opts: pulumi.InvokeOptions): pulumi.Output<string>;
  /** A string input as an Output (`pulumi.output`). */
  output(value: pulumi.Input<string>): pulumi.Output<string>;
  /** JSON text of a value that holds Outputs (`pulumi.jsonStringify`). */
  jsonStringify(value: unknown): pulumi.Output<string>;
}

/** Where an add-on is installed, by whom, and with what. */
export interface AddonTarget<S, I> {
  /** What it declares its resources with. */
  declare: AddonResources;
  /** The installing component's name: the add-on's children are named `<owner>-<role>`. */
  owner: string;
  /** The installing component, parent of every child. */
  parent: pulumi.Resource;
  /**
   * The cluster. An add-on the cluster installs before its Kubernetes
   * provider exists (phase "before-nodes" or "with-nodes") reads only its
   * name and OIDC provider.
   */
  cluster: ClusterHandle;
  /** The owner's settings, as `enabled` saw them. */
  settings: S;
  /** What the owner hands its add-ons at install time (region, Kubernetes minor, namespace, ...). */
  inputs: I;
  /** Tags for the add-on's AWS resources (IAM roles, EKS add-ons). */
  tags: Record<string, string>;
  /** What the add-on's Helm release or EKS add-on waits for. */
  dependsOn: pulumi.Resource[];
}

/** What installing an add-on declared. */
export interface AddonInstallation {
  /** The Helm release or EKS add-on: what objects that need the add-on wait for. */
  resources: pulumi.Resource[];
  /** Its IRSA roles, in the order `iamRoleNames` lists their IAM roles. */
  roles: IrsaRole[];
}

/**
 * An in-cluster add-on. `S` is the owner's settings (what decides whether it
 * is installed), `I` what the owner hands it at install time.
 */
export interface Addon<S, I> {
  /** The chart's or EKS add-on's own name ("cluster-autoscaler", "vpc-cni"). */
  readonly id: string;
  /** The exact version installed; the only place it is written. */
  readonly pin: AddonPin;
  /** What it does, in one line (the generated docs print it). */
  readonly purpose: string;
  /** Whether the owner installs it, from the owner's settings. */
  enabled(settings: S): boolean;
  /**
   * Its pods on the CPU system pool, one entry per Deployment or DaemonSet,
   * as its values request them: what the system pool's capacity check counts.
   * Empty when it runs elsewhere (on GPU nodes) or nowhere in particular.
   */
  readonly footprint: readonly SystemWorkload[];
  /**
   * Its DaemonSet pods on every GPU node (`perNode`), as its values request
   * them: what the GPU pools' capacity check subtracts from each node before
   * it places the GPU workloads (components/compute/capacity.ts checkGpuPool).
   * Absent when none of its pods runs on GPU nodes.
   */
  readonly gpuNodeFootprint?: readonly SystemWorkload[];
  /** Logical names of the IAM roles it creates (auto-named by Pulumi), for the name-length check. */
  iamRoleNames(owner: string): string[];
  /**
   * Throws, naming the pin to add and where, when the add-on has no
   * version-bound pin (image tag, EKS build) for a Kubernetes minor. Absent
   * when nothing it pins depends on the minor.
   */
  requireKubernetesVersion?(kubernetesVersion: string): void;
  /** Declares it: roles, then the Helm release or EKS add-on. */
  install(target: AddonTarget<S, I>): AddonInstallation;
}

/**
 * The IRSA role of an add-on's service account, `name`: only that account in
 * that namespace may assume it, through the cluster's OIDC provider; it holds
 * `policy` (an inline document's JSON text, or managed policy ARNs).
 */
export function serviceAccountRole<S, I>(
  target: Pick<AddonTarget<S, I>, "declare" | "parent" | "cluster" | "tags">,
  name: string,
  account: { namespace: string; name: string },
  policy: { inlinePolicy: pulumi.Input<string> } | { managedPolicyArns: string[] },
): IrsaRole {
  const { declare, parent, cluster, tags } = target;
  return declare.irsaRole(
    name,
    {
      oidcProviderArn: cluster.oidcProviderArn,
      oidcIssuerUrl: cluster.oidcIssuerUrl,
      namespace: account.namespace,
      serviceAccount: account.name,
      ...policy,
      tags,
    },
    { parent },
  );
}

/** Installs `addon` when its owner's settings enable it; undefined otherwise. */
export function installAddon<S, I>(addon: Addon<S, I>, target: AddonTarget<S, I>): AddonInstallation | undefined {
  return addon.enabled(target.settings) ? addon.install(target) : undefined;
}

/** The footprints of the add-ons the settings enable, in the order given. */
export function addonWorkloads<S>(addons: readonly Addon<S, never>[], settings: S): SystemWorkload[] {
  return addons.filter((a) => a.enabled(settings)).flatMap((a) => a.footprint);
}

/** The DaemonSets the add-ons the settings enable run on every GPU node, in the order given. */
export function addonGpuNodeWorkloads<S>(addons: readonly Addon<S, never>[], settings: S): SystemWorkload[] {
  return addons.filter((a) => a.enabled(settings)).flatMap((a) => a.gpuNodeFootprint ?? []);
}

/** The IAM role names of the add-ons the settings enable, in the order given. */
export function addonRoleNames<S>(addons: readonly Addon<S, never>[], owner: string, settings: S): string[] {
  return addons.filter((a) => a.enabled(settings)).flatMap((a) => a.iamRoleNames(owner));
}

/** A Helm add-on's chart pin (undefined for an EKS managed add-on). */
export function chartOf(addon: { pin: AddonPin }): ChartPin | undefined {
  return "helm" in addon.pin ? addon.pin.helm : undefined;
}

// ------------------------------------------------------------ the cluster's add-ons

/**
 * When GpuCluster installs an add-on. "before-nodes": nodes wait for it (the
 * CNI, kube-proxy); "with-nodes": it needs a node to run, and the cluster's
 * readiness waits for it (CoreDNS, EBS CSI); "in-cluster": installed with
 * the cluster's Kubernetes provider once the cluster is ready.
 */
export type ClusterAddonPhase = "before-nodes" | "with-nodes" | "in-cluster";

/** What GpuCluster hands its add-ons at install time. */
export interface ClusterAddonInputs {
  /** AWS region of the cluster. */
  region: pulumi.Input<string>;
  /** Kubernetes minor of the cluster ("1.35"). */
  kubernetesVersion: string;
}

/**
 * A setting an add-on adds to the cluster's: a zod schema with its
 * description and default (gpu-cluster.schema.ts composes it into
 * GpuClusterSettings), seen here only through what it parses to.
 */
export interface AddonSetting<T> {
  parse(value: unknown): T;
  readonly description?: string | undefined;
}

/** No settings of its own. */
export type NoSettings = Record<never, never>;

/** Settings as the add-on reads them: defaults applied. */
export type Resolved<A> = { [K in keyof A]-?: Exclude<A[K], undefined> };

/**
 * An add-on GpuCluster owns. `A` is the Args it adds to GpuClusterArgs (each
 * optional, with JSDoc); `settings` declares them for the schema, and
 * `enabled` reads them.
 */
export interface ClusterAddon<A extends object = NoSettings> extends Addon<Resolved<A>, ClusterAddonInputs> {
  readonly phase: ClusterAddonPhase;
  /**
   * It adds nodes to the GPU pools when pods wait (up to each pool's
   * maxSize): the capacity check then counts a pool at its maximum instead
   * of its minimum. Absent: it adds none.
   */
  readonly addsGpuNodes?: boolean;
  readonly settings: { readonly [K in keyof A]-?: AddonSetting<Exclude<A[K], undefined>> };
  /**
   * Tags it reads on the Auto Scaling group of every GPU node group, written
   * (by GpuNodePool) whether or not it is enabled, so that turning it on
   * changes no node group. Absent when it reads none.
   */
  nodeGroupTags?(pool: Pick<GpuNodeGroupSettings, "name" | "instanceTypes">): AsgTag[];
}

/** One tag on an Auto Scaling group; `slug` names its Tag resource (`<node group>-asg-<slug>`). */
export interface AsgTag {
  slug: string;
  key: string;
  value: string;
}

// ------------------------------------------------------------ ModelServing's add-ons

/** What ModelServing hands its add-ons at install time. */
export interface ServingAddonInputs {
  /** AWS region of the cluster. */
  region: pulumi.Input<string>;
  /** VPC of the cluster. */
  vpcId: pulumi.Input<string>;
}

/** An add-on ModelServing owns: installed when its models need it. */
export type ServingAddon = Addon<Pick<ServingSettings, "models" | "autoscaling" | "blueGreen">, ServingAddonInputs>;

// ------------------------------------------------------------ Monitoring's add-ons

/** What decides Monitoring's add-ons: its node pools and its `dcgmExporter` argument. */
export interface MonitoringAddonSettings {
  pools: NodePoolCap[];
  dcgmExporter?: boolean | undefined;
}

/** What Monitoring hands its add-ons at install time. */
export interface MonitoringAddonInputs {
  /** The monitoring namespace (created by Monitoring). */
  namespace: pulumi.Input<string>;
  /** Retention and volume sizes. */
  storage: MonitoringStorage;
  /** Alertmanager's configuration, the SNS topics it publishes to and their KMS keys. */
  alertmanager: { config: unknown; publishTo: pulumi.Input<string>[]; topicKeyArns: pulumi.Input<string>[] };
}

/** An add-on Monitoring owns. */
export type MonitoringAddon = Addon<MonitoringAddonSettings, MonitoringAddonInputs>;
