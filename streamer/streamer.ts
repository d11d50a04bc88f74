/**
 * The streamer loop for one kind (like client-go's Reflector): sync once — a streaming
 * list where the server supports it, else a paginated LIST — writing the result as a
 * verified snapshot, then watch from its resourceVersion, appending every event to the
 * `events` stream. A clean close (timeoutSeconds) resumes at once from the last
 * resourceVersion; errors resume after a backoff; 410 Gone relists (never skips a gap).
 */
import { Backoff, sleep as defaultSleep, type Sleep } from "../core/backoff.js";
import type { KindSpec } from "../core/kinds.js";
import { isGone, isRetriable, isStreamingListUnsupported } from "../core/kube-errors.js";
import type { Logger } from "../core/logger.js";
import type { ProblemSink } from "../core/problem-sink.js";
import type { SyncProgressSink } from "../core/sync-progress.js";
import { keyOf } from "../core/object-key.js";
import type { SerializedObject } from "../core/snapshot-writer.js";
import { EventWriteError } from "./event-writer.js";
import type { EventSink, HealthSink, KubeSource, SnapshotStaging } from "./ports.js";
import type { WatchEvent } from "./watch-stream.js";

/** Base watch timeout; each watch gets this ±20 % so many streamers do not reconnect together. */
export const DEFAULT_WATCH_TIMEOUT_SECONDS = 300;
/**
 * A watch silent for longer than this is dead (half-open connection). The API server sends
 * bookmarks about once a minute, so 90 s leaves room for one late bookmark.
 */
export const DEFAULT_BOOKMARK_SILENCE_MS = 90_000;

export interface StreamerLoopOptions {
  readonly kind: KindSpec;
  readonly kube: KubeSource;
  readonly logger: Logger;
  readonly writer: EventSink;
  readonly health: HealthSink;
  /** Starts a snapshot (initial list, relist after 410) with `source` "streamer". */
  readonly beginSnapshot: () => SnapshotStaging;
  readonly pageSize?: number;
  /** Told how far each list has come (krm run's startup banner). */
  readonly progress?: SyncProgressSink;
  /** Told of each failure and success, to report cluster problems once for all kinds. */
  readonly problems?: ProblemSink;
  readonly watchTimeoutSeconds?: number;
  readonly bookmarkSilenceMs?: number;
  /** Try the streaming list first (default true); falls back for good once the server rejects it. */
  readonly streamingList?: boolean;
  readonly backoff?: Backoff;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  readonly now?: () => number;
}

/** The server accepted `sendInitialEvents` but did not behave like a streaming list. */
class StreamingListIgnored extends Error {
  override readonly name = "StreamingListIgnored";
}

export class StreamerLoop {
  /** Resume point; undefined means the next watch must be preceded by a (re)list. */
  private resourceVersion: string | undefined;
  private streamingList: boolean;
  /** Set when the current attempt received anything from an open watch. */
  private progressed = false;
  /** The previous attempt ended in 410 Gone. */
  private lastWasGone = false;
  private readonly backoff: Backoff;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(private readonly options: StreamerLoopOptions) {
    this.streamingList = options.streamingList ?? true;
    this.backoff = options.backoff ?? new Backoff();
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  async run(signal: AbortSignal): Promise<void> {
    const { logger, health } = this.options;
    while (!signal.aborted) {
      const initial = this.resourceVersion === undefined;
      const streaming = initial && this.streamingList;
      this.progressed = false;
      try {
        if (initial && !streaming) await this.listSnapshot(signal);
        await this.watch(signal, streaming);
        this.lastWasGone = false;
        health.setConnected(false);
        // Clean close (timeoutSeconds reached): resume at once, like client-go.
      } catch (error) {
        health.setConnected(false);
        if (signal.aborted) break;
        if (streaming && (isStreamingListUnsupported(error) || error instanceof StreamingListIgnored)) {
          logger.info({ err: error }, "server does not support streaming lists; using paginated LIST");
          this.streamingList = false;
          continue;
        }
        if (error instanceof EventWriteError) this.resourceVersion = undefined;
        // A watch that delivered events was healthy, so this failure starts the backoff over.
        if (this.progressed) {
          this.backoff.reset();
          this.lastWasGone = false;
        }
        if (isGone(error)) {
          health.gone();
          logger.info(
            { resourceVersion: this.resourceVersion },
            "watch resourceVersion too old (410 Gone); relisting",
          );
          this.resourceVersion = undefined;
          // The server is fine, only our resourceVersion is old: relist at once, unless the
          // previous attempt was a 410 too (then back off instead of spinning).
          const relistAtOnce = !this.lastWasGone;
          this.lastWasGone = true;
          if (relistAtOnce) continue;
        } else {
          this.lastWasGone = false;
        }
        const delayMs = this.backoff.nextDelayMs();
        const reported = this.options.problems?.failed(this.options.kind.id, error) === true;
        const level = reported ? "debug" : isRetriable(error) || isGone(error) ? "info" : "warn";
        logger[level](
          { err: error, delayMs, resourceVersion: this.resourceVersion },
          "watch ended; resuming after backoff",
        );
        await this.sleep(delayMs, signal);
      }
    }
    await this.options.writer.drain().catch(() => undefined);
  }

  /** Paginated LIST into a snapshot; sets the resume point to the list's resourceVersion. */
  private async listSnapshot(signal: AbortSignal): Promise<void> {
    const staged = this.options.beginSnapshot();
    try {
      const result = await this.options.kube.list({
        ...(this.options.pageSize !== undefined ? { pageSize: this.options.pageSize } : {}),
        signal,
        onPage: async (objects, page) => {
          await staged.add(objects);
          if (page !== undefined) {
            const total = page.remaining === undefined ? undefined : page.listed + page.remaining;
            this.options.progress?.listed(page.listed, total);
          }
        },
        onRestart: () => staged.discard(),
      });
      await staged.commit(result.resourceVersion);
      this.options.problems?.succeeded(this.options.kind.id);
      this.options.progress?.synced(result.count);
      this.resourceVersion = result.resourceVersion;
      this.options.logger.info({ resourceVersion: result.resourceVersion, count: result.count }, "listed");
    } catch (error) {
      await staged.discard().catch(() => undefined);
      throw error;
    }
  }

  /** One watch request, until it ends. With `streaming`, its initial events form a snapshot. */
  private async watch(signal: AbortSignal, streaming: boolean): Promise<void> {
    const { kube, writer, health } = this.options;
    const base = this.options.watchTimeoutSeconds ?? DEFAULT_WATCH_TIMEOUT_SECONDS;
    let staged = streaming ? this.options.beginSnapshot() : undefined;
    let pending: SerializedObject[] = [];
    const pageSize = this.options.pageSize ?? 500;
    try {
      const events = kube.watch({
        ...(this.resourceVersion !== undefined ? { resourceVersion: this.resourceVersion } : {}),
        sendInitialEvents: streaming,
        timeoutSeconds: Math.max(1, Math.round(base * (0.8 + 0.4 * this.random()))),
        silenceMs: this.options.bookmarkSilenceMs ?? DEFAULT_BOOKMARK_SILENCE_MS,
        signal,
        onOpen: () => {
          health.setConnected(true);
          this.options.problems?.succeeded(this.options.kind.id);
        },
      });
      for await (const event of events) {
        this.progressed = true;
        if (staged !== undefined) {
          if (event.type === "BOOKMARK") {
            if (!event.initialEventsEnd)
              throw new StreamingListIgnored("bookmark before the initial-events-end bookmark");
            await staged.addSerialized(pending);
            pending = [];
            await staged.commit(event.resourceVersion);
            this.options.progress?.synced(staged.objectCount);
            this.options.logger.info(
              { resourceVersion: event.resourceVersion, count: staged.objectCount },
              "streaming list done",
            );
            staged = undefined;
            this.resourceVersion = event.resourceVersion;
            health.bookmark(event.resourceVersion);
          } else if (event.type === "ADDED") {
            pending.push([keyOf(event.object), event.json, event.object]);
            if (pending.length >= pageSize) {
              await staged.addSerialized(pending);
              pending = [];
              this.options.progress?.listed(staged.objectCount);
            }
          } else {
            throw new StreamingListIgnored(`${event.type} event before the initial-events-end bookmark`);
          }
          continue;
        }
        await this.handle(event);
      }
      await writer.drain();
    } finally {
      if (staged !== undefined) await staged.discard().catch(() => undefined);
    }
  }

  private async handle(event: WatchEvent): Promise<void> {
    const { writer, health } = this.options;
    if (event.type === "BOOKMARK") {
      // Bookmarks only move the resume point; everything before them was already appended.
      this.resourceVersion = event.resourceVersion;
      health.bookmark(event.resourceVersion);
      return;
    }
    const rv = event.object.metadata.resourceVersion ?? "";
    await writer.append(event.type, rv, event.json, this.now());
    this.resourceVersion = rv;
    health.event(rv);
  }
}
