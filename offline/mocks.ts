/**
 * Plausible cloud answers for Pulumi's in-process mock engine: ids, ARNs,
 * endpoints and provider data-source results shaped like AWS's, so every code
 * path of a program (applies, interpolations, JSON documents) runs offline.
 * Shipped as `ml-platform/testing`; the offline plan (plan/) uses the same.
 */
import { createHash } from "crypto";
import type * as pulumi from "@pulumi/pulumi";

/** The AWS account the mocks answer with (the AWS documentation's example account). */
export const MOCK_ACCOUNT_ID = "123456789012";

function shortHash(text: string, length = 8): string {
  return createHash("sha1").update(text).digest("hex").slice(0, length);
}

/** "aws:s3/bucket:Bucket" -> { pkg: "aws", module: "s3", kind: "Bucket" } */
function parseToken(type: string): { pkg: string; module: string; kind: string } {
  const [pkg = "", middle = "", kind = ""] = type.split(":");
  return { pkg, module: middle.split("/")[0] ?? "", kind };
}

type State = Record<string, unknown>;

/** The id prefixes EC2 gives its resources, so ids in outputs look like AWS's (sg-..., subnet-...). */
const EC2_ID_PREFIXES: Record<string, string> = {
  SecurityGroup: "sg",
  Subnet: "subnet",
  Vpc: "vpc",
  NatGateway: "nat",
  InternetGateway: "igw",
  RouteTable: "rtb",
  Eip: "eipalloc",
  LaunchTemplate: "lt",
  VpcEndpoint: "vpce",
  FlowLog: "fl",
};

/** What the mocks answer beyond AWS's own shapes. */
export interface MockOptions {
  /**
   * Outputs of the stacks a program reads through `new pulumi.StackReference(name)`,
   * by stack name ("org/project/stack"). A reference to a stack not listed has no outputs.
   */
  stackOutputs?: Record<string, Record<string, unknown>>;
}

/** The zone-ID prefix of a region: "us-east-1" -> "use1", "eu-west-1" -> "euw1", "ap-southeast-2" -> "apse2". */
export function zoneCode(region: string): string {
  const [area = "", direction = "", n = ""] = region.split("-");
  const dir = direction.replace("north", "n").replace("south", "s").replace("east", "e").replace("west", "w").replace("central", "c");
  return `${area}${dir.length > 2 ? dir[0] : dir}${n}`;
}

/** Mocks for `pulumi.runtime.setMocks`, answering as AWS would in `region`. */
export function createMocks(region: string, options: MockOptions = {}): pulumi.runtime.Mocks {
  const acct = MOCK_ACCOUNT_ID;
  const arn = (service: string, resource: string, withRegion = true) => `arn:aws:${service}:${withRegion ? region : ""}:${withRegion ? acct : ""}:${resource}`;
  const eksCluster = (name: string) => {
    const oidcId = shortHash(name, 32).toUpperCase();
    return {
      name,
      arn: arn("eks", `cluster/${name}`),
      endpoint: `https://${oidcId}.gr7.${region}.eks.amazonaws.com`,
      identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/${oidcId}` }] }],
      vpcConfig: { clusterSecurityGroupId: `sg-${shortHash(name + "cluster")}`, vpcId: `vpc-${shortHash("vpc")}` },
      status: "ACTIVE",
    };
  };

  const byType: Record<string, (name: string, inputs: State, id: string) => State> = {
    "aws:s3/bucket:Bucket": (name) => {
      const bucket = `${name}-${shortHash(name)}`;
      return { bucket, arn: `arn:aws:s3:::${bucket}`, bucketDomainName: `${bucket}.s3.amazonaws.com`, region };
    },
    "aws:ec2/vpc:Vpc": (name, inputs, id) => ({
      arn: arn("ec2", `vpc/${id}`),
      defaultSecurityGroupId: `sg-${shortHash(name + "default")}`,
      cidrBlock: inputs.cidrBlock,
    }),
    "aws:rds/instance:Instance": (name, inputs) => {
      const address = `${name}.c${shortHash(name, 10)}.${region}.rds.amazonaws.com`;
      const port = (inputs.port as number | undefined) ?? 5432;
      return { address, port, endpoint: `${address}:${port}`, arn: arn("rds", `db:${name}`), identifier: name };
    },
    "aws:ecr/repository:Repository": (name, inputs) => {
      const repo = (inputs.name as string | undefined) ?? name;
      return { name: repo, repositoryUrl: `${acct}.dkr.ecr.${region}.amazonaws.com/${repo}`, arn: arn("ecr", `repository/${repo}`), registryId: acct };
    },
    "aws:eks/cluster:Cluster": (resourceName, inputs) => {
      const name = (inputs.name as string | undefined) ?? resourceName;
      return { ...eksCluster(name), certificateAuthority: { data: Buffer.from(`mock-ca-for-${name}`).toString("base64") } };
    },
    "aws:eks/nodeGroup:NodeGroup": (name, inputs) => ({
      arn: arn("eks", `nodegroup/${String(inputs.clusterName)}/${name}/${shortHash(name)}`),
      nodeGroupName: inputs.nodeGroupName ?? name,
      resources: [{ autoscalingGroups: [{ name: `eks-${name}-${shortHash(name, 12)}` }], remoteAccessSecurityGroupId: "" }],
      status: "ACTIVE",
    }),
    "aws:iam/role:Role": (name) => ({ arn: `arn:aws:iam::${acct}:role/${name}`, name, uniqueId: `AROA${shortHash(name, 16).toUpperCase()}` }),
    "aws:iam/policy:Policy": (name) => ({ arn: `arn:aws:iam::${acct}:policy/${name}`, name }),
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (_name, inputs) => ({
      arn: `arn:aws:iam::${acct}:oidc-provider/${String(inputs.url).replace(/^https:\/\//, "")}`,
    }),
    "aws:kms/key:Key": (name) => {
      const keyId = `${shortHash(name, 8)}-${shortHash(name + "1", 4)}-${shortHash(name + "2", 4)}-${shortHash(name + "3", 4)}-${shortHash(name + "4", 12)}`;
      return { keyId, arn: arn("kms", `key/${keyId}`) };
    },
    "aws:cloudwatch/logGroup:LogGroup": (name, inputs) => {
      const logName = (inputs.name as string | undefined) ?? `${name}-${shortHash(name)}`;
      return { name: logName, arn: arn("logs", `log-group:${logName}`) };
    },
    "aws:secretsmanager/secret:Secret": (name) => ({ arn: arn("secretsmanager", `secret:${name}-${shortHash(name, 6)}`), name }),
    "aws:rds/subnetGroup:SubnetGroup": (name) => ({ name: `${name}-${shortHash(name)}`, arn: arn("rds", `subgrp:${name}`) }),
    "aws:rds/parameterGroup:ParameterGroup": (name) => ({ name: `${name}-${shortHash(name)}`, arn: arn("rds", `pg:${name}`) }),
    "aws:backup/vault:Vault": (name) => ({ name: `${name}-${shortHash(name)}`, arn: arn("backup", `backup-vault:${name}`) }),
    "aws:sns/topic:Topic": (name) => ({ name: `${name}-${shortHash(name)}`, arn: arn("sns", `${name}-${shortHash(name)}`) }),
    "random:index/randomPassword:RandomPassword": () => ({ result: "mock-password-not-a-secret", bcryptHash: "mock" }),
    "random:index/randomId:RandomId": (name, inputs) => {
      const hex = shortHash(name, 2 * Number(inputs.byteLength ?? 4));
      return {
        hex,
        dec: BigInt(`0x${hex}`).toString(),
        b64Std: Buffer.from(hex, "hex").toString("base64"),
        b64Url: Buffer.from(hex, "hex").toString("base64url"),
      };
    },
    "aws:ec2/launchTemplate:LaunchTemplate": (name, inputs) => ({ name: inputs.name ?? name, latestVersion: 1, defaultVersion: 1 }),
  };

  return {
    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
      if (args.type === "pulumi:pulumi:StackReference") {
        const stack = String(args.inputs.name ?? args.name);
        return { id: stack, state: { name: stack, outputs: options.stackOutputs?.[stack] ?? {}, secretOutputNames: [] } };
      }
      if (!args.custom && !args.type.startsWith("pulumi:providers:")) return { id: undefined, state: {} };
      const { pkg, module } = parseToken(args.type);
      const kind = args.type.split(":")[2] ?? "";
      const prefix = pkg === "aws" ? (module === "ec2" ? (EC2_ID_PREFIXES[kind] ?? kind.toLowerCase().slice(0, 6)) : module) : pkg;
      const id = args.id || `${prefix}-${shortHash(args.type + args.name, 17)}`;
      const generic: State = pkg === "aws" ? { arn: arn(module, `${args.type.split(":")[2]!.toLowerCase()}/${args.name}`), tagsAll: args.inputs.tags } : {};
      if (pkg === "kubernetes") {
        const metadata = (args.inputs.metadata ?? {}) as State;
        return { id: `${String(metadata.namespace ?? "default")}/${String(metadata.name ?? args.name)}`, state: { ...args.inputs } };
      }
      const specific = byType[args.type]?.(args.name, args.inputs as State, id) ?? {};
      return { id, state: { ...args.inputs, ...generic, ...specific } };
    },
    call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
      switch (args.token) {
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
          // Six zones whose names map to zone IDs out of order, as in a real account, and
          // including the EKS-incapable use1-az3 where the region has it; excludeZoneIds honoured.
          const code = zoneCode(region);
          const ids = [4, 6, 1, 2, 3, 5].map((n) => `${code}-az${n}`);
          const names = ["a", "b", "c", "d", "e", "f"].map((z) => `${region}${z}`);
          const exclude = new Set((args.inputs.excludeZoneIds as string[] | undefined) ?? []);
          const keep = ids.map((id, i) => ({ id, name: names[i]! })).filter((z) => !exclude.has(z.id));
          return { names: keep.map((z) => z.name), zoneIds: keep.map((z) => z.id), id: region };
        }
        case "aws:index/getRegion:getRegion":
          return { name: region, region, id: region, description: region, endpoint: `ec2.${region}.amazonaws.com` };
        case "aws:index/getCallerIdentity:getCallerIdentity":
          return { accountId: acct, arn: `arn:aws:iam::${acct}:user/mock`, userId: "AIDAMOCK", id: acct };
        case "aws:index/getPartition:getPartition":
          return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
        case "aws:eks/getCluster:getCluster": {
          // An existing cluster, read by name (a ClusterHandle for a cluster this program does not own).
          const name = String(args.inputs.name);
          return { ...eksCluster(name), id: name, certificateAuthorities: [{ data: Buffer.from(`mock-ca-for-${name}`).toString("base64") }], version: "1.35" };
        }
        case "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider": {
          const url = String(args.inputs.url ?? "").replace(/^https:\/\//, "");
          const providerArn = (args.inputs.arn as string | undefined) ?? `arn:aws:iam::${acct}:oidc-provider/${url}`;
          return { arn: providerArn, id: providerArn, url, clientIdLists: ["sts.amazonaws.com"], thumbprintLists: [] };
        }
        case "aws:eks/getAddonVersion:getAddonVersion":
          return { version: `v0.0.0-${String(args.inputs.addonName)}-mock`, id: String(args.inputs.addonName) };
        default:
          // An empty answer would let the program run on with undefined fields and plan something else than AWS would.
          throw new UnmockedInvokeError(args.token);
      }
    },
  };
}

/** An invoke (a data source such as `aws.ec2.getVpc`) that neither your mocks nor ours answer. */
export class UnmockedInvokeError extends Error {
  constructor(readonly token: string) {
    super(
      `The offline plan has no answer for the invoke ${token}. Mock it: planProgram(program, { mocks: { call: (args) => ` +
        `args.token === "${token}" ? { /* its result */ } : undefined } }); your call() answers first, and undefined falls back to ours.`,
    );
    this.name = "UnmockedInvokeError";
    // Pulumi's mock monitor rejects an invoke with `new Error(err.details)` (a gRPC error's field): keep the message.
    (this as { details?: string }).details = this.message;
  }
}

/**
 * Your mocks, on top of ours: each of your `newResource` and `call` answers
 * first, and returning `undefined` falls back to `base`. A
 * `pulumi.StackReference` is always answered by `base`, so the
 * `stackOutputs` given to `createMocks` reach the program whatever your mocks do.
 */
export function extendMocks(base: pulumi.runtime.Mocks, own: Partial<pulumi.runtime.Mocks>): pulumi.runtime.Mocks {
  return {
    async newResource(args) {
      if (args.type === "pulumi:pulumi:StackReference" || !own.newResource) return base.newResource(args);
      return (await own.newResource(args)) ?? base.newResource(args);
    },
    async call(args) {
      const answer = own.call ? await own.call(args) : undefined;
      return answer ?? base.call(args);
    },
  };
}
