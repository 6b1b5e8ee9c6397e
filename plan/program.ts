/**
 * The offline plan of a consumer's own program and stack file: what
 * `ml-platform-plan <program> --stack-file Pulumi.<stack>.yaml` runs. Reads the
 * stack file as the Pulumi CLI hands it to a program (config keys qualified
 * with the project's name, `secure:` values as the placeholder), runs the
 * program under the mock engine (`planProgram`) and returns the `--json` plan.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { PlanProgramOptions, planProgram } from "../offline/index";
import { toPlanJson } from "../offline/plan-json";
import { SECRET_PLACEHOLDER } from "../offline/secret";
import type { JsonPlan } from "./schema";

/** A stack file or project file that cannot be read: exit 1, the message says which and why. */
export class StackFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackFileError";
  }
}

/** A stack file read the way the Pulumi CLI hands it to a program. */
export interface StackFile {
  stack: string;
  project: string;
  /** "ns:key" -> value as the program reads it (objects as JSON text). */
  config: Record<string, string>;
  secretKeys: string[];
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new StackFileError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return parseYaml(text);
  } catch (err) {
    throw new StackFileError(`${file} is not valid YAML: ${(err as Error).message}`);
  }
}

/** Reads `Pulumi.<stack>.yaml`; the project's name comes from `project`, else the `Pulumi.yaml` beside it. */
export function readStackFile(stackFile: string, project?: string): StackFile {
  const stack = /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(stackFile))?.[1];
  if (!stack) throw new StackFileError(`${stackFile}: a stack file is named Pulumi.<stack>.yaml`);
  let projectName = project;
  if (!projectName) {
    const projectFile = path.join(path.dirname(stackFile), "Pulumi.yaml");
    const name = (readYaml(projectFile) as { name?: unknown } | null)?.name;
    if (typeof name !== "string" || !name) throw new StackFileError(`${projectFile}: "name" (the project's name) is missing`);
    projectName = name;
  }
  const doc = readYaml(stackFile) as { config?: unknown } | null;
  const raw = doc?.config ?? {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new StackFileError(`${stackFile}: "config" must be a map of keys to values`);
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, value] of Object.entries(raw as Record<string, unknown>)) {
    const key = rawKey.includes(":") ? rawKey : `${projectName}:${rawKey}`;
    if (value !== null && typeof value === "object" && "secure" in value) {
      config[key] = SECRET_PLACEHOLDER;
      secretKeys.push(key);
    } else config[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { stack, project: projectName, config, secretKeys };
}

/** A program module as Pulumi's Node.js runtime runs it: its export is called when it is a function, and its result (or the exports) are the outputs. */
export function programFromModule(file: string): () => unknown {
  const resolved = path.resolve(file);
  return () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the consumer's program, named on the command line
    const exported = require(resolved) as unknown;
    const entry = (exported as { default?: unknown } | null)?.default ?? exported;
    return typeof entry === "function" ? (entry as () => unknown)() : exported;
  };
}

/** How `planStackFile` runs a program on a stack file. */
export interface PlanStackFileOptions extends Pick<PlanProgramOptions, "policyConfig" | "stackOutputs" | "mocks" | "usage"> {
  /** The project's name, when there is no Pulumi.yaml beside the stack file. */
  project?: string;
  /** Named in the JSON plan; when it changes between two plans, the diff pairs renamed resources. */
  stage?: string;
  environment?: string;
}

/** Plans `program` with the config of `stackFile` and returns the `--json` plan. */
export async function planStackFile(program: () => unknown, stackFile: string, options: PlanStackFileOptions = {}): Promise<JsonPlan> {
  const file = readStackFile(stackFile, options.project);
  const { stage, environment, project: _project, ...rest } = options;
  const plan = await planProgram(program, {
    ...rest,
    stack: file.stack,
    project: file.project,
    region: file.config["aws:region"] ?? "us-east-1",
    config: file.config,
    secretKeys: file.secretKeys,
  });
  return toPlanJson(plan, { stage, environment });
}
