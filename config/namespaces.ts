/**
 * Which config namespaces a stack file may use. Pulumi config keys are
 * `<namespace>:<key>`; a key without a namespace belongs to the project,
 * whose namespace is the `name` in Pulumi.yaml (Pulumi docs, "Configuration",
 * checked 2026-11-23). Providers read their own namespace (`aws:region`), and
 * the engine reads `pulumi:` (e.g. `pulumi:disable-default-providers`,
 * pulumi/pulumi#8829). Any other namespace is read by nobody: a typo such as
 * `ml-platfrom:database` would be dropped without a word, so it is refused.
 */
import { didYouMean } from "../lib/suggest";
import type { ConfigProblem } from "./errors";

/**
 * Namespaces of the providers this program uses (package.json dependencies:
 * @pulumi/aws, @pulumi/kubernetes, @pulumi/random) and of the engine.
 * test/config/config-hardening.test.ts checks the list against package.json.
 */
export const PROVIDER_NAMESPACES = ["aws", "kubernetes", "random"] as const;
export const ENGINE_NAMESPACE = "pulumi";

/** The namespace of a config key ("aws:region" -> "aws"); undefined when it has none. */
export function namespaceOf(key: string): string | undefined {
  const at = key.indexOf(":");
  return at > 0 ? key.slice(0, at) : undefined;
}

/** One problem per key whose namespace neither the project nor a provider nor the engine reads. */
export function namespaceProblems(raw: Record<string, unknown>, project: string): ConfigProblem[] {
  const known = [project, ...PROVIDER_NAMESPACES, ENGINE_NAMESPACE];
  const problems: ConfigProblem[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const ns = namespaceOf(key);
    if (ns === undefined || known.includes(ns)) continue;
    problems.push({
      key,
      value,
      message: `unknown config namespace "${ns}": nothing reads it, so the value would be ignored${didYouMean(ns, known) || `; the namespaces are ${known.join(", ")}`}`,
    });
  }
  return problems;
}
