/** The Helm release every Helm add-on declares, from its chart pin. */
import * as kubernetes from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ChartPin } from "../../../lib/versions";

export interface HelmReleaseArgs {
  /** Namespace the chart is installed into. */
  namespace: pulumi.Input<string>;
  /** The Helm release's name. Default: the chart's name. */
  releaseName?: string;
  /** Seconds Helm waits for the install or upgrade. Default Helm's (300). */
  timeout?: number;
  values: pulumi.Inputs;
}

/** `chart` at its pinned version, as the Helm release `name` (a pulumi.Resource of `opts.parent`). */
export function helmRelease(name: string, chart: ChartPin, args: HelmReleaseArgs, opts: pulumi.CustomResourceOptions): kubernetes.helm.v3.Release {
  return new kubernetes.helm.v3.Release(
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
  );
}
