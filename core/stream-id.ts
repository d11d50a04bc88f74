/**
 * Redis stream ids, `<ms>-<seq>`: the one type and the one set of rules every part uses
 * (the aggregator's events cursor, the API replicas' change-feed position and continue
 * tokens, the metrics exporter's point timestamps). Ids are compared numerically, as
 * bigints: string order is wrong for ids of different lengths (`9-0` < `10-0`).
 */

/** A Redis stream id exactly as Redis writes it. */
export type StreamId = string;

/** The two numbers of a stream id. */
export interface StreamIdParts {
  readonly ms: bigint;
  readonly seq: bigint;
}

/** Before any entry: reading after it returns the whole stream. */
export const STREAM_START: StreamId = "0-0";

/** A malformed stream id (e.g. `$`, `12`, `a-b`). */
export class StreamIdError extends Error {
  override readonly name = "StreamIdError";
}

// Redis ids are two unsigned 64-bit integers: at most 20 decimal digits each.
const STREAM_ID = /^([0-9]{1,20})-([0-9]{1,20})$/;

export function isStreamId(text: string): text is StreamId {
  return STREAM_ID.test(text);
}

/** The parts of `id`; throws `StreamIdError` when it is not `<ms>-<seq>`. */
export function parseStreamId(id: string): StreamIdParts {
  const match = STREAM_ID.exec(id);
  if (match === null) throw new StreamIdError(`not a stream id: ${JSON.stringify(id)}`);
  return { ms: BigInt(match[1] ?? "0"), seq: BigInt(match[2] ?? "0") };
}

/**
 * Negative, zero or positive as `a` is before, equal to or after `b`.
 * Throws `StreamIdError` on a malformed id.
 */
export function compareStreamIds(a: StreamId, b: StreamId): number {
  const left = parseStreamId(a);
  const right = parseStreamId(b);
  if (left.ms !== right.ms) return left.ms < right.ms ? -1 : 1;
  if (left.seq !== right.seq) return left.seq < right.seq ? -1 : 1;
  return 0;
}

/** Milliseconds part of a stream id, i.e. when Redis appended the entry. */
export function streamIdMs(id: StreamId): number {
  return Number(parseStreamId(id).ms);
}
