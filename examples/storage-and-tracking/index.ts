/**
 * Storage and MLflow tracking only: artifact buckets, the metadata database
 * and the MLflow server, for an ML team whose network and cluster belong to a
 * platform stack (one stack per layer). The platform stack's outputs arrive
 * through a StackReference: the names are those this repository's program
 * exports (vpcId, privateSubnetIds, clusterSecurityGroupId, clusterName,
 * oidcProviderArn, oidcIssuerUrl, kubeconfig).
 */
import * as awsConfig from "@pulumi/aws/config";
import * as pulumi from "@pulumi/pulumi";
import { ArtifactStore, ExperimentTracking, MLFLOW_IMAGE, MetadataStore, clusterFromStack } from "ml-platform";

export = () => {
  const config = new pulumi.Config();
  const environment = config.get("environment") ?? "dev";
  const prefix = `tracking-${environment}`;
  // `stage` tells the policy pack which stage's limits apply to these resources (policies/stages.ts).
  const tags = { environment, stage: "mvp", owner: "ml-team", costCenter: "ml", "managed-by": "pulumi" };
  const region = awsConfig.region ?? "us-east-1";
  const platform = new pulumi.StackReference(config.require("platformStack"));
  const out = (name: string) => platform.requireOutput(name) as pulumi.Output<string>;

  // The platform's cluster, described from its outputs.
  const cluster = clusterFromStack(prefix, platform, region);

  const artifacts = new ArtifactStore(`${prefix}-artifacts`, {
    buckets: ["datasets", "mlflow"],
    encryption: "sse-kms",
    noncurrentVersionExpirationDays: 60,
    tags,
  });
  const mlflowBucket = artifacts.buckets["mlflow"]!;

  const database = new MetadataStore(`${prefix}-metadata`, {
    vpcId: out("vpcId"),
    subnetIds: platform.requireOutput("privateSubnetIds") as pulumi.Output<string[]>,
    // Nodes and pods of the platform's cluster, nothing else.
    allowedSecurityGroupIds: [out("clusterSecurityGroupId")],
    instanceClass: "db.t4g.small",
    backupRetentionDays: 7,
    tags,
  });

  const tracking = new ExperimentTracking(`${prefix}-mlflow`, {
    cluster,
    settings: {
      namespace: "mlflow",
      image: MLFLOW_IMAGE,
      replicas: 1,
      workers: 2,
      cpu: "250m",
      memory: "1Gi",
      memoryLimit: "2Gi",
      artifactPrefix: "experiments/",
    },
    database: {
      address: database.address,
      port: database.port,
      databaseName: database.databaseName,
      username: database.username,
      password: database.password,
    },
    artifactsBucket: mlflowBucket,
    artifactsBucketKmsKeyArn: artifacts.kmsKeyArn,
    region,
    tags,
  });

  return {
    bucketArns: Object.fromEntries(Object.entries(artifacts.buckets).map(([k, b]) => [k, b.arn])),
    bucketNames: Object.fromEntries(Object.entries(artifacts.buckets).map(([k, b]) => [k, b.name])),
    kmsKeyArn: artifacts.kmsKeyArn,
    databaseEndpoint: database.endpoint,
    databaseSecretArn: database.secretArn,
    databaseSecurityGroupId: database.securityGroupId,
    mlflowTrackingUri: tracking.trackingUri,
  };
};
