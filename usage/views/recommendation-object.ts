/**
 * A workload's recommendation as the `usage.krm.dev/v1alpha1` Recommendation object krm
 * serves, and its Table row. Quantities are Kubernetes quantity strings (capacity/model's
 * exact `formatQuantity`), so the values can be pasted into a manifest; `status.patch` is a
 * ready-to-apply strategic merge patch of the workload's containers.
 */
import { formatQuantity } from "../../capacity/model/index.js";
import type { AutoscalerFlag } from "../rightsizing/autoscalers.js";
import type { ContainerResources } from "../rightsizing/recommend-container.js";
import type { WorkloadRecommendation } from "../rightsizing/recommend-workloads.js";
import type { RightsizingPolicy } from "../rightsizing/policy.js";
import { USAGE_API_VERSION } from "../review/usage-review-types.js";

export const cpuText = (millis: number): string => formatQuantity(BigInt(Math.round(millis)), "cpu");
export const memoryText = (bytes: number): string =>
  formatQuantity(BigInt(Math.round(bytes)) * 1000n, "memory");

interface QuantityPair {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

export function resourcesJson(resources: ContainerResources): QuantityPair {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  if (resources.cpuRequestMillis !== undefined) requests["cpu"] = cpuText(resources.cpuRequestMillis);
  if (resources.memoryRequestBytes !== undefined)
    requests["memory"] = memoryText(resources.memoryRequestBytes);
  if (resources.cpuLimitMillis !== undefined) limits["cpu"] = cpuText(resources.cpuLimitMillis);
  if (resources.memoryLimitBytes !== undefined) limits["memory"] = memoryText(resources.memoryLimitBytes);
  return {
    ...(Object.keys(requests).length > 0 ? { requests } : {}),
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
  };
}

export interface RecommendationWindow {
  readonly fromMs: number;
  readonly toMs: number;
  readonly policy: RightsizingPolicy;
  /** Where consumption came from, e.g. `prometheus`. */
  readonly source: string;
}

export function recommendationObject(
  recommendation: WorkloadRecommendation,
  window: RecommendationWindow,
): Record<string, unknown> {
  const { delta } = recommendation;
  const patchContainers = recommendation.containers
    .filter((row) => row.recommended !== undefined)
    .map((row) => ({ name: row.container, resources: resourcesJson(row.recommended ?? {}) }));
  return {
    apiVersion: USAGE_API_VERSION,
    kind: "Recommendation",
    metadata: {
      name: recommendation.name,
      namespace: recommendation.namespace,
      creationTimestamp: new Date(window.toMs).toISOString().replace(/\.\d{3}Z$/, "Z"),
    },
    spec: { targetRef: { kind: recommendation.workload.kind, name: recommendation.workload.name } },
    status: {
      verdict: recommendation.verdict,
      confidence: recommendation.confidence,
      replicas: recommendation.replicas,
      source: window.source,
      window: {
        from: new Date(window.fromMs).toISOString(),
        to: new Date(window.toMs).toISOString(),
        cpuPercentile: window.policy.cpuPercentile,
        memoryHeadroom: window.policy.memoryHeadroom,
      },
      containers: recommendation.containers.map((row) => ({
        name: row.container,
        current: resourcesJson(row.current),
        ...(row.recommended !== undefined ? { recommended: resourcesJson(row.recommended) } : {}),
        verdict: row.verdict,
        confidence: row.confidence,
        evidence: {
          ...(row.evidence.cpuPercentileCores !== undefined
            ? { cpuPercentile: cpuText(Math.ceil(row.evidence.cpuPercentileCores * 1000)) }
            : {}),
          ...(row.evidence.memoryPeakBytes !== undefined
            ? { memoryPeak: memoryText(row.evidence.memoryPeakBytes) }
            : {}),
          samples: row.evidence.samples,
          historySeconds: Math.round(row.evidence.historyMs / 1000),
          oomKilled: row.evidence.oomKilled,
        },
        ...(row.reason !== undefined ? { reason: row.reason } : {}),
      })),
      ...(recommendation.autoscaler !== undefined
        ? {
            autoscaler: {
              kind: "HorizontalPodAutoscaler",
              name: recommendation.autoscaler.name,
              resources: recommendation.autoscaler.resources,
              warning: autoscalerWarning(recommendation.autoscaler),
            },
          }
        : {}),
      // Positive: reserved resources freed by applying it to every running replica; negative: missing.
      reservedDelta: { cpu: cpuText(delta.cpuMillis), memory: memoryText(delta.memoryBytes) },
      ...(patchContainers.length > 0 && recommendation.workload.kind !== "Pod"
        ? { patch: { spec: { template: { spec: { containers: patchContainers } } } } }
        : {}),
    },
  };
}

/** Why an HPA on the same resource matters, as the object and `krm report rightsizing` say it. */
export function autoscalerWarning(autoscaler: AutoscalerFlag): string {
  return `HorizontalPodAutoscaler ${autoscaler.name} scales on ${autoscaler.resources.join(" and ")} utilization of the requests: changing them changes when it scales`;
}

/** The Confidence cell: a percentage, or "not enough data" (confidence.ts). */
export function confidenceText(recommendation: WorkloadRecommendation): string {
  return recommendation.confidence === 0 && recommendation.verdict === "unknown"
    ? "not enough data"
    : `${Math.round(recommendation.confidence * 100)}%`;
}

export const RECOMMENDATION_COLUMNS = [
  {
    name: "Name",
    type: "string",
    format: "name",
    description: "The workload, as <kind>.<name>.",
    priority: 0,
  },
  {
    name: "Verdict",
    type: "string",
    format: "",
    description: "over, under, ok or unknown (not enough data).",
    priority: 0,
  },
  {
    name: "Confidence",
    type: "string",
    format: "",
    description:
      'How much data is behind the advice (100 % = a week), or "not enough data" below --min-history.',
    priority: 0,
  },
  {
    name: "Replicas",
    type: "integer",
    format: "",
    description: "Running pods of the workload.",
    priority: 0,
  },
  {
    name: "CPU",
    type: "string",
    format: "",
    description: "CPU requests per pod: current → recommended.",
    priority: 0,
  },
  {
    name: "Memory",
    type: "string",
    format: "",
    description: "Memory requests per pod: current → recommended.",
    priority: 0,
  },
  {
    name: "CPU Delta",
    type: "string",
    format: "",
    description: "Reserved CPU freed (positive) or missing (negative) over all replicas.",
    priority: 0,
  },
  {
    name: "Memory Delta",
    type: "string",
    format: "",
    description: "Reserved memory freed (positive) or missing (negative) over all replicas.",
    priority: 0,
  },
  {
    name: "History",
    type: "string",
    format: "",
    description: "Span of consumption data behind the advice.",
    priority: 1,
  },
  {
    name: "HPA",
    type: "string",
    format: "",
    description:
      "A HorizontalPodAutoscaler scaling the workload on cpu/memory, which the advice would change.",
    priority: 1,
  },
] as const;

export function recommendationCells(recommendation: WorkloadRecommendation): (string | number)[] {
  const sum = (
    pick: (r: ContainerResources) => number | undefined,
    rows: readonly (ContainerResources | undefined)[],
  ): number | undefined => {
    let total: number | undefined;
    for (const row of rows) {
      const value = row === undefined ? undefined : pick(row);
      if (value !== undefined) total = (total ?? 0) + value;
    }
    return total;
  };
  const current = recommendation.containers.map((row) => row.current);
  const advised = recommendation.containers.map((row) => row.recommended);
  const known = advised.every((row) => row !== undefined);
  const pair = (now: number | undefined, next: number | undefined, text: (n: number) => string): string =>
    `${now === undefined ? "<none>" : text(now)}→${known && next !== undefined ? text(next) : "?"}`;
  const history = Math.max(0, ...recommendation.containers.map((row) => row.evidence.historyMs));
  return [
    recommendation.name,
    recommendation.verdict,
    confidenceText(recommendation),
    recommendation.replicas,
    pair(
      sum((r) => r.cpuRequestMillis, current),
      sum((r) => r.cpuRequestMillis, advised),
      cpuText,
    ),
    pair(
      sum((r) => r.memoryRequestBytes, current),
      sum((r) => r.memoryRequestBytes, advised),
      memoryText,
    ),
    cpuText(recommendation.delta.cpuMillis),
    memoryText(recommendation.delta.memoryBytes),
    `${Math.round(history / 60_000)}m`,
    recommendation.autoscaler === undefined
      ? "<none>"
      : `${recommendation.autoscaler.name} (${recommendation.autoscaler.resources.join(",")})`,
  ];
}
