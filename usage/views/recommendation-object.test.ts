import { describe, expect, test } from "vitest";
import { DEFAULT_POLICY } from "../rightsizing/policy.js";
import { MIB } from "../rightsizing/recommend-container.js";
import type { WorkloadRecommendation } from "../rightsizing/recommend-workloads.js";
import {
  RECOMMENDATION_COLUMNS,
  recommendationCells,
  recommendationObject,
} from "./recommendation-object.js";

const evidence = {
  cpuPercentileCores: 0.3,
  memoryPeakBytes: 300 * MIB,
  samples: 60,
  historyMs: 3_600_000,
  oomKilled: false,
};
const web: WorkloadRecommendation = {
  namespace: "shop",
  name: "deployment.web",
  workload: { kind: "Deployment", name: "web" },
  replicas: 2,
  containers: [
    {
      container: "app",
      current: { cpuRequestMillis: 1000, memoryRequestBytes: 1024 * MIB },
      recommended: { cpuRequestMillis: 300, memoryRequestBytes: 345 * MIB, memoryLimitBytes: 345 * MIB },
      verdict: { cpu: "over", memory: "over" },
      confidence: 0.43,
      evidence,
    },
  ],
  verdict: "over",
  confidence: 0.43,
  autoscaler: { name: "web-hpa", resources: ["cpu"] },
  delta: { cpuMillis: 1400, memoryBytes: 1358 * MIB },
};
const fresh: WorkloadRecommendation = {
  ...web,
  name: "deployment.fresh",
  workload: { kind: "Deployment", name: "fresh" },
  containers: [
    {
      container: "app",
      current: { cpuRequestMillis: 1000 },
      recommended: undefined,
      verdict: { cpu: "unknown", memory: "unknown" },
      confidence: 0,
      evidence: { ...evidence, historyMs: 600_000 },
      reason: "not enough data: 10m of history, 24h needed",
    },
  ],
  verdict: "unknown",
  confidence: 0,
  delta: { cpuMillis: 0, memoryBytes: 0 },
};
const { autoscaler: _, ...freshWithoutHpa } = fresh;
const window = { fromMs: 0, toMs: 3_600_000, policy: DEFAULT_POLICY, source: "prometheus" };

describe("the recommendations Table", () => {
  test("has a Confidence column beside the verdict and an HPA column at priority 1", () => {
    const names = RECOMMENDATION_COLUMNS.map((column) => column.name);
    expect(names.slice(0, 3)).toEqual(["Name", "Verdict", "Confidence"]);
    expect(RECOMMENDATION_COLUMNS.find((column) => column.name === "HPA")?.priority).toBe(1);
  });

  test("cells: the confidence as a percentage, or not enough data; the HPA and what it scales on", () => {
    const cells = recommendationCells(web);
    expect(cells).toHaveLength(RECOMMENDATION_COLUMNS.length);
    expect(cells[2]).toBe("43%");
    expect(cells.at(-1)).toBe("web-hpa (cpu)");
    const none = recommendationCells(freshWithoutHpa);
    expect(none[1]).toBe("unknown");
    expect(none[2]).toBe("not enough data");
    expect(none.at(-1)).toBe("<none>");
  });
});

describe("the Recommendation object", () => {
  test("carries the confidence per workload and container, and the HPA with a warning", () => {
    const status = recommendationObject(web, window)["status"] as Record<string, unknown>;
    expect(status["confidence"]).toBe(0.43);
    expect((status["containers"] as { confidence: number }[])[0]?.confidence).toBe(0.43);
    expect(status["autoscaler"]).toEqual({
      kind: "HorizontalPodAutoscaler",
      name: "web-hpa",
      resources: ["cpu"],
      warning:
        "HorizontalPodAutoscaler web-hpa scales on cpu utilization of the requests: changing them changes when it scales",
    });
    const none = recommendationObject(freshWithoutHpa, window)["status"] as Record<string, unknown>;
    expect(none["autoscaler"]).toBeUndefined();
    expect(none["confidence"]).toBe(0);
    expect((none["containers"] as { reason: string }[])[0]?.reason).toMatch(/^not enough data/);
  });
});
