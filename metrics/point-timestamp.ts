/**
 * Redis stream ids (`<ms>-<seq>`, core/stream-id.ts) as point timestamps. A stream id is
 * unique within its stream and each kind has its own stream (and its own `kind` tag), so a
 * nanosecond timestamp of `ms * 1e6 + seq` gives every entry its own point: N events in one
 * millisecond give N points, and re-reading an entry after a restart rewrites the same
 * point instead of adding one (InfluxDB keys points by measurement, tags and time).
 */
import { parseStreamId, type StreamId } from "../core/stream-id.js";

/** Sequence numbers at or above this would spill into the next millisecond's timestamps. */
export const MAX_SEQUENCE_PER_MS = 1_000_000;

/**
 * Nanosecond timestamp (decimal string, as line protocol wants) of a stream entry.
 * A sequence beyond {@link MAX_SEQUENCE_PER_MS} (a million XADDs in one millisecond, which
 * Redis cannot do) is clamped rather than allowed to collide with the next millisecond.
 */
export function streamIdToNanos(id: StreamId): string {
  const { ms, seq } = parseStreamId(id);
  const clamped = seq < BigInt(MAX_SEQUENCE_PER_MS) ? seq : BigInt(MAX_SEQUENCE_PER_MS - 1);
  return (ms * 1_000_000n + clamped).toString();
}

/** Nanosecond timestamp (decimal string) of a millisecond time, for points sampled at that time. */
export function msToNanos(ms: number): string {
  return (BigInt(Math.trunc(ms)) * 1_000_000n).toString();
}
