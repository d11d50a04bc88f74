/**
 * Follows one kind's `events` and `verifications` streams (one blocking XREAD over both:
 * they share the kind's hash tag, so this is legal in Redis Cluster) and pushes a point per
 * entry into the buffer. It never waits on InfluxDB: pushing is synchronous and the buffer
 * drops rather than blocks, so reading keeps pace with the streams whatever InfluxDB does.
 *
 * The reader's position lives in memory; the persisted cursor (metrics-cursor.ts) trails it
 * until the points are done, and is where a restart resumes.
 */
import type { Point } from "@influxdata/influxdb-client";
import { sleep } from "../core/backoff.js";
import type { KindSpec } from "../core/kinds.js";
import type { Logger } from "../core/logger.js";
import type { RedisConnection } from "../core/redis-connection.js";
import type { KindKeys } from "../core/redis-keys.js";
import { EVENTS_CURSOR_FIELD, loadCursors, VERIFICATIONS_CURSOR_FIELD } from "./metrics-cursor.js";
import type { PointBuffer } from "./point-buffer.js";
import { eventPoint, verificationPoint } from "./stream-entry-points.js";
import type { FlatFields, XReadReply } from "../core/stream-entry.js";
import type { StreamId } from "../core/stream-id.js";

/** Entries per XREAD: large enough to catch up fast after a pause, small enough to keep replies modest. */
export const READ_COUNT = 1000;
/** XREAD BLOCK timeout: bounds how long stop waits for a quiet stream. */
export const READ_BLOCK_MS = 1000;
/** Pause after a failed XREAD (e.g. a Redis error reply) so a persistent error does not spin. */
export const READ_ERROR_PAUSE_MS = 1000;

export interface StreamReaderOptions {
  readonly kind: KindSpec;
  readonly keys: KindKeys;
  readonly cursorKey: string;
  /** A connection of its own: XREAD BLOCK occupies it. */
  readonly redis: RedisConnection;
  readonly buffer: PointBuffer;
  readonly logger: Logger;
}

export class StreamReader {
  entriesRead = 0;
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: StreamReaderOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** Ends the loop; the caller disconnects the connection to cut a pending XREAD short. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    const { redis, keys, cursorKey, logger } = this.options;
    let cursors: { events: string; verifications: string };
    try {
      cursors = { ...(await loadCursors(redis, cursorKey)) };
    } catch (error) {
      if (!this.stopped) logger.error({ err: error }, "loading metrics cursors failed");
      return;
    }
    logger.info({ cursors }, "metrics reader starting");
    while (!this.stopped) {
      let reply: XReadReply;
      try {
        reply = await redis.xread(
          "COUNT",
          READ_COUNT,
          "BLOCK",
          READ_BLOCK_MS,
          "STREAMS",
          keys.events,
          keys.verifications,
          cursors.events,
          cursors.verifications,
        );
      } catch (error) {
        if (this.stopped) return;
        logger.warn({ err: error }, "XREAD failed; retrying");
        await sleep(READ_ERROR_PAUSE_MS);
        continue;
      }
      for (const [stream, entries] of reply ?? []) {
        const isEvents = stream === keys.events;
        for (const [id, fields] of entries) {
          this.entriesRead += 1;
          this.push(isEvents, id, fields);
          if (isEvents) cursors.events = id;
          else cursors.verifications = id;
        }
      }
    }
  }

  private push(isEvents: boolean, id: StreamId, fields: FlatFields): void {
    const { kind, cursorKey, buffer } = this.options;
    let point: Point | undefined;
    try {
      point = isEvents ? eventPoint(kind.id, id, fields) : verificationPoint(kind.id, id, fields);
    } catch (error) {
      this.options.logger.warn({ err: error, id }, "skipping an unreadable stream entry");
    }
    const line = point?.toLineProtocol();
    if (line === undefined) return;
    buffer.push(line, { cursorKey, stream: isEvents ? EVENTS_CURSOR_FIELD : VERIFICATIONS_CURSOR_FIELD, id });
  }
}
