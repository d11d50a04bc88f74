/**
 * Answers of TokenReviews and SubjectAccessReviews, kept for a short time in a bounded LRU
 * (positive and negative alike), with identical reviews in flight merged: a thousand
 * requests carrying the same unknown token cost one TokenReview, and a flood of distinct
 * tokens cannot grow memory beyond `max` entries. A failed review (API server down, timeout)
 * is not kept, so the next request asks again.
 */
import { LRUCache } from "lru-cache";

export class ReviewCache<V extends object> {
  private readonly cache: LRUCache<string, V, () => Promise<V>>;

  constructor(options: { readonly max: number; readonly ttlMs: number; readonly now?: () => number }) {
    this.cache = new LRUCache<string, V, () => Promise<V>>({
      max: options.max,
      ttl: options.ttlMs,
      ...(options.now !== undefined ? { perf: { now: options.now } } : {}),
      fetchMethod: (_key, _stale, { context }) => context(),
    });
  }

  /** The kept answer for `key`, else the answer of the review already in flight for it, else `review()`'s. */
  get(key: string, review: () => Promise<V>): Promise<V> {
    // The hot path: a kept answer, without fetch()'s machinery. get() returns neither an
    // expired answer (no allowStale) nor a review in flight (that is left to fetch, which merges).
    const kept = this.cache.get(key);
    if (kept !== undefined) return Promise.resolve(kept);
    return this.fetch(key, review);
  }

  private async fetch(key: string, review: () => Promise<V>): Promise<V> {
    const value = await this.cache.fetch(key, { context: review });
    if (value === undefined) throw new Error(`review for a cached key returned nothing`);
    return value;
  }

  /** The kept answer, without asking. */
  peek(key: string): V | undefined {
    return this.cache.get(key);
  }
}
