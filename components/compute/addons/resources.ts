/**
 * The resources add-ons declare (addon.ts AddonResources), with the Pulumi
 * providers. Only the components that install add-ons (GpuCluster,
 * ModelServing, Monitoring) import this file; the add-ons' own files stay
 * free of providers.
 */
import * as aws from "../../../lib/aws";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IrsaRole } from "../irsa";
import type { AddonResources } from "./addon";

export const ADDON_RESOURCES: AddonResources = {
  helmRelease: (name, chart, args, opts) =>
    new kubernetes.helm.v3.Release(
      name,
      {
        name: args.releaseName ?? chart.chart,
        chart: chart.chart,
        version: chart.version,
        repositoryOpts: { repo: chart.repo },
        namespace: args.namespace,
        ...(args.timeout === undefined ? {} : { timeout: args.timeout }),
        values: args.values,
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
