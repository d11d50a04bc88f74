/**
 * Startup failed for a reason the user can fix outside krm (a missing program, an unreachable
 * server): reported as one line, `krm: <message>`, without a stack trace.
 */
export class StartupError extends Error {
  override readonly name = "StartupError";
  constructor(
    message: string,
    /** Process exit code: 2 for a missing prerequisite (like a usage error), 1 otherwise. */
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
