/**
 * EKS managed add-ons (vpc-cni, kube-proxy, coredns, aws-ebs-csi-driver):
 * installed and upgraded by EKS, pinned in lib/versions.ts. The add-ons with
 * AWS permissions (vpc-cni, aws-ebs-csi-driver) have their own files that add
 * an IRSA role; this file holds what they all share.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EksAddonName, eksAddonVersion } from "../../../lib/versions";
import type { ClusterHandle } from "../cluster-handle";
import { IrsaRole } from "../irsa";

export interface EksAddonArgs {
  /** Name of the EKS cluster. Required. */
  clusterName: pulumi.Input<string>;
  /** Kubernetes minor of the cluster, to look up EKS's default add-on version when none is pinned. Required. */
  kubernetesVersion: string;
  /** IAM role for the add-on's service account (IRSA). Default none (the add-on needs no AWS access). */
  serviceAccountRoleArn?: pulumi.Input<string>;
  /** Tags for the add-on resource. Default none. */
  tags?: Record<string, string>;
}

/**
 * Declares one EKS managed add-on, named `<clusterComponent>-<addon>`, as a
 * child of `opts.parent` (the cluster component).
 */
export function eksAddon(clusterComponent: string, addonName: EksAddonName, args: EksAddonArgs, opts: pulumi.CustomResourceOptions): aws.eks.Addon {
  // Pinned in lib/versions.ts (EKS_ADDON_PINS) for one Kubernetes minor; throws when the pin is for another.
  const pinned = eksAddonVersion(addonName, args.kubernetesVersion);
  return new aws.eks.Addon(`${clusterComponent}-${addonName}`, {
    clusterName: args.clusterName,
    addonName,
    // Unpinned means EKS's default for this Kubernetes minor, which AWS may move.
    addonVersion: pinned ??
      aws.eks.getAddonVersionOutput({ addonName, kubernetesVersion: args.kubernetesVersion, mostRecent: false }, { parent: opts.parent }).version,
    serviceAccountRoleArn: args.serviceAccountRoleArn,
    resolveConflictsOnCreate: "OVERWRITE",
    // Keep settings someone changed in the cluster rather than silently reverting them.
    resolveConflictsOnUpdate: "PRESERVE",
    tags: args.tags ?? {},
  }, opts);
}

/** What an add-on with AWS permissions needs: its cluster, Kubernetes minor, tags and what it waits for. */
export interface EksAddonWithRoleArgs {
  /** The cluster's name and OIDC provider (the parts of a ClusterHandle that exist before its nodes). Required. */
  cluster: Pick<ClusterHandle, "clusterName" | "oidcProviderArn" | "oidcIssuerUrl">;
  /** Kubernetes minor of the cluster. Required. */
  kubernetesVersion: string;
  /** Resources the add-on waits for. Default none. */
  dependsOn?: pulumi.Resource[];
  /** Tags for the role and the add-on. Default none. */
  tags?: Record<string, string>;
}

/**
 * An EKS managed add-on with its own IRSA role (`<clusterComponent>-<role>-role`)
 * for its service account, holding one AWS managed policy: vpc-cni and
 * aws-ebs-csi-driver.
 */
export function eksAddonWithRole(
  clusterComponent: string,
  addon: { name: EksAddonName; role: string; serviceAccount: { namespace: string; name: string }; policyArn: string },
  args: EksAddonWithRoleArgs,
  opts: { parent: pulumi.Resource },
): { addon: aws.eks.Addon; role: IrsaRole } {
  const role = new IrsaRole(`${clusterComponent}-${addon.role}`, {
    oidcProviderArn: args.cluster.oidcProviderArn,
    oidcIssuerUrl: args.cluster.oidcIssuerUrl,
    namespace: addon.serviceAccount.namespace,
    serviceAccount: addon.serviceAccount.name,
    managedPolicyArns: [addon.policyArn],
    tags: args.tags,
  }, { parent: opts.parent });
  const installed = eksAddon(clusterComponent, addon.name, {
    clusterName: args.cluster.clusterName,
    kubernetesVersion: args.kubernetesVersion,
    serviceAccountRoleArn: role.roleArn,
    tags: args.tags,
  }, { parent: opts.parent, dependsOn: args.dependsOn ?? [] });
  return { addon: installed, role };
}
