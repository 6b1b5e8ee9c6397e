/**
 * Storage and experiment tracking only: artifact buckets and the MLflow
 * metadata database, in a VPC that another stack owns (one stack per layer:
 * network -> data -> cluster). The network stack's outputs arrive through a
 * StackReference; this stack's outputs are what the cluster layer reads.
 */
import * as pulumi from "@pulumi/pulumi";
import { ArtifactStore, MetadataStore } from "ml-platform";

export = () => {
  const config = new pulumi.Config();
  const environment = config.get("environment") ?? "dev";
  const prefix = `tracking-${environment}`;
  const tags = { environment, owner: "ml-team", costCenter: "ml", "managed-by": "pulumi" };
  const network = new pulumi.StackReference(config.require("networkStack"));

  const artifacts = new ArtifactStore(`${prefix}-artifacts`, {
    buckets: ["datasets", "mlflow"],
    encryption: "sse-kms",
    noncurrentVersionExpirationDays: 60,
    tags,
  });

  const database = new MetadataStore(`${prefix}-metadata`, {
    vpcId: network.requireOutput("vpcId"),
    subnetIds: network.requireOutput("privateSubnetIds"),
    allowedCidrBlocks: [network.requireOutput("vpcCidrBlock")],
    instanceClass: "db.t4g.small",
    backupRetentionDays: 7,
    tags,
  });

  // ------------------------------------------------------------------ TODO(serving)
  // ExperimentTracking (the MLflow server, with IRSA access to the "mlflow"
  // bucket and its backend store in this database) is being built in
  // components/tracking/ and is not on main yet; it runs in a cluster, so it
  // belongs in the cluster layer, which reads this stack's outputs:
  //   new ExperimentTracking(`${prefix}-mlflow`, { cluster, settings, database: {...}, artifactsBucket: ..., region, tags });

  return {
    bucketArns: Object.fromEntries(Object.entries(artifacts.buckets).map(([k, b]) => [k, b.arn])),
    bucketNames: Object.fromEntries(Object.entries(artifacts.buckets).map(([k, b]) => [k, b.name])),
    kmsKeyArn: artifacts.kmsKeyArn,
    databaseEndpoint: database.endpoint,
    databaseSecretArn: database.secretArn,
    databaseSecurityGroupId: database.securityGroupId,
  };
};
