import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { withStageLabel } from "../../lib/tags";
import { validateArgs } from "../../lib/validate";
import { IrsaRole } from "../compute/irsa";
import { namespaceManifest } from "../serving/manifests";
import type { ExperimentTrackingArgs } from "./experiment-tracking.args";
import { artifactsRole } from "./experiment-tracking.footprint";
import { ExperimentTrackingArgsSchema, experimentTrackingProblems } from "./experiment-tracking.schema";
import { trackingArtifactsPolicy } from "./iam";
import { backendSecretManifest, trackingDeploymentManifest, trackingPdbManifest, trackingServiceAccountManifest, trackingServiceManifest } from "./manifests";
import { artifactsDestination, backendStoreUri, TRACKING_NAMES } from "./settings";

export type { ExperimentTrackingArgs };

export const EXPERIMENT_TRACKING_TYPE = "mlplatform:tracking:ExperimentTracking";

/**
 * An MLflow tracking server on the CPU system pool: metadata in the
 * MetadataStore (PostgreSQL), artifacts proxied by the server to
 * `s3://<bucket>/<prefix>` with an IRSA role limited to that prefix, reached
 * only inside the cluster (ClusterIP; `kubectl port-forward` for people).
 * The database URI, which carries the password, exists only inside a
 * Kubernetes Secret: no manifest, argument or stack output contains it.
 */
export class ExperimentTracking extends pulumi.ComponentResource {
  public readonly namespace: pulumi.Output<string>;
  public readonly serviceName: pulumi.Output<string>;
  /** In-cluster tracking URI: http://mlflow.<namespace>.svc.cluster.local:5000. */
  public readonly trackingUri: pulumi.Output<string>;
  /** Where artifacts land: s3://<bucket>/<prefix>. */
  public readonly artifactsDestination: pulumi.Output<string>;

  constructor(name: string, args: ExperimentTrackingArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before anything is declared: a bad argument throws ComponentArgsError naming it.
    const a = validateArgs(EXPERIMENT_TRACKING_TYPE, name, ExperimentTrackingArgsSchema, args, experimentTrackingProblems);
    // Every Kubernetes object it declares carries the stage label when its tags state a stage (lib/tags.ts).
    super(
      EXPERIMENT_TRACKING_TYPE,
      name,
      {},
      { ...opts, transformations: [...(opts?.transformations ?? []), (t) => ({ props: withStageLabel(t.type, t.props, a.tags.stage), opts: t.opts })] },
    );
    const s = a.settings;
    const cluster = a.cluster;
    const k8s = (dependsOn: pulumi.Resource[]): pulumi.CustomResourceOptions => ({ parent: this, provider: cluster.provider, dependsOn });

    const namespace = new kubernetes.core.v1.Namespace(`${name}-namespace`, namespaceManifest(s.namespace), k8s(cluster.ready));

    const role = new IrsaRole(
      artifactsRole(name),
      {
        oidcProviderArn: cluster.oidcProviderArn,
        oidcIssuerUrl: cluster.oidcIssuerUrl,
        namespace: s.namespace,
        serviceAccount: TRACKING_NAMES.serviceAccount,
        inlinePolicy: pulumi
          .all([a.artifactsBucket.arn, a.artifactsBucketKmsKeyArn, a.region])
          .apply(([arn, kmsKeyArn, region]) => JSON.stringify(trackingArtifactsPolicy(arn, s.artifactPrefix, { kmsKeyArn, region }))),
        tags: a.tags,
      },
      { parent: this },
    );
    const sa = new kubernetes.core.v1.ServiceAccount(`${name}-sa`, trackingServiceAccountManifest(s.namespace, role.roleArn), k8s([namespace]));

    // Secret from end to end: the password output is secret, and so is the URI built from it.
    const uri = pulumi.secret(
      pulumi
        .all([a.database.address, a.database.port, a.database.password])
        .apply(([host, port, password]) => backendStoreUri({ username: a.database.username, password, host, port, database: a.database.databaseName })),
    );
    const secret = new kubernetes.core.v1.Secret(`${name}-backend-store`, backendSecretManifest(s.namespace, uri), k8s([namespace]));

    const destination = pulumi.output(a.artifactsBucket.name).apply((bucket) => artifactsDestination(bucket, s.artifactPrefix));
    const deployment = new kubernetes.apps.v1.Deployment(`${name}-server`, trackingDeploymentManifest<pulumi.Input<string>>(s, destination), k8s([sa, secret]));
    if (s.replicas >= 2) new kubernetes.policy.v1.PodDisruptionBudget(`${name}-pdb`, trackingPdbManifest(s.namespace), k8s([namespace]));
    const service = new kubernetes.core.v1.Service(`${name}-service`, trackingServiceManifest(s.namespace), k8s([deployment]));

    this.namespace = namespace.metadata.name;
    this.serviceName = service.metadata.name;
    this.trackingUri = pulumi.interpolate`http://${service.metadata.name}.${s.namespace}.svc.cluster.local:5000`;
    this.artifactsDestination = destination;
    this.registerOutputs({
      namespace: this.namespace,
      serviceName: this.serviceName,
      trackingUri: this.trackingUri,
      artifactsDestination: this.artifactsDestination,
    });
  }
}
