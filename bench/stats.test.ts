import { describe, expect, it } from "vitest";
import { percentile, ratio, spread, summarize } from "./stats.js";

describe("percentile", () => {
  it("returns null for no samples", () => {
    expect(percentile([], 0.5)).toBeNull();
  });

  it("returns a measured sample by nearest rank", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.99)).toBe(99);
    expect(percentile(sorted, 1)).toBe(100);
    expect(percentile([7], 0.99)).toBe(7);
  });
});

describe("summarize", () => {
  it("sorts unsorted samples and reports count, p50, p99, max and mean", () => {
    expect(summarize([3, 1, 2])).toEqual({ count: 3, p50: 2, p95: 3, p99: 3, max: 3, mean: 2 });
  });

  it("reports nulls for an empty set", () => {
    expect(summarize([])).toEqual({ count: 0, p50: null, p95: null, p99: null, max: null, mean: null });
  });
});

describe("ratio", () => {
  it("is null when a side is missing or the divisor is zero", () => {
    expect(ratio(null, 1)).toBeNull();
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(3, 2)).toBe(1.5);
  });
});

describe("spread", () => {
  it("gives min, nearest-rank median and max of the measured values, ignoring missing ones", () => {
    expect(spread([6.1, null, 4.2, 5])).toEqual({ n: 3, min: 4.2, median: 5, max: 6.1 });
  });

  it("is all null when nothing was measured", () => {
    expect(spread([null])).toEqual({ n: 0, min: null, median: null, max: null });
  });
});
