/**
 * The φ-quantile of samples the way PromQL's `quantile_over_time` computes it: sort, take rank
 * φ·(n−1), interpolate linearly between the two neighbours. So a recommendation computed here
 * from raw points equals what `quantile_over_time(φ, …)` would say over the same points.
 * NaN samples (a series' gaps) are ignored; undefined for no samples.
 */
export function quantile(phi: number, samples: readonly number[]): number | undefined {
  if (!(phi >= 0 && phi <= 1)) throw new RangeError(`quantile must be within [0, 1], got ${phi}`);
  const sorted = samples.filter((sample) => !Number.isNaN(sample)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const rank = phi * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.min(lower + 1, sorted.length - 1);
  const low = sorted[lower] ?? 0;
  const high = sorted[upper] ?? low;
  return low + (high - low) * (rank - lower);
}

/** Largest non-NaN sample; undefined for none. */
export function peak(samples: readonly number[]): number | undefined {
  let best: number | undefined;
  for (const sample of samples)
    if (!Number.isNaN(sample) && (best === undefined || sample > best)) best = sample;
  return best;
}
