import { describe, expect, it } from "vitest";
import { TooManyRequestsError } from "../errors.js";
import { ConcurrencyLimit, MAX_CONCURRENT_REVIEWS, reviewLimit } from "./review-limit.js";

/** A piece of work that runs until its `finish` is called. */
function held(): { work: () => Promise<string>; finish: () => void } {
  let finish = (): void => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { work: () => done.then(() => "done"), finish };
}

describe("ConcurrencyLimit", () => {
  it("runs up to max at once and answers 429 with Retry-After beyond, without running the work", async () => {
    const limit = new ConcurrencyLimit(2, "reviews", 3);
    const first = held();
    const second = held();
    const running = [limit.run(first.work), limit.run(second.work)];
    expect(limit.inUse).toBe(2);
    let ran = false;
    const refused = limit.run(() => {
      ran = true;
      return Promise.resolve("never");
    });
    await expect(refused).rejects.toBeInstanceOf(TooManyRequestsError);
    await expect(refused).rejects.toMatchObject({
      code: 429,
      reason: "TooManyRequests",
      retryAfterSeconds: 3,
      message: "2 reviews are being computed; retry shortly",
    });
    expect(ran).toBe(false);
    first.finish();
    await expect(running[0]).resolves.toBe("done");
    expect(limit.inUse).toBe(1);
    // A slot freed: the next one runs.
    await expect(limit.run(() => Promise.resolve("next"))).resolves.toBe("next");
    second.finish();
    await Promise.all(running);
    expect(limit.inUse).toBe(0);
  });

  it("frees the slot when the work fails", async () => {
    const limit = new ConcurrencyLimit(1, "reviews", 1);
    await expect(limit.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(limit.inUse).toBe(0);
    await expect(limit.run(() => Promise.resolve(1))).resolves.toBe(1);
  });

  it("refuses a non-positive bound", () => {
    expect(() => new ConcurrencyLimit(0, "reviews", 1)).toThrow(RangeError);
  });

  it("the review limit is MAX_CONCURRENT_REVIEWS wide", () => {
    expect(reviewLimit().max).toBe(MAX_CONCURRENT_REVIEWS);
  });
});
