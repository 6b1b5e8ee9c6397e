/**
 * A registry and model serving on an EKS cluster this program does not own.
 *
 * The in-cluster components take a ClusterHandle, not our GpuCluster, so an
 * existing cluster works as well (existing-cluster.ts): read it with
 * `aws.eks.getClusterOutput`, find its IAM OIDC provider, and build a
 * kubernetes.Provider for it.
 */
import * as aws from "@pulumi/aws";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ContainerRegistry, IrsaRole } from "ml-platform";
import { MODEL_SERVER_ACCOUNT, SERVING_NAMESPACE, existingEksCluster, modelReadPolicy } from "./existing-cluster";

export = () => {
  const config = new pulumi.Config();
  const environment = config.get("environment") ?? "dev";
  const prefix = `serving-${environment}`;
  const tags = { environment, owner: "ml-team", costCenter: "ml", "managed-by": "pulumi" };
  const region = aws.config.region ?? "us-east-1";
  const modelsBucketArn = `arn:aws:s3:::${config.require("modelsBucket")}`;

  const cluster = existingEksCluster(prefix, config.require("clusterName"), region);
  const registry = new ContainerRegistry(`${prefix}-registry`, { repositories: ["models"], keepLastImages: 50, tags });

  const modelReader = new IrsaRole(`${prefix}-model-reader`, {
    oidcProviderArn: cluster.oidcProviderArn,
    oidcIssuerUrl: cluster.oidcIssuerUrl,
    namespace: SERVING_NAMESPACE,
    serviceAccount: MODEL_SERVER_ACCOUNT,
    inlinePolicy: JSON.stringify(modelReadPolicy(modelsBucketArn)),
    tags,
  });
  const k8s = { provider: cluster.provider, dependsOn: cluster.ready };
  const namespace = new kubernetes.core.v1.Namespace(`${prefix}-ns`, { metadata: { name: SERVING_NAMESPACE } }, k8s);
  new kubernetes.core.v1.ServiceAccount(`${prefix}-sa`, {
    metadata: { name: MODEL_SERVER_ACCOUNT, namespace: namespace.metadata.name, annotations: { "eks.amazonaws.com/role-arn": modelReader.roleArn } },
  }, k8s);

  // ------------------------------------------------------------------ TODO(serving)
  // ModelServing (blue/green Deployments, Service, autoscaling) is being built
  // in components/serving/ and is not on main yet. Once it is exported from
  // "ml-platform", declare it here with the same handle:
  //   new ModelServing(`${prefix}-serving`, { cluster, settings, modelsBucket: { name, arn: modelsBucketArn }, registryPrefix: ..., region, environment, tags });
  // and drop the namespace/service account above (the component owns them).

  return {
    repositoryUrls: Object.fromEntries(Object.entries(registry.repositories).map(([k, r]) => [k, r.url])),
    modelReaderRoleArn: modelReader.roleArn,
  };
};
