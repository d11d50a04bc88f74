import { describe, expect, it } from "vitest";
import { cachePoint, exporterPoint, watchPoint } from "./sampled-points.js";

const NOW = 1_700_000_010_000;

describe("sampled points", () => {
  it("watch health: connected flag, cumulative counters, ages against the sampling clock", () => {
    const watch = {
      connected: "1",
      reconnects: "3",
      gones: "1",
      lastEventAt: String(NOW - 250),
      lastBookmarkAt: String(NOW - 4000),
    };
    expect(watchPoint("pods", watch, NOW)?.toLineProtocol()).toBe(
      `krm_watch,kind=pods bookmark_age_ms=4000i,connected=1i,gones=1i,last_event_age_ms=250i,reconnects=3i ${NOW}000000`,
    );
  });

  it("no bookmark yet: the age is absent, not zero", () => {
    const line =
      watchPoint("pods", { connected: "0", reconnects: "0", gones: "0" }, NOW)?.toLineProtocol() ?? "";
    expect(line).not.toContain("bookmark_age_ms");
    expect(line).toContain("connected=0i");
  });

  it("a missing hash gives no point rather than zeros that look healthy", () => {
    expect(watchPoint("pods", {}, NOW)).toBeUndefined();
    expect(cachePoint("pods", {}, NOW)).toBeUndefined();
  });

  it("cache: objects and freshness ages", () => {
    const meta = {
      objectCount: "42",
      verifiedAt: String(NOW - 12_000),
      lastEventObservedAt: String(NOW - 30),
      epoch: "1",
    };
    expect(cachePoint("deployments.apps", meta, NOW)?.toLineProtocol()).toBe(
      `krm_cache,kind=deployments.apps last_event_age_ms=30i,objects=42i,verified_age_ms=12000i ${NOW}000000`,
    );
  });

  it("exporter counters", () => {
    const stats = {
      bufferedPoints: 5,
      writtenPoints: 100,
      droppedPoints: 7,
      rejectedPoints: 0,
      writeErrors: 2,
      entriesRead: 110,
    };
    expect(exporterPoint(stats, NOW).toLineProtocol()).toBe(
      `krm_exporter buffered_points=5i,dropped_points=7i,entries_read=110i,rejected_points=0i,write_errors=2i,written_points=100i ${NOW}000000`,
    );
  });
});
