/**
 * Capped, jittered exponential backoff for reconnect loops (like client-go's
 * `wait.Backoff` used by the reflector). The clock and the random source are injected so
 * unit tests can assert the delay sequence without sleeping.
 */

/** First delay: short enough that a brief blip costs little, long enough not to hammer. */
export const BACKOFF_INITIAL_MS = 800;
/** No wait exceeds this, so a recovered server is noticed within half a minute. */
export const BACKOFF_CAP_MS = 30_000;
/** Each failure doubles the base delay. */
export const BACKOFF_FACTOR = 2;
/** Up to +100% random extra per delay so many clients do not reconnect in lockstep. */
export const BACKOFF_JITTER = 1;
/** After this long without a failure the sequence starts again from the initial delay. */
export const BACKOFF_RESET_AFTER_MS = 120_000;

export interface BackoffOptions {
  readonly initialMs?: number;
  readonly capMs?: number;
  readonly factor?: number;
  /** Fraction of the base delay added at random (0 disables jitter). */
  readonly jitter?: number;
  readonly resetAfterMs?: number;
  /** Milliseconds clock; defaults to `Date.now`. */
  readonly now?: () => number;
  /** Uniform [0, 1); defaults to `Math.random`. */
  readonly random?: () => number;
}

export class Backoff {
  private readonly initialMs: number;
  private readonly capMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly resetAfterMs: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private baseMs: number;
  private lastFailureAt: number | undefined;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? BACKOFF_INITIAL_MS;
    this.capMs = options.capMs ?? BACKOFF_CAP_MS;
    this.factor = options.factor ?? BACKOFF_FACTOR;
    this.jitter = options.jitter ?? BACKOFF_JITTER;
    this.resetAfterMs = options.resetAfterMs ?? BACKOFF_RESET_AFTER_MS;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.baseMs = this.initialMs;
  }

  /** Records a failure and returns how long to wait before the next attempt. */
  nextDelayMs(): number {
    const now = this.now();
    if (this.lastFailureAt !== undefined && now - this.lastFailureAt >= this.resetAfterMs) {
      this.baseMs = this.initialMs;
    }
    this.lastFailureAt = now;
    const delay = Math.min(this.capMs, this.baseMs * (1 + this.jitter * this.random()));
    this.baseMs = Math.min(this.capMs, this.baseMs * this.factor);
    return Math.round(delay);
  }

  /** Starts over from the initial delay (e.g. after a healthy period ended cleanly). */
  reset(): void {
    this.baseMs = this.initialMs;
    this.lastFailureAt = undefined;
  }
}

/** Waits `ms`, resolving early (not rejecting) when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
