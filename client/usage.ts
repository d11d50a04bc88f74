/**
 * `krm.usage`: the usage.krm.dev views (usage/README.md) with typed results: a usage review
 * (reserved core-hours, GiB-hours, GPU-hours, ratio and cost per group) and right-sizing
 * recommendations per workload. Quantities are Kubernetes quantity strings.
 */
import type { Verdict } from "../usage/rightsizing/recommend-container.js";
import type { UsageReviewSpec, UsageReviewStatus, UsageRow } from "../usage/review/usage-review-types.js";
import type { Transport } from "./transport.js";
import { recommendationsFrame, usageReportFrame, withDataFrame, type Framed } from "./usage-frames.js";

const BASE = "/apis/usage.krm.dev/v1alpha1";

/** The UsageReview's spec: the period, the grouping, and a bill or prices to split (usage/README.md). */
export type UsageReviewRequest = UsageReviewSpec;
export type UsageReportRow = UsageRow;
/** A usage review's answer, as the API sends it. */
export type UsageReportData = UsageReviewStatus;

/** A usage review's answer with `toDataFrame()`: one row per group (danfojs, optional). */
export type UsageReport = UsageReportData & Framed;

type Resources = {
  readonly requests?: Readonly<Record<string, string>>;
  readonly limits?: Readonly<Record<string, string>>;
};

export interface Recommendation {
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: { readonly targetRef: { readonly kind: string; readonly name: string } };
  readonly status: {
    readonly verdict: Verdict;
    /** 0..1, how much data is behind the advice (1 = a week); 0 with "not enough data". */
    readonly confidence: number;
    readonly replicas: number;
    readonly source: string;
    readonly window: { readonly from: string; readonly to: string };
    readonly containers: readonly {
      readonly name: string;
      readonly current: Resources;
      readonly recommended?: Resources;
      readonly verdict: { readonly cpu: Verdict; readonly memory: Verdict };
      readonly confidence: number;
      readonly reason?: string;
    }[];
    /** A HorizontalPodAutoscaler scaling the workload on a resource the advice changes (only when krm caches HPAs). */
    readonly autoscaler?: {
      readonly kind: "HorizontalPodAutoscaler";
      readonly name: string;
      readonly resources: readonly string[];
      readonly warning: string;
    };
    readonly reservedDelta: { readonly cpu: string; readonly memory: string };
    readonly patch?: unknown;
  };
}

/** Recommendations with `toDataFrame()`: one row per workload container (danfojs, optional). */
export type RecommendationList = Recommendation[] & Framed;

export interface UsageClient {
  /** Creates a UsageReview and returns its answer (nothing is stored). */
  review(request: UsageReviewRequest): Promise<UsageReport>;
  /** Recommendations in one namespace, or in all when `namespace` is undefined. */
  recommendations(namespace?: string): Promise<RecommendationList>;
  /** One workload's recommendation, by `<kind>.<name>` (e.g. `deployment.web`). */
  recommendation(namespace: string, name: string): Promise<Recommendation>;
}

export function usageClient(transport: Transport): UsageClient {
  return {
    review: async (request) => {
      const response = await transport.send("POST", `${BASE}/usagereviews`, {
        apiVersion: "usage.krm.dev/v1alpha1",
        kind: "UsageReview",
        spec: request,
      });
      const report = ((await response.json()) as { status: UsageReportData }).status;
      return withDataFrame(report, () => usageReportFrame(report));
    },
    recommendations: async (namespace) => {
      const path = namespace === undefined ? "" : `/namespaces/${encodeURIComponent(namespace)}`;
      const response = await transport.get(`${BASE}${path}/recommendations`, new URLSearchParams());
      const items = ((await response.json()) as { items: Recommendation[] }).items;
      return withDataFrame(items, () => recommendationsFrame(items));
    },
    recommendation: async (namespace, name) => {
      const response = await transport.get(
        `${BASE}/namespaces/${encodeURIComponent(namespace)}/recommendations/${encodeURIComponent(name)}`,
        new URLSearchParams(),
      );
      return (await response.json()) as Recommendation;
    },
  };
}
