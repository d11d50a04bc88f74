/**
 * Reads the `events` stream with XREAD BLOCK on a connection of its own (a blocking read
 * occupies it). Also reports when entries after the cursor were trimmed away (the stream is
 * capped), because then the state can no longer be brought up to date from the stream.
 */
import type { RedisConnection } from "../core/redis-connection.js";
import type { RawStreamEntry } from "./event-entries.js";

/** Entries per XREAD: large enough to amortize the commit, small enough to keep MULTI short. */
export const DEFAULT_READ_COUNT = 500;
/** How long one XREAD waits for new entries before the loop checks on the state. */
export const DEFAULT_BLOCK_MS = 2000;
/** The cursor before the first entry of any stream. */
export const STREAM_START = "0-0";

export interface EventBatch {
  readonly entries: RawStreamEntry[];
  /** True when the oldest retained entry is newer than the cursor: entries may have been trimmed. */
  readonly gap: boolean;
}

export class RedisEventSource {
  constructor(
    private readonly redis: RedisConnection,
    private readonly streamKey: string,
    private readonly options: { readonly count?: number; readonly blockMs?: number } = {},
  ) {}

  async read(cursor: string): Promise<EventBatch> {
    const results = await this.redis
      .pipeline()
      .xrange(this.streamKey, "-", "+", "COUNT", 1)
      .xread(
        "COUNT",
        this.options.count ?? DEFAULT_READ_COUNT,
        "BLOCK",
        this.options.blockMs ?? DEFAULT_BLOCK_MS,
        "STREAMS",
        this.streamKey,
        cursor,
      )
      .exec();
    const [first, read] = (results ?? []).map(([error, value]) => {
      if (error !== null) throw error;
      return value;
    });
    const oldest = (first as RawStreamEntry[] | undefined)?.[0]?.[0];
    const gap = cursor !== STREAM_START && oldest !== undefined && compareStreamIds(oldest, cursor) > 0;
    const streams = read as [string, RawStreamEntry[]][] | null | undefined;
    return { entries: streams?.[0]?.[1] ?? [], gap };
  }
}

/** Orders stream ids `ms-seq` numerically. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs = 0n, aSeq = 0n] = a.split("-").map((p) => BigInt(p));
  const [bMs = 0n, bSeq = 0n] = b.split("-").map((p) => BigInt(p));
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  return aSeq === bSeq ? 0 : aSeq < bSeq ? -1 : 1;
}
