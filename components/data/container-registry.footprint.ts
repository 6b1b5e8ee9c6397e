/**
 * What the component occupies, from its settings, with no Pulumi provider
 * loaded: the length-limited AWS names it creates, which the stack's config
 * checks against AWS's limits before anything is declared, and (for those
 * that run pods there) what it puts on the system pool.
 */
import { PhysicalName, childName, physicalName } from "../../lib/naming";

/** A repository's name (set explicitly, not auto-named): "<registry component>/<repository>". */
export function ecrRepositoryName(registryComponent: string, repository: string): string {
  return `${registryComponent}/${repository}`;
}

/** The length-limited names the registry creates: one ECR repository per repository name. */
export function containerRegistryPhysicalNames(name: string, settings: { repositories: string[] }): PhysicalName[] {
  return settings.repositories.map((r, i) =>
    physicalName("ecrRepository", childName(name, r), false, ["(name)", `repositories[${i}]`], ecrRepositoryName(name, r)),
  );
}
