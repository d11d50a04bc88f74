/**
 * Reads the `events` stream with XREAD BLOCK on a connection of its own (a blocking read
 * occupies it). Also reports when entries after the cursor were trimmed away (the stream is
 * capped), because then the state can no longer be brought up to date from the stream.
 */
import type { RedisConnection } from "../core/redis-connection.js";
import { pipelineValues } from "../core/pipeline-results.js";
import { entriesOf, type RawStreamEntry, type XReadReply } from "../core/stream-entry.js";
import { compareStreamIds, STREAM_START, type StreamId } from "../core/stream-id.js";

/** Entries per XREAD: large enough to amortize the commit, small enough to keep MULTI short. */
export const DEFAULT_READ_COUNT = 500;
/** How long one XREAD waits for new entries before the loop checks on the state. */
export const DEFAULT_BLOCK_MS = 2000;

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

  async read(cursor: StreamId): Promise<EventBatch> {
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
    const [first, read] = pipelineValues(results, 2);
    const oldest = (first as RawStreamEntry[] | undefined)?.[0]?.[0];
    const gap = cursor !== STREAM_START && oldest !== undefined && compareStreamIds(oldest, cursor) > 0;
    return { entries: entriesOf((read ?? null) as XReadReply), gap };
  }
}
