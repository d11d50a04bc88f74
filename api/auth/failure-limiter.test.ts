import { describe, expect, it } from "vitest";
import { FailureLimiter } from "./failure-limiter.js";

describe("failed authentications per address", () => {
  it("allows a burst, then one attempt per refill, per address; refunds do not count", () => {
    let now = 0;
    const limiter = new FailureLimiter({ burst: 3, perSecond: 0.5, now: () => now });
    for (let i = 0; i < 3; i++) expect(limiter.take("a")).toBe(0);
    expect(limiter.take("a")).toBe(2);
    expect(limiter.take("b")).toBe(0);
    limiter.refund("b");
    now = 1_000;
    expect(limiter.take("a")).toBe(1);
    now = 2_000;
    expect(limiter.take("a")).toBe(0);
    expect(limiter.take("a")).toBe(2);
    limiter.refund("a");
    expect(limiter.take("a")).toBe(0);
    now = 1_000_000;
    for (let i = 0; i < 3; i++) expect(limiter.take("a")).toBe(0);
    for (let i = 0; i < 10; i++) {
      expect(limiter.take("b")).toBe(0);
      limiter.refund("b");
    }
  });
});
