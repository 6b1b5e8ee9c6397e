/** The MLflow tracking server as pure functions: image, database URI, manifests, IAM. No engine. */
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { STAGE_PRESETS } from "../../config/presets";
import { POOL_LABEL } from "../../components/compute/labels";
import { MLFLOW_IMAGE, allowedHosts, artifactsDestination, backendStoreUri, localMlflowCommand } from "../../components/tracking/settings";
import {
  backendSecretManifest,
  trackingDeploymentManifest,
  trackingPdbManifest,
  trackingServiceAccountManifest,
  trackingServiceManifest,
} from "../../components/tracking/manifests";
import { trackingArtifactsPolicy } from "../../components/tracking/iam";

const settings = STAGE_PRESETS.seriesb.tracking.settings;
const manifest = () => trackingDeploymentManifest(settings, "s3://mlp-prod-artifacts-models-abc/mlflow");

describe("the MLflow image", () => {
  it("is the pinned upstream -full variant (psycopg2 and boto3 inside), 3.9 or later (the first with -full; 3.5+ checks Host headers)", () => {
    const m = /^ghcr\.io\/mlflow\/mlflow:v3\.(\d+)\.(\d+)-full$/.exec(MLFLOW_IMAGE);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(9);
    for (const stage of ["mvp", "seriesb"] as const) expect(STAGE_PRESETS[stage].tracking.settings.image).toBe(MLFLOW_IMAGE);
  });
});

describe("backend store", () => {
  it("is a psycopg2 URI with TLS required and the password percent-encoded", () => {
    const uri = backendStoreUri({ username: "mlplatform", password: "a#b%c:d?e[f]", host: "db.example", port: 5432, database: "mlflow" });
    expect(uri).toBe("postgresql+psycopg2://mlplatform:a%23b%25c%3Ad%3Fe%5Bf%5D@db.example:5432/mlflow?sslmode=require");
  });

  it("reaches the server only from the Secret, never as an argument or a plain env value", () => {
    const c = manifest().spec.template.spec.containers[0]!;
    expect(c.env).toEqual([{ name: "MLFLOW_BACKEND_STORE_URI", valueFrom: { secretKeyRef: { name: "mlflow-backend-store", key: "uri" } } }]);
    expect(c.args.join(" ")).not.toMatch(/backend-store-uri|postgresql/);
    const secret = backendSecretManifest("mlflow", "postgresql+psycopg2://u:p@h:5432/mlflow");
    expect(secret.stringData).toEqual({ uri: "postgresql+psycopg2://u:p@h:5432/mlflow" });
  });
});

describe("the server", () => {
  it("runs on the system pool, proxies artifacts to s3:// and accepts only its own host names", () => {
    const d = manifest();
    expect(d.spec.template.spec.nodeSelector).toEqual({ [POOL_LABEL]: "system" });
    const args = d.spec.template.spec.containers[0]!.args;
    expect(args).toContain("--serve-artifacts");
    expect(args[args.indexOf("--artifacts-destination") + 1]).toBe("s3://mlp-prod-artifacts-models-abc/mlflow");
    const hosts = args[args.indexOf("--allowed-hosts") + 1]!.split(",");
    expect(hosts).toEqual(expect.arrayContaining(["mlflow.mlflow.svc.cluster.local:*", "localhost:*", "mlflow"]));
    expect(hosts).not.toContain("*");
    expect(allowedHosts("tracking")).toContain("mlflow.tracking.svc:*");
    expect(d.spec.replicas).toBe(2);
  });

  it("every object validates against the Kubernetes schema; the Service is internal (ClusterIP)", () => {
    expect(() => new Deployment(manifest()).validate()).not.toThrow();
    expect(() => new Secret(backendSecretManifest("mlflow", "x")).validate()).not.toThrow();
    expect(() => new ServiceAccount(trackingServiceAccountManifest("mlflow", "arn:aws:iam::1:role/r")).validate()).not.toThrow();
    expect(() => new PodDisruptionBudget(trackingPdbManifest("mlflow")).validate()).not.toThrow();
    const svc = trackingServiceManifest("mlflow");
    expect(() => new Service(svc).validate()).not.toThrow();
    expect(svc.spec.type).toBe("ClusterIP");
  });

  it("writes artifacts under its prefix only", () => {
    const bucket = "arn:aws:s3:::models";
    const doc = trackingArtifactsPolicy(bucket, "mlflow/", { region: "us-east-1" });
    const resources = doc.Statement.flatMap((s) => ([] as string[]).concat(s.Resource ?? []));
    expect(resources).toEqual([bucket, `${bucket}/mlflow/*`]);
    expect(doc.Statement[0]!.Condition).toEqual({ StringLike: { "s3:prefix": ["mlflow/*"] } });
    expect(trackingArtifactsPolicy(bucket, "mlflow/", { region: "us-east-1", kmsKeyArn: "k" }).Statement.at(-1)!.Action).toEqual([
      "kms:Decrypt",
      "kms:GenerateDataKey",
    ]);
  });

  it("POC: the local command keeps metadata in SQLite and artifacts in the bucket", () => {
    expect(artifactsDestination("b", "mlflow/")).toBe("s3://b/mlflow");
    expect(localMlflowCommand("mlp-poc-artifacts-models-1234567")).toBe(
      "mlflow server --host 127.0.0.1 --port 5000 --backend-store-uri sqlite:///mlflow.db --serve-artifacts --artifacts-destination s3://mlp-poc-artifacts-models-1234567/mlflow",
    );
  });
});
