/**
 * Drains the point buffer into InfluxDB: a batch when `batchSize` points wait or every
 * `flushIntervalMs`, whichever comes first. A failed write keeps the batch in the buffer
 * and is retried after a capped, jittered backoff; meanwhile the reader keeps pushing and
 * the buffer drops its oldest points once full (counted). A batch InfluxDB refuses as
 * invalid is dropped as rejected: retrying it can never succeed.
 *
 * After each step the cursors of the stream entries whose points are done (written,
 * rejected or dropped) are handed to `commitProgress`, so a restart resumes after them.
 */
import { Backoff, sleep as realSleep, type Sleep } from "../core/backoff.js";
import type { Logger } from "../core/logger.js";
import { InfluxWriteError, type InfluxWriter } from "./influx-writer.js";
import type { PointBuffer, PointOrigin } from "./point-buffer.js";

/** First retry after a failed write: a restarting InfluxDB is usually back within seconds. */
export const WRITE_RETRY_INITIAL_MS = 500;
/** Retries never wait longer, so a recovered InfluxDB gets points within ten seconds. */
export const WRITE_RETRY_CAP_MS = 10_000;
/** Dropped points are logged at most this often, with the count since the last log line. */
export const DROP_LOG_INTERVAL_MS = 10_000;

export interface FlusherOptions {
  readonly buffer: PointBuffer;
  readonly writer: InfluxWriter;
  readonly logger: Logger;
  readonly batchSize: number;
  readonly flushIntervalMs: number;
  /** Persists stream cursors; a failure is logged and retried with the next progress. */
  readonly commitProgress: (origins: readonly PointOrigin[]) => Promise<void>;
  readonly backoff?: Backoff;
  readonly sleep?: Sleep;
  readonly now?: () => number;
}

export type FlushOutcome = "idle" | "written" | "failed" | "rejected";

export class Flusher {
  written = 0;
  rejected = 0;
  writeErrors = 0;
  private readonly backoff: Backoff;
  private readonly sleep: Sleep;
  private readonly now: () => number;
  private wakeController = new AbortController();
  private readonly stopController = new AbortController();
  private loop: Promise<void> | undefined;
  private droppedLogged = 0;
  private dropLoggedAt = Number.NEGATIVE_INFINITY;
  private pendingProgress: PointOrigin[] = [];

  constructor(private readonly options: FlusherOptions) {
    this.backoff =
      options.backoff ??
      new Backoff({ initialMs: WRITE_RETRY_INITIAL_MS, capMs: WRITE_RETRY_CAP_MS, jitter: 0.5 });
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? Date.now;
    options.buffer.onFill = () => this.wake();
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Starts the next batch now instead of at the next interval (the buffer filled up). */
  wake(): void {
    this.wakeController.abort();
  }

  /**
   * Stops the loop, then drains the buffer while InfluxDB accepts (the first failure ends
   * it: stop must not hang on a down InfluxDB), and persists the cursors.
   */
  async stop(): Promise<void> {
    this.stopController.abort();
    this.wake();
    await this.loop;
    let outcome: FlushOutcome = "written";
    while (this.options.buffer.size > 0 && outcome === "written") outcome = await this.flushOnce();
    await this.commit();
  }

  /** One write attempt of the oldest batch. */
  async flushOnce(): Promise<FlushOutcome> {
    const { buffer, writer, batchSize, logger } = this.options;
    const batch = buffer.peek(batchSize);
    let outcome: FlushOutcome = "idle";
    if (batch.lines.length > 0) {
      try {
        await writer.write(batch.lines);
        buffer.release(batch);
        this.written += batch.lines.length;
        this.backoff.reset();
        outcome = "written";
      } catch (error) {
        if (error instanceof InfluxWriteError && !error.retriable) {
          buffer.release(batch);
          this.rejected += batch.lines.length;
          logger.error({ err: error, points: batch.lines.length }, "InfluxDB rejected a batch; dropped it");
          outcome = "rejected";
        } else {
          this.writeErrors += 1;
          logger.warn({ err: error, buffered: buffer.size }, "InfluxDB write failed; will retry");
          outcome = "failed";
        }
      }
    }
    this.logDrops();
    await this.commit();
    return outcome;
  }

  private async run(): Promise<void> {
    const stopped = this.stopController.signal;
    while (!stopped.aborted) {
      const wake = this.wakeController;
      if (this.options.buffer.size < this.options.batchSize && !wake.signal.aborted) {
        await this.sleep(this.options.flushIntervalMs, wake.signal);
      }
      this.wakeController = new AbortController();
      if (stopped.aborted) break;
      if ((await this.flushOnce()) === "failed") await this.sleep(this.backoff.nextDelayMs(), stopped);
    }
  }

  private async commit(): Promise<void> {
    this.pendingProgress = mergeProgress(this.pendingProgress, this.options.buffer.takeProgress());
    if (this.pendingProgress.length === 0) return;
    const progress = this.pendingProgress;
    try {
      await this.options.commitProgress(progress);
      if (this.pendingProgress === progress) this.pendingProgress = [];
    } catch (error) {
      this.options.logger.warn({ err: error }, "saving metrics cursors failed; will retry");
    }
  }

  private logDrops(): void {
    const dropped = this.options.buffer.dropped;
    if (dropped === this.droppedLogged || this.now() - this.dropLoggedAt < DROP_LOG_INTERVAL_MS) return;
    this.options.logger.warn(
      {
        dropped: dropped - this.droppedLogged,
        droppedTotal: dropped,
        capacity: this.options.buffer.capacity,
      },
      "metrics buffer full: dropped oldest points",
    );
    this.droppedLogged = dropped;
    this.dropLoggedAt = this.now();
  }
}

/** Later progress of the same stream replaces earlier. */
function mergeProgress(older: readonly PointOrigin[], newer: readonly PointOrigin[]): PointOrigin[] {
  const merged = new Map<string, PointOrigin>();
  for (const origin of [...older, ...newer]) merged.set(`${origin.cursorKey}\n${origin.stream}`, origin);
  return [...merged.values()];
}
