import { describe, expect, it } from "vitest";
import { DanfoMissingError, dataFrameOf } from "./dataframe.js";
import type { Recommendation, UsageReportData } from "./usage.js";
import { recommendationsFrame, usageReportFrame, withDataFrame } from "./usage-frames.js";
import { usageCsv } from "../usage/views/usage-csv.js";

const report: UsageReportData = {
  from: "2026-01-01T00:00:00Z",
  to: "2026-01-01T03:00:00Z",
  groupBy: "namespace",
  currency: "EUR",
  rows: [
    {
      group: "shop",
      cpuCoreHours: 6,
      memoryGiBHours: 6,
      storageGiBHours: 0,
      gpuHours: 0,
      ratio: 0.75,
      cost: 75,
    },
    {
      group: "batch",
      cpuCoreHours: 0.75,
      memoryGiBHours: 3,
      storageGiBHours: 1,
      gpuHours: 2,
      ratio: 0.25,
      cost: 25,
    },
  ],
  total: { cpuCoreHours: 6.75, memoryGiBHours: 9, storageGiBHours: 1, gpuHours: 2, ratio: 1, cost: 100 },
  accuracy: "exact",
};

const web: Recommendation = {
  metadata: { name: "deployment.web", namespace: "shop" },
  spec: { targetRef: { kind: "Deployment", name: "web" } },
  status: {
    verdict: "over",
    confidence: 0,
    replicas: 2,
    source: "prometheus",
    window: { from: "2026-01-01T00:00:00Z", to: "2026-01-01T01:00:00Z" },
    containers: [
      {
        name: "app",
        current: { requests: { cpu: "1", memory: "1Gi" } },
        recommended: { requests: { cpu: "250m", memory: "345Mi" }, limits: { memory: "345Mi" } },
        verdict: { cpu: "over", memory: "over" },
        confidence: 0.43,
      },
      {
        name: "sidecar",
        current: {},
        verdict: { cpu: "unknown", memory: "unknown" },
        confidence: 0,
        reason: "not enough data: no samples",
      },
    ],
    reservedDelta: { cpu: "1500m", memory: "1358Mi" },
  },
};

// The first test pays danfojs' cold import (several seconds on a loaded two-core machine).
describe("toDataFrame (danfojs installed)", { timeout: 30_000 }, () => {
  it("a usage review: one row per group, the CSV columns, cost when priced", async () => {
    const frame = await usageReportFrame(report);
    expect(frame.columns.join(",")).toBe(usageCsv(report).split("\r\n")[0]);
    expect(frame.values).toEqual([
      ["shop", 6, 6, 0, 0, 0.75, 75],
      ["batch", 0.75, 3, 1, 2, 0.25, 25],
    ]);
    expect(frame.column("cost").sum()).toBe(100);
    const unpriced = await usageReportFrame({
      ...report,
      rows: report.rows.map(({ cost: _, ...row }) => row),
    });
    expect(unpriced.columns).not.toContain("cost");
    const empty = await usageReportFrame({ ...report, rows: [] });
    expect(empty.shape).toEqual([0, 7 - 1]);
  });

  it("recommendations: one row per workload container, quantities as strings", async () => {
    const frame = await recommendationsFrame([web]);
    expect(frame.columns).toEqual([
      "namespace",
      "workload",
      "kind",
      "replicas",
      "container",
      "cpuRequest",
      "cpuRecommended",
      "cpuVerdict",
      "memoryRequest",
      "memoryRecommended",
      "memoryVerdict",
      "confidence",
    ]);
    expect(frame.values).toEqual([
      ["shop", "deployment.web", "Deployment", 2, "app", "1", "250m", "over", "1Gi", "345Mi", "over", 0.43],
      ["shop", "deployment.web", "Deployment", 2, "sidecar", "", "", "unknown", "", "", "unknown", 0],
    ]);
  });

  it("toDataFrame is attached but invisible to JSON and equality", async () => {
    const framed = withDataFrame({ ...report }, () => usageReportFrame(report));
    expect(JSON.parse(JSON.stringify(framed))).toEqual(report);
    expect(framed).toEqual(report);
    expect((await framed.toDataFrame()).shape).toEqual([2, 7]);
  });

  it("without danfojs: a DanfoMissingError naming the package", async () => {
    const missing = Object.assign(new Error("Cannot find package 'danfojs'"), {
      code: "ERR_MODULE_NOT_FOUND",
    });
    const error = await usageReportFrame(report, () => Promise.reject(missing)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DanfoMissingError);
    expect((error as Error).message).toMatch(/npm install danfojs@1\.1/);
    expect((error as Error).cause).toBe(missing);
    // Other failures are not disguised as a missing package.
    const broken = new Error("boom");
    await expect(dataFrameOf([], ["a"], () => Promise.reject(broken))).rejects.toBe(broken);
  });
});
