/**
 * Points sampled on a timer rather than per stream entry: a kind's watch health (`watch`
 * hash), its served state (`state-meta` hash), and the exporter's own counters. Ages are
 * measured against the exporter's clock at sampling time; a hash that is missing (the part
 * has not run yet, or Redis was flushed) gives no point rather than zeros that look healthy.
 */
import { Point } from "@influxdata/influxdb-client";
import { decodeStateMeta, decodeWatchHealth } from "../core/record-codecs.js";
import { msToNanos } from "./point-timestamp.js";
import { CACHE, EXPORTER, TAG_KIND, WATCH } from "./schema.js";

/** A hash as HGETALL returns it (empty object when the key does not exist). */
export type HashFields = Readonly<Record<string, string>>;

export function watchPoint(kindId: string, raw: HashFields, nowMs: number): Point | undefined {
  const watch = decodeWatchHealth(raw);
  if (watch === undefined) return undefined;
  const point = new Point(WATCH)
    .tag(TAG_KIND, kindId)
    .intField("connected", watch.connected === "1" ? 1 : 0)
    .timestamp(msToNanos(nowMs));
  setInt(point, "reconnects", watch.reconnects);
  setInt(point, "gones", watch.gones);
  setAge(point, "bookmark_age_ms", watch.lastBookmarkAt, nowMs);
  setAge(point, "last_event_age_ms", watch.lastEventAt, nowMs);
  return point;
}

export function cachePoint(kindId: string, raw: HashFields, nowMs: number): Point | undefined {
  const stateMeta = decodeStateMeta(raw);
  if (stateMeta === undefined || stateMeta.objectCount === "") return undefined;
  const point = new Point(CACHE).tag(TAG_KIND, kindId).timestamp(msToNanos(nowMs));
  setInt(point, "objects", stateMeta.objectCount);
  setAge(point, "verified_age_ms", stateMeta.verifiedAt, nowMs);
  setAge(point, "last_event_age_ms", stateMeta.lastEventObservedAt, nowMs);
  return point;
}

/** Counters of the exporter since it started (cumulative, reset by a restart). */
export interface ExporterStats {
  /** Points waiting in the bounded buffer. */
  readonly bufferedPoints: number;
  /** Points InfluxDB acknowledged. */
  readonly writtenPoints: number;
  /** Points dropped because the buffer was full (InfluxDB down or too slow). */
  readonly droppedPoints: number;
  /** Points InfluxDB refused as invalid (4xx other than retriable ones); not retried. */
  readonly rejectedPoints: number;
  /** Failed write attempts (each retried after a backoff). */
  readonly writeErrors: number;
  /** Stream entries read from Redis. */
  readonly entriesRead: number;
}

export function exporterPoint(stats: ExporterStats, nowMs: number): Point {
  return new Point(EXPORTER)
    .intField("buffered_points", stats.bufferedPoints)
    .intField("written_points", stats.writtenPoints)
    .intField("dropped_points", stats.droppedPoints)
    .intField("rejected_points", stats.rejectedPoints)
    .intField("write_errors", stats.writeErrors)
    .intField("entries_read", stats.entriesRead)
    .timestamp(msToNanos(nowMs));
}

function setInt(point: Point, field: string, value: string | undefined): void {
  const parsed = Number(value);
  if (value !== undefined && value !== "" && Number.isFinite(parsed)) point.intField(field, parsed);
}

function setAge(point: Point, field: string, sinceMs: string | undefined, nowMs: number): void {
  const since = Number(sinceMs);
  if (sinceMs !== undefined && sinceMs !== "" && Number.isFinite(since)) point.intField(field, nowMs - since);
}
