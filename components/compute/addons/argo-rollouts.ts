/**
 * Argo Rollouts: the controller that runs canary releases (the `Rollout`
 * and `AnalysisTemplate` custom resources, components/serving/canary.ts).
 * Installed by ModelServing only when a model releases by canary. This file
 * owns its chart pin, Helm values, requests, IAM policy and install.
 */
import type * as pulumi from "@pulumi/pulumi";
import { childName } from "../../../lib/naming";
import type { ChartPin } from "../../../lib/versions";
import type { PolicyDocument } from "../../data/bucket-policy";
import { isCanary } from "../../serving/settings";
import { systemNodeLabels } from "../labels";
import { irsaRoleName } from "../names";
import { serviceAccountRole } from "./addon";
import type { ServingAddon } from "./addon";

/**
 * Chart 2.41.0 (Argo Rollouts v1.9.0), argoproj/argo-helm tag
 * argo-rollouts-2.41.0, vendored as charts/argo-rollouts-2.41.0.tgz. Its
 * CRDs are templates (`installCRDs: true`) and are kept when the release is
 * deleted (`keepCRDs: true`), so uninstalling the controller never deletes
 * the Rollouts; checked 2026-12-07.
 */
export const ARGO_ROLLOUTS_CHART: ChartPin = {
  repo: "https://argoproj.github.io/argo-helm",
  chart: "argo-rollouts",
  version: "2.41.0",
};

export const ARGO_ROLLOUTS_SERVICE_ACCOUNT = { namespace: "kube-system", name: "argo-rollouts" } as const;

/**
 * Requests we set on the controller (the chart sets none, `resources: {}`;
 * its commented suggestion is 50m/64Mi, which we double for a cluster's worth
 * of Rollouts) and its replicas (chart default 2: leader-elected, the
 * second takes over within seconds). The values and the system pool's
 * capacity check both read them.
 */
export const ARGO_ROLLOUTS_RESOURCES = { replicas: 2, cpuMillis: 100, memoryMiB: 128 } as const;

/**
 * Helm values:
 * - the controller on the system pool, with our requests;
 * - `awsVerifyTargetGroup` (the controller's `--aws-verify-target-group`):
 *   after each weight change it checks, through the ELB API, that the ALB's
 *   target groups hold what the weights say before it moves on, and before it
 *   scales the old version down (argo-rollouts v1.9.0
 *   docs/features/traffic-management/alb.md, "Zero-Downtime Updates with
 *   AWS TargetGroup Verification"); it needs the region (AWS_REGION, the SDK's
 *   own variable: the nodes limit IMDS to one hop) and read access to ELB
 *   (argoRolloutsPolicy, through IRSA);
 * - no dashboard (the chart's default): `kubectl argo rollouts` is the interface.
 */
export function argoRolloutsValues<T>(args: { region: T; roleArn: T }) {
  const r = ARGO_ROLLOUTS_RESOURCES;
  return {
    controller: {
      replicas: r.replicas,
      nodeSelector: systemNodeLabels(),
      resources: { requests: { cpu: `${r.cpuMillis}m`, memory: `${r.memoryMiB}Mi` }, limits: { memory: `${r.memoryMiB * 2}Mi` } },
      awsVerifyTargetGroup: true,
      extraEnv: [{ name: "AWS_REGION", value: args.region }],
    },
    serviceAccount: { create: true, name: ARGO_ROLLOUTS_SERVICE_ACCOUNT.name, annotations: { "eks.amazonaws.com/role-arn": args.roleArn } },
    dashboard: { enabled: false },
  };
}

/**
 * What target group verification reads: the ELB Describe* actions Argo
 * Rollouts lists for it (argo-rollouts v1.9.0
 * docs/features/traffic-management/alb.md, checked 2026-12-07). Describe
 * actions cannot be scoped to resources; nothing here writes.
 */
export function argoRolloutsPolicy(): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "VerifyTargetGroups",
        Effect: "Allow",
        Action: [
          "elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:DescribeLoadBalancers",
          "elasticloadbalancing:DescribeListeners",
          "elasticloadbalancing:DescribeRules",
          "elasticloadbalancing:DescribeTags",
          "elasticloadbalancing:DescribeTargetHealth",
        ],
        Resource: "*",
      },
    ],
  };
}

/** Its IRSA role and Helm release: `<serving component>-rollouts`. */
const NAME = "rollouts";

/**
 * The controller as a ModelServing add-on, installed when some model
 * releases by canary: its IRSA role, then its Helm release in kube-system.
 * The release carries the CRDs: every Rollout and AnalysisTemplate waits
 * for it, so the API knows their kinds when they are created.
 */
export const argoRollouts: ServingAddon = {
  id: ARGO_ROLLOUTS_CHART.chart,
  pin: { helm: ARGO_ROLLOUTS_CHART },
  purpose: "Runs canary releases: moves a share of traffic to a model's new version, analyses it, promotes or aborts",
  enabled: (settings) => settings.models.some((m) => isCanary(settings, m)),
  footprint: [{ name: "argo-rollouts", ...ARGO_ROLLOUTS_RESOURCES, source: "our chart values" }],
  iamRoleNames: (owner) => [irsaRoleName(childName(owner, NAME))],
  install: (target) => {
    const { declare, owner, parent, cluster, inputs, dependsOn } = target;
    const sa = ARGO_ROLLOUTS_SERVICE_ACCOUNT;
    const name = childName(owner, NAME);
    const role = serviceAccountRole(target, name, sa, { inlinePolicy: JSON.stringify(argoRolloutsPolicy()) });
    const release = declare.helmRelease(
      name,
      ARGO_ROLLOUTS_CHART,
      { namespace: sa.namespace, values: argoRolloutsValues<pulumi.Input<string>>({ region: inputs.region, roleArn: role.roleArn }) },
      { parent, provider: cluster.provider, dependsOn },
    );
    return { resources: [release], roles: [role] };
  },
};
