/**
 * The streamer's `watch` hash (`WatchHealth` in core/records.ts). Counters live in memory
 * and are written at most once per `flushIntervalMs` on the event path, at once on
 * connect/disconnect, so health reporting adds well under one command per event.
 */
import { recordFields } from "../core/record-codecs.js";
import type { WatchHealth } from "../core/records.js";
import type { RedisConnection } from "../core/redis-connection.js";

/** Longest delay before an event's time reaches the `watch` hash. */
export const HEALTH_FLUSH_INTERVAL_MS = 1000;

export class WatchHealthReporter {
  private connected = false;
  private reconnects = 0;
  private gones = 0;
  private lastEventAt: number | undefined;
  private lastBookmarkAt: number | undefined;
  private resourceVersion: string | undefined;
  private lastFlushAt = 0;

  constructor(
    private readonly redis: RedisConnection,
    private readonly key: string,
    private readonly now: () => number = Date.now,
    private readonly flushIntervalMs = HEALTH_FLUSH_INTERVAL_MS,
  ) {}

  get counts(): { reconnects: number; gones: number } {
    return { reconnects: this.reconnects, gones: this.gones };
  }

  setConnected(connected: boolean): void {
    if (connected === this.connected) return;
    this.connected = connected;
    if (!connected) this.reconnects += 1;
    this.flush();
  }

  gone(): void {
    this.gones += 1;
    this.flush();
  }

  event(resourceVersion: string): void {
    this.lastEventAt = this.now();
    this.resourceVersion = resourceVersion;
    this.maybeFlush();
  }

  bookmark(resourceVersion: string): void {
    this.lastBookmarkAt = this.now();
    this.resourceVersion = resourceVersion;
    this.maybeFlush();
  }

  private maybeFlush(): void {
    if (this.now() - this.lastFlushAt >= this.flushIntervalMs) this.flush();
  }

  /** Writes the hash; failures are ignored (health is advisory and rewritten soon). */
  flush(): void {
    this.lastFlushAt = this.now();
    const health: WatchHealth = {
      connected: this.connected ? "1" : "0",
      reconnects: String(this.reconnects),
      gones: String(this.gones),
      ...(this.lastEventAt !== undefined ? { lastEventAt: String(this.lastEventAt) } : {}),
      ...(this.lastBookmarkAt !== undefined ? { lastBookmarkAt: String(this.lastBookmarkAt) } : {}),
      ...(this.resourceVersion !== undefined ? { resourceVersion: this.resourceVersion } : {}),
    };
    this.redis.hset(this.key, ...recordFields(health)).catch(() => undefined);
  }
}
