/**
 * Which input changes make the engine replace a resource (delete it and
 * create a new one) instead of updating it in place, for every resource type
 * the program declares, and what a replacement or deletion loses.
 *
 * Sources, checked 2026-12-07:
 * - AWS (`@pulumi/aws` 7 bridges the Terraform AWS provider 6): the
 *   provider's resource schemas mark these properties `ForceNew` (the docs'
 *   "Changing this forces a new resource to be created"), in
 *   hashicorp/terraform-provider-aws `internal/service/<service>/<resource>.go`;
 *   e.g. a VPC's `cidr_block` (`ec2/vpc_.go`, forced in its CustomizeDiff) and an
 *   RDS instance's `db_name`, `username`, `storage_encrypted` (`rds/instance.go`).
 * - Kubernetes (`@pulumi/kubernetes` 4): pulumi/pulumi-kubernetes
 *   `provider/pkg/provider/diff.go` (`forceNewProperties`): every object's
 *   `metadata.name` and `metadata.namespace`; a Deployment's `spec.selector`, a
 *   Service's `spec.clusterIP`, a ResourceQuota's `spec.scopes`, a StorageClass's
 *   `provisioner` and `parameters`; a Secret's `type`, `data` and `stringData`
 *   and a ConfigMap's `data` and `binaryData` (immutable unless the provider's
 *   `enableSecretMutable` / `enableConfigMapMutable` is set, which this program
 *   does not set). A Helm release: `name` and `namespace`
 *   (`provider/pkg/provider/helm_release.go`).
 * - `random` resources: every input replaces (they have no update).
 *
 * Pure data and functions: no Pulumi, no provider loaded.
 */

/** Input paths (as `plan --json` records them, camelCase) whose change replaces the resource. */
export interface ReplacementRule {
  /** A path covers everything under it: `spec.selector` covers `spec.selector.matchLabels.app`. */
  paths: string[];
  /**
   * Inputs updated in place when edited, that still force a replacement when their value comes from a
   * replaced resource (an EKS cluster's subnets from a replaced VPC: it cannot move to another VPC).
   */
  cascadePaths?: string[];
  /** Where the rule comes from. */
  source: string;
}

const TF = (file: string) => `terraform-provider-aws internal/service/${file} (ForceNew)`;
const K8S = "pulumi-kubernetes provider/pkg/provider/diff.go (forceNewProperties)";
const K8S_METADATA = ["metadata.name", "metadata.namespace"];

/** Every resource type the program declares, with the inputs whose change replaces it. */
export const REPLACEMENT_RULES: Readonly<Record<string, ReplacementRule>> = {
  "aws:autoscaling/tag:Tag": { paths: ["autoscalingGroupName", "tag"], source: TF("autoscaling/group_tag.go") },
  "aws:backup/plan:Plan": { paths: ["name"], source: TF("backup/plan.go") },
  "aws:backup/selection:Selection": {
    paths: ["name", "planId", "iamRoleArn", "resources", "selectionTags", "conditions", "notResources"],
    source: TF("backup/selection.go"),
  },
  "aws:backup/vault:Vault": { paths: ["name", "kmsKeyArn"], source: TF("backup/vault.go") },
  "aws:cloudwatch/eventRule:EventRule": { paths: ["name", "namePrefix", "eventBusName"], source: TF("events/rule.go") },
  "aws:cloudwatch/eventTarget:EventTarget": { paths: ["rule", "targetId", "eventBusName"], source: TF("events/target.go") },
  "aws:cloudwatch/logGroup:LogGroup": { paths: ["name", "namePrefix", "logGroupClass"], source: TF("logs/group.go") },
  "aws:cloudwatch/metricAlarm:MetricAlarm": { paths: ["name"], source: TF("cloudwatch/metric_alarm.go") },
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": { paths: ["vpcId"], source: TF("ec2/vpc_default_security_group.go") },
  "aws:ec2/eip:Eip": {
    paths: ["domain", "address", "publicIpv4Pool", "networkBorderGroup", "customerOwnedIpv4Pool", "ipamPoolId"],
    source: TF("ec2/ec2_eip.go"),
  },
  "aws:ec2/flowLog:FlowLog": {
    paths: [
      "vpcId",
      "subnetId",
      "eniId",
      "iamRoleArn",
      "logDestination",
      "logDestinationType",
      "logFormat",
      "maxAggregationInterval",
      "trafficType",
      "destinationOptions",
    ],
    source: TF("ec2/vpc_flow_log.go"),
  },
  "aws:ec2/internetGateway:InternetGateway": { paths: [], source: TF("ec2/vpc_internet_gateway.go") },
  "aws:ec2/launchTemplate:LaunchTemplate": { paths: ["name", "namePrefix"], source: TF("ec2/ec2_launch_template.go") },
  "aws:ec2/natGateway:NatGateway": { paths: ["allocationId", "subnetId", "connectivityType", "privateIp"], source: TF("ec2/vpc_nat_gateway.go") },
  "aws:ec2/routeTable:RouteTable": { paths: ["vpcId"], source: TF("ec2/vpc_route_table.go") },
  "aws:ec2/routeTableAssociation:RouteTableAssociation": { paths: ["subnetId", "gatewayId"], source: TF("ec2/vpc_route_table_association.go") },
  "aws:ec2/securityGroup:SecurityGroup": { paths: ["name", "namePrefix", "description", "vpcId"], source: TF("ec2/vpc_security_group.go") },
  "aws:ec2/subnet:Subnet": { paths: ["vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId", "outpostArn"], source: TF("ec2/vpc_subnet.go") },
  "aws:ec2/vpc:Vpc": { paths: ["cidrBlock", "instanceTenancy", "ipv4IpamPoolId", "ipv4NetmaskLength"], source: TF("ec2/vpc_.go") },
  "aws:ec2/vpcEndpoint:VpcEndpoint": { paths: ["vpcId", "serviceName", "vpcEndpointType", "serviceRegion"], source: TF("ec2/vpc_endpoint.go") },
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": { paths: ["repository"], source: TF("ecr/lifecycle_policy.go") },
  "aws:ecr/repository:Repository": { paths: ["name", "encryptionConfigurations"], source: TF("ecr/repository.go") },
  "aws:eks/accessEntry:AccessEntry": { paths: ["clusterName", "principalArn", "type"], source: TF("eks/access_entry.go") },
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": {
    paths: ["clusterName", "principalArn", "policyArn", "accessScope"],
    source: TF("eks/access_policy_association.go"),
  },
  "aws:eks/addon:Addon": { paths: ["addonName", "clusterName"], source: TF("eks/addon.go") },
  "aws:eks/cluster:Cluster": {
    // Subnets and security groups are updated in place (UpdateClusterConfig) since terraform-provider-aws 5.25.0
    // (CHANGELOG, "Allow vpc_config.security_group_ids and vpc_config.subnet_ids to be updated in-place"), but
    // only within the cluster's VPC (EKS user guide, "View Amazon EKS networking requirements for VPC and subnets":
    // a cluster cannot change VPC): when they come from replaced subnets, the cluster is treated as replaced
    // (cascadePaths). Encryption can be added in place; removing it replaces the cluster (CustomizeDiff
    // ForceNewIfChange), shown here as any change. In kubernetesNetworkConfig only the IP family and the
    // service CIDR force a new cluster.
    paths: [
      "name",
      "roleArn",
      "encryptionConfig",
      "kubernetesNetworkConfig.ipFamily",
      "kubernetesNetworkConfig.serviceIpv4Cidr",
      "outpostConfig",
      "remoteNetworkConfig",
      "bootstrapSelfManagedAddons",
      "accessConfig.bootstrapClusterCreatorAdminPermissions",
    ],
    cascadePaths: ["vpcConfig.subnetIds", "vpcConfig.securityGroupIds"],
    source: TF("eks/cluster.go"),
  },
  "aws:eks/nodeGroup:NodeGroup": {
    paths: [
      "clusterName",
      "nodeGroupName",
      "nodeGroupNamePrefix",
      "nodeRoleArn",
      "subnetIds",
      "amiType",
      "capacityType",
      "diskSize",
      "instanceTypes",
      "remoteAccess",
      "launchTemplate.id",
      "launchTemplate.name",
    ],
    source: TF("eks/node_group.go"),
  },
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": { paths: ["url"], source: TF("iam/openid_connect_provider.go") },
  "aws:iam/role:Role": { paths: ["name", "namePrefix", "path"], source: TF("iam/role.go") },
  "aws:iam/rolePolicy:RolePolicy": { paths: ["name", "namePrefix", "role"], source: TF("iam/role_policy.go") },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { paths: ["role", "policyArn"], source: TF("iam/role_policy_attachment.go") },
  "aws:kms/alias:Alias": { paths: ["name", "namePrefix"], source: TF("kms/alias.go") },
  "aws:kms/key:Key": { paths: ["customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"], source: TF("kms/key.go") },
  "aws:rds/instance:Instance": {
    // Not `identifier`: it is renamed in place (ModifyDBInstance NewDBInstanceIdentifier) since
    // terraform-provider-aws 5.0 (hashicorp/terraform-provider-aws#31232); the rename reboots the instance and
    // changes its endpoint, which the diff shows as a changed input.
    paths: [
      "dbName",
      "engine",
      "username",
      "storageEncrypted",
      "kmsKeyId",
      "availabilityZone",
      "characterSetName",
      "ncharCharacterSetName",
      "timezone",
      "snapshotIdentifier",
      "restoreToPointInTime",
      "s3Import",
      "customIamInstanceProfile",
    ],
    source: TF("rds/instance.go"),
  },
  "aws:rds/parameterGroup:ParameterGroup": { paths: ["name", "namePrefix", "family", "description"], source: TF("rds/parameter_group.go") },
  "aws:rds/subnetGroup:SubnetGroup": { paths: ["name", "namePrefix"], source: TF("rds/subnet_group.go") },
  "aws:route53/healthCheck:HealthCheck": { paths: ["type", "referenceName", "routingControlArn"], source: TF("route53/health_check.go") },
  "aws:s3/bucket:Bucket": { paths: ["bucket", "bucketPrefix", "objectLockEnabled"], source: TF("s3/bucket.go") },
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
    paths: ["bucket", "expectedBucketOwner"],
    source: TF("s3/bucket_lifecycle_configuration.go"),
  },
  "aws:s3/bucketObjectv2:BucketObjectv2": { paths: ["bucket", "key"], source: TF("s3/object.go") },
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": { paths: ["bucket"], source: TF("s3/bucket_ownership_controls.go") },
  "aws:s3/bucketPolicy:BucketPolicy": { paths: ["bucket"], source: TF("s3/bucket_policy.go") },
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": { paths: ["bucket"], source: TF("s3/bucket_public_access_block.go") },
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
    paths: ["bucket", "expectedBucketOwner"],
    source: TF("s3/bucket_server_side_encryption_configuration.go"),
  },
  "aws:s3/bucketVersioning:BucketVersioning": { paths: ["bucket", "expectedBucketOwner", "mfa"], source: TF("s3/bucket_versioning.go") },
  "aws:secretsmanager/secret:Secret": { paths: ["name", "namePrefix"], source: TF("secretsmanager/secret.go") },
  "aws:secretsmanager/secretVersion:SecretVersion": { paths: ["secretId", "secretString", "secretBinary"], source: TF("secretsmanager/secret_version.go") },
  "aws:sns/topic:Topic": { paths: ["name", "namePrefix", "fifoTopic"], source: TF("sns/topic.go") },
  "aws:sns/topicPolicy:TopicPolicy": { paths: ["arn"], source: TF("sns/topic_policy.go") },
  "aws:sns/topicSubscription:TopicSubscription": { paths: ["topic", "protocol", "endpoint"], source: TF("sns/topic_subscription.go") },
  "aws:synthetics/canary:Canary": { paths: ["name"], source: TF("synthetics/canary.go") },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": { paths: ["securityGroupId"], source: TF("vpc/security_group_ingress_rule.go") },
  "kubernetes:apps/v1:Deployment": { paths: [...K8S_METADATA, "spec.selector"], source: K8S },
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": { paths: K8S_METADATA, source: K8S },
  "kubernetes:core/v1:ConfigMap": { paths: [...K8S_METADATA, "data", "binaryData"], source: K8S },
  "kubernetes:core/v1:Namespace": { paths: K8S_METADATA, source: K8S },
  "kubernetes:core/v1:ResourceQuota": { paths: [...K8S_METADATA, "spec.scopes"], source: K8S },
  "kubernetes:core/v1:Secret": { paths: [...K8S_METADATA, "type", "data", "stringData"], source: K8S },
  "kubernetes:core/v1:Service": { paths: [...K8S_METADATA, "spec.clusterIP"], source: K8S },
  "kubernetes:core/v1:ServiceAccount": { paths: K8S_METADATA, source: K8S },
  "kubernetes:helm.sh/v3:Release": { paths: ["name", "namespace"], source: "pulumi-kubernetes provider/pkg/provider/helm_release.go (forceNewFields)" },
  "kubernetes:monitoring.coreos.com/v1:PrometheusRule": { paths: K8S_METADATA, source: K8S },
  "kubernetes:monitoring.coreos.com/v1:ServiceMonitor": { paths: K8S_METADATA, source: K8S },
  "kubernetes:policy/v1:PodDisruptionBudget": { paths: K8S_METADATA, source: K8S },
  "kubernetes:storage.k8s.io/v1:StorageClass": { paths: [...K8S_METADATA, "provisioner", "parameters"], source: K8S },
  // The provider pointed at another cluster (a new endpoint or CA): everything it manages is created anew there.
  "pulumi:providers:kubernetes": { paths: ["kubeconfig"], source: "pulumi-kubernetes provider/pkg/provider/provider.go (DiffConfig: a different cluster)" },
  "random:index/randomPassword:RandomPassword": { paths: ["(inputs)"], source: "pulumi-random: a random value has no update; any input change replaces it" },
  "random:index/randomId:RandomId": { paths: ["(inputs)"], source: "pulumi-random: a random value has no update; any input change replaces it" },
};

/** The changed paths (of `inputChanges`) that replace a resource of `type`; empty when it is updated in place. */
export function replacingPaths(type: string, changedPaths: string[]): string[] {
  const rule = REPLACEMENT_RULES[type];
  if (!rule) return [];
  if (rule.paths.includes("(inputs)")) return changedPaths.filter((p) => !p.startsWith("("));
  return changedPaths.filter((p) => rule.paths.some((r) => p === r || p.startsWith(`${r}.`) || p.startsWith(`${r}[`)));
}

/** What deleting (or replacing) a resource of this type loses, for the types where it is more than a configuration. */
export interface Loss {
  /** Data that goes with it. */
  data?: string;
  /** An endpoint, address or ARN that other systems use. */
  endpoint?: string;
  /** A DNS name that changes. */
  dns?: string;
}

/** What replacing or deleting a resource of a stateful type loses, by resource type (shown in the plan diff). */
export const LOSSES: Readonly<Record<string, Loss>> = {
  "aws:rds/instance:Instance": {
    data: "every table of the database (a final snapshot only if one is configured)",
    endpoint: "the database endpoint the clients use",
    dns: "the instance's DNS name",
  },
  "aws:s3/bucket:Bucket": { data: "every object in the bucket (datasets, models, artifacts)", dns: "the bucket name and its URLs" },
  "aws:ecr/repository:Repository": { data: "every image in the repository", endpoint: "the repository URL the deployments pull from" },
  "aws:kms/key:Key": { data: "whatever was encrypted with the key becomes unreadable once it is deleted" },
  "aws:secretsmanager/secret:Secret": { data: "the secret's value", endpoint: "the secret's ARN" },
  "aws:secretsmanager/secretVersion:SecretVersion": { data: "the stored secret value" },
  "aws:backup/vault:Vault": { data: "the recovery points (backups) in the vault" },
  "aws:cloudwatch/logGroup:LogGroup": { data: "the logs in the group" },
  "aws:eks/cluster:Cluster": {
    data: "everything running in the cluster, and volumes that are not retained",
    endpoint: "the Kubernetes API endpoint and the OIDC issuer the IAM roles trust",
  },
  "aws:ec2/vpc:Vpc": { endpoint: "the network: every subnet, gateway and address in it is created anew" },
  "aws:ec2/eip:Eip": { endpoint: "the public IP address (allow-lists that name it break)" },
  "aws:ec2/natGateway:NatGateway": { endpoint: "outbound traffic stops until the new gateway is up" },
  "aws:sns/topic:Topic": { endpoint: "the topic ARN and its subscriptions (email subscriptions must be confirmed again)" },
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": { endpoint: "the identity provider the service-account roles trust" },
  "aws:route53/healthCheck:HealthCheck": { endpoint: "the health check's id and history" },
  "kubernetes:core/v1:Namespace": { data: "every object in the namespace" },
  "kubernetes:core/v1:Service": { endpoint: "the Service's cluster IP", dns: "a load balancer's DNS name, for a LoadBalancer Service" },
  "kubernetes:core/v1:Secret": { data: "the Secret's value" },
  "kubernetes:helm.sh/v3:Release": { data: "the workloads the chart installs, with their volumes unless retained" },
  "random:index/randomPassword:RandomPassword": { data: "the password: whatever uses it gets a new one" },
};

/** Types whose deletion loses data (not only configuration). */
export const isStateful = (type: string): boolean => !!LOSSES[type]?.data;

/** "data: ...; endpoint: ...; DNS name: ..." for a type, or undefined. */
export function lossText(type: string): string | undefined {
  const loss = LOSSES[type];
  if (!loss) return undefined;
  const parts = [
    ...(loss.data ? [`data: ${loss.data}`] : []),
    ...(loss.endpoint ? [`endpoint: ${loss.endpoint}`] : []),
    ...(loss.dns ? [`DNS name: ${loss.dns}`] : []),
  ];
  return parts.join("; ");
}
