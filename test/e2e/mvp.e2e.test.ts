/**
 * End to end, against a real AWS account: `pulumi up` a copy of the mvp stack
 * through Pulumi's Automation API, check what it runs (Ready nodes with a GPU
 * among them, the model's /health, MLflow), grow it to Series B (a metric
 * scraped, a release to the idle colour and a flip), then `pulumi destroy` it
 * and check nothing billed is left behind.
 *
 * Opt-in and slow (about an hour, and a GPU node's hours are billed): skipped
 * unless ML_PLATFORM_E2E=1 and the variables below are set. Run it with
 * `npx jest test/e2e` (README, "End-to-end test"); the e2e workflow runs it weekly.
 *
 *   ML_PLATFORM_E2E=1                     turns it on
 *   AWS credentials                       the deployer role below, assumed (env, profile or OIDC)
 *   ML_PLATFORM_E2E_DEPLOYER_ROLE_ARN     ml-platform:cluster.deployerRoleArn
 *   ML_PLATFORM_E2E_PUBLIC_CIDR           this machine's egress address as a /32 (publicAccessCidrs)
 *   ML_PLATFORM_E2E_MODEL_IMAGE           a model-server image the nodes can pull, answering /health on 8080
 *   ML_PLATFORM_E2E_MODEL_IMAGE_NEXT      the image released at Series B (default: the same)
 *   AWS_REGION                            default us-east-1
 *   PULUMI_BACKEND_URL or PULUMI_ACCESS_TOKEN, and PULUMI_CONFIG_PASSPHRASE for a passphrase backend
 *
 * The stack is named e2e-<run id>; its file, stacks/Pulumi.e2e-<run id>.yaml,
 * is written from stacks/Pulumi.mvp.yaml with these values and removed at the
 * end. Unlike mvp it protects nothing, so that `destroy` removes everything.
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, Stack, OutputMap } from "@pulumi/pulumi/automation";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { KUBE_PROMETHEUS_STACK_RELEASE } from "../../components/monitoring/charts";
import { COLOR_LABEL } from "../../components/serving/manifests";

const ROOT = path.join(__dirname, "..", "..");
const env = process.env;
const hasAwsCredentials = Boolean(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI);
const required = ["ML_PLATFORM_E2E_DEPLOYER_ROLE_ARN", "ML_PLATFORM_E2E_PUBLIC_CIDR", "ML_PLATFORM_E2E_MODEL_IMAGE"] as const;
const enabled = env.ML_PLATFORM_E2E === "1" && hasAwsCredentials && required.every((k) => env[k]);
if (env.ML_PLATFORM_E2E === "1" && !enabled)
  // Asked for but not runnable: say why instead of passing silently.
  throw new Error(`ML_PLATFORM_E2E=1 needs AWS credentials and ${required.join(", ")}`);

const RUN_ID = (env.GITHUB_RUN_ID ?? `${Date.now()}`).slice(-10);
const STACK = `e2e-${RUN_ID}`;
const STACK_FILE = path.join(ROOT, "stacks", `Pulumi.${STACK}.yaml`);
const REGION = env.AWS_REGION ?? "us-east-1";
// Every AWS resource the program creates carries these tags (ml-platform:tags).
const RUN_TAG = { Key: "e2e-run", Value: RUN_ID };
const MINUTE = 60_000;

type Config = Record<string, unknown>;
interface ModelConfig {
  name: string;
  [key: string]: unknown;
}

/** stacks/Pulumi.mvp.yaml with this run's account, access path, image, and nothing protected. */
function mvpConfig(): Config {
  const mvp = (parseYaml(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.mvp.yaml"), "utf8")) as { config: Config }).config;
  const model = (mvp["ml-platform:serving"] as { models: ModelConfig[] }).models[0]!;
  return {
    ...mvp,
    "aws:region": REGION,
    "ml-platform:environment": `e2e${RUN_ID.slice(-6)}`,
    "ml-platform:tags": { ...(mvp["ml-platform:tags"] as Config), [RUN_TAG.Key]: RUN_TAG.Value },
    "ml-platform:protectStatefulResources": false,
    "ml-platform:allowDestroyWithData": true,
    "ml-platform:database": { deletionProtection: false },
    "ml-platform:cluster": { deployerRoleArn: env.ML_PLATFORM_E2E_DEPLOYER_ROLE_ARN, publicAccessCidrs: [env.ML_PLATFORM_E2E_PUBLIC_CIDR] },
    "ml-platform:serving": { ...(mvp["ml-platform:serving"] as Config), models: [{ ...model, image: env.ML_PLATFORM_E2E_MODEL_IMAGE }] },
  };
}

/** Rewrites the stack file's config, keeping what Pulumi added to it (the secrets salt). */
function writeConfig(config: Config): void {
  const current = fs.existsSync(STACK_FILE) ? (parseYaml(fs.readFileSync(STACK_FILE, "utf8")) as Config) : {};
  fs.writeFileSync(STACK_FILE, stringifyYaml({ ...current, config }));
}

function kubectl(kubeconfig: string, args: string[]): string {
  return execFileSync("kubectl", ["--kubeconfig", kubeconfig, ...args], { encoding: "utf8", timeout: 2 * MINUTE });
}

function aws(args: string[]): unknown {
  return JSON.parse(execFileSync("aws", [...args, "--region", REGION, "--output", "json"], { encoding: "utf8", timeout: 2 * MINUTE }));
}

/** Retries `check` until it returns without throwing, or `ms` have passed. */
async function eventually<T>(ms: number, check: () => T | Promise<T>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 10_000));
    }
  }
}

/** GET through the API server's service proxy (no port-forward, no public endpoint). */
function viaProxy(kubeconfig: string, namespace: string, service: string, pathAndQuery: string): string {
  return kubectl(kubeconfig, ["get", "--raw", `/api/v1/namespaces/${namespace}/services/${service}/proxy${pathAndQuery}`]);
}

const suite = enabled ? describe : describe.skip;

suite("mvp end to end on AWS (ML_PLATFORM_E2E=1)", () => {
  let stack: Stack;
  let outputs: OutputMap;
  let kubeconfig: string;
  let config: Config;
  const log = (line: string) => process.stdout.write(line);

  async function up(): Promise<void> {
    writeConfig(config);
    const result = await stack.up({ onOutput: log });
    expect(result.summary.result).toBe("succeeded");
    outputs = result.outputs;
    // A secret string output: the Automation API hands back its plain value.
    const value = outputs.kubeconfig!.value as unknown;
    fs.writeFileSync(kubeconfig, typeof value === "string" ? value : JSON.stringify(value));
  }
  const output = (key: string) => outputs[key]?.value as unknown;

  beforeAll(async () => {
    kubeconfig = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ml-platform-e2e-")), "kubeconfig");
    config = mvpConfig();
    writeConfig(config);
    stack = await LocalWorkspace.createOrSelectStack({ stackName: STACK, workDir: ROOT }, { envVars: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } });
  }, 5 * MINUTE);

  // Always runs, also after a failed step: what is left is billed.
  afterAll(async () => {
    try {
      if (stack) {
        const result = await stack.destroy({ onOutput: log });
        expect(result.summary.result).toBe("succeeded");
        await stack.workspace.removeStack(STACK);
      }
    } finally {
      fs.rmSync(STACK_FILE, { force: true });
    }
    // Nothing billed is left with this run's tag (EKS-created volumes and load balancers carry the cluster tag too).
    const tag = [`Name=tag:${RUN_TAG.Key},Values=${RUN_TAG.Value}`];
    const instances = aws(["ec2", "describe-instances", "--filters", ...tag, "Name=instance-state-name,Values=pending,running,stopping,stopped"]) as {
      Reservations: unknown[];
    };
    const volumes = aws(["ec2", "describe-volumes", "--filters", ...tag]) as { Volumes: unknown[] };
    const nats = aws(["ec2", "describe-nat-gateways", "--filter", ...tag, "Name=state,Values=pending,available"]) as { NatGateways: unknown[] };
    const addresses = aws(["ec2", "describe-addresses", "--filters", ...tag]) as { Addresses: unknown[] };
    const tagged = aws(["resourcegroupstaggingapi", "get-resources", "--tag-filters", `Key=${RUN_TAG.Key},Values=${RUN_TAG.Value}`]) as {
      ResourceTagMappingList: { ResourceARN: string }[];
    };
    const billed = /:(elasticloadbalancing|rds|eks|natgateway|ec2):.*(loadbalancer|:db:|cluster\/|natgateway|instance\/|volume\/)/;
    expect({
      instances: instances.Reservations,
      volumes: volumes.Volumes,
      natGateways: nats.NatGateways,
      elasticIps: addresses.Addresses,
      other: tagged.ResourceTagMappingList.map((r) => r.ResourceARN).filter((arn) => billed.test(arn)),
    }).toEqual({ instances: [], volumes: [], natGateways: [], elasticIps: [], other: [] });
  }, 90 * MINUTE);

  it(
    "pulumi up creates the mvp stack",
    async () => {
      await up();
      expect(output("stage")).toBe("mvp");
    },
    90 * MINUTE,
  );

  it("every node is Ready, a GPU node among them", async () => {
    const nodes = JSON.parse(kubectl(kubeconfig, ["get", "nodes", "-o", "json"])) as {
      items: { metadata: { name: string }; status: { allocatable: Record<string, string>; conditions: { type: string; status: string }[] } }[];
    };
    expect(nodes.items.length).toBeGreaterThan(1);
    for (const n of nodes.items)
      expect({ node: n.metadata.name, ready: n.status.conditions.find((c) => c.type === "Ready")?.status }).toEqual({ node: n.metadata.name, ready: "True" });
    expect(nodes.items.some((n) => Number(n.status.allocatable["nvidia.com/gpu"] ?? 0) > 0)).toBe(true);
  });

  it("the model answers /health", async () => {
    const namespace = output("servingNamespace") as string;
    const service = (output("liveServices") as Record<string, string>).classifier!;
    await eventually(5 * MINUTE, () => viaProxy(kubeconfig, namespace, `${service}:http`, "/health"));
  });

  it(
    "MLflow answers",
    async () => {
      // MLflow checks the Host header (--allowed-hosts admits localhost), so a port-forward, not the API server proxy.
      const [, service, namespace, port] = /^http:\/\/([^.]+)\.([^.]+)\.svc\.cluster\.local:(\d+)$/.exec(output("mlflowTrackingUri") as string)!;
      const local = 15000 + Math.floor(Math.random() * 1000);
      const forward: ChildProcess = spawn("kubectl", ["--kubeconfig", kubeconfig, "-n", namespace!, "port-forward", `svc/${service}`, `${local}:${port}`], {
        stdio: "ignore",
      });
      try {
        const response = await eventually(2 * MINUTE, async () => {
          const r = await fetch(`http://127.0.0.1:${local}/health`);
          if (!r.ok) throw new Error(`MLflow /health: ${r.status}`);
          return r;
        });
        expect(response.status).toBe(200);
      } finally {
        forward.kill();
      }
    },
    5 * MINUTE,
  );

  it(
    "grown to Series B (the stage key alone), Prometheus scrapes the model",
    async () => {
      config = { ...config, "ml-platform:stage": "seriesb" };
      await up();
      expect(output("stage")).toBe("seriesb");
      const query = encodeURIComponent(`up{namespace="${output("servingNamespace") as string}"} == 1`);
      await eventually(10 * MINUTE, () => {
        const body = JSON.parse(
          viaProxy(kubeconfig, output("monitoringNamespace") as string, `${KUBE_PROMETHEUS_STACK_RELEASE}-prometheus:9090`, `/api/v1/query?query=${query}`),
        ) as {
          data: { result: unknown[] };
        };
        expect(body.data.result.length).toBeGreaterThan(0);
      });
    },
    90 * MINUTE,
  );

  it(
    "at Series B, a release to the idle colour and a flip",
    async () => {
      const serving = config["ml-platform:serving"] as { models: ModelConfig[] };
      const { image, modelUri, replicas, ...model } = serving.models[0]!;
      const next = env.ML_PLATFORM_E2E_MODEL_IMAGE_NEXT || (image as string);
      const release = (activeColor: "blue" | "green") => {
        config = {
          ...config,
          "ml-platform:serving": {
            ...serving,
            blueGreen: true,
            models: [{ ...model, activeColor, blue: { image, modelUri, replicas }, green: { image: next, modelUri, replicas: 1 } }],
          },
        };
      };
      const namespace = output("servingNamespace") as string;
      // Blue/green in a step of its own, with the release on green, then the flip.
      release("blue");
      await up();
      const preview = (output("previewServices") as Record<string, string>).classifier!;
      await eventually(5 * MINUTE, () => viaProxy(kubeconfig, namespace, `${preview}:http`, "/health"));

      release("green");
      await up();
      const live = (output("liveServices") as Record<string, string>).classifier!;
      const selector = (
        JSON.parse(kubectl(kubeconfig, ["-n", namespace, "get", "service", live, "-o", "json"])) as { spec: { selector: Record<string, string> } }
      ).spec.selector;
      expect(selector[COLOR_LABEL]).toBe("green");
      await eventually(5 * MINUTE, () => viaProxy(kubeconfig, namespace, `${live}:http`, "/health"));
    },
    120 * MINUTE,
  );
});
