/**
 * EKS managed add-ons (vpc-cni, kube-proxy, coredns, aws-ebs-csi-driver):
 * installed and upgraded by EKS, each pinned in its own file here. This file
 * holds what they share: the pin check, the aws.eks.Addon resource, and the
 * IRSA role of those that need AWS permissions (vpc-cni, aws-ebs-csi-driver).
 *
 * Each pin is a version a public source lists as available for the
 * Kubernetes minor it names. The EKS user guide tables list the *latest*
 * version of the EKS add-on type per minor (not EKS's default), so a pin can
 * be newer than what a fresh cluster gets by default; that is intended (a
 * fixed, known version). Each add-on has one pin per supported minor
 * (SUPPORTED_KUBERNETES_VERSIONS). To refresh one (or to pin for a new
 * minor), with AWS access:
 *   aws eks describe-addon-versions --kubernetes-version <minor> --addon-name <name> \
 *     --query 'addons[].addonVersions[].addonVersion'
 * and update (or add) version, kubernetesVersion, source and checked together.
 */
import type { EksAddonPin } from "../../../lib/versions";
import type { SystemWorkload } from "../capacity";
import { childName } from "../../../lib/naming";
import { irsaRoleName } from "../names";
import { serviceAccountRole } from "./addon";
import type { ClusterAddon, ClusterAddonPhase } from "./addon";

/**
 * Where the 1.36 pins were read: no stored copy of the EKS user guide's
 * tables had a 1.36 row, so the output of
 * `aws eks describe-addon-versions --kubernetes-version 1.36`, as public
 * Terraform and CDK configurations recorded it when they pinned to it
 * (2026-08-27 to 2026-09-03; several independent repositories agree).
 */
export const DESCRIBED_FOR_1_36 =
  "`aws eks describe-addon-versions --kubernetes-version 1.36` as recorded in public Terraform and CDK configurations pinned to its " +
  "output between 2026-08-27 and 2026-09-03 (several independent repositories agree)";

/**
 * The pinned version of an EKS add-on for a cluster on `kubernetesVersion`, or
 * `undefined` when the add-on is unpinned for that minor (EKS's default
 * applies). Throws when no pin was checked for that minor: a version listed
 * for one minor is not known to exist (kube-proxy) or to be supported on
 * another.
 */
export function eksAddonVersion(addon: string, pins: readonly EksAddonPin[], kubernetesVersion: string): string | undefined {
  const pin = pins.find((p) => p.kubernetesVersion === kubernetesVersion);
  if (!pin) {
    throw new Error(
      `The ${addon} add-on is pinned for Kubernetes ${pins.map((p) => p.kubernetesVersion).join(", ")}, not ${kubernetesVersion}. ` +
        `Look the version up for ${kubernetesVersion} and add its pin in components/compute/addons/.`,
    );
  }
  return pin.version;
}

/** The IRSA role of an EKS add-on with AWS permissions: one AWS managed policy for one service account. */
export interface EksAddonRole {
  /** The role's suffix: the IrsaRole is `<cluster component>-<name>`. */
  name: string;
  serviceAccount: { namespace: string; name: string };
  policyArn: string;
}

/** Everything one EKS managed add-on file declares about it. */
export interface EksAddonSpec {
  /** EKS's name for the add-on. */
  name: string;
  /** One pin per supported Kubernetes minor. */
  pins: readonly EksAddonPin[];
  purpose: string;
  phase: Exclude<ClusterAddonPhase, "in-cluster">;
  footprint: SystemWorkload[];
  /** Its IRSA role, for an add-on that calls AWS APIs. Default none. */
  role?: EksAddonRole;
}

/**
 * An EKS managed add-on as a cluster add-on: installed as
 * `<cluster component>-<name>` (an aws.eks.Addon), with its IRSA role
 * `<cluster component>-<role>-role` first when it has one.
 */
export function eksManagedAddon(spec: EksAddonSpec): ClusterAddon {
  const role = spec.role;
  return {
    id: spec.name,
    pin: { eks: spec.pins },
    purpose: spec.purpose,
    phase: spec.phase,
    settings: {},
    footprint: spec.footprint,
    // EKS's managed DaemonSets (aws-node, kube-proxy, ebs-csi-node) tolerate every taint: they run on GPU nodes too.
    gpuNodeFootprint: spec.footprint.filter((w) => w.perNode),
    enabled: () => true,
    iamRoleNames: (owner) => (role ? [irsaRoleName(childName(owner, role.name))] : []),
    requireKubernetesVersion: (kubernetesVersion) => {
      eksAddonVersion(spec.name, spec.pins, kubernetesVersion);
    },
    install: (target) => {
      const { declare, owner, parent, cluster, inputs, tags, dependsOn } = target;
      const roles = role ? [serviceAccountRole(target, childName(owner, role.name), role.serviceAccount, { managedPolicyArns: [role.policyArn] })] : [];
      const addon = declare.eksAddon(
        childName(owner, spec.name),
        {
          clusterName: cluster.clusterName,
          addonName: spec.name,
          // Unpinned means EKS's default for this Kubernetes minor, which AWS may move.
          addonVersion:
            eksAddonVersion(spec.name, spec.pins, inputs.kubernetesVersion) ?? declare.defaultEksAddonVersion(spec.name, inputs.kubernetesVersion, { parent }),
          serviceAccountRoleArn: roles[0]?.roleArn,
          resolveConflictsOnCreate: "OVERWRITE",
          // Keep settings someone changed in the cluster rather than silently reverting them.
          resolveConflictsOnUpdate: "PRESERVE",
          tags,
        },
        { parent, dependsOn },
      );
      return { resources: [addon], roles };
    },
  };
}
