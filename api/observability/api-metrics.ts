/**
 * Prometheus metrics of the API, hand-rolled in the text exposition format (0.0.4):
 * requests by route and code, a request latency histogram by route, and per kind the
 * cached objects and freshness.
 */
import { freshnessOf } from "../freshness.js";
import type { ServedKind } from "../served-kind.js";

/** Latency buckets in seconds: lists from memory take well under a millisecond to tens of ms. */
export const LATENCY_BUCKETS_SECONDS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

interface Histogram {
  readonly counts: number[];
  sum: number;
  count: number;
}

export class ApiMetrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private activeWatches = 0;

  observe(route: string, code: number, seconds: number): void {
    const key = `${route}\u0000${code}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let histogram = this.latency.get(route);
    if (histogram === undefined) {
      histogram = { counts: LATENCY_BUCKETS_SECONDS.map(() => 0), sum: 0, count: 0 };
      this.latency.set(route, histogram);
    }
    LATENCY_BUCKETS_SECONDS.forEach((bound, i) => {
      if (seconds <= bound && histogram !== undefined) histogram.counts[i] = (histogram.counts[i] ?? 0) + 1;
    });
    histogram.sum += seconds;
    histogram.count += 1;
  }

  watchStarted(): void {
    this.activeWatches++;
  }
  watchEnded(): void {
    this.activeWatches--;
  }

  exposition(kinds: readonly ServedKind[], now: number): string {
    const lines: string[] = [];
    lines.push(
      "# HELP krm_api_requests_total API requests by route and HTTP code.",
      "# TYPE krm_api_requests_total counter",
    );
    for (const [key, value] of this.requests) {
      const [route, code] = key.split("\u0000");
      lines.push(`krm_api_requests_total{route="${route ?? ""}",code="${code ?? ""}"} ${value}`);
    }
    lines.push(
      "# HELP krm_api_request_duration_seconds Time to answer a request (watches: time to start streaming).",
      "# TYPE krm_api_request_duration_seconds histogram",
    );
    for (const [route, h] of this.latency) {
      LATENCY_BUCKETS_SECONDS.forEach((bound, i) => {
        lines.push(
          `krm_api_request_duration_seconds_bucket{route="${route}",le="${bound}"} ${h.counts[i] ?? 0}`,
        );
      });
      lines.push(`krm_api_request_duration_seconds_bucket{route="${route}",le="+Inf"} ${h.count}`);
      lines.push(`krm_api_request_duration_seconds_sum{route="${route}"} ${h.sum}`);
      lines.push(`krm_api_request_duration_seconds_count{route="${route}"} ${h.count}`);
    }
    lines.push(
      "# HELP krm_api_active_watches Watches being streamed.",
      "# TYPE krm_api_active_watches gauge",
    );
    lines.push(`krm_api_active_watches ${this.activeWatches}`);
    const gauges: [string, string, (f: ReturnType<typeof freshnessOf>) => number | undefined][] = [
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
    const freshness = kinds.map((k) => freshnessOf(k, now));
    for (const [name, help, value] of gauges) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
      for (const f of freshness) {
        const v = value(f);
        if (v !== undefined) lines.push(`${name}{kind="${f.kind}"} ${v}`);
      }
    }
    return lines.join("\n") + "\n";
  }
}

function seconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / 1000;
}
