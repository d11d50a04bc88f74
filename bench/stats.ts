/** Latency summary of one set of samples, in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  readonly mean: number | null;
}

/**
 * Nearest-rank percentile (the smallest sample with at least q of the samples at or below it),
 * so every reported figure is a latency that was actually measured. `sorted` must be ascending.
 */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

export function summarize(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) return { count: 0, p50: null, p95: null, p99: null, max: null, mean: null };
  const sorted = [...samples].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted[sorted.length - 1] ?? null),
    mean: round(total / sorted.length),
  };
}

/** Three significant decimals are more than the clocks here resolve. */
export function round(value: number | null, digits = 3): number | null {
  if (value === null) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** `a / b`, or null when either side is missing or b is zero. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return round(a / b, 2);
}

/** Lowest, median and highest of one figure across repetitions of the whole run. */
export interface Spread {
  readonly n: number;
  readonly min: number | null;
  readonly median: number | null;
  readonly max: number | null;
}

/** Spread of the values that were measured (nulls, a repetition without the figure, are left out). */
export function spread(values: readonly (number | null)[]): Spread {
  const present = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  return {
    n: present.length,
    min: present[0] ?? null,
    median: percentile(present, 0.5),
    max: present[present.length - 1] ?? null,
  };
}
