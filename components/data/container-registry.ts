import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ecrLifecyclePolicy } from "../../lib/ecr";
import { PLANNED_STORAGE_GB_TAG, withPlannedGb } from "../../lib/tags";

export interface ContainerRegistryArgs {
  /** Repository names, one ECR repository each. Default ["models"]. */
  repositories?: string[];
  /** Days before untagged images expire. Default 7. */
  untaggedExpiryDays?: number;
  /** Images kept per repository; older ones expire. Default 100. */
  keepLastImages?: number;
  /**
   * Let `pulumi destroy` delete repositories that still hold images (ECR
   * `forceDelete`). For non-production stacks only; production keeps it off.
   * Default false.
   */
  forceDelete?: boolean;
  /** Tags for every resource. Default none. */
  /**
   * GB of images expected in all, for cost planning: each repository carries
   * its share as the `ml-platform/planned-storage-gb` tag. Default none
   * (storage is then listed as usage-based, not priced).
   */
  expectedStorageGb?: number;
  tags?: Record<string, string>;
}

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

  constructor(name: string, args: ContainerRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlplatform:data:ContainerRegistry", name, {}, opts);
    const tags = args.tags ?? {};
    const policy = JSON.stringify(ecrLifecyclePolicy(args.untaggedExpiryDays ?? 7, args.keepLastImages ?? 100));
    this.repositories = {};
    const repoNames = args.repositories ?? ["models"];
    const repoTags = withPlannedGb(tags, PLANNED_STORAGE_GB_TAG, args.expectedStorageGb === undefined ? undefined : args.expectedStorageGb / repoNames.length);
    for (const repoName of repoNames) {
      const repo = new aws.ecr.Repository(`${name}-${repoName}`, {
        name: `${name}/${repoName}`,
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "AES256" }],
        forceDelete: args.forceDelete ?? false,
        tags: repoTags,
      }, { parent: this });
      new aws.ecr.LifecyclePolicy(`${name}-${repoName}`, { repository: repo.name, policy }, { parent: this });
      this.repositories[repoName] = { url: repo.repositoryUrl, arn: repo.arn };
    }
    this.registerOutputs({ repositories: Object.fromEntries(Object.entries(this.repositories).map(([k, r]) => [k, r.url])) });
  }
}
