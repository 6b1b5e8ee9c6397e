/**
 * IAM policy documents shared by every component: the document's shape, a
 * service's trust policy and an IRSA role's trust policy, as pure functions.
 * Values may be Pulumi outputs; the components serialise them with
 * `pulumi.jsonStringify`.
 */

import { type PolicyDocument } from "../components/data/bucket-policy";

/** Trust policy letting an AWS service (eks.amazonaws.com, ec2.amazonaws.com, ...) assume a role. */
export function serviceTrustPolicy(service: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  };
}

/** Strips the scheme from an OIDC issuer URL: the form IAM condition keys use. */
export function issuerHostPath(issuerUrl: string): string {
  return issuerUrl.replace(/^https:\/\//, "");
}

/**
 * Trust policy for IAM roles for service accounts (IRSA): only the named
 * Kubernetes service account, through the cluster's OIDC provider, with the
 * STS audience, may assume the role.
 */
export function irsaTrustPolicy(oidcProviderArn: string, issuerUrl: string, namespace: string, serviceAccount: string): PolicyDocument {
  const issuer = issuerHostPath(issuerUrl);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
            [`${issuer}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ],
  };
}
