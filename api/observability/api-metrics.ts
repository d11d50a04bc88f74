/**
 * Prometheus metrics of the API through prom-client (escaping, histograms and the text
 * exposition format are the library's): requests by route and code, a request latency
 * histogram by route, active watches, and per kind the cached objects and freshness.
 * Each `ApiMetrics` has its own registry, so several API servers in one process (tests)
 * do not share counters; the exposition adds the process's own metrics (heap, RSS, event-loop
 * lag, GC), which all of them share (docs/metrics.md, "The API's /metrics").
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { freshnessOf, type KindFreshness } from "../freshness.js";
import { processMetrics } from "./process-metrics.js";
import type { ServedKind } from "../served-kind.js";

/** Latency buckets in seconds: lists from memory take well under a millisecond to tens of ms. */
export const LATENCY_BUCKETS_SECONDS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

/** Per-kind gauges: name, help, and the value read from the kind's freshness (absent: no sample). */
const KIND_GAUGES: readonly (readonly [string, string, (f: KindFreshness) => number | undefined])[] = [
  ["krm_api_cached_objects", "Objects in this API replica's memory per kind.", (f) => f.objects],
  ["krm_api_resource_version", "Served resourceVersion per kind.", (f) => Number(f.resourceVersion)],
  [
    "krm_api_verified_age_seconds",
    "Seconds since the last verified snapshot was merged.",
    (f) => seconds(f.verifiedAgeMs),
  ],
  [
    "krm_api_last_event_age_seconds",
    "Seconds since the last streamed event applied was observed.",
    (f) => seconds(f.lastEventAgeMs),
  ],
  ["krm_api_stale", "1 while this replica cannot follow Redis.", (f) => (f.stale ? 1 : 0)],
  ["krm_api_ready", "1 once the kind is loaded and verified.", (f) => (f.loaded && f.verified ? 1 : 0)],
];

export class ApiMetrics {
  private readonly registry = new Registry();
  /** Collecting from construction, so GC durations and lag cover the server's whole life. */
  private readonly process = processMetrics();
  private readonly requests = new Counter({
    name: "krm_api_requests_total",
    help: "API requests by route and HTTP code.",
    labelNames: ["route", "code"] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: "krm_api_request_duration_seconds",
    help: "Time to answer a request (watches: time to start streaming).",
    labelNames: ["route"] as const,
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  private readonly activeWatches = new Gauge({
    name: "krm_api_active_watches",
    help: "Watches being streamed.",
    registers: [this.registry],
  });
  private readonly kindGauges = KIND_GAUGES.map(
    ([name, help, value]) =>
      [new Gauge({ name, help, labelNames: ["kind"] as const, registers: [this.registry] }), value] as const,
  );

  /** The Content-Type of `exposition`. */
  get contentType(): string {
    return this.registry.contentType;
  }

  observe(route: string, code: number, seconds: number): void {
    this.requests.inc({ route, code: String(code) });
    this.latency.observe({ route }, seconds);
  }

  watchStarted(): void {
    this.activeWatches.inc();
  }
  watchEnded(): void {
    this.activeWatches.dec();
  }

  /** The text exposition, with the per-kind gauges read at `now`. */
  async exposition(kinds: readonly ServedKind[], now: number): Promise<string> {
    const freshness = kinds.map((k) => freshnessOf(k, now));
    for (const [gauge, value] of this.kindGauges) {
      gauge.reset();
      for (const f of freshness) {
        const v = value(f);
        if (v !== undefined) gauge.set({ kind: f.kind }, v);
      }
    }
    return Registry.merge([this.registry, this.process]).metrics();
  }
}

function seconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / 1000;
}
