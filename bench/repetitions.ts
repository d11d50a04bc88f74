// Latency figures over several repetitions of the same measurement: the pooled percentiles
// with their sample count, each repetition's own, and the spread of the repetitions' p50.
import { percentile, round } from "./stats.js";

export interface Percentiles {
  readonly n: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

export interface RepeatedFigure extends Percentiles {
  readonly repetitions: readonly Percentiles[];
  /** Lowest and highest p50 of the repetitions. */
  readonly p50Spread: readonly [number | null, number | null];
}

export function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted[sorted.length - 1] ?? null),
  };
}

export function repeatedFigure(repetitions: readonly (readonly number[])[]): RepeatedFigure {
  const each = repetitions.map(percentiles);
  const p50s = each.flatMap((r) => (r.p50 === null ? [] : [r.p50]));
  return {
    ...percentiles(repetitions.flat()),
    repetitions: each,
    p50Spread: [p50s.length > 0 ? Math.min(...p50s) : null, p50s.length > 0 ? Math.max(...p50s) : null],
  };
}
