/** The program itself (index.ts) as `pulumi up` runs it: config read once, errors without stack traces. */
import * as pulumi from "@pulumi/pulumi";
import { readStackConfig, SECRET_PLACEHOLDER } from "../../plan/engine";
import { FIXTURE_STACKS, plan } from "../support/plan";

describe("index.ts under the Pulumi runtime", () => {
  it("stops a bad stack with a RunError (printed without a stack trace) before declaring anything", async () => {
    const registered: string[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push(args.type);
          return { id: "x", state: {} };
        },
        call: () => ({}),
      },
      "ml-platform",
      "bad",
      false,
    );
    const { config } = readStackConfig("bad-gpu", FIXTURE_STACKS);
    pulumi.runtime.setAllConfig(config);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program must load after setMocks and setAllConfig above
    const program = require("../../index") as () => unknown;
    let error: unknown;
    try {
      program();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(pulumi.RunError);
    expect((error as Error).message).toMatch(
      /^Invalid configuration of stack "bad" \(stacks\/Pulumi\.bad\.yaml\): 1 problem\n {2}- ml-platform:cluster\.gpuNodeGroups\[0\]\.instanceTypes\[0\]: is not a GPU instance type/,
    );
    expect(registered).toEqual([]);
  });

  it("reads its keys from the project's namespace (pulumi.getProject()), so a renamed project keeps working", async () => {
    await pulumi.runtime.setMocks({ newResource: () => ({ id: "x", state: {} }), call: () => ({}) }, "acme-ml", "renamed", false);
    pulumi.runtime.setAllConfig({ "aws:region": "us-east-1", "acme-ml:stage": "seed", "ml-platform:stage": "mvp" });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program must load after the mocks and config are set
    const program = require("../../index") as () => unknown;
    expect(() => program()).toThrow(/- acme-ml:stage: allowed values: poc, mvp, seriesb \(got "seed"\)/);
    expect(() => program()).toThrow(/- ml-platform:stage: unknown config namespace "ml-platform"/);
  });
});

describe("secure config values", () => {
  it("reach the program as placeholders marked secret, and never appear in the plan", async () => {
    const file = readStackConfig("with-secret", FIXTURE_STACKS);
    expect(file.config["aws:secretKey"]).toBe(SECRET_PLACEHOLDER);
    expect(file.secretKeys).toEqual(["aws:secretKey"]);
    const run = await plan("with-secret", FIXTURE_STACKS);
    expect(run.spec.region).toBe("eu-west-1");
    expect(JSON.stringify(run.resources)).not.toContain("AAABAHhk");
  });
});
