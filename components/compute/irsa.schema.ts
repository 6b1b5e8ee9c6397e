/** What IrsaRole accepts, as a zod schema (validated in its constructor). */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { AUTONAME_SUFFIX_LENGTH, NAME_LIMITS } from "../../lib/naming";
import { irsaRoleName } from "./names";
import { ArgProblem, awsTags, stageArg, schemaMatches, withType, planTime, PULUMI_STRING } from "../../lib/validate";
import { namespaceName } from "../serving/model-serving.schema";
import type { IrsaRoleArgs } from "./irsa.args";

/** A Kubernetes service account name: a DNS subdomain, at most 253 characters (Kubernetes docs, "Object names and IDs"; checked 2026-11-23). */
const serviceAccountName = z
  .string()
  .max(253, "must be at most 253 characters")
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, "must be a Kubernetes object name: lower-case letters, digits, '-' and '.'");

/** An IAM managed policy ARN (AWS-managed or customer-managed). */
const policyArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/[\w+=,.@/-]+$/, "must be an IAM policy ARN such as arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy");

const input = (what: string) =>
  withType(
    z.custom<pulumi.Input<string>>((v) => v !== undefined && v !== null && v !== "", `${what} is required`),
    PULUMI_STRING,
  );

export const IrsaRoleArgsSchema = z.strictObject({
  oidcProviderArn: input("oidcProviderArn").describe("ARN of the cluster's IAM OIDC provider."),
  oidcIssuerUrl: input("oidcIssuerUrl").describe("The cluster's OIDC issuer URL."),
  namespace: namespaceName.describe("Namespace of the service account allowed to assume the role."),
  serviceAccount: serviceAccountName.describe("Name of that service account."),
  managedPolicyArns: planTime(z.array(policyArn), "the policy attachments declared, each named after its policy")
    .describe("Managed IAM policies to attach.")
    .default([]),
  inlinePolicy: withType(z.custom<pulumi.Input<string>>(), PULUMI_STRING).optional().describe("An inline policy document (JSON text). Default none."),
  tags: awsTags.default({}),
  stage: stageArg,
});

// tsc proves the interface (irsa.ts) and the schema accept the same arguments.
schemaMatches<IrsaRoleArgs, z.input<typeof IrsaRoleArgsSchema>>(true);

/** The role's name (auto-named: plus Pulumi's suffix) within IAM's 64 characters; a policy attached twice. */
export function irsaRoleProblems(name: string, s: z.output<typeof IrsaRoleArgsSchema>): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const role = irsaRoleName(name);
  if (role.length + AUTONAME_SUFFIX_LENGTH > NAME_LIMITS.iamRole) {
    problems.push({
      path: "(name)",
      value: name,
      message: `makes the IAM role name "${role}" plus Pulumi's 8-character suffix ${role.length + AUTONAME_SUFFIX_LENGTH} characters long; IAM role names are at most ${NAME_LIMITS.iamRole}`,
    });
  }
  s.managedPolicyArns.forEach((arn, i) => {
    if (s.managedPolicyArns.indexOf(arn) !== i) problems.push({ path: `managedPolicyArns[${i}]`, value: arn, message: "repeats a policy; attach each once" });
  });
  return problems;
}
