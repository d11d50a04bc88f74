/**
 * The recommendation for one container of one workload, from its consumption over the window
 * (all of the workload's pods pooled, as KRR does) and its current requests and limits.
 * Pure: the same inputs give the same row.
 *
 *   cpu request    = max(floor, ⌈P(cpuPercentile) of usage × cpuHeadroom⌉ in millicores)
 *   memory request = max(floor, ⌈peak working set × memoryHeadroom⌉ in MiB),
 *                    raised to old memory limit × oomBump after an OOM kill
 *   memory limit   = memory request;  cpu limit = request × cpuLimitRatio, or none
 *
 * A verdict compares the current request with the recommended one: within the tolerance (or
 * a difference below the minimum difference) is "ok", more is "over", less (or no request at
 * all) is "under". Too little history gives "unknown" with the reason ("not enough data") and
 * confidence 0; otherwise the confidence grows with the data behind the advice (confidence.ts).
 */
import { confidenceOf } from "./confidence.js";
import { peak, quantile } from "./percentile.js";
import type { RightsizingPolicy } from "./policy.js";

export const MIB = 2 ** 20;

export type Verdict = "over" | "under" | "ok" | "unknown";

/** Requests and limits of one container: CPU in millicores, memory in bytes; absent = not set. */
export interface ContainerResources {
  readonly cpuRequestMillis?: number;
  readonly cpuLimitMillis?: number;
  readonly memoryRequestBytes?: number;
  readonly memoryLimitBytes?: number;
}

/** What was measured for one container over the window, all pods of the workload together. */
export interface ContainerUsage {
  /** CPU usage samples, cores (rate of `container_cpu_usage_seconds_total`). */
  readonly cpuCores: readonly number[];
  /** Working-set samples, bytes (`container_memory_working_set_bytes`). */
  readonly memoryBytes: readonly number[];
  /** Span from the first to the last sample (ms). */
  readonly historyMs: number;
  /** Whether a pod of the workload reports this container's last termination as OOMKilled. */
  readonly oomKilled: boolean;
}

export interface ContainerRecommendation {
  readonly container: string;
  readonly current: ContainerResources;
  /** Undefined when there is not enough data. */
  readonly recommended: ContainerResources | undefined;
  readonly verdict: { readonly cpu: Verdict; readonly memory: Verdict };
  /** 0..1, how much data is behind the advice (confidence.ts); 0 with "not enough data". */
  readonly confidence: number;
  /** Measured inputs, so a reader can check the arithmetic. */
  readonly evidence: {
    readonly cpuPercentileCores: number | undefined;
    readonly memoryPeakBytes: number | undefined;
    readonly samples: number;
    readonly historyMs: number;
    readonly oomKilled: boolean;
  };
  /** Why there is no advice, or what bumped it (OOM). */
  readonly reason?: string;
}

export function recommendContainer(
  container: string,
  current: ContainerResources,
  usage: ContainerUsage,
  policy: RightsizingPolicy,
): ContainerRecommendation {
  const cpuPercentileCores = quantile(policy.cpuPercentile, usage.cpuCores);
  const memoryPeakBytes = peak(usage.memoryBytes);
  const samples = Math.min(countReal(usage.cpuCores), countReal(usage.memoryBytes));
  const evidence = {
    cpuPercentileCores,
    memoryPeakBytes,
    samples,
    historyMs: usage.historyMs,
    oomKilled: usage.oomKilled,
  };
  const shortage = notEnoughData(usage, samples, policy);
  if (shortage !== undefined || cpuPercentileCores === undefined || memoryPeakBytes === undefined)
    return {
      container,
      current,
      recommended: undefined,
      verdict: { cpu: "unknown", memory: "unknown" },
      confidence: 0,
      evidence,
      reason: shortage ?? "not enough data: no samples",
    };

  const cpuRequest = Math.max(
    policy.minCpuMillis,
    Math.ceil(cpuPercentileCores * policy.cpuHeadroom * 1000 - 1e-9),
  );
  let memoryRequest = Math.max(
    policy.minMemoryBytes,
    Math.ceil((memoryPeakBytes * policy.memoryHeadroom) / MIB - 1e-9) * MIB,
  );
  let reason: string | undefined;
  const oldLimit = current.memoryLimitBytes ?? current.memoryRequestBytes;
  if (usage.oomKilled && oldLimit !== undefined) {
    const bumped = Math.ceil((oldLimit * policy.oomBump) / MIB) * MIB;
    if (bumped > memoryRequest) {
      memoryRequest = bumped;
      reason = `OOMKilled: memory raised to ${policy.oomBump} × the old limit`;
    }
  }
  const recommended: ContainerResources = {
    cpuRequestMillis: cpuRequest,
    ...(policy.cpuLimitRatio !== undefined
      ? { cpuLimitMillis: Math.ceil(cpuRequest * policy.cpuLimitRatio) }
      : {}),
    memoryRequestBytes: memoryRequest,
    memoryLimitBytes: memoryRequest,
  };
  return {
    container,
    current,
    recommended,
    verdict: {
      cpu: verdictOf(current.cpuRequestMillis, cpuRequest, policy.tolerance, policy.minCpuDifferenceMillis),
      memory: verdictOf(
        current.memoryRequestBytes,
        memoryRequest,
        policy.tolerance,
        policy.minMemoryDifferenceBytes,
      ),
    },
    confidence: confidenceOf(usage.historyMs, samples, policy),
    evidence,
    ...(reason !== undefined ? { reason } : {}),
  };
}

/** The verdict rule; exported for its table test. */
export function verdictOf(
  current: number | undefined,
  recommended: number,
  tolerance: number,
  minDifference: number,
): Verdict {
  if (current === undefined) return "under";
  const difference = current - recommended;
  if (Math.abs(difference) <= Math.max(tolerance * recommended, minDifference)) return "ok";
  return difference > 0 ? "over" : "under";
}

function notEnoughData(
  usage: ContainerUsage,
  samples: number,
  policy: RightsizingPolicy,
): string | undefined {
  if (usage.historyMs < policy.minHistoryMs)
    return `not enough data: ${describeMs(usage.historyMs)} of history, ${describeMs(policy.minHistoryMs)} needed`;
  if (samples < policy.minSamples) return `not enough data: ${samples} samples, ${policy.minSamples} needed`;
  return undefined;
}

function countReal(samples: readonly number[]): number {
  let count = 0;
  for (const sample of samples) if (!Number.isNaN(sample)) count++;
  return count;
}

function describeMs(ms: number): string {
  if (ms >= 3_600_000) return `${Math.round((ms / 3_600_000) * 10) / 10}h`;
  if (ms >= 60_000) return `${Math.round((ms / 60_000) * 10) / 10}m`;
  return `${Math.round(ms / 1000)}s`;
}
