/**
 * The one bound on review resources (`usagereviews`, `fitreviews`, any `*reviews` a derived
 * group serves): each review computes its answer on request (a usage review reads every hour
 * bucket of its range, a fit review places up to 100,000 replicas), so a client could make krm
 * compute without end. At most MAX_CONCURRENT_REVIEWS run at once, over all groups together;
 * one more is answered 429 TooManyRequests with Retry-After (docs/api-contract.md, "Limits").
 * The API server builds one limit and hands it to every derived group (DerivedViewsContext).
 */
import { TooManyRequestsError } from "../errors.js";

/** Reviews computed at once by one API process, whatever their kind. */
export const MAX_CONCURRENT_REVIEWS = 4;
/** A review takes well under a second: a client turned away may retry after this. */
export const REVIEW_RETRY_AFTER_SECONDS = 1;

export class ConcurrencyLimit {
  private running = 0;

  constructor(
    readonly max: number,
    /** What is limited, for the message: e.g. "reviews". */
    private readonly what: string,
    private readonly retryAfterSeconds: number,
  ) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive integer, got ${max}`);
  }

  /** Runs `work` holding one slot; throws 429 (before calling it) when all slots are taken. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.max)
      throw new TooManyRequestsError(
        `${this.max} ${this.what} are being computed; retry shortly`,
        this.retryAfterSeconds,
      );
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
    }
  }

  /** Slots taken now (for tests and metrics). */
  get inUse(): number {
    return this.running;
  }
}

/** The limit every review of one API process shares. */
export function reviewLimit(): ConcurrencyLimit {
  return new ConcurrencyLimit(MAX_CONCURRENT_REVIEWS, "reviews", REVIEW_RETRY_AFTER_SECONDS);
}
