/**
 * Every `intervalMs`, samples each kind's `watch` and `state-meta` hashes and the exporter's
 * own counters into the buffer (krm_watch, krm_cache, krm_exporter). Sampled gauges need no
 * cursor: a sample missed while stopped is simply not there.
 */
import type { KindSpec } from "../core/kinds.js";
import type { Logger } from "../core/logger.js";
import type { RedisConnection } from "../core/redis-connection.js";
import type { KindKeys } from "../core/redis-keys.js";
import type { PointBuffer } from "./point-buffer.js";
import { cachePoint, exporterPoint, watchPoint, type ExporterStats } from "./sampled-points.js";

/** Dashboards plot health at 10 s resolution; sampling more often only adds points. */
export const DEFAULT_SAMPLE_INTERVAL_MS = 10_000;

export interface HealthSamplerOptions {
  readonly kinds: readonly { readonly kind: KindSpec; readonly keys: KindKeys }[];
  readonly redis: RedisConnection;
  readonly buffer: PointBuffer;
  readonly stats: () => ExporterStats;
  readonly logger: Logger;
  readonly intervalMs: number;
  readonly now: () => number;
}

export class HealthSampler {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly options: HealthSamplerOptions) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      this.inFlight ??= this.sampleOnce().finally(() => {
        this.inFlight = undefined;
      });
    }, this.options.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }

  /** Reads every kind's hashes and pushes the points; a Redis failure skips this sample. */
  async sampleOnce(): Promise<void> {
    const { kinds, redis, buffer, logger } = this.options;
    try {
      const hashes = await Promise.all(
        kinds.map(async ({ keys }) => [await redis.hgetall(keys.watch), await redis.hgetall(keys.stateMeta)]),
      );
      const now = this.options.now();
      kinds.forEach(({ kind }, i) => {
        const [watch = {}, stateMeta = {}] = hashes[i] ?? [];
        for (const point of [watchPoint(kind.id, watch, now), cachePoint(kind.id, stateMeta, now)]) {
          const line = point?.toLineProtocol();
          if (line !== undefined) buffer.push(line);
        }
      });
      const exporterLine = exporterPoint(this.options.stats(), now).toLineProtocol();
      if (exporterLine !== undefined) buffer.push(exporterLine);
    } catch (error) {
      logger.warn({ err: error }, "sampling watch/cache health failed");
    }
  }
}
