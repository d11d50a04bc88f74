/**
 * Redis stream ids (`<ms>-<seq>`) of the `changes` feed. They order the feed identically
 * for every API replica, so they serve as the list position inside continue tokens.
 */
export type StreamId = string;

/** Before any entry: reading after it returns the whole stream. */
export const STREAM_START: StreamId = "0-0";

const STREAM_ID = /^([0-9]{1,20})-([0-9]{1,20})$/;

export function isStreamId(text: string): boolean {
  return STREAM_ID.test(text);
}

/** Negative, zero or positive as `a` is before, equal to or after `b`. Throws on a malformed id. */
export function compareStreamIds(a: StreamId, b: StreamId): number {
  const [aMs, aSeq] = parts(a);
  const [bMs, bSeq] = parts(b);
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  if (aSeq !== bSeq) return aSeq < bSeq ? -1 : 1;
  return 0;
}

function parts(id: StreamId): [bigint, bigint] {
  const match = STREAM_ID.exec(id);
  if (match === null) throw new RangeError(`not a stream id: ${JSON.stringify(id)}`);
  return [BigInt(match[1] ?? "0"), BigInt(match[2] ?? "0")];
}
