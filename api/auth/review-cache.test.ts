import { setTimeout as sleep } from "node:timers/promises";
import { LRUCache } from "lru-cache";
import { describe, expect, it, vi } from "vitest";
import { ReviewCache } from "./review-cache.js";

/** A review that counts its calls and answers `{ n }` once `open()` is called. */
function countingReview() {
  let calls = 0;
  let open = (): void => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const review = async (): Promise<{ n: number }> => {
    calls += 1;
    const n = calls;
    await gate;
    return { n };
  };
  return { review, open, calls: () => calls };
}

// lru-cache reads the clock at most once per millisecond (ttlResolution), so a test lets a
// real millisecond pass after moving the fake clock. The clock starts above 0: lru-cache
// treats an entry started at 0 as having no TTL.
const tick = (): Promise<void> => sleep(5);

describe("review cache", () => {
  it("answers a kept value without a review, and merges concurrent misses into one", async () => {
    let now = 1_000;
    const cache = new ReviewCache<{ n: number }>({ max: 10, ttlMs: 10_000, now: () => now });
    const { review, open, calls } = countingReview();
    const misses = Array.from({ length: 100 }, () => cache.get("k", review));
    expect(cache.peek("k")).toBeUndefined();
    open();
    const answers = await Promise.all(misses);
    expect(calls()).toBe(1);
    expect(new Set(answers).size).toBe(1);
    now += 9_000;
    await tick();
    const fetches = vi.spyOn(LRUCache.prototype, "fetch");
    try {
      const kept = await cache.get("k", () => Promise.reject(new Error("must not be asked")));
      expect(kept).toBe(answers[0]);
      expect(fetches).not.toHaveBeenCalled();
    } finally {
      fetches.mockRestore();
    }
  });

  it("does not return an answer past its TTL, and asks again", async () => {
    let now = 1_000;
    const cache = new ReviewCache<{ n: number }>({ max: 10, ttlMs: 10_000, now: () => now });
    const { review, open, calls } = countingReview();
    open();
    expect(await cache.get("k", review)).toEqual({ n: 1 });
    now += 10_001;
    await tick();
    expect(cache.peek("k")).toBeUndefined();
    expect(await cache.get("k", review)).toEqual({ n: 2 });
    expect(calls()).toBe(2);
    now += 10_001;
    await tick();
    // Concurrent asks after expiry are merged again.
    await Promise.all([cache.get("k", review), cache.get("k", review)]);
    expect(calls()).toBe(3);
  });

  it("keeps no failed review", async () => {
    const cache = new ReviewCache<{ n: number }>({ max: 10, ttlMs: 10_000 });
    await expect(cache.get("k", () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await cache.get("k", () => Promise.resolve({ n: 7 }))).toEqual({ n: 7 });
  });
});
