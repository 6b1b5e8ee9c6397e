/**
 * What each kind of resource is for, in one line a new hire can read, and how
 * the architecture diagram labels the main ones. A small dictionary keyed by
 * Pulumi type token; a few entries look at the resource's role (its name after
 * its parent's, e.g. `private-0`, `node`) or at one input (the Helm chart, the
 * managed policy, the tag key) to say more. `npm run docs -- --check` fails
 * when a planned resource's type has no entry here, so new resource types get
 * documented when they land. Add-ons (Helm charts, EKS add-ons) say what they
 * are for themselves (components/compute/addons/registry.ts).
 */
import { chartOf } from "../../components/compute/addons/addon";
import { ADDONS } from "../../components/compute/addons/registry";
import { helmChartName } from "../../lib/versions";

/** What the dictionary sees of a planned resource. */
export interface ResourceView {
  type: string;
  name: string;
  /** The name with its parent's name and a dash removed: `private-0`, `node`, `role`. */
  role: string;
  inputs: Record<string, unknown>;
  /** Type token of the parent (component) resource. */
  parentType?: string;
}

type Text = string | ((r: ResourceView) => string);

export interface KindInfo {
  /**
   * Label of the resource in the architecture diagram (singular, short). Only
   * the main kinds have one; the others (IAM, tags, routes, S3 settings) are
   * counted in their component's title.
   */
  diagram?: Text;
  /** What the resource is for, in one line. */
  purpose: Text;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" && v !== "[unknown]" ? v : undefined);
const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const metaName = (r: ResourceView) => str(obj(r.inputs.metadata).name) ?? r.role;
const spec = (r: ResourceView) => obj(r.inputs.spec);
const withDetail = (text: string, detail: string | undefined) => (detail ? `${text} (${detail})` : text);
const lastSegment = (arn: string | undefined) => arn?.split("/").pop();

/** What the add-on that installs a Helm chart is for. */
const chartPurpose = (chart: string) => ADDONS.find((a) => chartOf(a)?.chart === chart)?.purpose;
/** What an EKS managed add-on is for. */
const eksAddonPurpose = (name: string) => ADDONS.find((a) => "eks" in a.pin && a.id === name)?.purpose;

function nodeGroupDetail(r: ResourceView): string {
  const scaling = obj(r.inputs.scalingConfig);
  const types = arr(r.inputs.instanceTypes).map(String).join(", ");
  const size = scaling.minSize !== undefined ? `${scaling.minSize}-${scaling.maxSize} nodes` : undefined;
  const capacity = str(r.inputs.capacityType) === "SPOT" ? "Spot" : undefined;
  return [types, size, capacity].filter(Boolean).join(", ");
}

function isGpuNodeGroup(r: ResourceView): boolean {
  return (
    str(r.inputs.amiType)?.includes("NVIDIA") === true ||
    arr(r.inputs.taints).some((t) => str(obj(t).key) === "nvidia.com/gpu") ||
    r.parentType === "mlplatform:compute:GpuNodePool"
  );
}

function tagPurpose(r: ResourceView): string {
  const tag = obj(r.inputs.tag);
  const key = str(tag.key) ?? "";
  if (key.startsWith("k8s.io/cluster-autoscaler/node-template/")) {
    return `Tells the Cluster Autoscaler what a node of this group would offer before one exists, so it can scale the group up from zero (\`${key.replace("k8s.io/cluster-autoscaler/node-template/", "")}\`)`;
  }
  if (key.startsWith("k8s.io/cluster-autoscaler/")) return `Lets the Cluster Autoscaler discover and manage this node group's Auto Scaling group (\`${key}\`)`;
  return `Cost-allocation tag \`${key}\` on the node group's Auto Scaling group and its instances (EKS does not copy node group tags)`;
}

function gpuRequest(r: ResourceView): boolean {
  const template = obj(obj(spec(r).template).spec);
  return arr(template.containers).some((c) => {
    const limits = obj(obj(obj(c).resources).limits);
    return limits["nvidia.com/gpu"] !== undefined && String(limits["nvidia.com/gpu"]) !== "0";
  });
}

/** The dictionary. Keys are Pulumi type tokens. */
export const KINDS: Record<string, KindInfo> = {
  // --- ml-platform components ---------------------------------------------------------
  "mlplatform:network:Network": { purpose: "The private network: VPC, subnets over the AZs, NAT, S3 endpoint, flow logs" },
  "mlplatform:data:ArtifactStore": { purpose: "Private, versioned S3 buckets for data sets and trained models" },
  "mlplatform:data:ContainerRegistry": { purpose: "ECR repositories for the model-serving images" },
  "mlplatform:data:MetadataStore": { purpose: "Managed PostgreSQL for experiment-tracking metadata, credentials in Secrets Manager" },
  "mlplatform:compute:GpuCluster": { purpose: "EKS cluster with a CPU system pool, GPU pools that scale to zero, and add-ons" },
  "mlplatform:compute:GpuNodePool": { purpose: "One GPU pool: a node group per AZ, tainted for GPU work, sized 0 to the pool's cap" },
  "mlplatform:compute:IrsaRole": { purpose: "An IAM role one Kubernetes service account assumes (IRSA): AWS access for pods without node credentials" },
  "mlplatform:serving:ModelServing": { purpose: "Serves the models over HTTP from the registry's images (rolling or blue/green)" },
  "mlplatform:tracking:ExperimentTracking": { purpose: "MLflow tracking server: runs, metrics and model registry, artifacts in S3" },
  "mlplatform:monitoring:Monitoring": { purpose: "Metrics, alert rules, dashboards and GPU telemetry inside the cluster" },
  "mlplatform:operations:Alerting": { purpose: "CloudWatch alarms on the database and NAT gateways, sent to the alert topic" },
  "mlplatform:operations:AlertTopic": { purpose: "The encrypted SNS topic every alert goes to, with its subscriptions" },
  "mlplatform:operations:ExternalHealthChecks": { purpose: "Checks the public model endpoint from outside (Route 53) or inside the VPC (canary)" },
  "mlplatform:operations:DatabaseBackup": { purpose: "AWS Backup plan for the database, in its own encrypted vault" },
  "mlplatform:operations:PredictionMonitoring": { purpose: "Scheduled job that checks prediction quality and data drift" },

  // --- network ------------------------------------------------------------------------
  "aws:ec2/vpc:Vpc": { diagram: "VPC", purpose: (r) => withDetail("The platform's private network", str(r.inputs.cidrBlock)) },
  "aws:ec2/subnet:Subnet": {
    diagram: (r) => (r.role.startsWith("public") ? "public subnet" : "private subnet"),
    purpose: (r) =>
      withDetail(
        r.role.startsWith("public")
          ? "Public subnet: NAT gateways and internet-facing load balancers"
          : "Private subnet: nodes, pods and the database, no public addresses",
        str(r.inputs.cidrBlock),
      ),
  },
  "aws:ec2/internetGateway:InternetGateway": { purpose: "The VPC's door to the internet, for the public subnets" },
  "aws:ec2/eip:Eip": { purpose: "Fixed public IP address of a NAT gateway" },
  "aws:ec2/natGateway:NatGateway": { diagram: "NAT gateway", purpose: "Outbound internet for the private subnets (image pulls, package and model downloads)" },
  "aws:ec2/routeTable:RouteTable": {
    purpose: (r) =>
      r.role.startsWith("public") ? "Routes the public subnets to the internet gateway" : "Routes a private subnet's outbound traffic through its NAT gateway",
  },
  "aws:ec2/routeTableAssociation:RouteTableAssociation": { purpose: "Attaches a subnet to its route table" },
  "aws:ec2/vpcEndpoint:VpcEndpoint": {
    diagram: "S3 endpoint",
    purpose: (r) => withDetail("Gateway endpoint: S3 traffic stays inside AWS and skips the NAT's per-GB charge", str(r.inputs.serviceName)),
  },
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": { purpose: "Empties the VPC's default security group, so nothing is open by accident" },
  "aws:ec2/securityGroup:SecurityGroup": { purpose: (r) => str(r.inputs.description) ?? "Firewall rules for the resources attached to it" },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
    purpose: (r) =>
      withDetail(
        str(r.inputs.description) ?? "Opens one port to one address range",
        [str(r.inputs.cidrIpv4), r.inputs.fromPort !== undefined ? `port ${r.inputs.fromPort}` : undefined].filter(Boolean).join(", "),
      ),
  },
  "aws:ec2/flowLog:FlowLog": { purpose: "Records the VPC's accepted and rejected connections, for security investigations" },
  "aws:ec2/launchTemplate:LaunchTemplate": {
    purpose: "Node launch settings: IMDSv2 with hop limit 1 (pods cannot borrow the node's role), encrypted root disk",
  },

  // --- logs, keys, secrets ------------------------------------------------------------
  "aws:cloudwatch/logGroup:LogGroup": {
    purpose: (r) => {
      const days = r.inputs.retentionInDays !== undefined ? `kept ${r.inputs.retentionInDays} days` : undefined;
      if (r.role.includes("flow")) return withDetail("Receives the VPC flow logs", days);
      if (r.role.includes("control-plane")) return withDetail("Receives the EKS control-plane logs (API server, audit, authenticator)", days);
      return withDetail(`Log group ${str(r.inputs.name) ?? r.role}`, days);
    },
  },
  "aws:kms/key:Key": {
    diagram: "KMS key",
    purpose: (r) => withDetail(str(r.inputs.description) ?? "Customer managed encryption key", r.inputs.enableKeyRotation ? "rotated yearly" : undefined),
  },
  "aws:kms/alias:Alias": { purpose: (r) => withDetail("Readable name for a KMS key", str(r.inputs.name)) },
  "aws:secretsmanager/secret:Secret": {
    diagram: "credentials secret",
    purpose: (r) => str(r.inputs.description) ?? "Holds credentials for applications, outside config and Helm values",
  },
  "aws:secretsmanager/secretVersion:SecretVersion": { purpose: "The secret's current value (written by the program, never printed)" },
  "random:index/randomPassword:RandomPassword": { purpose: "Generates a password once; Pulumi keeps it encrypted in the state" },
  "random:index/randomId:RandomId": { purpose: "A random suffix made once, so the database's final snapshot name is unique to this instance" },

  // --- identity -----------------------------------------------------------------------
  "aws:iam/role:Role": {
    purpose: (r) => {
      const description = str(r.inputs.description);
      if (description) return description;
      if (r.role.includes("flow")) return "Lets VPC Flow Logs write to CloudWatch Logs";
      return "An IAM role: who may assume it and what it may do";
    },
  },
  "aws:iam/rolePolicy:RolePolicy": { purpose: (r) => `Least-privilege inline permissions of role \`${r.role.replace(/-inline$/, "")}\`` },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
    purpose: (r) => withDetail("Grants a role an AWS managed policy", lastSegment(str(r.inputs.policyArn))),
  },
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": { purpose: "Trusts the cluster's OIDC issuer, so service accounts can assume IAM roles (IRSA)" },

  // --- storage and registry -----------------------------------------------------------
  "aws:s3/bucket:Bucket": { diagram: "S3 bucket", purpose: (r) => `Private bucket \`${r.role}\`` },
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": { purpose: "Blocks every form of public access to the bucket" },
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": { purpose: "The bucket owns every object; ACLs are disabled" },
  "aws:s3/bucketVersioning:BucketVersioning": { purpose: "Keeps old versions: an overwritten or deleted model can be restored" },
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": { purpose: "Encrypts every object at rest by default" },
  "aws:s3/bucketPolicy:BucketPolicy": { purpose: "Refuses any request that does not use TLS" },
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
    purpose: "Expires old versions and unfinished uploads, so storage does not grow forever",
  },
  "aws:s3/bucketObjectv2:BucketObjectv2": { purpose: (r) => withDetail("A file the program uploads", str(r.inputs.key)) },
  "aws:ecr/repository:Repository": { diagram: "ECR repository", purpose: (r) => `Image repository \`${r.role}\`: immutable tags, scanned on push` },
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": { purpose: "Expires untagged images and keeps the last N, so the registry does not grow forever" },

  // --- database -----------------------------------------------------------------------
  "aws:rds/instance:Instance": {
    diagram: "RDS PostgreSQL",
    purpose: (r) =>
      withDetail(
        "PostgreSQL for the experiment-tracking metadata",
        [
          str(r.inputs.instanceClass),
          r.inputs.multiAz ? "Multi-AZ" : undefined,
          r.inputs.backupRetentionPeriod !== undefined ? `${r.inputs.backupRetentionPeriod} d backups` : undefined,
        ]
          .filter(Boolean)
          .join(", "),
      ),
  },
  "aws:rds/subnetGroup:SubnetGroup": { purpose: "Places the database in the private subnets" },
  "aws:rds/parameterGroup:ParameterGroup": { purpose: (r) => withDetail("Database server settings", str(r.inputs.description)?.replace(/^[^:]*:\s*/, "")) },

  // --- cluster ------------------------------------------------------------------------
  "aws:eks/cluster:Cluster": {
    diagram: "EKS control plane",
    purpose: (r) => withDetail("The Kubernetes control plane (API server, etcd), run by AWS", str(obj(r.inputs).version)),
  },
  "aws:eks/nodeGroup:NodeGroup": {
    diagram: (r) => (isGpuNodeGroup(r) ? "GPU node group" : "system node group"),
    purpose: (r) =>
      withDetail(
        isGpuNodeGroup(r) ? "GPU nodes, tainted so only GPU work lands on them; start at zero" : "CPU nodes for the cluster's add-ons and platform services",
        nodeGroupDetail(r),
      ),
  },
  "aws:eks/addon:Addon": {
    purpose: (r) => {
      const name = str(r.inputs.addonName) ?? r.role;
      const purpose = eksAddonPurpose(name);
      return `EKS add-on \`${name}\`${purpose ? `: ${purpose}` : ""}`;
    },
  },
  "aws:eks/accessEntry:AccessEntry": { purpose: (r) => `Lets an IAM principal into the cluster (${r.role})` },
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": {
    purpose: (r) => withDetail("Gives an access entry its Kubernetes permissions", lastSegment(str(r.inputs.policyArn))),
  },
  "aws:autoscaling/tag:Tag": { purpose: tagPurpose },
  "pulumi:providers:kubernetes": { purpose: "Pulumi's connection to this cluster's API, for everything installed inside it" },

  // --- inside the cluster -------------------------------------------------------------
  "kubernetes:helm.sh/v3:Release": {
    diagram: (r) => `Helm ${helmChartName(r.inputs.chart) || r.role}`,
    purpose: (r) => {
      const chart = helmChartName(r.inputs.chart);
      return withDetail(chartPurpose(chart) ?? `Helm chart ${chart}`, [chart, str(r.inputs.version)].filter(Boolean).join(" "));
    },
  },
  "kubernetes:storage.k8s.io/v1:StorageClass": {
    purpose: (r) => {
      const isDefault = str(obj(obj(r.inputs.metadata).annotations)["storageclass.kubernetes.io/is-default-class"]) === "true";
      return `${isDefault ? "Default storage class" : "Storage class"} \`${metaName(r)}\`: encrypted EBS volumes for PersistentVolumeClaims`;
    },
  },
  "kubernetes:core/v1:Namespace": { purpose: (r) => `Namespace \`${metaName(r)}\`: keeps this piece's workloads, quota and access apart` },
  "kubernetes:core/v1:ServiceAccount": {
    purpose: (r) => {
      const roleArn = obj(obj(r.inputs.metadata).annotations)["eks.amazonaws.com/role-arn"];
      return `Identity of the \`${metaName(r)}\` pods${roleArn !== undefined ? ", which assume their IAM role through IRSA" : ""}`;
    },
  },
  "kubernetes:core/v1:Secret": { purpose: (r) => `Secret \`${metaName(r)}\`: credentials the pods read at start (never in Helm values or images)` },
  "kubernetes:core/v1:ConfigMap": {
    purpose: (r) => {
      const labels = obj(obj(r.inputs.metadata).labels);
      return labels.grafana_dashboard !== undefined ? `Grafana dashboard \`${metaName(r)}\`` : `Configuration \`${metaName(r)}\``;
    },
  },
  "kubernetes:core/v1:ResourceQuota": {
    purpose: (r) => {
      const hard = obj(spec(r).hard);
      const gpus = Object.entries(hard).find(([k]) => k.includes("nvidia.com/gpu"));
      return withDetail("Caps what the namespace may request", gpus ? `${gpus[0]}: ${String(gpus[1])}` : undefined);
    },
  },
  "kubernetes:core/v1:Service": {
    diagram: "Service",
    purpose: (r) => {
      const type = str(spec(r).type) ?? "ClusterIP";
      return `Stable address for \`${metaName(r)}\` (${type}${type === "LoadBalancer" ? ": an AWS load balancer" : ", inside the cluster"})`;
    },
  },
  "kubernetes:apps/v1:Deployment": {
    diagram: "Deployment",
    purpose: (r) => {
      const replicas = spec(r).replicas;
      return withDetail(
        `Runs the \`${metaName(r)}\` pods`,
        [replicas !== undefined ? `${String(replicas)} replica${replicas === 1 ? "" : "s"}` : undefined, gpuRequest(r) ? "on GPUs" : undefined]
          .filter(Boolean)
          .join(", "),
      );
    },
  },
  "kubernetes:apps/v1:DaemonSet": { diagram: "DaemonSet", purpose: (r) => `Runs one \`${metaName(r)}\` pod on every matching node` },
  "kubernetes:batch/v1:CronJob": { diagram: "CronJob", purpose: (r) => withDetail(`Scheduled job \`${metaName(r)}\``, str(spec(r).schedule)) },
  "kubernetes:policy/v1:PodDisruptionBudget": {
    purpose: (r) => `Keeps enough \`${metaName(r).replace(/-pdb$/, "")}\` pods up while nodes are drained or upgraded`,
  },
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": {
    purpose: (r) => {
      const s = spec(r);
      return withDetail(
        `Scales \`${str(obj(s.scaleTargetRef).name) ?? metaName(r)}\` with its load`,
        s.maxReplicas !== undefined ? `${String(s.minReplicas ?? 1)}-${String(s.maxReplicas)} replicas` : undefined,
      );
    },
  },
  "kubernetes:monitoring.coreos.com/v1:ServiceMonitor": { purpose: (r) => `Tells Prometheus to scrape \`${metaName(r).replace(/-monitor$/, "")}\`` },
  "kubernetes:monitoring.coreos.com/v1:PodMonitor": { purpose: (r) => `Tells Prometheus to scrape the \`${metaName(r)}\` pods` },
  "kubernetes:monitoring.coreos.com/v1:PrometheusRule": {
    diagram: "alert rules",
    purpose: (r) => withDetail("Platform alert rules, evaluated by Prometheus", `${arr(spec(r).groups).length} groups`),
  },

  // --- operations ---------------------------------------------------------------------
  "aws:sns/topic:Topic": {
    diagram: (r) => (obj(r.inputs.tags).purpose === "watchdog-heartbeat" ? "SNS heartbeat topic" : "SNS alert topic"),
    purpose: (r) =>
      obj(r.inputs.tags).purpose === "watchdog-heartbeat"
        ? "Alertmanager's Watchdog heartbeat, every 5 minutes; an alarm pages the alert topic when it stops (monitoring is down)"
        : "Where alerts go: e-mail, chat or paging subscribe to it",
  },
  "aws:sns/topicSubscription:TopicSubscription": { purpose: (r) => withDetail("Delivers the alerts to a receiver", str(r.inputs.protocol)) },
  "aws:sns/topicPolicy:TopicPolicy": { purpose: "Lets CloudWatch, AWS Backup and the cluster's alert sender publish to the topic" },
  "aws:cloudwatch/metricAlarm:MetricAlarm": {
    diagram: "CloudWatch alarm",
    purpose: (r) => withDetail("Alarm", str(r.inputs.alarmDescription) ? firstSentenceOf(str(r.inputs.alarmDescription)!) : str(r.inputs.metricName)),
  },
  "aws:cloudwatch/eventRule:EventRule": {
    purpose: (r) => withDetail("Matches AWS events", str(r.inputs.description) ? firstSentenceOf(str(r.inputs.description)!) : undefined),
  },
  "aws:cloudwatch/eventTarget:EventTarget": { purpose: "Sends the matched events to the alert topic" },
  "aws:route53/healthCheck:HealthCheck": {
    diagram: "Route 53 health check",
    purpose: (r) => withDetail("Probes the public model endpoint from AWS's checkers around the world", str(r.inputs.fqdn)),
  },
  "aws:synthetics/canary:Canary": { diagram: "Synthetics canary", purpose: "Probes the model endpoint from inside the VPC on a schedule" },
  "aws:backup/vault:Vault": { diagram: "backup vault", purpose: "Encrypted vault that stores the database's recovery points" },
  "aws:backup/plan:Plan": { diagram: "backup plan", purpose: "When backups run and how long they are kept" },
  "aws:backup/selection:Selection": { purpose: "Puts the database under the backup plan" },
};

function firstSentenceOf(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const end = flat.search(/\.(\s|$)/);
  const sentence = end > 0 ? flat.slice(0, end) : flat;
  return sentence.length <= 120 ? sentence : `${sentence.slice(0, sentence.lastIndexOf(" ", 117))}...`;
}

const text = (t: Text, r: ResourceView) => (typeof t === "string" ? t : t(r));

/** One line on what the resource is for; `known` is false when the dictionary has no entry for its type. */
export function purposeOf(r: ResourceView): { text: string; known: boolean } {
  const kind = KINDS[r.type];
  if (!kind) return { text: "(not described yet: add its type to docs/generator/purposes.ts)", known: false };
  if (r.type === "kubernetes:helm.sh/v3:Release" && !chartPurpose(helmChartName(r.inputs.chart))) {
    return { text: text(kind.purpose, r), known: false };
  }
  return { text: text(kind.purpose, r), known: true };
}

/** The diagram label of a main resource, or undefined for the supporting ones. */
export function diagramLabelOf(r: ResourceView): string | undefined {
  const kind = KINDS[r.type];
  return kind?.diagram === undefined ? undefined : text(kind.diagram, r);
}

/** "aws:s3/bucket:Bucket" -> "Bucket"; for the resource tables. */
export function kindName(type: string): string {
  return type.split(":").pop() ?? type;
}
