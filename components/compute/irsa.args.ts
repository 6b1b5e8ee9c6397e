// Generated from components/compute/irsa.schema.ts by `npm run generate`: edit the schema, not this file.
import type * as pulumi from "@pulumi/pulumi";

/** The arguments of an IrsaRole. */
export interface IrsaRoleArgs {
  /** ARN of the cluster's IAM OIDC provider. */
  oidcProviderArn: pulumi.Input<string>;
  /** The cluster's OIDC issuer URL. */
  oidcIssuerUrl: pulumi.Input<string>;
  /** Namespace of the service account allowed to assume the role. */
  namespace: string;
  /** Name of that service account. */
  serviceAccount: string;
  /** Managed IAM policies to attach. Default none. */
  managedPolicyArns?: string[] | undefined;
  /** An inline policy document (JSON text). Default none. */
  inlinePolicy?: pulumi.Input<string> | undefined;
  /**
   * Tags for every resource the component creates (cost allocation: owner, costCenter,
   * environment). Default none.
   */
  tags?: Record<string, string> | undefined;
  /**
   * The company's stage (poc, mvp or seriesb), written as the `stage` tag on every AWS resource the
   * component tags, so the policy pack applies that stage's limits. Default: none (a `stage` in
   * tags, or the AWS provider's defaultTags, still counts).
   */
  stage?: "poc" | "mvp" | "seriesb" | undefined;
}
