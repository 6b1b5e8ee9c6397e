/** The exit codes of `npm run plan` and of the package's `ml-platform-plan` (plan/bin.ts). */
export const EXIT = {
  /** Planned with no mandatory violation, or diffed (a reader closing stdout early is not an error). */
  ok: 0,
  /** Bad input: no such stack, an invalid stack file, an unreadable or invalid plan file for `diff`. */
  invalid: 1,
  /** Unknown option or wrong arguments. */
  usage: 2,
  /** The program failed while planning: an error the config checks did not catch (a bug to report). */
  programFailed: 3,
  /** Planned, but a mandatory policy is violated: `pulumi preview --policy-pack policies` would fail. */
  policy: 4,
  /** `diff`: a protected resource is replaced or deleted. `pulumi up` would refuse; CI asks for an explicit approval. */
  protectedReplaced: 5,
} as const;
