/**
 * One declaration per setting: every component's Args interface is generated
 * from its zod schema (scripts/generate/), so the two cannot drift. These
 * tests fail when a generated file is stale, and show that the generator
 * carries a schema's type, description and default into the interface.
 */
import { z } from "zod";
import { argsTypesSource } from "../../scripts/generate/args-types";
import { staleFiles } from "../../scripts/generate/main";
import { PULUMI_STRING, withType } from "../../lib/validate";

describe("generated argument types", () => {
  it("every *.args.ts is what its schema says (fix: npm run generate)", () => {
    expect(staleFiles()).toEqual([]);
  });

  it("a field's type, description and default reach the interface", () => {
    const schema = z.strictObject({
      size: z.number().describe("Size in GB.").default(20),
      kind: z.enum(["gp3", "io2"]).describe("Volume type."),
      subnetId: withType(z.custom<string>(), PULUMI_STRING).optional().describe("Where it lives."),
    });
    const text = argsTypesSource({ schemaFile: "x.schema.ts", outFile: "x.args.ts", types: [{ name: "XArgs", schema, form: "input" }] });
    expect(text).toContain('import type * as pulumi from "@pulumi/pulumi";');
    expect(text).toContain("/** Size in GB. Default 20. */\n  size?: number | undefined;");
    expect(text).toContain('/** Volume type. */\n  kind: "gp3" | "io2";');
    expect(text).toContain("/** Where it lives. */\n  subnetId?: pulumi.Input<string> | undefined;");
    // The output form: a defaulted field is always there.
    const output = argsTypesSource({ schemaFile: "x.schema.ts", outFile: "x.args.ts", types: [{ name: "X", schema, form: "output" }] });
    expect(output).toContain("  size: number;");
  });

  it("refuses a schema it cannot type rather than guessing", () => {
    const schema = z.strictObject({ handle: z.custom<object>() });
    expect(() => argsTypesSource({ schemaFile: "x.schema.ts", outFile: "x.args.ts", types: [{ name: "XArgs", schema, form: "input" }] })).toThrow(
      /x\.schema\.ts, XArgs\.handle: no TypeScript type for a zod custom/,
    );
  });
});
