import * as aws from "../../lib/aws";
import * as pulumi from "@pulumi/pulumi";
import { validateArgs } from "../../lib/validate";
import { IrsaRoleArgsSchema, irsaRoleProblems } from "./irsa.schema";
import { irsaTrustPolicy } from "../../lib/iam";
import { irsaRoleName } from "./names";
import type { IrsaRoleArgs } from "./irsa.args";

export type { IrsaRoleArgs };

export const IRSA_ROLE_TYPE = "mlplatform:compute:IrsaRole";

/**
 * An IAM role for one Kubernetes service account (IRSA): pods running as
 * `namespace:serviceAccount` get its permissions through the cluster's OIDC
 * provider, and no other pod can assume it. Annotate the service account with
 * `eks.amazonaws.com/role-arn: <roleArn>`.
 */
export class IrsaRole extends pulumi.ComponentResource {
  public readonly roleArn: pulumi.Output<string>;
  public readonly roleName: pulumi.Output<string>;

  constructor(name: string, args: IrsaRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before anything is declared: a bad argument throws ComponentArgsError naming it.
    const s = validateArgs(IRSA_ROLE_TYPE, name, IrsaRoleArgsSchema, args, irsaRoleProblems);
    super(IRSA_ROLE_TYPE, name, {}, opts);
    const tags = s.tags;
    const parent = { parent: this };

    // Building the JSON document inside apply is fine: no resource is created there.
    const assumeRolePolicy = pulumi
      .all([args.oidcProviderArn, args.oidcIssuerUrl])
      .apply(([providerArn, issuerUrl]) => JSON.stringify(irsaTrustPolicy(providerArn, issuerUrl, args.namespace, args.serviceAccount)));

    const role = new aws.iam.Role(
      irsaRoleName(name),
      {
        description: `IRSA role for service account ${args.namespace}/${args.serviceAccount}`,
        assumeRolePolicy,
        tags,
      },
      parent,
    );

    const grants: pulumi.Output<string>[] = [];
    for (const policyArn of s.managedPolicyArns) {
      const policyName = policyArn.split("/").pop() ?? policyArn;
      grants.push(new aws.iam.RolePolicyAttachment(`${name}-${policyName}`, { role: role.name, policyArn }, parent).id);
    }
    if (args.inlinePolicy !== undefined) {
      grants.push(new aws.iam.RolePolicy(`${name}-inline`, { role: role.id, policy: args.inlinePolicy }, parent).id);
    }

    // The ARN is handed out only once the permissions are attached, so whatever
    // uses it (an add-on, a Helm release) never starts with an empty role.
    this.roleArn = pulumi.all([role.arn, ...grants]).apply(([arn]) => arn);
    this.roleName = role.name;
    this.registerOutputs({ roleArn: this.roleArn, roleName: this.roleName });
  }
}
