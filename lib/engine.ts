/**
 * Which engine runs the program: Pulumi's in-process mock engine (the offline
 * plan, tests, `ml-platform/testing`) or the real one (`pulumi preview` and
 * `pulumi up`). The program accepts example values under the mocks, so every
 * shipped stack plans, and refuses them under the real engine (index.ts).
 *
 * `pulumi.runtime.setMocks` records the monitor address "mock" in the
 * runtime's settings (@pulumi/pulumi runtime/settings.js setMockOptions); the
 * real engine hands the language host a gRPC address. The settings module is
 * not part of Pulumi's typed API; this field has been stable across 3.x.
 */
export function runsUnderMocks(): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped SDK internals, read once per program run
  const state = require("@pulumi/pulumi/runtime/state") as { getStore(): { settings: { options: { monitorAddr?: string } } } };
  return state.getStore().settings.options.monitorAddr === "mock";
}
