/**
 * A model with every default applied, for callers that build serving
 * settings in code. Its own module, so that the package root's type
 * declarations do not reach the zod schema it parses with.
 */
import type { ModelInput, ModelSettings } from "./model-serving.args";
import { ModelSchema } from "./model-serving.schema";

/** Fills a model's optional fields with their defaults (and checks them: a bad value throws). */
export function withModelDefaults(m: ModelInput): ModelSettings {
  return ModelSchema.parse(m);
}
