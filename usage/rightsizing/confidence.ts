/**
 * How far to trust a recommendation, after the VPA recommender: its confidence grows with the
 * amount of data behind it, counted both as the span of history and as samples (each sample
 * stands for one step of the range query, so gaps in scraping do not count as history):
 *
 *   data       = min(history span, samples × step)
 *   confidence = min(1, data / confidentHistory)        (0..1, two decimals)
 *
 * Below the minimum history or the minimum samples there is no confidence at all and no advice:
 * "not enough data" (recommend-container.ts). The default confident history is a week, the
 * default window, so a workload's weekly cycle is seen in full before the advice is "100 %".
 */
import type { RightsizingPolicy } from "./policy.js";

export function confidenceOf(
  historyMs: number,
  samples: number,
  policy: Pick<RightsizingPolicy, "stepMs" | "confidentHistoryMs">,
): number {
  const dataMs = Math.max(0, Math.min(historyMs, samples * policy.stepMs));
  // The epsilon keeps float noise in the span (seconds × 1000) from dropping a whole hundredth.
  return Math.floor(Math.min(1, dataMs / policy.confidentHistoryMs) * 100 + 1e-9) / 100;
}

/** A workload is as trustworthy as its least trustworthy container. */
export function workloadConfidence(containers: readonly { readonly confidence: number }[]): number {
  return containers.length === 0 ? 0 : Math.min(...containers.map((row) => row.confidence));
}
