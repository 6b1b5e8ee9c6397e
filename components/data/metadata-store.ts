import * as aws from "../../lib/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { validateArgs } from "../../lib/validate";
import { RDS_BACKUP_WINDOW, RDS_MAINTENANCE_WINDOW } from "../operations/backup/plan";
import { statefulOptions } from "../stateful";
import type { MetadataStoreArgs } from "./metadata-store.args";
import { databaseInstanceName } from "./metadata-store.footprint";
import { MetadataStoreArgsSchema, metadataStoreProblems } from "./metadata-store.schema";

export type { MetadataStoreArgs };

export const METADATA_STORE_TYPE = "mlplatform:data:MetadataStore";

export const POSTGRES_PORT = 5432;

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

    const subnetGroup = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      {
        subnetIds: s.subnetIds,
        description: `Private subnets for ${name}`,
        tags,
      },
      parent,
    );

    const sourceGroups = s.allowedSecurityGroupIds;
    const sourceCidrs = s.allowedCidrBlocks;
    const ingress = [
      ...(sourceGroups.length
        ? [
            {
              protocol: "tcp",
              fromPort: POSTGRES_PORT,
              toPort: POSTGRES_PORT,
              securityGroups: sourceGroups,
              description: "PostgreSQL from the cluster (nodes and pods)",
            },
          ]
        : []),
      ...(sourceCidrs.length
        ? [{ protocol: "tcp", fromPort: POSTGRES_PORT, toPort: POSTGRES_PORT, cidrBlocks: sourceCidrs, description: "PostgreSQL from allowed networks" }]
        : []),
    ];
    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: s.vpcId,
        // Unchanged wording: the description is immutable, a new one would replace the group.
        description: `PostgreSQL ${name}: reachable from inside the VPC only`,
        ingress,
        tags: { ...tags, Name: `${name}-sg` },
      },
      parent,
    );

    const parameters = new aws.rds.ParameterGroup(
      `${name}-params`,
      {
        family,
        description: `${name}: TLS only, slow query log`,
        parameters: [
          { name: "rds.force_ssl", value: "1" },
          { name: "log_min_duration_statement", value: "1000" },
        ],
        tags,
      },
      parent,
    );

    const finalSnapshotSuffix = protect ? new random.RandomId(`${name}-final-snapshot`, { byteLength: 4 }, parent) : undefined;
    const password = new random.RandomPassword(
      `${name}-password`,
      {
        length: 32,
        special: true,
        overrideSpecial: RDS_PASSWORD_OVERRIDE_SPECIAL,
      },
      parent,
    );

    const instance = new aws.rds.Instance(
      databaseInstanceName(name),
      {
        engine: "postgres",
        engineVersion,
        autoMinorVersionUpgrade: true,
        // engineVersion changes only in code (lib/versions.ts): a new major must be allowed to apply,
        // or RDS refuses the change ("AllowMajorVersionUpgrade flag must be present").
        allowMajorVersionUpgrade: true,
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
        // Unique per instance: a stack destroyed twice (or a database replaced) would otherwise find its
        // first final snapshot's name taken, and RDS refuses the deletion (DBSnapshotAlreadyExists).
        finalSnapshotIdentifier: protect ? pulumi.interpolate`${name}-final-${finalSnapshotSuffix!.hex}` : undefined,
        performanceInsightsEnabled: s.performanceInsights,
        performanceInsightsRetentionPeriod: s.performanceInsights ? 7 : undefined,
        iamDatabaseAuthenticationEnabled: true,
        snapshotIdentifier: s.snapshotIdentifier,
        tags,
      },
      statefulOptions(this, protect),
    );

    const secret = new aws.secretsmanager.Secret(
      `${name}-credentials`,
      {
        description: `Master credentials of ${name} (PostgreSQL)`,
        recoveryWindowInDays: protect ? 30 : 7,
        tags,
      },
      statefulOptions(this, protect),
    );
    new aws.secretsmanager.SecretVersion(
      `${name}-credentials`,
      {
        secretId: secret.id,
        secretString: pulumi.jsonStringify({
          engine: "postgres",
          username,
          password: password.result,
          host: instance.address,
          port: instance.port,
          dbname: databaseName,
        }),
      },
      parent,
    );

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
