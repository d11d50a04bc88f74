import { setTimeout as sleep } from "node:timers/promises";
import { untilAborted } from "../core/until-aborted.js";

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
  /**
   * Rejects with the signal's reason as soon as it is aborted, between polls or during one (a
   * stop signal while krm starts): the caller stops what it started and gives up.
   */
  readonly signal?: AbortSignal;
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
  const signal = options.signal;
  let lastError: unknown;
  for (;;) {
    signal?.throwIfAborted();
    const aborted = options.abortReason?.();
    if (aborted !== undefined) throw new Error(`${options.what}: ${aborted}${await failureDetail(options)}`);
    try {
      const value = await untilAborted(Promise.resolve(check()), signal);
      if (value !== undefined) return value;
    } catch (error) {
      signal?.throwIfAborted();
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      throw new Error(
        `timed out after ${options.timeoutMs} ms waiting for ${options.what}${cause}${await failureDetail(options)}`,
      );
    }
    // The signal also clears the timer, so an aborted wait leaves nothing pending.
    await untilAborted(sleep(interval, undefined, { signal }), signal);
  }
}

async function failureDetail(options: WaitUntilOptions): Promise<string> {
  if (options.describeFailure === undefined) return "";
  return `\n${await options.describeFailure()}`;
}
