/**
 * Appends watch events to the kind's `events` stream: one XADD per event (MAXLEN ~ cap),
 * pipelined — commands are written without waiting for each reply, in order, on one
 * connection — with a bound on unanswered commands so a slow Redis slows the watch
 * instead of growing memory without limit.
 */
import type { RedisConnection } from "../core/redis-connection.js";
import { recordFields } from "../core/record-codecs.js";
import type { EventEntry, WatchEventType } from "../core/records.js";

/** Unanswered XADDs allowed before `append` waits for Redis to catch up. */
export const MAX_IN_FLIGHT = 512;

export interface EventWriterOptions {
  readonly redis: RedisConnection;
  readonly streamKey: string;
  readonly maxLength: number;
  readonly now?: () => number;
}

/** An XADD failed: an event may be missing from the stream, so the streamer must relist. */
export class EventWriteError extends Error {
  override readonly name = "EventWriteError";
}

export class EventWriter {
  private inFlight: Promise<unknown>[] = [];
  private failure: unknown;

  constructor(private readonly options: EventWriterOptions) {}

  /** Queues one event. Throws if an earlier append failed (the caller must relist). */
  async append(type: WatchEventType, rv: string, objectJson: string, observedAt: number): Promise<void> {
    this.throwIfFailed();
    const { redis, streamKey, maxLength } = this.options;
    const entry: EventEntry = { type, rv, observed: String(observedAt), object: objectJson };
    const written = redis
      .xadd(streamKey, "MAXLEN", "~", maxLength, "*", ...recordFields(entry))
      .catch((error: unknown) => {
        this.failure ??= error;
      });
    this.inFlight.push(written);
    if (this.inFlight.length >= MAX_IN_FLIGHT) await this.drain();
  }

  /** Resolves once every queued event is in Redis; throws if any failed. */
  async drain(): Promise<void> {
    const pending = this.inFlight;
    this.inFlight = [];
    await Promise.all(pending);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure === undefined) return;
    const failure = this.failure;
    this.failure = undefined;
    throw new EventWriteError(
      `appending to the events stream failed: ${failure instanceof Error ? failure.message : "unknown error"}`,
      {
        cause: failure,
      },
    );
  }
}
