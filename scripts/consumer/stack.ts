/**
 * The consumer's own stack program (its Pulumi.yaml `main`), planned by the
 * package's `ml-platform-plan` command in scripts/check-package.sh: a
 * registry and a protected artifact store named after the stack's `env`.
 */
import * as pulumi from "@pulumi/pulumi";
import { ArtifactStore, ContainerRegistry } from "ml-platform";

export = () => {
  const config = new pulumi.Config();
  const env = config.require("env");
  const registry = new ContainerRegistry(`${env}-images`, { repositories: ["models"] });
  const store = new ArtifactStore(`${env}-data`, { buckets: ["datasets"], tags: { owner: "platform" }, protect: true });
  return { registry: registry.repositories["models"]?.url, buckets: Object.keys(store.buckets) };
};
