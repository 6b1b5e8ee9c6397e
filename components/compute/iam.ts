/**
 * The cluster's AWS-managed policies, its control-plane log group and the
 * key policy for envelope encryption of Secrets, as pure functions.
 */
import type { PolicyDocument } from "../data/bucket-policy";

// ---------------------------------------------------------------- AWS names

/** Control-plane log types sent to CloudWatch (all five; audit is the one security reviews ask for). */
export const CLUSTER_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** The log group EKS writes control-plane logs to; it must exist before the cluster to get a retention. */
export function controlPlaneLogGroupName(clusterName: string): string {
  return `/aws/eks/${clusterName}/cluster`;
}

const AWS_POLICY = "arn:aws:iam::aws:policy";

/** AWS managed policy for the EKS control plane's role. */
export const CLUSTER_ROLE_POLICY_ARN = `${AWS_POLICY}/AmazonEKSClusterPolicy`;

/**
 * AWS managed policies for the nodes' role: join the cluster and pull images
 * from ECR (PullOnly is the read-only successor of ReadOnly, without
 * list/describe). The VPC CNI's permissions (assign and release ENIs and IPs)
 * are NOT on the node role: the vpc-cni add-on has its own IRSA role
 * (components/compute/addons/vpc-cni.ts), as the EKS user guide recommends
 * ("Configure Amazon VPC CNI plugin to use IRSA", checked 2026-11-23), so a pod
 * that reaches the node's credentials cannot rewire the VPC's network interfaces.
 */
export const NODE_ROLE_POLICY_ARNS = [`${AWS_POLICY}/AmazonEKSWorkerNodePolicy`, `${AWS_POLICY}/AmazonEC2ContainerRegistryPullOnly`] as const;

/** AWS managed policy the VPC CNI needs on an IPv4 cluster (attached to its IRSA role). */
export const VPC_CNI_POLICY_ARN = `${AWS_POLICY}/AmazonEKS_CNI_Policy`;

/** AWS managed policy for the EBS CSI controller (create, attach and delete volumes). */
export const EBS_CSI_POLICY_ARN = `${AWS_POLICY}/service-role/AmazonEBSCSIDriverPolicy`;

/**
 * Lets the control-plane role use the secrets-encryption key. EKS also works
 * through the grant it creates at cluster creation; this inline policy keeps
 * the role working if that grant is ever revoked, and is scoped to one key.
 */
export function secretsEncryptionPolicy(keyArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], Resource: keyArn }],
  };
}
