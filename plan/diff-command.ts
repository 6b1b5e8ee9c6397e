/**
 * `diff <base.json> <head.json>`: the one implementation behind
 * `npm run plan -- diff` and the package's `ml-platform-plan diff`.
 */
import { PlanFileError, diffPlans, readPlanFile, renderDiffMarkdown } from "./diff";
import { EXIT } from "./exit";

export interface DiffIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Prints the diff; returns EXIT.ok, EXIT.invalid (a file that is not a plan) or EXIT.protectedReplaced. */
export async function diffCommand(baseFile: string, headFile: string, format: "json" | "markdown", io: DiffIo): Promise<number> {
  try {
    const diff = diffPlans(readPlanFile(baseFile), readPlanFile(headFile));
    io.stdout(format === "json" ? `${JSON.stringify(diff, null, 2)}\n` : renderDiffMarkdown(diff));
    if (diff.totals.protectedDestroyed) {
      io.stderr(
        `${diff.totals.protectedDestroyed} protected resource(s) replaced or deleted: ${diff.destructive
          .filter((d) => d.protect)
          .map((d) => `${d.stack}/${d.name}`)
          .join(", ")}. \`pulumi up\` would refuse until they are unprotected.\n`,
      );
      return EXIT.protectedReplaced;
    }
    return EXIT.ok;
  } catch (err) {
    if (err instanceof PlanFileError) {
      io.stderr(`${err.message}\n`);
      return EXIT.invalid;
    }
    throw err;
  }
}
