/**
 * A registry and model serving on an EKS cluster this program does not own.
 *
 * The in-cluster components take a ClusterHandle, not our GpuCluster, so an
 * existing cluster works as well: `existingEksCluster` reads it with
 * `aws.eks.getClusterOutput`, finds its IAM OIDC provider, and builds a
 * kubernetes.Provider for it.
 */
import * as awsConfig from "@pulumi/aws/config";
import * as pulumi from "@pulumi/pulumi";
import { ContainerRegistry, ModelServing, existingEksCluster, withModelDefaults } from "ml-platform";

export = () => {
  const config = new pulumi.Config();
  const environment = config.get("environment") ?? "dev";
  const prefix = `serving-${environment}`;
  // `stage` tells the policy pack which stage's limits apply to these resources (policies/stages.ts).
  const tags = { environment, stage: "mvp", owner: "ml-team", costCenter: "ml", "managed-by": "pulumi" };
  const region = awsConfig.region ?? "us-east-1";
  const bucket = config.require("modelsBucket");

  const cluster = existingEksCluster(prefix, config.require("clusterName"), region);
  const registry = new ContainerRegistry(`${prefix}-registry`, { repositories: ["models"], keepLastImages: 50, tags });
  const repository = registry.repositories["models"]!;

  const serving = new ModelServing(`${prefix}-serving`, {
    cluster,
    settings: {
      namespace: "serving",
      blueGreen: false,
      autoscaling: false,
      maxGpus: 0,
      viewerRoleArns: [],
      // One CPU model; `<registry>` and `<models-bucket>` resolve to the registry and the bucket below.
      models: [
        withModelDefaults({
          name: "fraud-model",
          image: "<registry>/models:1.0.0",
          modelUri: "s3://<models-bucket>/fraud-model/1/",
          replicas: 2,
          cpu: "500m",
          memory: "1Gi",
        }),
      ],
    },
    modelsBucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
    registryPrefix: registry.registryPrefix,
    region,
    environment,
    tags,
  });

  return {
    repositoryUrl: repository.url,
    servingNamespace: serving.namespace,
    liveServices: serving.liveServices,
  };
};
