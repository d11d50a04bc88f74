/**
 * Failed authentications per client address, as token buckets: each address may fail
 * `burst` times at once and then `perSecond` times a second. An address over its budget is
 * answered 429 before any TokenReview is made, so random tokens from one client cost the
 * API server a bounded number of reviews. The addresses are kept in a bounded LRU; a flood
 * from very many addresses evicts the oldest, which is also bounded by the global cap on
 * reviews in flight (kubernetes-guard.ts).
 */
import { LRUCache } from "lru-cache";

/** Enough for a user who mistyped a token a few times, or a client restarting with a stale one. */
export const FAILURE_BURST = 10;
/** One failure a second thereafter: a guessing client gets nowhere. */
export const FAILURES_PER_SECOND = 1;
const MAX_ADDRESSES = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

export class FailureLimiter {
  private readonly buckets = new LRUCache<string, Bucket>({ max: MAX_ADDRESSES });

  constructor(
    private readonly options: {
      readonly burst?: number;
      readonly perSecond?: number;
      readonly now?: () => number;
    } = {},
  ) {}

  /**
   * Takes one failure from `address`'s budget before an authentication whose outcome is not
   * known yet (so concurrent attempts count at once): 0 when taken, else the seconds to wait.
   * Give it back with `refund` when the attempt did not fail.
   */
  take(address: string): number {
    const bucket = this.refilled(address) ?? { tokens: this.burst, at: this.now() };
    this.buckets.set(address, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
  }

  refund(address: string): void {
    const bucket = this.refilled(address);
    if (bucket !== undefined) bucket.tokens = Math.min(this.burst, bucket.tokens + 1);
  }

  private refilled(address: string): Bucket | undefined {
    const bucket = this.buckets.get(address);
    if (bucket === undefined) return undefined;
    const now = this.now();
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    return bucket;
  }

  private get burst(): number {
    return this.options.burst ?? FAILURE_BURST;
  }

  private get perSecond(): number {
    return this.options.perSecond ?? FAILURES_PER_SECOND;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
