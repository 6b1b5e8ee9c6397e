import { showValue } from "../lib/args-error";

/** The error a bad stack configuration gives: one line per problem, naming the key, what is wrong and allowed, and the value. */

/** One user mistake: which key, what it held, what is wrong and allowed. */
export interface ConfigProblem {
  key: string;
  value: unknown;
  message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly problems: ConfigProblem[],
    readonly source = "stack configuration",
  ) {
    super(formatProblems(problems, source));
    this.name = "ConfigError";
  }
}

export function formatProblems(problems: ConfigProblem[], source: string): string {
  const lines = problems.map((p) => `  - ${p.key}: ${p.message} (got ${showValue(p.value)})`);
  return [`Invalid ${source}: ${problems.length} problem${problems.length === 1 ? "" : "s"}`, ...lines].join("\n");
}
