import { describe, expect, test } from "vitest";
import { confidenceOf, workloadConfidence } from "./confidence.js";
import { DEFAULT_POLICY, policyFrom } from "./policy.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const policy = { stepMs: 60_000, confidentHistoryMs: 7 * DAY };

describe("confidenceOf", () => {
  test.each([
    {
      name: "a full week at one sample a minute is 100 %",
      historyMs: 7 * DAY,
      samples: 7 * 24 * 60,
      expected: 1,
    },
    { name: "more than a week stays 100 %", historyMs: 14 * DAY, samples: 14 * 24 * 60, expected: 1 },
    { name: "one day of a week", historyMs: DAY, samples: 24 * 60, expected: 0.14 },
    // A long span with few samples (scrapes missing): the samples decide, as in VPA.
    {
      name: "a week's span with one day's samples counts as one day",
      historyMs: 7 * DAY,
      samples: 24 * 60,
      expected: 0.14,
    },
    // Pooled pods give more samples than the span: the span decides.
    {
      name: "three days of three pods counts as three days",
      historyMs: 3 * DAY,
      samples: 3 * 3 * 24 * 60,
      expected: 0.42,
    },
    { name: "nothing is 0", historyMs: 0, samples: 0, expected: 0 },
  ])("$name", ({ historyMs, samples, expected }) => {
    expect(confidenceOf(historyMs, samples, policy)).toBe(expected);
  });

  test("a workload is as confident as its least confident container", () => {
    expect(workloadConfidence([{ confidence: 0.9 }, { confidence: 0.3 }])).toBe(0.3);
    expect(workloadConfidence([])).toBe(0);
  });

  test("the confident history is configurable and validated", () => {
    expect(DEFAULT_POLICY.confidentHistoryMs).toBe(7 * DAY);
    expect(policyFrom({ confidentHistory: "48h" }).confidentHistoryMs).toBe(2 * DAY);
    expect(() => policyFrom({ confidentHistory: "soon" })).toThrow(/confident history/);
  });
});
