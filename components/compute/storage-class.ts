/** The cluster's default StorageClass (gp3, encrypted), as a plain manifest. */

export interface StorageClassManifest {
  apiVersion: "storage.k8s.io/v1";
  kind: "StorageClass";
  metadata: { name: string; annotations: Record<string, string> };
  provisioner: string;
  parameters: Record<string, string>;
  reclaimPolicy: "Delete" | "Retain";
  volumeBindingMode: "Immediate" | "WaitForFirstConsumer";
  allowVolumeExpansion: boolean;
}

/**
 * The default StorageClass: encrypted gp3 through the EBS CSI driver (gp3 is
 * 20% cheaper than gp2 and includes 3,000 IOPS). WaitForFirstConsumer creates
 * the volume in the AZ the pod is scheduled to, so a GPU node started in
 * another AZ can still attach it. EKS 1.30+ no longer marks gp2 as default,
 * so this is the only default class.
 */
export function gp3StorageClass(): StorageClassManifest {
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
    provisioner: "ebs.csi.aws.com",
    parameters: { type: "gp3", encrypted: "true" },
    reclaimPolicy: "Delete",
    volumeBindingMode: "WaitForFirstConsumer",
    allowVolumeExpansion: true,
  };
}
