/**
 * The resources add-ons declare (addon.ts AddonResources), with the Pulumi
 * providers. Only the components that install add-ons (GpuCluster,
 * ModelServing, Monitoring) import this file; the add-ons' own files stay
 * free of providers.
 */
import * as fs from "fs";
import * as path from "path";
import * as aws from "../../../lib/aws";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChartPin, chartArchiveName } from "../../../lib/versions";
import { IrsaRole } from "../irsa";
import type { AddonResources } from "./addon";

/** The repository's charts/ folder, where the pinned chart archives are vendored. */
const VENDORED_CHARTS = path.join(__dirname, "..", "..", "..", "charts");

/**
 * Where a Release takes its chart from. From this repository, the vendored
 * archive (charts/<chart>-<version>.tgz), by its path from the directory the
 * program runs in, which is where Pulumi runs the program and its providers
 * (the project's): what the tests render is what is installed, and no chart
 * repository has to be up. The package does not ship the archives, so a
 * program that uses it installs the same version from the pin's repository.
 */
function chartSource(chart: ChartPin): { chart: string; repositoryOpts?: { repo: string } } {
  const archive = path.join(VENDORED_CHARTS, chartArchiveName(chart));
  if (fs.existsSync(archive)) return { chart: path.relative(process.cwd(), archive).split(path.sep).join("/") };
  return { chart: chart.chart, repositoryOpts: { repo: chart.repo } };
}

export const ADDON_RESOURCES: AddonResources = {
  helmRelease: (name, chart, args, opts) =>
    new kubernetes.helm.v3.Release(
      name,
      {
        name: args.releaseName ?? chart.chart,
        ...chartSource(chart),
        version: chart.version,
        namespace: args.namespace,
        ...(args.timeout === undefined ? {} : { timeout: args.timeout }),
        values: args.values,
        ...(args.allowNullValues ? { allowNullValues: true } : {}),
      },
      opts,
    ),
  irsaRole: (name, args, opts) => new IrsaRole(name, args, opts),
  eksAddon: (name, args, opts) => new aws.eks.Addon(name, args, opts),
  defaultEksAddonVersion: (addonName, kubernetesVersion, opts) =>
    aws.eks.getAddonVersionOutput({ addonName, kubernetesVersion, mostRecent: false }, opts).version,
  output: (value) => pulumi.output(value),
  jsonStringify: (value) => pulumi.jsonStringify(value),
};
