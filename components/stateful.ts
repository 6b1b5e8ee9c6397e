import * as pulumi from "@pulumi/pulumi";

/**
 * Options for stateful children (buckets, keys, databases): when protected,
 * `pulumi destroy` refuses to delete them and `retainOnDelete` leaves them in
 * the account if a refactor stops declaring them. Renames must add `aliases`.
 */
export function statefulOptions(parent: pulumi.Resource, protect: boolean, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
  return { ...extra, parent, protect, retainOnDelete: protect };
}
