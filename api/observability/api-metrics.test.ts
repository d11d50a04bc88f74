import { describe, expect, it } from "vitest";
import { ApiMetrics } from "./api-metrics.js";

describe("ApiMetrics", () => {
  it("counts requests, observes latency in buckets and escapes label values", async () => {
    const metrics = new ApiMetrics();
    metrics.observe("list", 200, 0.0007);
    metrics.observe("list", 200, 0.3);
    metrics.observe('odd"route\\', 404, 0.001);
    metrics.watchStarted();
    const text = await metrics.exposition([], 0);
    expect(text).toContain('krm_api_requests_total{route="list",code="200"} 2');
    expect(text).toContain('krm_api_request_duration_seconds_bucket{le="0.001",route="list"} 1');
    expect(text).toContain('krm_api_request_duration_seconds_bucket{le="+Inf",route="list"} 2');
    expect(text).toContain('krm_api_request_duration_seconds_count{route="list"} 2');
    expect(text).toContain('route="odd\\"route\\\\"');
    expect(text).toContain("krm_api_active_watches 1");
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it("keeps counters per instance", async () => {
    const first = new ApiMetrics();
    first.observe("get", 200, 0.001);
    const second = new ApiMetrics();
    expect(await second.exposition([], 0)).not.toContain('route="get"');
  });

  it("exports the process's heap, RSS, event-loop lag and GC metrics, once per exposition", async () => {
    new ApiMetrics();
    const text = await new ApiMetrics().exposition([], 0);
    const value = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);
    expect(value("nodejs_heap_size_used_bytes")).toBeGreaterThan(0);
    expect(value("nodejs_heap_size_total_bytes")).toBeGreaterThanOrEqual(
      value("nodejs_heap_size_used_bytes"),
    );
    expect(value("process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(value("nodejs_eventloop_lag_p99_seconds")).toBeGreaterThanOrEqual(0);
    expect(text).toContain("# TYPE nodejs_gc_duration_seconds histogram");
    expect(text.match(/^# TYPE nodejs_heap_size_used_bytes /gm)).toHaveLength(1);
  });
});
