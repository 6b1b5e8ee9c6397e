/**
 * The ml-platform program: config -> stage preset -> components -> exports.
 *
 * Config is parsed once, here, into a typed PlatformSpec; components receive
 * plain typed args and never read config. A bad stack file stops the program
 * before any resource is declared.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, resolvePlatformSpec } from "./config/resolve";
import type { PlatformSpec } from "./config/spec";
import { componentRefusalAsConfigError, isComponentRefusal } from "./config/component-errors";
import { placeholderProblems } from "./config/placeholders";
import { runsUnderMocks } from "./lib/engine";
import { ArtifactStore } from "./components/data/artifact-store";
import { ContainerRegistry } from "./components/data/container-registry";
import { MetadataStore } from "./components/data/metadata-store";
import { GpuCluster } from "./components/compute/gpu-cluster";
import { Network } from "./components/network/network";
import { Monitoring } from "./components/monitoring/monitoring";
import { PROMETHEUS_URL } from "./components/monitoring/charts";
import { SPOT_PRICE_FACTOR, pricesFor } from "./cost/prices";
import { type GpuNodePrice, nodePoolCaps } from "./components/monitoring/rules";
import { settingsFor } from "./lib/validate";
import { NetworkArgsSchema } from "./components/network/network.schema";
import { ArtifactStoreArgsSchema } from "./components/data/artifact-store.schema";
import { ContainerRegistryArgsSchema } from "./components/data/container-registry.schema";
import { MetadataStoreArgsSchema } from "./components/data/metadata-store.schema";
import { GpuClusterArgsSchema } from "./components/compute/gpu-cluster.schema";
import { AlertThresholdSettings, MonitoringArgsSchema } from "./components/monitoring/monitoring.schema";
import { AlertingArgsSchema } from "./components/operations/alerting/alerting.schema";
import { ExternalHealthChecksArgsSchema } from "./components/operations/health-checks/health-checks.schema";
import { DatabaseBackupArgsSchema } from "./components/operations/backup/database-backup.schema";
import { PredictionMonitoringArgsSchema } from "./components/operations/prediction-monitoring/prediction-monitoring.schema";
import { ModelServing } from "./components/serving/model-serving";
import { ExperimentTracking } from "./components/tracking/experiment-tracking";

/** Config keys Pulumi marks secret (set with `pulumi config set --secret`); the SDK keeps the list internal. */
function secretConfigKeys(): string[] | undefined {
  const isSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
  return isSecret ? Object.keys(pulumi.runtime.allConfig()).filter((k) => isSecret(k)) : undefined;
}
import { Alerting } from "./components/operations/alerting/alerting";
import { DatabaseBackup } from "./components/operations/backup/database-backup";
import { ExternalHealthChecks } from "./components/operations/health-checks/health-checks";
import { PredictionMonitoring } from "./components/operations/prediction-monitoring/prediction-monitoring";

function loadSpec(): PlatformSpec {
  const source = `configuration of stack "${pulumi.getStack()}" (stacks/Pulumi.${pulumi.getStack()}.yaml)`;
  try {
    // The platform's keys live in the project's namespace (Pulumi.yaml `name`), whatever it is called.
    const spec = resolvePlatformSpec(pulumi.runtime.allConfig(), pulumi.getStack(), {
      project: pulumi.getProject(),
      source,
      secretKeys: secretConfigKeys(),
    });
    // The offline plan only warns about example values (an example account, a documentation address,
    // example.com); a real `pulumi preview` or `pulumi up` stops before declaring anything.
    if (!runsUnderMocks()) {
      const placeholders = placeholderProblems(spec);
      if (placeholders.length) throw new ConfigError(placeholders, source);
    }
    return spec;
  } catch (err) {
    // RunError: Pulumi prints the message without a stack trace.
    if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
    throw err;
  }
}

/**
 * Declares the platform for the current stack and returns the stack outputs.
 * Components get only the arguments they take. The planning figures of the
 * presets (expectedStorageGb, expectedLogGbPerMonth, expectedFlowLogGbPerMonth)
 * reach a component only to be written as `ml-platform/planned-*` tags on the
 * resources they describe (lib/tags.ts): the plan and the budget policy, in a
 * real preview too, then price storage from the same figures.
 */
function platform() {
  const spec = loadSpec();
  try {
    return declarePlatform(spec);
  } catch (err) {
    // A component's own refusal (config/resolve.ts runs the same checks first, so
    // this is the safety net) names the stack key, without a stack trace.
    if (isComponentRefusal(err))
      throw new ConfigRunError(componentRefusalAsConfigError(err, spec.project, spec.environment, `configuration of stack "${spec.stack}"`));
    throw err;
  }
}

/** A config error as Pulumi prints it (RunError: no stack trace); the plan reads `configError`. */
class ConfigRunError extends pulumi.RunError {
  constructor(readonly configError: ConfigError) {
    super(configError.message);
  }
}

/**
 * The platform, layer by layer, in the order its components are declared:
 * the foundation (network, buckets, registry), the cluster, the workloads
 * on it (the metadata database, whose security group admits the cluster,
 * model serving and experiment tracking), and operations (alerts,
 * monitoring, health checks, backups, prediction monitoring). Each component
 * gets its settings by its schema's keys (settingsFor), plus what connects it
 * to the others.
 */
function declarePlatform(spec: PlatformSpec) {
  const foundation = declareFoundation(spec);
  const cluster = declareCluster(spec, foundation);
  const workloads = declareWorkloads(spec, foundation, cluster);
  const operations = declareOperations(spec, foundation, cluster, workloads);
  return stackOutputs(spec, foundation, cluster, workloads, operations);
}

type Foundation = ReturnType<typeof declareFoundation>;
type Workloads = ReturnType<typeof declareWorkloads>;
type Operations = ReturnType<typeof declareOperations>;

function declareFoundation(spec: PlatformSpec) {
  const { namePrefix: prefix, tags, protectStatefulResources: protect, allowDestroyWithData } = spec;
  const network = spec.network.enabled ? new Network(`${prefix}-network`, { ...settingsFor(NetworkArgsSchema, spec.network.settings), tags }) : undefined;
  const artifacts = spec.artifacts.enabled
    ? new ArtifactStore(`${prefix}-artifacts`, {
        ...settingsFor(ArtifactStoreArgsSchema, spec.artifacts.settings),
        protect,
        forceDestroy: allowDestroyWithData,
        tags,
      })
    : undefined;
  const registry = spec.registry.enabled
    ? new ContainerRegistry(`${prefix}-registry`, {
        ...settingsFor(ContainerRegistryArgsSchema, spec.registry.settings),
        forceDelete: allowDestroyWithData,
        tags,
      })
    : undefined;
  return { network, artifacts, registry };
}

/** The cluster; later components take it as a ClusterHandle. */
function declareCluster(spec: PlatformSpec, { network }: Foundation): GpuCluster | undefined {
  if (!spec.cluster.enabled || !network) return undefined;
  return new GpuCluster(`${spec.namePrefix}-cluster`, {
    ...settingsFor(GpuClusterArgsSchema, spec.cluster.settings),
    // Required of every cluster stack (config/cluster-access.ts): resolvePlatformSpec refused a stack without it.
    deployerRoleArn: spec.cluster.settings.deployerRoleArn!,
    vpcId: network.vpcId,
    vpcCidrBlock: network.vpcCidrBlock,
    privateSubnetIds: network.privateSubnetIds,
    controlPlaneSubnetIds: network.controlPlaneSubnetIds,
    nodeDependsOn: network.egressReady,
    region: spec.region,
    tags: spec.tags,
  });
}

function declareWorkloads(spec: PlatformSpec, { network, artifacts, registry }: Foundation, cluster: GpuCluster | undefined) {
  const { namePrefix: prefix, tags } = spec;
  const d = spec.database.settings;
  const database =
    spec.database.enabled && network
      ? new MetadataStore(`${prefix}-metadata`, {
          ...settingsFor(MetadataStoreArgsSchema, d),
          vpcId: network.vpcId,
          subnetIds: network.privateSubnetIds,
          // Only the cluster (its security group: managed nodes and so pods) reaches the
          // database; without a cluster, the VPC's own block.
          allowedSecurityGroupIds: cluster ? [cluster.clusterSecurityGroupId] : [],
          allowedCidrBlocks: cluster ? [] : [network.vpcCidrBlock],
          snapshotIdentifier: d.restoreFromSnapshot,
          protect: spec.protectStatefulResources,
          tags,
        })
      : undefined;

  const modelsBucket = artifacts?.buckets.models;
  const serving =
    spec.serving.enabled && cluster && modelsBucket
      ? new ModelServing(`${prefix}-serving`, {
          cluster,
          settings: spec.serving.settings,
          modelsBucket,
          modelsBucketKmsKeyArn: artifacts?.kmsKeyArn,
          // `<registry>/models:1.4.0` -> <account>.dkr.ecr.<region>.amazonaws.com/<prefix>-registry/models:1.4.0
          registryPrefix: registry?.registryPrefix,
          vpcId: network?.vpcId,
          // What a canary's analysis queries: Monitoring's Prometheus, where this stack deploys it.
          prometheusUrl: spec.monitoring.enabled ? PROMETHEUS_URL : undefined,
          region: spec.region,
          environment: spec.environment,
          // Pulumi hands the program decrypted config: mark it secret again before it goes anywhere.
          sentryDsn: spec.serving.settings.sentryDsn !== undefined ? pulumi.secret(spec.serving.settings.sentryDsn) : undefined,
          tags,
        })
      : undefined;

  const tracking =
    spec.tracking.enabled && cluster && database && modelsBucket
      ? new ExperimentTracking(`${prefix}-tracking`, {
          cluster,
          settings: spec.tracking.settings,
          database: {
            address: database.address,
            port: database.port,
            databaseName: database.databaseName,
            username: database.username,
            password: database.password,
          },
          artifactsBucket: modelsBucket,
          artifactsBucketKmsKeyArn: artifacts?.kmsKeyArn,
          region: spec.region,
          tags,
        })
      : undefined;
  return { database, serving, tracking };
}

function declareOperations(spec: PlatformSpec, { network, artifacts }: Foundation, cluster: GpuCluster | undefined, { database }: Workloads) {
  const { namePrefix: prefix, tags, protectStatefulResources: protect, allowDestroyWithData: forceDestroy } = spec;
  const alerting = spec.alerts.enabled
    ? new Alerting(`${prefix}-alerts`, {
        ...settingsFor(AlertingArgsSchema, spec.alerts.settings),
        // What the alarms watch; the settings say which alarms exist.
        database: database
          ? {
              instanceIdentifier: database.instanceIdentifier,
              instanceClass: spec.database.settings.instanceClass,
              allocatedStorageGb: spec.database.settings.allocatedStorageGb,
              maxAllocatedStorageGb: spec.database.settings.maxAllocatedStorageGb,
            }
          : undefined,
        natGatewayIds: network?.natGatewayIds,
        // The dead man's switch for in-cluster monitoring: only where Alertmanager will publish to it.
        watchdogHeartbeat: spec.monitoring.enabled && cluster !== undefined,
        tags,
      })
    : undefined;

  // Series B monitoring, after the cluster it watches.
  const monitoring = spec.monitoring.enabled && cluster && alerting ? declareMonitoring(spec, cluster, alerting) : undefined;

  const checks = spec.healthChecks.settings;
  const healthChecks =
    spec.healthChecks.enabled && alerting && (checks.publicEndpoints.length || checks.internalUrls.length)
      ? new ExternalHealthChecks(`${prefix}-health-checks`, {
          ...settingsFor(ExternalHealthChecksArgsSchema, checks),
          region: spec.region,
          environment: spec.environment,
          alertTopicArn: alerting.topicArn,
          ...alerting.receivers,
          vpcId: network?.vpcId,
          vpcCidrBlock: network?.vpcCidrBlock,
          privateSubnetIds: network?.privateSubnetIds,
          protect,
          forceDestroy,
          tags,
        })
      : undefined;

  const backup =
    spec.backup.enabled && database
      ? new DatabaseBackup(`${prefix}-backup`, {
          ...settingsFor(DatabaseBackupArgsSchema, spec.backup.settings),
          databaseArn: database.instanceArn,
          alertTopicArn: alerting?.topicArn,
          protect,
          forceDestroy,
          tags,
        })
      : undefined;

  const p = spec.predictionMonitoring.settings;
  const predictionBucket = artifacts?.buckets[p.bucket];
  const predictionMonitoring =
    spec.predictionMonitoring.enabled && p.image && cluster && artifacts && predictionBucket
      ? new PredictionMonitoring(`${prefix}-prediction-monitoring`, {
          ...settingsFor(PredictionMonitoringArgsSchema, p),
          image: p.image,
          cluster,
          bucketName: predictionBucket.name,
          bucketArn: predictionBucket.arn,
          kmsKeyArn: artifacts.kmsKeyArn,
          region: spec.region,
          environment: spec.environment,
          tags,
        })
      : undefined;
  return { alerting, monitoring, healthChecks, backup, predictionMonitoring };
}

/** Prometheus, Alertmanager and Grafana, publishing to the alert topic; the pools' caps and GPU prices come from the cluster's settings and the cost model. */
function declareMonitoring(spec: PlatformSpec, cluster: GpuCluster, alerting: Alerting): Monitoring {
  const m = spec.monitoring.settings;
  const c = spec.cluster.settings;
  // Caps as the policy pack sees them: a pool's maxSize (summed over its per-AZ groups by the cluster).
  const pools = nodePoolCaps(c);
  // The cost model's prices, so the GPU dashboard shows dollars the plan's cost table agrees with.
  const ec2 = pricesFor(spec.region)?.ec2 ?? {};
  const gpuPrices: GpuNodePrice[] = c.gpuNodeGroups.flatMap((g) =>
    g.instanceTypes
      .filter((t) => ec2[t] !== undefined)
      .map((t) => ({ nodeGroup: g.name, instanceType: t, usdPerHour: ec2[t]! * (g.capacityType === "SPOT" ? SPOT_PRICE_FACTOR : 1) })),
  );
  return new Monitoring(`${spec.namePrefix}-monitoring`, {
    ...settingsFor(MonitoringArgsSchema, m),
    cluster,
    region: spec.region,
    // The operations alert topic, shared with the CloudWatch alarms; publishing needs its KMS key.
    alertTopicArn: alerting.topicArn,
    alertTopicKeyArn: alerting.keyArn,
    heartbeatTopicArn: alerting.heartbeatTopicArn,
    // A stack whose data may go with it (staging) lets Prometheus' and Alertmanager's volumes go too.
    forceDestroy: spec.allowDestroyWithData,
    pools,
    gpuPrices,
    // Flat keys in the stack file, nested in the component's Args.
    thresholds: {
      ...settingsFor(AlertThresholdSettings, m),
      // The longest model load: ServingEndpointDown leaves a pod alone while it may still be loading.
      servingStartupSeconds: Math.max(600, ...(spec.serving.enabled ? spec.serving.settings.models.map((x) => x.startupTimeoutSeconds) : [])),
    },
    tags: spec.tags,
  });
}

function stackOutputs(
  spec: PlatformSpec,
  { network, artifacts, registry }: Foundation,
  cluster: GpuCluster | undefined,
  { database, serving, tracking }: Workloads,
  o: Operations,
) {
  const { alerting, monitoring, healthChecks, backup, predictionMonitoring } = o;
  // Stack outputs, also what other stacks read through a StackReference when a
  // team splits the platform into one stack per layer (docs/guides/library.md, "One stack per layer").
  return withoutUndefined({
    stage: spec.stage,
    environment: spec.environment,
    region: spec.region,
    vpcId: network?.vpcId,
    vpcCidrBlock: network?.vpcCidrBlock,
    privateSubnetIds: network?.privateSubnetIds,
    availabilityZoneIds: network?.availabilityZoneIds,
    buckets: artifacts ? Object.fromEntries(Object.entries(artifacts.buckets).map(([k, b]) => [k, b.name])) : undefined,
    bucketArns: artifacts ? Object.fromEntries(Object.entries(artifacts.buckets).map(([k, b]) => [k, b.arn])) : undefined,
    artifactsKmsKeyArn: artifacts?.kmsKeyArn,
    repositoryUrls: registry ? Object.fromEntries(Object.entries(registry.repositories).map(([k, r]) => [k, r.url])) : undefined,
    databaseEndpoint: database?.endpoint,
    databaseSecretArn: database?.secretArn,
    databaseInstanceId: database?.instanceIdentifier,
    databaseSecurityGroupId: database?.securityGroupId,
    clusterName: cluster?.clusterName,
    clusterEndpoint: cluster?.endpoint,
    oidcProviderArn: cluster?.oidcProviderArn,
    oidcIssuerUrl: cluster?.oidcIssuerUrl,
    nodeRoleArn: cluster?.nodeRoleArn,
    clusterSecurityGroupId: cluster?.clusterSecurityGroupId,
    kubeconfig: cluster?.kubeconfig,
    gpuNodeGroupNames: cluster?.gpuNodeGroupNames,
    monitoringNamespace: monitoring?.namespace,
    servingNamespace: serving?.namespace,
    liveServices: serving?.liveServices,
    previewServices: serving && Object.keys(serving.previewServices).length ? serving.previewServices : undefined,
    mlflowTrackingUri: tracking?.trackingUri,
    mlflowArtifactsDestination: tracking?.artifactsDestination,
    alertTopicArn: alerting?.topicArn,
    alertTopicKeyArn: alerting?.keyArn,
    healthCheckIds: healthChecks?.healthCheckIds,
    backupVaultName: backup?.vaultName,
    predictionMonitorRoleArn: predictionMonitoring?.roleArn,
  });
}

/** Stack outputs of pieces the stage does not deploy are left out, not exported as undefined. */
function withoutUndefined<T extends Record<string, unknown>>(outputs: T): Partial<T> {
  return Object.fromEntries(Object.entries(outputs).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// Pulumi runs an exported function and uses what it returns as the stack outputs.
export = platform;
