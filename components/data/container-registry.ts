import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ecrLifecyclePolicy } from "../../lib/ecr";

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
    for (const repoName of args.repositories ?? ["models"]) {
      const repo = new aws.ecr.Repository(`${name}-${repoName}`, {
        name: `${name}/${repoName}`,
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "AES256" }],
        forceDelete: args.forceDelete ?? false,
        tags,
      }, { parent: this });
      new aws.ecr.LifecyclePolicy(`${name}-${repoName}`, { repository: repo.name, policy }, { parent: this });
      this.repositories[repoName] = { url: repo.repositoryUrl, arn: repo.arn };
    }
    this.registerOutputs({ repositories: Object.fromEntries(Object.entries(this.repositories).map(([k, r]) => [k, r.url])) });
  }
}
