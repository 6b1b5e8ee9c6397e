/**
 * The error a component throws for bad arguments. Kept apart from the zod
 * helpers (lib/validate.ts) so that the package root's type declarations do
 * not pull zod's into a consumer's compilation: zod 4's .d.cts files only
 * type-check with esModuleInterop or skipLibCheck (colinhacks/zod#5160),
 * which Pulumi's own TypeScript templates do not set.
 */
// The errors module alone, not the SDK's root: the config checks load this
// file (through lib/validate.ts) and need none of the rest of the SDK. It is
// the class the root exports (pulumi.InputPropertiesError is this one).
import { InputPropertiesError } from "@pulumi/pulumi/errors";

/** One bad argument: where, what it held, what is wrong and what is allowed. */
export interface ArgProblem {
  /** Argument path such as `repositories[0]`; `(name)` for the resource name itself. */
  path: string;
  value: unknown;
  message: string;
}

/**
 * A pulumi Output (another resource's attribute, a stack reference's value),
 * recognised as the SDK's own `Output.isInstance` does: a `__pulumiOutput`
 * member that is `true` (@pulumi/pulumi 3.248 output.js, `Output.isInstance`
 * and utils.js `isInstance`; checked 2026-12-07), without loading the rest of
 * the SDK.
 */
export function isPulumiOutput(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as { __pulumiOutput?: unknown }).__pulumiOutput === true;
}

/** What a problem line says the argument held: nothing more for an Output, whose message says so and whose value is unknown. */
function got(value: unknown): string {
  return isPulumiOutput(value) ? "" : ` (got ${showValue(value)})`;
}

/** Shows a value in an error message, short. */
export function showValue(value: unknown): string {
  if (value === undefined) return "nothing";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Thrown by a component whose arguments are wrong, before it declares any
 * resource. It is Pulumi's own InputPropertiesError (a component provider
 * renders it as a user error), and its message alone names the component,
 * every bad argument, its value and what is allowed.
 */
export class ComponentArgsError extends InputPropertiesError {
  constructor(
    /** The component's type token, e.g. "mlplatform:data:ContainerRegistry". */
    readonly componentType: string,
    /** The resource name the component was given. */
    readonly resourceName: string,
    readonly problems: ArgProblem[],
  ) {
    const kind = componentType.split(":").pop() ?? componentType;
    const lines = problems.map((p) => `  - ${p.path}: ${p.message}${got(p.value)}`);
    super({
      message: [`Invalid arguments for ${kind} "${resourceName}": ${problems.length} problem${problems.length === 1 ? "" : "s"}`, ...lines].join("\n"),
      errors: problems.map((p) => ({ propertyPath: p.path, reason: `${p.message}${got(p.value)}` })),
    });
    this.name = "ComponentArgsError";
  }
}
