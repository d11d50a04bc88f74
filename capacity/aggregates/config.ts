/**
 * How capacity figures are grouped and judged. Parsed once at startup (cli/config.ts);
 * every field has a documented default so an empty config gives useful figures.
 */
export interface Thresholds {
  /** Percent of reservable at or above which a resource is Warning. */
  readonly warning: number;
  /** Percent of reservable at or above which a resource is Critical (above 100 it is Overcommitted). */
  readonly critical: number;
}

export interface CapacityConfig {
  /** Node label naming the pool; default: the well-known labels (capacity/model/pool-label.ts). */
  readonly poolLabel?: string;
  /** Pod label naming the consumer; default: the namespace. */
  readonly consumerLabel?: string;
  /** Over-commitment factor per pool (reservable = allocatable × factor); `*` for all others. Default 1. */
  readonly overcommit?: Readonly<Record<string, number>>;
  /** Thresholds per resource; `*` for all others. Default DEFAULT_THRESHOLDS. */
  readonly thresholds?: Readonly<Record<string, Thresholds>>;
}

/** The usual alerting levels of capacity tools: warn at 80 %, page at 95 %. */
export const DEFAULT_THRESHOLDS: Thresholds = { warning: 80, critical: 95 };

/** The consumer of pods that lack the consumer label (OpenCost calls it `__unallocated__`). */
export const UNALLOCATED_CONSUMER = "__unallocated__";

export function overcommitOf(config: CapacityConfig, pool: string): number {
  return config.overcommit?.[pool] ?? config.overcommit?.["*"] ?? 1;
}

export function thresholdsOf(config: CapacityConfig, resource: string): Thresholds {
  return config.thresholds?.[resource] ?? config.thresholds?.["*"] ?? DEFAULT_THRESHOLDS;
}

export class CapacityConfigError extends Error {
  override readonly name = "CapacityConfigError";
}

/** Checks factors and thresholds; throws CapacityConfigError with the offending entry. */
export function validateCapacityConfig(config: CapacityConfig): CapacityConfig {
  for (const [pool, factor] of Object.entries(config.overcommit ?? {}))
    if (!Number.isFinite(factor) || factor <= 0)
      throw new CapacityConfigError(`over-commitment factor of pool ${pool} must be a positive number`);
  for (const [resource, t] of Object.entries(config.thresholds ?? {}))
    if (!(t.warning >= 0 && t.critical >= t.warning))
      throw new CapacityConfigError(`thresholds of ${resource} need 0 <= warning <= critical`);
  return config;
}
