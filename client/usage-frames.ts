/**
 * The usage views' results as table rows for `toDataFrame()` (client/dataframe.ts): a usage
 * review is one row per group; recommendations are one row per workload container.
 */
import { dataFrameOf, type DanfoImporter, type DataFrame } from "./dataframe.js";
import type { Recommendation, UsageReportData } from "./usage.js";
import { USAGE_ROW_COLUMNS } from "../usage/review/usage-review-types.js";

/** Columns as in the CSV answer (usage/README.md), `cost` only when the review priced it. */
export async function usageReportFrame(report: UsageReportData, load?: DanfoImporter): Promise<DataFrame> {
  const priced = report.rows.some((row) => row.cost !== undefined);
  const columns = USAGE_ROW_COLUMNS.filter((column) => priced || column !== "cost");
  return await dataFrameOf(
    report.rows.map((row) => ({ ...row })),
    columns,
    load,
  );
}

const RECOMMENDATION_COLUMNS = [
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
] as const;

/** Quantities stay Kubernetes quantity strings; "" where there is none. */
export async function recommendationsFrame(
  recommendations: readonly Recommendation[],
  load?: DanfoImporter,
): Promise<DataFrame> {
  const records = recommendations.flatMap((r) =>
    r.status.containers.map((c) => ({
      namespace: r.metadata.namespace,
      workload: r.metadata.name,
      kind: r.spec.targetRef.kind,
      replicas: r.status.replicas,
      container: c.name,
      cpuRequest: c.current.requests?.["cpu"] ?? "",
      cpuRecommended: c.recommended?.requests?.["cpu"] ?? "",
      cpuVerdict: c.verdict.cpu,
      memoryRequest: c.current.requests?.["memory"] ?? "",
      memoryRecommended: c.recommended?.requests?.["memory"] ?? "",
      memoryVerdict: c.verdict.memory,
      confidence: c.confidence,
    })),
  );
  return await dataFrameOf(records, RECOMMENDATION_COLUMNS, load);
}

/** Adds a non-enumerable `toDataFrame` (so JSON and equality see only the data). */
export function withDataFrame<T extends object>(value: T, frame: () => Promise<DataFrame>): T & Framed {
  return Object.defineProperty(value, "toDataFrame", { value: frame, enumerable: false }) as T & Framed;
}

export interface Framed {
  /** The result as a danfojs DataFrame; needs the optional peer dependency `danfojs`. */
  toDataFrame(): Promise<DataFrame>;
}
