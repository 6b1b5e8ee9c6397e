/**
 * A platform team's own program, where role ARNs, regions, ids and bucket
 * names come from other resources as pulumi Outputs: the components take
 * them where they only pass them on, and refuse them by key, before
 * declaring anything, where the value decides what is declared. One offline
 * program run covers every component.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  AlertTopic,
  Alerting,
  ArtifactStore,
  ComponentArgsError,
  ContainerRegistry,
  DatabaseBackup,
  ExperimentTracking,
  ExternalHealthChecks,
  GpuCluster,
  GpuNodePool,
  IrsaRole,
  MetadataStore,
  ModelServing,
  Monitoring,
  Network,
  PredictionMonitoring,
} from "../../api";
import { ProgramPlan, planProgram } from "../../offline";

/** What another resource or a stack reference would hand the program: known only once deployed. */
const out = <T>(value: T) => pulumi.output(value).apply((v) => v);
/** An Output where the component's types ask for a plain value: what a JavaScript caller, or an `as any`, can pass. */
const outAny = (value: unknown): never => out(value) as never;

const DEPLOYER = "arn:aws:iam::123456789012:role/ci-deployer";
const PUBLISHER = "arn:aws:iam::210987654321:role/partner-publisher";
// Not the plan's region (us-east-1): what the resources get below comes from the argument.
const REGION = "eu-central-1";
const KMS_KEY = "arn:aws:kms:eu-central-1:123456789012:key/0b6f5c1e-models";
const SNAPSHOT = "arn:aws:rds:eu-central-1:123456789012:snapshot:mlflow-2026-12-01";
const MODELS_BUCKET = "acme-models-prod";
const IMAGE = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/fraud:3.0.0";

/** One refusal: the component, the argument path, and what the error says it decides. */
interface Refusal {
  component: string;
  path: string;
  decides: RegExp;
  error: unknown;
}

let plan: ProgramPlan;
const refusals: Refusal[] = [];

function refused(component: string, path: string, decides: RegExp, declare: () => unknown) {
  let error: unknown;
  try {
    declare();
  } catch (e) {
    error = e;
  }
  refusals.push({ component, path, decides, error });
}

beforeAll(async () => {
  plan = await planProgram(() => {
    // ---------------------------------------- (a) Outputs where they are only passed on
    const region = out(REGION);
    const cluster = new GpuCluster("acme-eks", {
      deployerRoleArn: out(DEPLOYER),
      region,
      vpcId: out("vpc-0a1b2c3d4e5f60718"),
      vpcCidrBlock: out("10.20.0.0/16"),
      privateSubnetIds: [out("subnet-0aaa"), out("subnet-0bbb")],
    });
    new GpuNodePool("acme-batch", {
      clusterName: cluster.clusterName,
      clusterComponent: "acme-batch",
      kubernetesVersion: out("1.35"),
      nodeRoleArn: cluster.nodeRoleArn,
      subnetIds: [out("subnet-0aaa")],
      pool: { name: "batch", instanceTypes: ["g5.xlarge"] },
    });
    new IrsaRole("acme-irsa", {
      oidcProviderArn: cluster.oidcProviderArn,
      oidcIssuerUrl: cluster.oidcIssuerUrl,
      namespace: "jobs",
      serviceAccount: "trainer",
      inlinePolicy: out(JSON.stringify({ Version: "2012-10-17", Statement: [] })),
    });
    new ModelServing("acme-serving", {
      cluster,
      settings: {
        // A URI in the models bucket itself, named by the bucket's own (plain) name.
        models: [{ name: "fraud", image: IMAGE, modelUri: `s3://${MODELS_BUCKET}/fraud/v3/`, exposure: { type: "internal" } }],
      },
      modelsBucket: { name: MODELS_BUCKET, arn: `arn:aws:s3:::${MODELS_BUCKET}` },
      modelsBucketKmsKeyArn: out(KMS_KEY),
      region,
      environment: "prod",
    });
    const db = new MetadataStore("acme-db", {
      vpcId: out("vpc-0a1b2c3d4e5f60718"),
      subnetIds: [out("subnet-0aaa"), out("subnet-0bbb")],
      snapshotIdentifier: out(SNAPSHOT),
      protect: false,
    });
    const artifacts = { name: out("acme-artifacts-1a2b3c"), arn: out("arn:aws:s3:::acme-artifacts-1a2b3c") };
    new ExperimentTracking("acme-mlflow", { cluster, database: db, artifactsBucket: artifacts, artifactsBucketKmsKeyArn: out(KMS_KEY), region });
    const topic = new AlertTopic("acme-topic", { region, publisherRoleArns: [out(PUBLISHER)] });
    new Monitoring("acme-monitoring", { cluster, region, alertTopicArn: topic.topicArn, pools: [] });
    new Alerting("acme-alerts", {
      database: { instanceIdentifier: db.instanceIdentifier, instanceClass: "db.t4g.small", allocatedStorageGb: 20, maxAllocatedStorageGb: 100 },
      natGatewayIds: [out("nat-0abc")],
    });
    new DatabaseBackup("acme-backup", { databaseArn: db.instanceArn, alertTopicArn: topic.topicArn, protect: false });
    new ExternalHealthChecks("acme-health", { region: "us-east-1", environment: "prod", alertTopicArn: topic.topicArn });
    new PredictionMonitoring("acme-drift", {
      cluster,
      bucketName: artifacts.name,
      bucketArn: artifacts.arn,
      region,
      environment: "prod",
      image: "123456789012.dkr.ecr.eu-central-1.amazonaws.com/drift-report:1.4.0",
    });

    // ---------------------------------------- (b) Outputs where the value decides what is declared
    const cidrs = { vpcId: "vpc-1", vpcCidrBlock: "10.0.0.0/16", privateSubnetIds: ["subnet-a", "subnet-b"], region: "us-east-1", deployerRoleArn: DEPLOYER };
    refused("Network", "azCount", /how many zones/, () => new Network("bad-network", { azCount: outAny(3) }));
    refused("ArtifactStore", "buckets", /the buckets declared and their names/, () => new ArtifactStore("bad-store", { buckets: outAny(["models"]) }));
    refused("ContainerRegistry", "repositories", /the repositories declared/, () => new ContainerRegistry("bad-registry", { repositories: outAny(["m"]) }));
    refused(
      "MetadataStore",
      "instanceClass",
      /the instance class the cost model prices/,
      () => new MetadataStore("bad-db", { vpcId: "vpc-1", subnetIds: ["subnet-a"], instanceClass: outAny("db.m6g.large") }),
    );
    refused(
      "GpuCluster",
      "adminRoleArns[0]",
      /the EKS access entries declared, each named after its role/,
      () => new GpuCluster("bad-eks-admins", { ...cidrs, adminRoleArns: [outAny(DEPLOYER)] }),
    );
    refused(
      "GpuCluster",
      "privateSubnetIds",
      /how many zones the node groups spread over/,
      () => new GpuCluster("bad-eks-subnets", { ...cidrs, privateSubnetIds: outAny(["subnet-a", "subnet-b"]) }),
    );
    refused("GpuCluster", "gpuNodeGroups", /the GPU node groups declared/, () => new GpuCluster("bad-eks-pools", { ...cidrs, gpuNodeGroups: outAny([]) }));
    refused(
      "GpuNodePool",
      "pool",
      /the node groups declared/,
      () =>
        new GpuNodePool("bad-pool", {
          clusterName: "c",
          clusterComponent: "c",
          kubernetesVersion: "1.35",
          nodeRoleArn: "r",
          subnetIds: ["s"],
          pool: outAny({}),
        }),
    );
    refused(
      "IrsaRole",
      "managedPolicyArns[0]",
      /the policy attachments declared/,
      () => new IrsaRole("bad-irsa", { oidcProviderArn: "p", oidcIssuerUrl: "u", namespace: "n", serviceAccount: "s", managedPolicyArns: [outAny("arn")] }),
    );
    const serving = { cluster, modelsBucket: { name: MODELS_BUCKET, arn: `arn:aws:s3:::${MODELS_BUCKET}` }, region: "us-east-1", environment: "prod" };
    refused(
      "ModelServing",
      "settings.viewerRoleArns[0]",
      /the EKS access entries declared/,
      () => new ModelServing("bad-serving-viewers", { ...serving, settings: { viewerRoleArns: [outAny(DEPLOYER)] } }),
    );
    refused(
      "ModelServing",
      "settings.models",
      /the Deployments, Services and IAM roles declared/,
      () => new ModelServing("bad-serving-models", { ...serving, settings: { models: outAny([]) } }),
    );
    refused(
      "ExperimentTracking",
      "settings",
      /checked before anything is/,
      () => new ExperimentTracking("bad-mlflow", { cluster, database: db, artifactsBucket: artifacts, region: "us-east-1", settings: outAny({}) }),
    );
    refused(
      "Monitoring",
      "pools",
      /the alert rules and dashboard panels written per pool/,
      () => new Monitoring("bad-monitoring", { cluster, region: "us-east-1", alertTopicArn: "arn:aws:sns:us-east-1:123456789012:t", pools: outAny([]) }),
    );
    refused("Alerting", "natGatewayIds", /how many NAT gateway alarms/, () => new Alerting("bad-alerts", { natGatewayIds: outAny(["nat-1"]) }));
    refused("AlertTopic", "emails", /the subscriptions declared/, () => new AlertTopic("bad-topic", { emails: outAny(["a@example.com"]) }));
    refused("DatabaseBackup", "protect", /resource options/, () => new DatabaseBackup("bad-backup", { databaseArn: "arn", protect: outAny(true) }));
    refused(
      "ExternalHealthChecks",
      "region",
      /an alert topic of their own in us-east-1/,
      () => new ExternalHealthChecks("bad-health", { region: outAny("us-east-1"), environment: "prod", alertTopicArn: "arn" }),
    );
    refused(
      "PredictionMonitoring",
      "tags.owner",
      /what the policy pack reads at preview/,
      () =>
        new PredictionMonitoring("bad-drift", {
          cluster,
          bucketName: "b",
          bucketArn: "arn",
          region: "us-east-1",
          environment: "prod",
          image: IMAGE,
          tags: { owner: outAny("ml") },
        }),
    );
  });
});

/** The inputs of the one resource of `type` whose name ends in `suffix`, as JSON text. */
function inputsOf(type: string, suffix: string): string {
  const found = plan.resources.filter((r) => r.type === type && r.name.endsWith(suffix));
  expect(found.map((r) => r.name)).toHaveLength(1);
  return JSON.stringify(found[0]!.inputs);
}

describe("(a) an Output where a component only passes the value on reaches the resources", () => {
  it.each<[string, string, string, string]>([
    ["GpuCluster.deployerRoleArn: the deployer's access entry", "aws:eks/accessEntry:AccessEntry", "acme-eks-deployer", DEPLOYER],
    ["ModelServing.region: the load balancer controller's region", "kubernetes:helm.sh/v3:Release", "acme-serving-lbc", `"region":"${REGION}"`],
    [
      "ModelServing.modelsBucketKmsKeyArn and region: the model's read policy",
      "aws:iam/rolePolicy:RolePolicy",
      "serving-fraud-inline",
      `s3.${REGION}.amazonaws.com`,
    ],
    ["MetadataStore.snapshotIdentifier: the instance", "aws:rds/instance:Instance", "acme-db-postgres", SNAPSHOT],
    ["ExperimentTracking.region: the artifact policy", "aws:iam/rolePolicy:RolePolicy", "mlflow-artifacts-inline", `s3.${REGION}.amazonaws.com`],
    ["AlertTopic.region: the topic", "aws:sns/topic:Topic", "acme-topic-topic", `"region":"${REGION}"`],
    ["AlertTopic.publisherRoleArns: the topic policy", "aws:sns/topicPolicy:TopicPolicy", "acme-topic-policy", PUBLISHER],
    ["Monitoring.region: Alertmanager's SNS signing region", "kubernetes:helm.sh/v3:Release", "kube-prometheus-stack", `"sigv4":{"region":"${REGION}"}`],
    ["PredictionMonitoring.region: the job's AWS_REGION", "kubernetes:batch/v1:CronJob", "acme-drift-cronjob", `{"name":"AWS_REGION","value":"${REGION}"}`],
  ])("%s", (_what, type, suffix, expected) => {
    expect(inputsOf(type, suffix)).toContain(expected);
  });

  it("a model URI that names the models bucket itself is served as written, and its role reads only the model's prefix", () => {
    expect(inputsOf("kubernetes:apps/v1:Deployment", "acme-serving-fraud")).toContain(`{"name":"MODEL_URI","value":"s3://${MODELS_BUCKET}/fraud/v3/"}`);
    const policy = JSON.parse(JSON.parse(inputsOf("aws:iam/rolePolicy:RolePolicy", "serving-fraud-inline")).policy as string) as {
      Statement: { Sid: string; Resource: string }[];
    };
    expect(policy.Statement.find((s) => s.Sid === "ReadModelObjects")!.Resource).toBe(`arn:aws:s3:::${MODELS_BUCKET}/fraud/*`);
  });
});

describe("(b) an Output where the value decides what is declared is refused by key, before anything is declared", () => {
  it("each component says which argument, that it must be known at plan time, and what it decides", () => {
    expect(refusals.length).toBeGreaterThanOrEqual(14);
    for (const r of refusals) {
      expect({ component: r.component, error: r.error }).toEqual({ component: r.component, error: expect.any(ComponentArgsError) });
      const lines = (r.error as Error).message.split("\n").slice(1);
      expect({ component: r.component, lines }).toEqual({
        component: r.component,
        lines: [
          expect.stringMatching(
            new RegExp(`^  - ${r.path.replace(/[[\].]/g, "\\$&")}: must be a plain value known at plan time: it decides .+; got a pulumi Output$`),
          ),
        ],
      });
      expect(lines[0]).toMatch(r.decides);
    }
  });

  it("and declares nothing: no resource of a refused component reaches the engine", () => {
    expect(plan.resources.filter((r) => r.name.startsWith("bad-")).map((r) => r.name)).toEqual([]);
    // The program itself went on: the components given Outputs where they take them were declared.
    expect(plan.resources.some((r) => r.name === "acme-eks")).toBe(true);
  });
});
