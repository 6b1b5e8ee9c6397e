import * as aws from "../../lib/aws";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "../../lib/naming";
import { PLANNED_STORAGE_GB_TAG, withPlannedGb } from "../../lib/tags";
import { validateArgs } from "../../lib/validate";
import type { ContainerRegistryArgs } from "./container-registry.args";
import { ecrRepositoryName } from "./container-registry.footprint";
import { ContainerRegistryArgsSchema, containerRegistryProblems } from "./container-registry.schema";
import { ecrLifecyclePolicy } from "./ecr-lifecycle";

export type { ContainerRegistryArgs };

export const CONTAINER_REGISTRY_TYPE = "mlplatform:data:ContainerRegistry";

/** One ECR repository: the URL images are pushed to and pulled from, and its ARN. */
export interface RepositoryInfo {
  url: pulumi.Output<string>;
  arn: pulumi.Output<string>;
}

/**
 * ECR repositories for model images: tags are immutable (a deployed tag always
 * means the same bytes, so a rollback is exact), images are scanned on push,
 * and a lifecycle policy bounds storage.
 */
export class ContainerRegistry extends pulumi.ComponentResource {
  /** Repositories by name. */
  public readonly repositories: Record<string, RepositoryInfo>;
  /**
   * What `<registry>` in a model's image stands for (ModelServing's
   * `registryPrefix`): `<account>.dkr.ecr.<region>.amazonaws.com/<name>`, so
   * `<registry>/models:1.4.0` is this registry's `models` repository, tag 1.4.0.
   */
  public readonly registryPrefix: pulumi.Output<string>;

  constructor(name: string, args: ContainerRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before anything is declared: a bad argument throws ComponentArgsError naming it.
    const s = validateArgs(CONTAINER_REGISTRY_TYPE, name, ContainerRegistryArgsSchema, args, containerRegistryProblems);
    super(CONTAINER_REGISTRY_TYPE, name, {}, opts);
    const tags = s.tags;
    const policy = JSON.stringify(ecrLifecyclePolicy(s.untaggedExpiryDays, s.keepLastImages));
    this.repositories = {};
    const repoTags = withPlannedGb(tags, PLANNED_STORAGE_GB_TAG, s.expectedStorageGb === undefined ? undefined : s.expectedStorageGb / s.repositories.length);
    for (const repoName of s.repositories) {
      const repo = new aws.ecr.Repository(
        childName(name, repoName),
        {
          name: ecrRepositoryName(name, repoName),
          imageTagMutability: "IMMUTABLE",
          imageScanningConfiguration: { scanOnPush: true },
          encryptionConfigurations: [{ encryptionType: "AES256" }],
          forceDelete: s.forceDelete,
          tags: repoTags,
        },
        { parent: this },
      );
      new aws.ecr.LifecyclePolicy(`${name}-${repoName}`, { repository: repo.name, policy }, { parent: this });
      this.repositories[repoName] = { url: repo.repositoryUrl, arn: repo.arn };
    }
    // Every repository is `<host>/<name>/<repository>`: the first one's URL without its own suffix.
    const [first] = s.repositories;
    // (Mocks that answer no URL get none.)
    const suffix = ecrRepositoryName(name, first!).length;
    this.registryPrefix = this.repositories[first!]!.url.apply((url: string | undefined) =>
      url === undefined ? undefined : url.slice(0, url.length - suffix) + name,
    ) as pulumi.Output<string>;
    this.registerOutputs({ repositories: Object.fromEntries(Object.entries(this.repositories).map(([k, r]) => [k, r.url])) });
  }
}
