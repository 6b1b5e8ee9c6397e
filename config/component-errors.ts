/**
 * A component's refusal (ComponentArgsError, thrown by validateArgs in its
 * constructor) as a config error naming the stack key. config/resolve.ts runs
 * the components' own checks first, so this is the safety net for a check
 * that only the component can make: the error still names the key (the piece
 * the component belongs to, and the argument's path under it), never a stack trace.
 */
import { COMPONENT_PIECES, componentName } from "./naming-input";
import type { ArgProblem } from "../lib/validate";
import { ConfigError, ConfigProblem } from "./errors";

/** What a ComponentArgsError carries (duck-typed: config/ loads no engine). */
export interface ComponentRefusal {
  componentType: string;
  resourceName: string;
  problems: ArgProblem[];
}

export function isComponentRefusal(err: unknown): err is ComponentRefusal {
  return err instanceof Error && err.name === "ComponentArgsError" && Array.isArray((err as Partial<ComponentRefusal>).problems);
}

/**
 * The config keys of a component's refusal: the piece whose component (or a
 * child of it, like a GpuNodePool of the cluster) refused, and the argument's path.
 */
export function componentRefusalProblems(err: ComponentRefusal, project: string, environment: string): ConfigProblem[] {
  const pieces = (Object.keys(COMPONENT_PIECES) as (keyof typeof COMPONENT_PIECES)[])
    .map((piece) => ({ piece, name: componentName(environment, piece) }))
    .filter(({ name }) => err.resourceName === name || err.resourceName.startsWith(`${name}-`))
    .sort((a, b) => b.name.length - a.name.length);
  const owner = pieces[0];
  const kind = err.componentType.split(":").pop();
  return err.problems.map((p) => {
    const child = owner && err.resourceName !== owner.name ? ` (${kind} "${err.resourceName}")` : "";
    if (p.path === "(name)" || !owner) return { key: `${project}:environment`, value: environment, message: `${kind} "${err.resourceName}": ${p.message}` };
    return { key: `${project}:${owner.piece}.${p.path}`, value: p.value, message: `${p.message}${child}` };
  });
}

export function componentRefusalAsConfigError(err: ComponentRefusal, project: string, environment: string, source?: string): ConfigError {
  return new ConfigError(componentRefusalProblems(err, project, environment), source);
}
