import { describe, expect, test } from "vitest";
import type { GroupTotals } from "../ledger/ledger-reader.js";
import { parseUsageSpec, splitCents, usageStatus, UsageReviewError } from "./usage-review.js";

const NOW = Date.parse("2026-03-01T12:30:00Z");
const GIB = 2 ** 30;

describe("parseUsageSpec", () => {
  test("defaults: to = now, groupBy namespace", () => {
    expect(parseUsageSpec({ from: "2026-03-01T00:00:00Z" }, NOW)).toEqual({
      fromMs: Date.parse("2026-03-01T00:00:00Z"),
      toMs: NOW,
      groupPrefix: "namespace:",
      groupBy: "namespace",
    });
  });
  test("label grouping, bill and prices", () => {
    const query = parseUsageSpec(
      {
        from: "2026-03-01T00:00:00Z",
        to: "2026-03-01T06:00:00Z",
        groupBy: "label:example.com/team",
        bill: { total: 100, currency: "EUR" },
        prices: { cpuCoreHour: 0.03, gpuHour: 2 },
      },
      NOW,
    );
    expect(query).toMatchObject({
      groupPrefix: "label:example.com/team=",
      labelKey: "example.com/team",
      bill: 100,
      currency: "EUR",
      prices: { cpuCoreHour: 0.03, gpuHour: 2 },
    });
  });
  test.each([
    { spec: undefined, field: "spec" },
    { spec: {}, field: "spec.from" },
    { spec: { from: "yesterday" }, field: "spec.from" },
    { spec: { from: "2026-03-01T06:00:00Z", to: "2026-03-01T00:00:00Z" }, field: "spec.to" },
    { spec: { from: "2026-03-01T00:00:00Z", groupBy: "pod" }, field: "spec.groupBy" },
    { spec: { from: "2026-03-01T00:00:00Z", groupBy: "label:bad key" }, field: "spec.groupBy" },
    { spec: { from: "2026-03-01T00:00:00Z", bill: { total: -1 } }, field: "spec.bill.total" },
    { spec: { from: "2026-03-01T00:00:00Z", bill: {} }, field: "spec.bill.total" },
    {
      spec: { from: "2026-03-01T00:00:00Z", prices: { cpuCoreHour: "1" } },
      field: "spec.prices.cpuCoreHour",
    },
  ])("rejects $spec at $field", ({ spec, field }) => {
    try {
      parseUsageSpec(spec, NOW);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageReviewError);
      expect((error as UsageReviewError).field).toBe(field);
    }
  });
});

describe("usageStatus", () => {
  const totals: GroupTotals = new Map([
    ["namespace:a", { cpu: 3 * 3600, memory: 4 * GIB * 3600 }],
    ["namespace:b", { cpu: 1 * 3600, memory: 4 * GIB * 3600, storage: 10 * GIB * 3600, gpu: 3600 }],
    ["label:team=x", { cpu: 4 * 3600 }],
    ["label:team=", { cpu: 3600 }],
  ]);
  const range = { fromMs: Date.parse("2026-03-01T00:00:00Z"), toMs: Date.parse("2026-03-01T13:00:00Z") };
  const base = parseUsageSpec({ from: "2026-03-01T00:00:00Z" }, NOW);

  test("hours per group and an equal-weight ratio over the resources anybody used", () => {
    const status = usageStatus(base, totals, range, "exact");
    expect(status.rows).toEqual([
      // b: cpu 1/4, memory 1/2, storage 1, gpu 1 → 0.6875
      { group: "b", cpuCoreHours: 1, memoryGiBHours: 4, storageGiBHours: 10, gpuHours: 1, ratio: 0.6875 },
      { group: "a", cpuCoreHours: 3, memoryGiBHours: 4, storageGiBHours: 0, gpuHours: 0, ratio: 0.3125 },
    ]);
    expect(status.total).toEqual({
      cpuCoreHours: 4,
      memoryGiBHours: 8,
      storageGiBHours: 10,
      gpuHours: 1,
      ratio: 1,
    });
    expect(status.from).toBe("2026-03-01T00:00:00.000Z");
  });

  test("a bill splits by ratio into cents that add up exactly", () => {
    const status = usageStatus({ ...base, bill: 100 }, totals, range, "exact");
    expect(status.rows.map((r) => r.cost)).toEqual([68.75, 31.25]);
    expect(status.total.cost).toBe(100);
  });

  test("prices give each group its priced usage; with a bill they weight the split", () => {
    const prices = { cpuCoreHour: 1, memoryGiBHour: 0.5 };
    const priced = usageStatus({ ...base, prices }, totals, range, "exact");
    expect(priced.rows.map((r) => [r.group, r.cost, r.ratio])).toEqual([
      ["a", 5, 0.625], // 3 core-hours × 1 + 4 GiB-hours × 0.5
      ["b", 3, 0.375], // 1 × 1 + 4 × 0.5
    ]);
    const split = usageStatus({ ...base, prices, bill: 90 }, totals, range, "exact");
    expect(split.rows.map((r) => r.cost)).toEqual([56.25, 33.75]);
  });

  test("objects without the label are __unallocated__", () => {
    const status = usageStatus(
      parseUsageSpec({ from: "2026-03-01T00:00:00Z", groupBy: "label:team" }, NOW),
      totals,
      range,
      "exact",
    );
    expect(status.rows.map((r) => [r.group, r.ratio])).toEqual([
      ["x", 0.8],
      ["__unallocated__", 0.2],
    ]);
  });
});

test.each([
  { total: 100, weights: [1, 1, 1], expected: [33.34, 33.33, 33.33] },
  { total: 10, weights: [0.5, 0.5], expected: [5, 5] },
  { total: 10, weights: [0, 0], expected: [0, 0] },
  { total: 0.05, weights: [1, 1], expected: [0.03, 0.02] },
])("splitCents($total, $weights)", ({ total, weights, expected }) => {
  const parts = splitCents(total, weights);
  expect(parts).toEqual(expected);
});
