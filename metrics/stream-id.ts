/**
 * Redis stream ids (`<ms>-<seq>`) as point timestamps. A stream id is unique within its
 * stream and each kind has its own stream (and its own `kind` tag), so a nanosecond
 * timestamp of `ms * 1e6 + seq` gives every entry its own point: N events in one
 * millisecond give N points, and re-reading an entry after a restart rewrites the same
 * point instead of adding one (InfluxDB keys points by measurement, tags and time).
 */

/** Sequence numbers at or above this would spill into the next millisecond's timestamps. */
export const MAX_SEQUENCE_PER_MS = 1_000_000;

export interface StreamId {
  readonly ms: bigint;
  readonly seq: bigint;
}

export class StreamIdError extends Error {
  override readonly name = "StreamIdError";
}

export function parseStreamId(id: string): StreamId {
  const match = /^([0-9]+)-([0-9]+)$/.exec(id);
  if (match === null) throw new StreamIdError(`not a stream id: "${id}"`);
  return { ms: BigInt(match[1] ?? "0"), seq: BigInt(match[2] ?? "0") };
}

/**
 * Nanosecond timestamp (decimal string, as line protocol wants) of a stream entry.
 * A sequence beyond {@link MAX_SEQUENCE_PER_MS} (a million XADDs in one millisecond, which
 * Redis cannot do) is clamped rather than allowed to collide with the next millisecond.
 */
export function streamIdToNanos(id: string): string {
  const { ms, seq } = parseStreamId(id);
  const clamped = seq < BigInt(MAX_SEQUENCE_PER_MS) ? seq : BigInt(MAX_SEQUENCE_PER_MS - 1);
  return (ms * 1_000_000n + clamped).toString();
}

/** Milliseconds part of a stream id, i.e. when Redis appended the entry. */
export function streamIdMs(id: string): number {
  return Number(parseStreamId(id).ms);
}

/** Orders stream ids numerically (string order is wrong for ids of different lengths). */
export function compareStreamIds(a: string, b: string): number {
  const left = parseStreamId(a);
  const right = parseStreamId(b);
  if (left.ms !== right.ms) return left.ms < right.ms ? -1 : 1;
  if (left.seq !== right.seq) return left.seq < right.seq ? -1 : 1;
  return 0;
}
