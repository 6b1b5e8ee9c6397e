/** What a Helm add-on hands `declare.helmRelease` (addon.ts) besides its chart pin. */
import type * as pulumi from "@pulumi/pulumi";

export interface HelmReleaseArgs {
  /** Namespace the chart is installed into. */
  namespace: pulumi.Input<string>;
  /** The Helm release's name. Default: the chart's name. */
  releaseName?: string;
  /** Seconds Helm waits for the install or upgrade. Default Helm's (300). */
  timeout?: number;
  values: pulumi.Inputs;
  /** Pass null values to Helm, where a null removes a chart default (the Release drops them otherwise). Default false. */
  allowNullValues?: boolean;
}
