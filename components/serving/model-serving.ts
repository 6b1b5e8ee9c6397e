import * as aws from "../../lib/aws";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { withStageLabel } from "../../lib/tags";
import { validateArgs } from "../../lib/validate";
import { ACCESS_POLICY_ARNS } from "../compute/access";
import { installAddon } from "../compute/addons/addon";
import { argoRollouts } from "../compute/addons/argo-rollouts";
import { awsLoadBalancerController } from "../compute/addons/aws-load-balancer-controller";
import { SERVING_ADDONS } from "../compute/addons/registry";
import { ADDON_RESOURCES } from "../compute/addons/resources";
import { IrsaRole } from "../compute/irsa";
import {
  ROLLOUTS_API_VERSION,
  TRAFFIC_SERVICE_IGNORE_CHANGES,
  analysisTemplateManifest,
  canaryTrafficServiceManifest,
  ingressManifest,
  metricsServiceManifest,
  rolloutManifest,
} from "./canary";
import { modelReadPolicy } from "./iam";
import {
  type DeploymentInputs,
  deploymentManifest,
  deploymentName,
  gpuQuotaManifest,
  hpaManifest,
  namespaceManifest,
  PATCH_FORCE_ANNOTATION,
  POD_READY_MARGIN_SECONDS,
  pdbManifest,
  previewServiceName,
  READINESS_GATE_LABEL,
  replicaOwnership,
  sentrySecretManifest,
  serviceAccountManifest,
  serviceAccountName,
  serviceManifest,
} from "./manifests";
import type { ModelServingArgs } from "./model-serving.args";
import { modelRole } from "./model-serving.footprint";
import { ModelServingArgsSchema, modelServingProblems } from "./model-serving.schema";
import { type Color, MODELS_BUCKET_PLACEHOLDER, REGISTRY_PLACEHOLDER, isCanary, modelColors, otherColor, releaseOf } from "./settings";

export type { ModelServingArgs };

export const MODEL_SERVING_TYPE = "mlplatform:serving:ModelServing";

/** `<registry>/models:1.4.0` -> `<prefix>/models:1.4.0`; a text without the placeholder stays as it is. */
function resolve(text: string, placeholder: string, value: pulumi.Input<string> | undefined): pulumi.Input<string> {
  const at = text.indexOf(placeholder);
  if (at < 0 || value === undefined) return text;
  return pulumi.interpolate`${text.slice(0, at)}${value}${text.slice(at + placeholder.length)}`;
}

/**
 * Serves models from the stack config on the cluster: per model a service
 * account with an IRSA role that reads only the model's prefix, its
 * Deployment(s) and Service(s); per namespace a GPU ResourceQuota. At MVP one
 * uncoloured Deployment per model with rolling updates; at Series B blue and
 * green Deployments, a live Service on `activeColor`, a preview Service on
 * the other colour, a PodDisruptionBudget and an autoscaler per running
 * colour. Optional: an NLB through the AWS Load Balancer Controller, Sentry,
 * namespace-scoped read-only access for listed IAM roles.
 */
export class ModelServing extends pulumi.ComponentResource {
  public readonly namespace: pulumi.Output<string>;
  /** The Service each model's traffic goes to, by model name. */
  public readonly liveServices: Record<string, pulumi.Output<string>>;
  /** Series B: the Service that reaches the idle colour, by model name. */
  public readonly previewServices: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: ModelServingArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before anything is declared: a bad argument throws ComponentArgsError naming it.
    const a = validateArgs(MODEL_SERVING_TYPE, name, ModelServingArgsSchema, args, modelServingProblems);
    // Every Kubernetes object it declares carries the stage label when its tags state a stage (lib/tags.ts).
    super(
      MODEL_SERVING_TYPE,
      name,
      {},
      { ...opts, transformations: [...(opts?.transformations ?? []), (t) => ({ props: withStageLabel(t.type, t.props, a.tags.stage), opts: t.opts })] },
    );
    const s = a.settings;
    const cluster = a.cluster;
    const tags = a.tags;
    const ns = s.namespace;
    const k8s = (dependsOn: pulumi.Input<pulumi.Resource>[] = []): pulumi.CustomResourceOptions => ({ parent: this, provider: cluster.provider, dependsOn });

    // Pods behind an NLB get the controller's readiness gate (READINESS_GATE_LABEL); a canary's namespace carries the
    // label too, though the gate reaches a canary's new pods too late to protect a promotion (canary.ts ingressManifest).
    const behindLoadBalancer = s.models.some((m) => m.exposure.type !== "cluster" || isCanary(s, m));
    const namespace = new kubernetes.core.v1.Namespace(
      `${name}-namespace`,
      namespaceManifest(ns, behindLoadBalancer ? { ...READINESS_GATE_LABEL } : {}),
      k8s(cluster.ready),
    );
    const inNamespace = (more: pulumi.Resource[] = []) => k8s([namespace, ...more]);
    const quota = new kubernetes.core.v1.ResourceQuota(`${name}-gpu-quota`, gpuQuotaManifest(ns, s.maxGpus), inNamespace());

    const sentry =
      a.sentryDsn !== undefined
        ? new kubernetes.core.v1.Secret(`${name}-sentry`, sentrySecretManifest(ns, pulumi.secret(a.sentryDsn)), inNamespace())
        : undefined;

    // The AWS Load Balancer Controller when a model is exposed, metrics-server when one autoscales.
    const inputs = { region: a.region, vpcId: (a.vpcId ?? cluster.vpcId)! };
    const target = { declare: ADDON_RESOURCES, owner: name, parent: this, cluster, settings: s, inputs, tags, dependsOn: cluster.ready };
    const installed = new Map(SERVING_ADDONS.map((addon) => [addon, installAddon(addon, target)]));
    // Exposed Services wait for the controller, so on destroy they go (with their NLBs) before it.
    const lbController = installed.get(awsLoadBalancerController)?.resources ?? [];
    // Rollouts and AnalysisTemplates wait for the release that carries their CRDs.
    const rolloutsController = installed.get(argoRollouts)?.resources ?? [];

    // Read-only roles see the serving namespace, nothing else, never cluster-admin.
    const slugs = new Map<string, number>();
    for (const principalArn of s.viewerRoleArns) {
      const base = (principalArn.split("/").pop() ?? principalArn).replace(/[^A-Za-z0-9-]+/g, "-").toLowerCase();
      // Two roles of the same name (other accounts or paths) get numbered names.
      const n = (slugs.get(base) ?? 0) + 1;
      slugs.set(base, n);
      const slug = n === 1 ? base : `${base}-${n}`;
      const entry = new aws.eks.AccessEntry(
        `${name}-viewer-${slug}`,
        { clusterName: cluster.clusterName, principalArn, type: "STANDARD", tags },
        { parent: this },
      );
      new aws.eks.AccessPolicyAssociation(
        `${name}-viewer-${slug}`,
        {
          clusterName: cluster.clusterName,
          principalArn: entry.principalArn,
          policyArn: ACCESS_POLICY_ARNS.readOnly,
          accessScope: { type: "namespace", namespaces: [ns] },
        },
        { parent: this },
      );
    }

    this.liveServices = {};
    this.previewServices = {};
    const bucketName = pulumi.output(a.modelsBucket.name);
    for (const model of s.models) {
      const role = new IrsaRole(
        modelRole(name, model.name),
        {
          oidcProviderArn: cluster.oidcProviderArn,
          oidcIssuerUrl: cluster.oidcIssuerUrl,
          namespace: ns,
          serviceAccount: serviceAccountName(model.name),
          inlinePolicy: pulumi
            .all([a.modelsBucket.arn, a.modelsBucketKmsKeyArn, a.region])
            .apply(([arn, kmsKeyArn, region]) => JSON.stringify(modelReadPolicy(arn, model.prefix, { kmsKeyArn, region }))),
          tags,
        },
        { parent: this },
      );
      const sa = new kubernetes.core.v1.ServiceAccount(`${name}-${model.name}-sa`, serviceAccountManifest(model.name, ns, role.roleArn), inNamespace());

      const podNeeds = [sa, quota, ...(sentry ? [sentry] : []), ...(model.gpus > 0 ? (cluster.gpuPoolReady?.[model.gpuPool!] ?? []) : [])];
      const current = releaseOf(model, undefined);
      const workload = (color: Color | undefined): DeploymentInputs<pulumi.Input<string>> => {
        const r = releaseOf(model, color);
        return {
          model,
          color,
          namespace: ns,
          replicas: r.replicas,
          replicaOwnership: replicaOwnership(s.autoscaling, r.replicas),
          image: resolve(r.image!, REGISTRY_PLACEHOLDER, a.registryPrefix),
          modelUri: resolve(r.modelUri!, MODELS_BUCKET_PLACEHOLDER, bucketName),
          imageAsWritten: r.image!,
          environment: a.environment,
          sentry: sentry !== undefined,
        };
      };

      if (isCanary(s, model) && current.image && current.modelUri) {
        // A canary model (components/serving/canary.ts): Services, the ALB's Ingress, the analysis, then the Rollout.
        const svc = (role: string, manifest: kubernetes.core.v1.ServiceArgs, ignoreChanges?: string[]) =>
          new kubernetes.core.v1.Service(`${name}-${model.name}-${role}`, manifest, { ...inNamespace(), ignoreChanges });
        // The controller owns the traffic Services' selectors (canary.ts TRAFFIC_SERVICE_IGNORE_CHANGES).
        const stable = svc("live", canaryTrafficServiceManifest(model, ns, "stable"), TRAFFIC_SERVICE_IGNORE_CHANGES);
        const canary = svc("canary", canaryTrafficServiceManifest(model, ns, "canary"), TRAFFIC_SERVICE_IGNORE_CHANGES);
        svc("metrics", metricsServiceManifest(model, ns));
        const analysis = model.canary.analysis
          ? [
              new kubernetes.apiextensions.CustomResource(
                `${name}-${model.name}-analysis`,
                analysisTemplateManifest(model, ns, a.prometheusUrl!),
                inNamespace(rolloutsController),
              ),
            ]
          : [];
        // The Ingress before the Rollout. The load balancer controller builds the ALB at once, its rule a fixed 503
        // until the actions annotation exists (it tolerates a missing backend action by default:
        // aws-load-balancer-controller pkg/config/ingress_config.go, tolerate-non-existent-backend-action), and Pulumi
        // waits for the ALB's address (canary.ts ingressManifest). The rollouts controller writes the annotation once
        // the stable pods are available (argo-rollouts v1.9.0 rollout/trafficrouting.go), and holds a Rollout whose
        // Ingress is missing as InvalidSpec (rollout/controller.go getReferencedIngresses). Checked 2026-12-07.
        const ingress = new kubernetes.networking.v1.Ingress(
          `${name}-${model.name}-ingress`,
          ingressManifest(model, ns),
          inNamespace([stable, canary, ...lbController]),
        );
        // Pulumi does not await a custom resource: `pulumi up` returns once the Rollout is accepted (docs/guides/serving-and-tracking.md).
        // The Services and the Ingress it names exist first (the controller refuses a Rollout whose Services are missing).
        const rollout = new kubernetes.apiextensions.CustomResource(
          `${name}-${model.name}-rollout`,
          rolloutManifest<pulumi.Input<string>>(workload(undefined)),
          inNamespace([...podNeeds, ...rolloutsController, stable, canary, ingress, ...analysis]),
        );
        if (s.autoscaling) {
          new kubernetes.policy.v1.PodDisruptionBudget(`${name}-${model.name}-pdb`, pdbManifest(model.name, undefined, ns), inNamespace());
          new kubernetes.autoscaling.v2.HorizontalPodAutoscaler(
            `${name}-${model.name}-hpa`,
            hpaManifest(model, undefined, ns, current.replicas, { apiVersion: ROLLOUTS_API_VERSION, kind: "Rollout" }),
            inNamespace([rollout]),
          );
        }
        this.liveServices[model.name] = stable.metadata.name;
        this.previewServices[model.name] = canary.metadata.name;
        continue;
      }

      // Loading a model may take startupTimeoutSeconds before the rollout progresses at all.
      const minutes = `${Math.ceil((model.startupTimeoutSeconds + POD_READY_MARGIN_SECONDS) / 60)}m`;
      const deployments: kubernetes.apps.v1.Deployment[] = [];
      for (const color of modelColors(s, model)) {
        const release = releaseOf(model, color);
        if (!release.image || !release.modelUri) continue; // a colour never released runs nothing
        const deployment = new kubernetes.apps.v1.Deployment(
          `${name}-${deploymentName(model.name, color)}`,
          deploymentManifest<pulumi.Input<string>>(workload(color)),
          {
            // A GPU model's pods wait for its pool's nodes and the device plugin: `pulumi up` awaits them.
            ...inNamespace(podNeeds),
            customTimeouts: { create: minutes, update: minutes },
          },
        );
        deployments.push(deployment);
        if (s.autoscaling) {
          new kubernetes.policy.v1.PodDisruptionBudget(`${name}-${deploymentName(model.name, color)}-pdb`, pdbManifest(model.name, color, ns), inNamespace());
          // No autoscaler for a colour scaled to 0: HPAs cannot have minReplicas 0.
          if (release.replicas > 0)
            new kubernetes.autoscaling.v2.HorizontalPodAutoscaler(
              `${name}-${deploymentName(model.name, color)}-hpa`,
              hpaManifest(model, color, ns, release.replicas),
              inNamespace([deployment]),
            );
        }
      }

      // Services switch selectors only after the Deployments they may select are Ready,
      // so a release and a flip in the same `pulumi up` still sends no traffic to unready pods.
      const live = model.activeColor;
      const exposed = model.exposure.type !== "cluster";
      const liveManifest = serviceManifest({ model, name: model.name, namespace: ns, color: s.blueGreen ? live : undefined, exposed });
      const liveService = new kubernetes.core.v1.Service(
        `${name}-${model.name}-live`,
        // At Series B the live Service may have been a canary's stable Service, whose selector the rollouts
        // controller owns (canary.ts): forced, the first blue/green apply takes the selector back.
        s.blueGreen
          ? { ...liveManifest, metadata: { ...liveManifest.metadata, annotations: { ...liveManifest.metadata.annotations, [PATCH_FORCE_ANNOTATION]: "true" } } }
          : liveManifest,
        inNamespace([...deployments, ...(exposed ? lbController : [])]),
      );
      this.liveServices[model.name] = liveService.metadata.name;
      if (s.blueGreen && live) {
        const preview = new kubernetes.core.v1.Service(
          `${name}-${model.name}-preview`,
          serviceManifest({ model, name: previewServiceName(model.name), namespace: ns, color: otherColor(live), exposed: false }),
          inNamespace(deployments),
        );
        this.previewServices[model.name] = preview.metadata.name;
      }
    }

    this.namespace = namespace.metadata.name;
    this.registerOutputs({ namespace: this.namespace, liveServices: this.liveServices, previewServices: this.previewServices });
  }
}
