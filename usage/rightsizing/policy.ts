/**
 * How right-sizing turns consumption into requests and limits. The defaults are those of the
 * tools users compare krm with (design: VPA recommender, KRR, Goldilocks): CPU at a high
 * percentile of usage, memory at the peak plus 15 %, memory limit = memory request, floors of
 * 10m / 100Mi, and no advice below a minimum history.
 */
import { parseDurationMs } from "../../core/duration.js";

/** VPA's target CPU percentile is P90, KRR's default P95: the higher one, since under-provisioning hurts more. */
export const DEFAULT_CPU_PERCENTILE = 0.95;
/** VPA's safety margin and KRR's memory buffer: 15 % above the observed peak. */
export const DEFAULT_MEMORY_HEADROOM = 1.15;
/** No headroom above the CPU percentile: CPU is compressible, a short burst only throttles. */
export const DEFAULT_CPU_HEADROOM = 1;
/** Floors below which a recommendation is not lowered (VPA's pod minimums: 10m CPU, ~100 MiB memory). */
export const DEFAULT_MIN_CPU_MILLIS = 10;
export const DEFAULT_MIN_MEMORY_BYTES = 100 * 2 ** 20;
/** Less history than this and the row says "not enough data" instead of advising (a day covers a daily cycle). */
export const DEFAULT_MIN_HISTORY_MS = 24 * 3_600_000;
/** Data (history, counted in samples × step) at which a recommendation's confidence is 100 %: a weekly cycle (confidence.ts). */
export const DEFAULT_CONFIDENT_HISTORY_MS = 7 * 24 * 3_600_000;
/** Fewer points than this over the window is not enough data either, however long the span. */
export const DEFAULT_MIN_SAMPLES = 10;
/** A current value within ±10 % of the recommendation is "ok": closer advice is within noise. */
export const DEFAULT_TOLERANCE = 0.1;
/** Differences smaller than these are "ok" whatever the ratio (10m CPU, 16 MiB memory). */
export const DEFAULT_MIN_CPU_DIFFERENCE_MILLIS = 10;
export const DEFAULT_MIN_MEMORY_DIFFERENCE_BYTES = 16 * 2 ** 20;
/** A container killed for memory gets at least its old limit × 1.2, whatever the peak says (VPA's OOM bump). */
export const DEFAULT_OOM_BUMP = 1.2;
/** Window and resolution of the consumption read from Prometheus. */
export const DEFAULT_WINDOW_MS = 7 * 24 * 3_600_000;
export const DEFAULT_STEP_MS = 60_000;
/** Range of `rate()` over the CPU counter: at least four scrapes at the usual 15 s–1 min intervals. */
export const DEFAULT_RATE_WINDOW_MS = 5 * 60_000;

export interface RightsizingPolicy {
  readonly cpuPercentile: number;
  readonly cpuHeadroom: number;
  readonly memoryHeadroom: number;
  readonly minCpuMillis: number;
  readonly minMemoryBytes: number;
  /** CPU limit = recommended request × this; undefined recommends no CPU limit (KRR's default: limits only throttle). */
  readonly cpuLimitRatio: number | undefined;
  readonly minHistoryMs: number;
  readonly minSamples: number;
  readonly confidentHistoryMs: number;
  readonly tolerance: number;
  readonly minCpuDifferenceMillis: number;
  readonly minMemoryDifferenceBytes: number;
  readonly oomBump: number;
  readonly windowMs: number;
  readonly stepMs: number;
  readonly rateWindowMs: number;
}

export const DEFAULT_POLICY: RightsizingPolicy = {
  cpuPercentile: DEFAULT_CPU_PERCENTILE,
  cpuHeadroom: DEFAULT_CPU_HEADROOM,
  memoryHeadroom: DEFAULT_MEMORY_HEADROOM,
  minCpuMillis: DEFAULT_MIN_CPU_MILLIS,
  minMemoryBytes: DEFAULT_MIN_MEMORY_BYTES,
  cpuLimitRatio: undefined,
  minHistoryMs: DEFAULT_MIN_HISTORY_MS,
  minSamples: DEFAULT_MIN_SAMPLES,
  confidentHistoryMs: DEFAULT_CONFIDENT_HISTORY_MS,
  tolerance: DEFAULT_TOLERANCE,
  minCpuDifferenceMillis: DEFAULT_MIN_CPU_DIFFERENCE_MILLIS,
  minMemoryDifferenceBytes: DEFAULT_MIN_MEMORY_DIFFERENCE_BYTES,
  oomBump: DEFAULT_OOM_BUMP,
  windowMs: DEFAULT_WINDOW_MS,
  stepMs: DEFAULT_STEP_MS,
  rateWindowMs: DEFAULT_RATE_WINDOW_MS,
};

export class PolicyError extends Error {
  override readonly name = "PolicyError";
}

/** Settings as flags give them (text); each one absent keeps its default. */
export interface PolicySettings {
  readonly cpuPercentile?: string;
  readonly memoryHeadroom?: string;
  readonly cpuHeadroom?: string;
  readonly minHistory?: string;
  readonly confidentHistory?: string;
  readonly window?: string;
  readonly step?: string;
  readonly rateWindow?: string;
  readonly cpuLimitRatio?: string;
}

/** Validates settings once, at startup, failing with the setting's name. */
export function policyFrom(
  settings: PolicySettings,
  base: RightsizingPolicy = DEFAULT_POLICY,
): RightsizingPolicy {
  const ratio = (
    name: string,
    text: string | undefined,
    fallback: number,
    min: number,
    max: number,
  ): number => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value) || value < min || value > max)
      throw new PolicyError(`${name} must be a number within [${min}, ${max}], got "${text}"`);
    return value;
  };
  const duration = (name: string, text: string | undefined, fallback: number): number => {
    if (text === undefined) return fallback;
    try {
      const ms = parseDurationMs(text);
      if (ms > 0) return ms;
    } catch {
      // reported below with the setting's name
    }
    throw new PolicyError(`${name} must be a positive duration such as 30s, 5m or 24h, got "${text}"`);
  };
  const percentileText = settings.cpuPercentile;
  // "95" and "0.95" both mean P95.
  const percentile =
    percentileText !== undefined && Number(percentileText) > 1
      ? ratio("cpu percentile", percentileText, 0, 1, 100) / 100
      : ratio("cpu percentile", percentileText, base.cpuPercentile, 0, 1);
  return {
    ...base,
    cpuPercentile: percentile,
    memoryHeadroom: ratio("memory headroom", settings.memoryHeadroom, base.memoryHeadroom, 1, 10),
    cpuHeadroom: ratio("cpu headroom", settings.cpuHeadroom, base.cpuHeadroom, 1, 10),
    cpuLimitRatio:
      settings.cpuLimitRatio === undefined
        ? base.cpuLimitRatio
        : ratio("cpu limit ratio", settings.cpuLimitRatio, 1, 1, 100),
    minHistoryMs: duration("minimum history", settings.minHistory, base.minHistoryMs),
    confidentHistoryMs: duration("confident history", settings.confidentHistory, base.confidentHistoryMs),
    windowMs: duration("window", settings.window, base.windowMs),
    stepMs: duration("step", settings.step, base.stepMs),
    rateWindowMs: duration("rate window", settings.rateWindow, base.rateWindowMs),
  };
}
