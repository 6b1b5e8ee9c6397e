/**
 * A program of one's own names its models bucket: a model URI may then be the
 * bucket's real URI (`s3://acme-models-prod/fraud/v3/`) as well as the
 * `<models-bucket>` placeholder, and a URI in any other bucket is refused by
 * key, since the model's IAM role can read the models bucket only. (That the
 * real URI is served with the same prefix-scoped read policy is shown by
 * test/api/pulumi-inputs.test.ts, which plans it.)
 */
import * as pulumi from "@pulumi/pulumi";
import { ComponentArgsError, ModelServing, type ModelServingArgs } from "../../api";
import { MODEL_SERVING_TYPE } from "../../components/serving/model-serving";
import { ModelServingArgsSchema, modelServingProblems } from "../../components/serving/model-serving.schema";
import { validateArgs } from "../../lib/validate";

// The constructors refuse before super(), so no engine is needed to see a refusal.
const cluster = { provider: {}, clusterName: "c", oidcProviderArn: "arn", oidcIssuerUrl: "https://oidc", ready: [] } as unknown as ModelServingArgs["cluster"];
const BUCKET = "acme-models-prod";

const argsWith = (modelUri: string, bucketName: pulumi.Input<string>): ModelServingArgs => ({
  cluster,
  settings: { models: [{ name: "fraud", image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/fraud:3.0.0", modelUri }] },
  modelsBucket: { name: bucketName, arn: `arn:aws:s3:::${BUCKET}` },
  region: "us-east-1",
  environment: "prod",
});

function problemsOf(modelUri: string, bucketName: pulumi.Input<string> = BUCKET): string[] {
  try {
    new ModelServing("fraud-serving", argsWith(modelUri, bucketName));
  } catch (e) {
    expect(e).toBeInstanceOf(ComponentArgsError);
    return (e as ComponentArgsError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error(`accepted ${modelUri}`);
}

describe("a model URI in a program of one's own", () => {
  it("refuses a URI in another bucket than modelsBucket, naming both: the model's role can read only the models bucket", () => {
    expect(problemsOf("s3://acme-models-staging/fraud/v3/")).toEqual([
      'settings.models[0].modelUri: names bucket "acme-models-staging", but the models bucket is "acme-models-prod" and the model\'s IAM role can read only that bucket; write s3://acme-models-prod/fraud/<version>/',
    ]);
  });

  it("refuses a models bucket whose ARN names another bucket than its name: the URIs are checked against one, the read policy built from the other", () => {
    const mismatched = { ...argsWith(`s3://${BUCKET}/fraud/v3/`, BUCKET), modelsBucket: { name: BUCKET, arn: "arn:aws:s3:::acme-models-staging" } };
    expect(() => new ModelServing("fraud-serving", mismatched)).toThrow(
      /modelsBucket\.arn: must be the ARN of modelsBucket\.name's bucket \(arn:aws:s3:::acme-models-prod\)/,
    );
  });

  it("keeps a URI in the models bucket itself inside the model's prefix, as with the placeholder", () => {
    expect(problemsOf(`s3://${BUCKET}/churn/v1/`)).toEqual([
      "settings.models[0].modelUri: must lie under the model's prefix s3://acme-models-prod/fraud/: the model's IAM role can read nothing else",
    ]);
  });

  it("with the bucket's name as an Output, refuses a URI naming a bucket (it cannot be compared at plan time) and points to the placeholder", () => {
    const name = pulumi.output(BUCKET);
    expect(problemsOf(`s3://${BUCKET}/fraud/v3/`, name)).toEqual([
      `settings.models[0].modelUri: names bucket "${BUCKET}", but the models bucket's name is a pulumi Output, unknown until deployment, so the two cannot be compared at plan time; write s3://<models-bucket>/fraud/<version>/, which resolves to the models bucket`,
    ]);
    // The placeholder passes the constructor's checks (validateArgs is its first statement).
    const valid = validateArgs(
      MODEL_SERVING_TYPE,
      "fraud-serving",
      ModelServingArgsSchema,
      argsWith("s3://<models-bucket>/fraud/v3/", name),
      modelServingProblems,
    );
    expect(valid.settings.models[0]!.modelUri).toBe("s3://<models-bucket>/fraud/v3/");
  });
});
