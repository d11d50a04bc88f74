import { describe, expect, test } from "vitest";
import { peak, quantile } from "./percentile.js";

describe("quantile, as PromQL's quantile_over_time", () => {
  test.each([
    { name: "no samples", phi: 0.95, samples: [], expected: undefined },
    { name: "one sample", phi: 0.95, samples: [3], expected: 3 },
    { name: "median of odd count", phi: 0.5, samples: [5, 1, 3], expected: 3 },
    { name: "median of even count interpolates", phi: 0.5, samples: [1, 2, 3, 4], expected: 2.5 },
    {
      name: "P95 of 0..100 by 1",
      phi: 0.95,
      samples: Array.from({ length: 101 }, (_, i) => i),
      expected: 95,
    },
    { name: "P90 interpolates between ranks", phi: 0.9, samples: [0, 10], expected: 9 },
    { name: "max at phi 1", phi: 1, samples: [4, 9, 2], expected: 9 },
    { name: "min at phi 0", phi: 0, samples: [4, 9, 2], expected: 2 },
    { name: "NaN gaps ignored", phi: 1, samples: [Number.NaN, 1, Number.NaN], expected: 1 },
  ])("$name", ({ phi, samples, expected }) => {
    expect(quantile(phi, samples)).toBe(expected);
  });

  test("rejects a quantile outside [0, 1]", () => {
    expect(() => quantile(95, [1])).toThrow(RangeError);
  });

  test("does not reorder the caller's samples", () => {
    const samples = [3, 1, 2];
    quantile(0.5, samples);
    expect(samples).toEqual([3, 1, 2]);
  });
});

test.each([
  { samples: [], expected: undefined },
  { samples: [1, 7, 3], expected: 7 },
  { samples: [Number.NaN, 2], expected: 2 },
])("peak of $samples is $expected", ({ samples, expected }) => {
  expect(peak(samples)).toBe(expected);
});
