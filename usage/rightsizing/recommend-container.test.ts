import { describe, expect, test } from "vitest";
import { DEFAULT_POLICY, PolicyError, policyFrom, type RightsizingPolicy } from "./policy.js";
import { MIB, recommendContainer, verdictOf, type ContainerUsage } from "./recommend-container.js";

const HOUR = 3_600_000;
const policy: RightsizingPolicy = { ...DEFAULT_POLICY, minHistoryMs: HOUR, minSamples: 3 };

/** Usage with `n` identical-shaped points: CPU cycling through `cpu`, memory through `memory`. */
function usage(cpu: number[], memory: number[], overrides: Partial<ContainerUsage> = {}): ContainerUsage {
  return { cpuCores: cpu, memoryBytes: memory, historyMs: 2 * HOUR, oomKilled: false, ...overrides };
}

describe("recommendContainer", () => {
  test.each([
    {
      name: "CPU at P95, memory at peak × 1.15 rounded up to MiB; memory limit = request; no CPU limit",
      current: { cpuRequestMillis: 1000, memoryRequestBytes: 1024 * MIB, memoryLimitBytes: 1024 * MIB },
      usage: usage(
        Array.from({ length: 101 }, (_, i) => i / 100), // P95 = 0.95 cores
        [100 * MIB, 400 * MIB, 200 * MIB],
      ),
      recommended: { cpuRequestMillis: 950, memoryRequestBytes: 460 * MIB, memoryLimitBytes: 460 * MIB },
      verdict: { cpu: "ok", memory: "over" },
    },
    {
      name: "floors: 10m CPU and 100Mi memory",
      current: { cpuRequestMillis: 500, memoryRequestBytes: 512 * MIB },
      usage: usage([0.001, 0.002, 0.001], [10 * MIB, 12 * MIB, 11 * MIB]),
      recommended: { cpuRequestMillis: 10, memoryRequestBytes: 100 * MIB, memoryLimitBytes: 100 * MIB },
      verdict: { cpu: "over", memory: "over" },
    },
    {
      name: "no requests set at all is under",
      current: {},
      usage: usage([0.2, 0.2, 0.2], [200 * MIB, 200 * MIB, 200 * MIB]),
      recommended: { cpuRequestMillis: 200, memoryRequestBytes: 230 * MIB, memoryLimitBytes: 230 * MIB },
      verdict: { cpu: "under", memory: "under" },
    },
    {
      name: "CPU rounds up to a whole millicore",
      current: { cpuRequestMillis: 100, memoryRequestBytes: 116 * MIB },
      usage: usage([0.1002, 0.1002, 0.1002], [100 * MIB, 100 * MIB, 100 * MIB]),
      recommended: { cpuRequestMillis: 101, memoryRequestBytes: 115 * MIB, memoryLimitBytes: 115 * MIB },
      verdict: { cpu: "ok", memory: "ok" },
    },
    {
      name: "an OOM kill raises memory to 1.2 × the old limit when the peak says less",
      current: { cpuRequestMillis: 100, memoryRequestBytes: 200 * MIB, memoryLimitBytes: 200 * MIB },
      usage: usage([0.1, 0.1, 0.1], [190 * MIB, 199 * MIB, 150 * MIB], { oomKilled: true }),
      recommended: { cpuRequestMillis: 100, memoryRequestBytes: 240 * MIB, memoryLimitBytes: 240 * MIB },
      verdict: { cpu: "ok", memory: "under" },
      reason: /OOMKilled/,
    },
  ])("$name", ({ current, usage: measured, recommended, verdict, reason }) => {
    const row = recommendContainer("app", current, measured, policy);
    expect(row.recommended).toEqual(recommended);
    expect(row.verdict).toEqual(verdict);
    if (reason !== undefined) expect(row.reason).toMatch(reason);
    else expect(row.reason).toBeUndefined();
  });

  test("a CPU limit ratio sets the CPU limit from the request", () => {
    const row = recommendContainer("app", {}, usage([0.2, 0.2, 0.2], [MIB, MIB, MIB]), {
      ...policy,
      cpuLimitRatio: 2,
    });
    expect(row.recommended?.cpuLimitMillis).toBe(400);
  });

  test.each([
    {
      name: "history shorter than the minimum",
      usage: usage([1, 1, 1], [1, 1, 1], { historyMs: HOUR / 2 }),
      reason: /30m of history, 1h needed/,
    },
    { name: "too few samples", usage: usage([1, 1], [1, 1]), reason: /2 samples, 3 needed/ },
    { name: "no samples", usage: usage([], [], { historyMs: 0 }), reason: /not enough data/ },
  ])("not enough data: $name", ({ usage: measured, reason }) => {
    const row = recommendContainer("app", { cpuRequestMillis: 100 }, measured, policy);
    expect(row.recommended).toBeUndefined();
    expect(row.verdict).toEqual({ cpu: "unknown", memory: "unknown" });
    expect(row.reason).toMatch(reason);
    expect(row.current).toEqual({ cpuRequestMillis: 100 });
  });
});

test.each([
  { current: undefined, recommended: 100, expected: "under" },
  { current: 100, recommended: 100, expected: "ok" },
  { current: 110, recommended: 100, expected: "ok" }, // +10 %: within tolerance
  { current: 125, recommended: 100, expected: "over" },
  { current: 80, recommended: 100, expected: "under" },
  { current: 18, recommended: 10, expected: "ok" }, // 80 % off but only 8m: below the minimum difference
  { current: 25, recommended: 10, expected: "over" },
])("verdict of $current against $recommended is $expected", ({ current, recommended, expected }) => {
  expect(verdictOf(current, recommended, 0.1, 10)).toBe(expected);
});

describe("policyFrom", () => {
  test("keeps defaults for absent settings", () => {
    expect(policyFrom({})).toEqual(DEFAULT_POLICY);
  });
  test("reads percentiles as fractions or percents, and durations", () => {
    const parsed = policyFrom({
      cpuPercentile: "90",
      memoryHeadroom: "1.3",
      minHistory: "2m",
      window: "1h",
      step: "5s",
    });
    expect(parsed).toMatchObject({
      cpuPercentile: 0.9,
      memoryHeadroom: 1.3,
      minHistoryMs: 120_000,
      windowMs: HOUR,
      stepMs: 5_000,
    });
    expect(policyFrom({ cpuPercentile: "0.99" }).cpuPercentile).toBe(0.99);
  });
  test.each([
    { settings: { cpuPercentile: "abc" }, message: /cpu percentile/ },
    { settings: { memoryHeadroom: "0.5" }, message: /memory headroom/ },
    { settings: { window: "soon" }, message: /window must be a positive duration/ },
    { settings: { minHistory: "0s" }, message: /minimum history/ },
  ])("rejects $settings", ({ settings, message }) => {
    expect(() => policyFrom(settings)).toThrow(PolicyError);
    expect(() => policyFrom(settings)).toThrow(message);
  });
});
