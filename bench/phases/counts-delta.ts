import { getJson, type HttpTarget } from "../http-target.js";
import { COUNTS_PATH, type ProxyCounts } from "../counting-proxy.js";

/** Reads the counting proxy's cumulative counters. */
export function readCounts(proxy: HttpTarget): Promise<ProxyCounts> {
  return getJson<ProxyCounts>(proxy, COUNTS_PATH);
}

export interface CountsWindow {
  readonly windowMs: number;
  readonly requests: number;
  readonly requestsPerMinute: number;
  readonly byVerb: Record<string, number>;
  readonly responseBytes: number;
}

/** Requests krm made to the API server between two readings. */
export function countsDelta(before: ProxyCounts, after: ProxyCounts, windowMs: number): CountsWindow {
  const byVerb: Record<string, number> = {};
  for (const [verb, count] of Object.entries(after.byVerb)) {
    const delta = count - (before.byVerb[verb] ?? 0);
    if (delta > 0) byVerb[verb] = delta;
  }
  const requests = after.total - before.total;
  return {
    windowMs: Math.round(windowMs),
    requests,
    requestsPerMinute: Math.round((requests / windowMs) * 60_000 * 10) / 10,
    byVerb,
    responseBytes: after.responseBytes - before.responseBytes,
  };
}
