/**
 * `krm metrics`: reads every kind's event and verification streams and samples watch and
 * cache health from Redis, and writes points to InfluxDB (schema: SCHEMA.md, schema.ts).
 *
 * Reading and writing are decoupled by a bounded buffer: the readers never wait on
 * InfluxDB, so a down or slow InfluxDB never slows anything that caching depends on —
 * points pile up to the bound, then the oldest are dropped and counted (krm_exporter
 * `dropped_points`, a warning in the log, and `stats()`).
 */
import { setLogger } from "@influxdata/influxdb-client";
import type { KindSpec } from "../core/kinds.js";
import type { Logger } from "../core/logger.js";
import { createRedis, type RedisConnection } from "../core/redis-connection.js";
import { reportRedisErrors } from "../core/redis-health.js";
import { KEY_PREFIX, kindKeys } from "../core/redis-keys.js";
import type { RunningPart } from "../core/running-part.js";
import { createInfluxWriter } from "./create-writer.js";
import { Flusher } from "./flusher.js";
import { DEFAULT_SAMPLE_INTERVAL_MS, HealthSampler } from "./health-sampler.js";
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_MAX_BUFFERED_POINTS,
  type InfluxOptions,
} from "./influx-options.js";
import { metricsCursorKey, saveCursors } from "./metrics-cursor.js";
import { PointBuffer } from "./point-buffer.js";
import type { ExporterStats } from "./sampled-points.js";
import { StreamReader } from "./stream-reader.js";

export interface MetricsExporterOptions {
  kinds: KindSpec[];
  redisUrl: string;
  logger: Logger;
  influx: InfluxOptions;
  keyPrefix?: string;
  /** How often watch/cache/exporter health is sampled (default 10 s). */
  sampleIntervalMs?: number;
  /** Milliseconds clock for sampled points. */
  now?: () => number;
}

/** The running exporter; `stats()` exposes its counters (tests, health). */
export interface MetricsExporter extends RunningPart {
  stats(): ExporterStats;
}

/**
 * Starts the exporter. Resolves at once: neither Redis nor InfluxDB need to be up (readers
 * wait for Redis, the writer retries InfluxDB).
 */
export function startMetricsExporter(options: MetricsExporterOptions): Promise<MetricsExporter> {
  const { logger, influx } = options;
  const prefix = options.keyPrefix ?? KEY_PREFIX;
  const batchSize = influx.batchSize ?? DEFAULT_BATCH_SIZE;
  routeLibraryLogs(logger);

  const buffer = new PointBuffer(influx.maxBufferedPoints ?? DEFAULT_MAX_BUFFERED_POINTS, batchSize);
  const commands = createRedis(options.redisUrl, "krm-metrics");
  reportRedisErrors(commands, logger);
  const readerConnections: RedisConnection[] = [];
  const writer = createInfluxWriter(influx, (api, version) =>
    logger.info({ api, version: version === "" ? "unknown" : version }, "InfluxDB write API detected"),
  );
  const flusher = new Flusher({
    buffer,
    writer,
    logger,
    batchSize,
    flushIntervalMs: influx.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
    commitProgress: (origins) => saveCursors(commands, origins),
  });

  const kinds = options.kinds.map((kind) => ({ kind, keys: kindKeys(kind, prefix) }));
  const readers = kinds.map(({ kind, keys }) => {
    const redis = createRedis(options.redisUrl, `krm-metrics-${kind.id}`);
    redis.on("error", (error: unknown) =>
      logger.debug({ err: error, kind: kind.id }, "redis connection error"),
    );
    readerConnections.push(redis);
    return new StreamReader({
      kind,
      keys,
      cursorKey: metricsCursorKey(kind, prefix),
      redis,
      buffer,
      logger: logger.child({ kind: kind.id }),
    });
  });
  const stats = (): ExporterStats => ({
    bufferedPoints: buffer.size,
    writtenPoints: flusher.written,
    droppedPoints: buffer.dropped,
    rejectedPoints: flusher.rejected,
    writeErrors: flusher.writeErrors,
    entriesRead: readers.reduce((sum, reader) => sum + reader.entriesRead, 0),
  });
  const sampler = new HealthSampler({
    kinds,
    redis: commands,
    buffer,
    stats,
    logger,
    intervalMs: options.sampleIntervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS,
    now: options.now ?? Date.now,
  });

  for (const reader of readers) reader.start();
  flusher.start();
  sampler.start();
  logger.info({ kinds: options.kinds.map((k) => k.id), influx: influx.url }, "metrics exporter started");

  let stopping: Promise<void> | undefined;
  return Promise.resolve({
    name: "metrics",
    stats,
    stop: () =>
      (stopping ??= (async () => {
        await sampler.stop();
        // Cut pending XREAD BLOCKs short, then let the loops see `stopped`.
        const readersStopped = Promise.all(readers.map((reader) => reader.stop()));
        for (const connection of readerConnections) connection.disconnect();
        await readersStopped;
        await flusher.stop();
        await writer.close();
        await commands.quit().catch(() => undefined);
        logger.info(stats(), "metrics exporter stopped");
      })()),
  });
}

/** The client library logs write failures to the console; ours are logged by the flusher already. */
function routeLibraryLogs(logger: Logger): void {
  setLogger({
    error: (message: string, error?: unknown) => logger.debug({ err: error }, `influxdb-client: ${message}`),
    warn: (message: string, error?: unknown) => logger.debug({ err: error }, `influxdb-client: ${message}`),
  });
}
