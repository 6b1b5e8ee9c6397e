import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { DatabaseStorageType } from "../../lib/domain";
import { PhysicalName, childName, physicalName } from "../../lib/naming";
import { RDS_BACKUP_WINDOW, RDS_MAINTENANCE_WINDOW } from "../operations/backup/plan";
import { validateArgs } from "../../lib/validate";
import { statefulOptions } from "../stateful";
import { MetadataStoreArgsSchema, metadataStoreProblems } from "./metadata-store.schema";

export const METADATA_STORE_TYPE = "mlplatform:data:MetadataStore";

/** The RDS instance (auto-named identifier): "<metadata component>-postgres". */
export function databaseInstanceName(metadataComponent: string): string {
  return childName(metadataComponent, "postgres");
}

/** The length-limited names the store creates: its RDS instance. */
export function metadataStorePhysicalNames(name: string): PhysicalName[] {
  return [physicalName("rdsInstance", databaseInstanceName(name), true, ["(name)"])];
}

export const POSTGRES_PORT = 5432;

export interface MetadataStoreArgs {
  /** VPC the database lives in. Required. */
  vpcId: pulumi.Input<string>;
  /** Private subnets for the DB subnet group (two AZs at least): a list, or one output such as a StackReference's. Required. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Security groups allowed to connect on 5432: normally the EKS cluster
   * security group (GpuCluster.clusterSecurityGroupId), which managed nodes
   * and therefore pods use. Default [].
   */
  allowedSecurityGroupIds?: pulumi.Input<string>[];
  /**
   * CIDR blocks allowed to connect on 5432 (e.g. the VPC's block when no
   * cluster runs yet). Default []. With neither sources nor CIDRs, nothing
   * can connect.
   */
  allowedCidrBlocks?: pulumi.Input<string>[];
  /** PostgreSQL version: a major ("17") lets RDS apply minor upgrades. Default "17". */
  engineVersion?: string;
  /** RDS instance class. Default "db.t4g.small". */
  instanceClass?: string;
  /** Initial storage in GB. Default 20. */
  allocatedStorageGb?: number;
  /** Storage autoscaling ceiling in GB. Default 100. */
  maxAllocatedStorageGb?: number;
  /** "gp3" (default), "io1" or "io2". */
  storageType?: DatabaseStorageType;
  /** Provisioned IOPS for io1/io2. Default none. */
  iops?: number;
  /** A synchronous standby in a second AZ. Default false. */
  multiAz?: boolean;
  /** Days of automated backups (point-in-time restore). Default 7. */
  backupRetentionDays?: number;
  /** Refuse API deletion of the instance. Default true. */
  deletionProtection?: boolean;
  /** Performance Insights (7 days, free tier). Default false. */
  performanceInsights?: boolean;
  /**
   * Apply changes (instance class, Multi-AZ, storage, Performance Insights)
   * during `pulumi up` instead of at the next maintenance window. Default true:
   * a stage change is a deliberate, scheduled `pulumi up`, and a change left
   * pending for days would show as a diff on every run until the window. A
   * class change restarts the instance (with Multi-AZ, a failover of about a
   * minute): run stage changes at a quiet hour. Set false to let RDS apply
   * them in the maintenance window (Sunday 04:30-05:30 UTC).
   */
  applyImmediately?: boolean;
  /** Name of the database created on the instance. Default "mlflow". */
  databaseName?: string;
  /**
   * Create the instance from this DB snapshot (identifier or ARN) instead of
   * empty. RDS then keeps the snapshot's databases, master user name and
   * encryption; the provider applies the password, storage, backup and
   * version settings right after the restore. Changing it on an existing
   * instance replaces the instance (docs/guides/operations.md, "Restoring the database").
   * Default none.
   */
  snapshotIdentifier?: string;
  /** Master user name. Default "mlplatform". */
  username?: string;
  /**
   * Guard against loss: `protect` + `retainOnDelete` on the instance and its
   * secret, and a final snapshot when it is deleted anyway. Default true.
   */
  protect?: boolean;
  /** Tags for every resource. Default none. */
  tags?: Record<string, string>;
}

/** Characters RDS refuses in a master password: '/', '@', '"' and space. */
export const RDS_PASSWORD_OVERRIDE_SPECIAL = "!#$%&*()-_=+[]{}<>:?";

/**
 * RDS PostgreSQL in private subnets, reachable only from the given CIDRs,
 * storage-encrypted, TLS forced, with automated backups, and its credentials
 * in Secrets Manager (never in plain config or Helm values).
 */
export class MetadataStore extends pulumi.ComponentResource {
  public readonly endpoint: pulumi.Output<string>;
  public readonly address: pulumi.Output<string>;
  public readonly port: pulumi.Output<number>;
  public readonly databaseName: string;
  public readonly securityGroupId: pulumi.Output<string>;
  /** RDS instance identifier (CloudWatch's DBInstanceIdentifier dimension). */
  public readonly instanceIdentifier: pulumi.Output<string>;
  /** RDS instance ARN (what AWS Backup selects). */
  public readonly instanceArn: pulumi.Output<string>;
  /** Secrets Manager secret holding {username, password, host, port, dbname}. */
  public readonly secretArn: pulumi.Output<string>;
  /** Master user name. */
  public readonly username: string;
  /**
   * Master password (a secret output). In-cluster consumers (MLflow) receive
   * it through a Kubernetes Secret created with it, never as a plain value.
   */
  public readonly password: pulumi.Output<string>;

  constructor(name: string, args: MetadataStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before anything is declared: a bad argument throws ComponentArgsError naming it.
    const s = validateArgs(METADATA_STORE_TYPE, name, MetadataStoreArgsSchema, args, metadataStoreProblems);
    super(METADATA_STORE_TYPE, name, {}, opts);
    const { tags, protect, databaseName, username, engineVersion } = s;
    const parent = { parent: this };
    const family = `postgres${engineVersion.split(".")[0]}`;

    const subnetGroup = new aws.rds.SubnetGroup(`${name}-subnets`, {
      subnetIds: s.subnetIds,
      description: `Private subnets for ${name}`,
      tags,
    }, parent);

    const sourceGroups = s.allowedSecurityGroupIds;
    const sourceCidrs = s.allowedCidrBlocks;
    const ingress = [
      ...(sourceGroups.length ? [{ protocol: "tcp", fromPort: POSTGRES_PORT, toPort: POSTGRES_PORT, securityGroups: sourceGroups, description: "PostgreSQL from the cluster (nodes and pods)" }] : []),
      ...(sourceCidrs.length ? [{ protocol: "tcp", fromPort: POSTGRES_PORT, toPort: POSTGRES_PORT, cidrBlocks: sourceCidrs, description: "PostgreSQL from allowed networks" }] : []),
    ];
    const securityGroup = new aws.ec2.SecurityGroup(`${name}-sg`, {
      vpcId: s.vpcId,
      // Unchanged wording: the description is immutable, a new one would replace the group.
      description: `PostgreSQL ${name}: reachable from inside the VPC only`,
      ingress,
      tags: { ...tags, Name: `${name}-sg` },
    }, parent);

    const parameters = new aws.rds.ParameterGroup(`${name}-params`, {
      family,
      description: `${name}: TLS only, slow query log`,
      parameters: [
        { name: "rds.force_ssl", value: "1" },
        { name: "log_min_duration_statement", value: "1000" },
      ],
      tags,
    }, parent);

    const password = new random.RandomPassword(`${name}-password`, {
      length: 32,
      special: true,
      overrideSpecial: RDS_PASSWORD_OVERRIDE_SPECIAL,
    }, parent);

    const instance = new aws.rds.Instance(databaseInstanceName(name), {
      engine: "postgres",
      engineVersion,
      autoMinorVersionUpgrade: true,
      instanceClass: s.instanceClass,
      allocatedStorage: s.allocatedStorageGb,
      maxAllocatedStorage: s.maxAllocatedStorageGb,
      storageType: s.storageType,
      iops: s.iops,
      storageEncrypted: true,
      multiAz: s.multiAz,
      dbName: databaseName,
      username,
      password: password.result,
      port: POSTGRES_PORT,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [securityGroup.id],
      parameterGroupName: parameters.name,
      publiclyAccessible: false,
      backupRetentionPeriod: s.backupRetentionDays,
      backupWindow: RDS_BACKUP_WINDOW,
      maintenanceWindow: RDS_MAINTENANCE_WINDOW,
      applyImmediately: s.applyImmediately,
      copyTagsToSnapshot: true,
      deleteAutomatedBackups: !protect,
      deletionProtection: s.deletionProtection,
      skipFinalSnapshot: !protect,
      finalSnapshotIdentifier: protect ? `${name}-final-snapshot` : undefined,
      performanceInsightsEnabled: s.performanceInsights,
      performanceInsightsRetentionPeriod: s.performanceInsights ? 7 : undefined,
      iamDatabaseAuthenticationEnabled: true,
      snapshotIdentifier: s.snapshotIdentifier,
      tags,
    }, statefulOptions(this, protect));

    const secret = new aws.secretsmanager.Secret(`${name}-credentials`, {
      description: `Master credentials of ${name} (PostgreSQL)`,
      recoveryWindowInDays: protect ? 30 : 7,
      tags,
    }, statefulOptions(this, protect));
    new aws.secretsmanager.SecretVersion(`${name}-credentials`, {
      secretId: secret.id,
      secretString: pulumi.jsonStringify({
        engine: "postgres",
        username,
        password: password.result,
        host: instance.address,
        port: instance.port,
        dbname: databaseName,
      }),
    }, parent);

    this.endpoint = instance.endpoint;
    this.address = instance.address;
    this.port = instance.port;
    this.databaseName = databaseName;
    this.securityGroupId = securityGroup.id;
    this.instanceIdentifier = instance.identifier;
    this.instanceArn = instance.arn;
    this.secretArn = secret.arn;
    this.username = username;
    this.password = pulumi.secret(password.result);
    this.registerOutputs({ endpoint: this.endpoint, secretArn: this.secretArn });
  }
}
