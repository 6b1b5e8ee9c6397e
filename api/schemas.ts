/**
 * `ml-platform/schemas`: what each component accepts, as zod schemas (the
 * ones the components validate their Args with), for tools: generate JSON
 * schema or docs (`z.toJSONSchema(ContainerRegistrySettings)`), validate your
 * own config files with the same rules, or build overrides (`overridesOf`).
 * zod 4's declarations need `esModuleInterop` or `skipLibCheck` in the
 * tsconfig that imports this subpath (the package root does not need them).
 *
 * @module ml-platform/schemas
 */
export { ArtifactStoreArgsSchema, ArtifactStoreSettings, BUCKET_ENCRYPTIONS, artifactStoreProblems } from "../components/data/artifact-store.schema";
export { ContainerRegistryArgsSchema, ContainerRegistrySettings, containerRegistryProblems } from "../components/data/container-registry.schema";
export { awsTags, overridesOf, validateArgs, zodProblems } from "../lib/validate";
export type { OverridesShape, Shape, WithoutDefault } from "../lib/validate";
