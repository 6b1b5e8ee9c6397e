import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ecrLifecyclePolicy } from "./ecr-lifecycle";
import { PLANNED_STORAGE_GB_TAG, withPlannedGb } from "../../lib/tags";
import { validateArgs } from "../../lib/validate";
import { PhysicalName, childName, physicalName } from "../../lib/naming";
import { ContainerRegistryArgsSchema, containerRegistryProblems } from "./container-registry.schema";

export const CONTAINER_REGISTRY_TYPE = "mlplatform:data:ContainerRegistry";

/** A repository's name (set explicitly, not auto-named): "<registry component>/<repository>". */
export function ecrRepositoryName(registryComponent: string, repository: string): string {
  return `${registryComponent}/${repository}`;
}

/** The length-limited names the registry creates: one ECR repository per repository name. */
export function containerRegistryPhysicalNames(name: string, settings: { repositories: string[] }): PhysicalName[] {
  return settings.repositories.map((r, i) => physicalName("ecrRepository", childName(name, r), false, ["(name)", `repositories[${i}]`], ecrRepositoryName(name, r)));
}

export interface ContainerRegistryArgs {
  /** Repository names, one ECR repository each, named `<component name>/<repository>` (lower-case letters, digits, '-', '_', '.'). Default ["models"]. */
  repositories?: string[];
  /** Days before untagged images expire (1-365). Default 7. */
  untaggedExpiryDays?: number;
  /** Images kept per repository; older ones expire (1-10000). Default 100. */
  keepLastImages?: number;
  /**
   * Let `pulumi destroy` delete repositories that still hold images (ECR
   * `forceDelete`). For non-production stacks only; production keeps it off.
   * Default false.
   */
  forceDelete?: boolean;
  /**
   * GB of images expected in all, for cost planning: each repository carries
   * its share as the `ml-platform/planned-storage-gb` tag. Default none
   * (storage is then listed as usage-based, not priced).
   */
  expectedStorageGb?: number;
  /** Tags for every resource (keys up to 128 characters, values up to 256, no `aws:` prefix). Default none. */
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
    // Checked before anything is declared: a bad argument throws ComponentArgsError naming it.
    const s = validateArgs(CONTAINER_REGISTRY_TYPE, name, ContainerRegistryArgsSchema, args, containerRegistryProblems);
    super(CONTAINER_REGISTRY_TYPE, name, {}, opts);
    const tags = s.tags;
    const policy = JSON.stringify(ecrLifecyclePolicy(s.untaggedExpiryDays, s.keepLastImages));
    this.repositories = {};
    const repoTags = withPlannedGb(tags, PLANNED_STORAGE_GB_TAG, s.expectedStorageGb === undefined ? undefined : s.expectedStorageGb / s.repositories.length);
    for (const repoName of s.repositories) {
      const repo = new aws.ecr.Repository(childName(name, repoName), {
        name: ecrRepositoryName(name, repoName),
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "AES256" }],
        forceDelete: s.forceDelete,
        tags: repoTags,
      }, { parent: this });
      new aws.ecr.LifecyclePolicy(`${name}-${repoName}`, { repository: repo.name, policy }, { parent: this });
      this.repositories[repoName] = { url: repo.repositoryUrl, arn: repo.arn };
    }
    this.registerOutputs({ repositories: Object.fromEntries(Object.entries(this.repositories).map(([k, r]) => [k, r.url])) });
  }
}
