/** How often {@link waitUntil} polls unless told otherwise: fast enough for tests, light on servers. */
export const DEFAULT_POLL_INTERVAL_MS = 100;

export interface WaitUntilOptions {
  /** What is awaited, for the timeout error ("kube-apiserver /readyz"). */
  readonly what: string;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Extra text appended to the timeout error, e.g. a log tail; called only on timeout. */
  readonly describeFailure?: () => Promise<string> | string;
  /** Rejects early (without waiting for the deadline) when this reports a reason, e.g. "process exited". */
  readonly abortReason?: () => string | undefined;
}

/**
 * Polls `check` until it returns a value other than `undefined`, and returns that value.
 * A check that throws counts as "not yet"; the last error is reported on timeout.
 */
export async function waitUntil<T>(
  check: () => Promise<T | undefined> | T | undefined,
  options: WaitUntilOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  let lastError: unknown;
  for (;;) {
    const aborted = options.abortReason?.();
    if (aborted !== undefined) throw new Error(`${options.what}: ${aborted}${await failureDetail(options)}`);
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      throw new Error(
        `timed out after ${options.timeoutMs} ms waiting for ${options.what}${cause}${await failureDetail(options)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

async function failureDetail(options: WaitUntilOptions): Promise<string> {
  if (options.describeFailure === undefined) return "";
  return `\n${await options.describeFailure()}`;
}
