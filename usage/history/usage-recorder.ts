/**
 * Usage history: every `intervalMs` (default 60 s) the ledger's per-hour totals of the last
 * hours are written to InfluxDB as `krm_usage` points (usage-points.ts, metrics/SCHEMA.md
 * "Usage"), through metrics/periodic-writer.ts. Each point is keyed by its hour, so rewriting
 * an hour replaces it: the open hour grows sample by sample, and an hour the ledger credits
 * late (a feed caught up after an outage) is corrected by the next sample that covers it.
 *
 * Which hours a sample covers: the last {@link DEFAULT_USAGE_LOOKBACK_HOURS}, and also every
 * hour since the first one not yet acknowledged by InfluxDB (after start: the last
 * {@link DEFAULT_USAGE_BACKFILL_HOURS}), so neither a restart nor an InfluxDB outage shorter
 * than the backfill leaves holes. Once every {@link FULL_REWRITE_MS} a sample rewrites the
 * whole backfill: the ledger may credit hours further back (its first reconciliation, a feed
 * caught up after an outage), and those points are then right within the hour. An empty
 * sample (nothing in the ledger yet) acknowledges nothing.
 */
import type { Logger } from "../../core/logger.js";
import { createRedis } from "../../core/redis-connection.js";
import { reportRedisErrors } from "../../core/redis-health.js";
import { ledgerKeys } from "../../core/redis-keys.js";
import type { RunningPart } from "../../core/running-part.js";
import type { InfluxOptions } from "../../metrics/influx-options.js";
import { startPeriodicWriter } from "../../metrics/periodic-writer.js";
import { HOUR_MS, readHourlyTotals } from "../ledger/ledger-reader.js";
import { usagePoints } from "./usage-points.js";

/** Hourly figures change within the hour; a minute is fresh enough for an hourly chart. */
export const DEFAULT_USAGE_SAMPLE_MS = 60_000;
/** Hours rewritten by every sample: the open hour and the two before it (late credits). */
export const DEFAULT_USAGE_LOOKBACK_HOURS = 3;
/** Hours written after a start or an InfluxDB outage: three days cover a weekend. */
export const DEFAULT_USAGE_BACKFILL_HOURS = 72;
/** How often the whole backfill is rewritten. */
export const FULL_REWRITE_MS = 3_600_000;

export interface UsageRecorderOptions {
  readonly influx: InfluxOptions;
  readonly redisUrl: string;
  readonly keyPrefix?: string;
  readonly logger: Logger;
  readonly intervalMs?: number;
  readonly lookbackHours?: number;
  readonly backfillHours?: number;
  readonly now?: () => number;
}

export interface UsageRecorder extends RunningPart {
  /** Writes one sample now; true once InfluxDB acknowledged it. */
  sample(): Promise<boolean>;
}

export function startUsageRecorder(options: UsageRecorderOptions): UsageRecorder {
  const redis = createRedis(options.redisUrl, "krm-usage-history");
  reportRedisErrors(redis, options.logger);
  const keys = ledgerKeys(options.keyPrefix);
  const now = options.now ?? Date.now;
  const hourOf = (ms: number): number => Math.floor(ms / HOUR_MS) * HOUR_MS;
  const lookback = (options.lookbackHours ?? DEFAULT_USAGE_LOOKBACK_HOURS) - 1;
  const backfill = options.backfillHours ?? DEFAULT_USAGE_BACKFILL_HOURS;
  /** The first hour not yet acknowledged by InfluxDB. */
  let unwrittenFrom = hourOf(now()) - backfill * HOUR_MS;
  let lastFullAt = Number.NEGATIVE_INFINITY;
  /** What the sample in flight covers: whether it is a full rewrite, and whether it had points. */
  let pending = { full: false, empty: true };
  const writer = startPeriodicWriter({
    influx: options.influx,
    logger: options.logger,
    what: "usage history",
    intervalMs: options.intervalMs ?? DEFAULT_USAGE_SAMPLE_MS,
    now,
    points: async (at) => {
      const current = hourOf(at);
      const oldest = current - backfill * HOUR_MS;
      const full = at - lastFullAt >= FULL_REWRITE_MS;
      const fromMs = full ? oldest : Math.max(Math.min(unwrittenFrom, current - lookback * HOUR_MS), oldest);
      const points = usagePoints(
        await readHourlyTotals(redis, keys, { fromMs, toMs: current + HOUR_MS }, at),
        at,
      );
      pending = { full, empty: points.length === 0 };
      return points;
    },
    written: (at) => {
      if (pending.empty) return;
      unwrittenFrom = hourOf(at);
      if (pending.full) lastFullAt = at;
    },
  });
  return {
    name: "usage-history",
    sample: () => writer.sample(),
    stop: async () => {
      // Commands queued while Redis is down fail now, so a sample in flight cannot hold up the stop.
      redis.disconnect();
      await writer.stop();
    },
  };
}
