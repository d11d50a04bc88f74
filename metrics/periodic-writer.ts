/**
 * Writes a sample of points to InfluxDB every `intervalMs`, for histories read from krm's own
 * state rather than from a stream (capacity history, usage history). Samples never overlap. A
 * failed sample (reading its points, or the write) is logged once a minute at most and dropped:
 * these histories have gaps rather than unbounded buffers, and a sample's points are keyed so a
 * later sample may rewrite them (metrics/SCHEMA.md).
 */
import type { Point } from "@influxdata/influxdb-client";
import type { Logger } from "../core/logger.js";
import { createInfluxWriter } from "./create-writer.js";
import type { InfluxOptions } from "./influx-options.js";

const WARNING_INTERVAL_MS = 60_000;

export interface PeriodicWriterOptions {
  readonly influx: InfluxOptions;
  readonly logger: Logger;
  /** Names the history in warnings ("capacity history"). */
  readonly what: string;
  readonly intervalMs: number;
  /** The points of one sample at `nowMs`. */
  readonly points: (nowMs: number) => readonly Point[] | Promise<readonly Point[]>;
  /** Called once the points of the sample taken at `nowMs` were acknowledged (or there were none). */
  readonly written?: (nowMs: number) => void;
  readonly now?: () => number;
}

export interface PeriodicWriter {
  /** Takes and writes one sample now; resolves true once InfluxDB acknowledged it (or it was empty). */
  sample(): Promise<boolean>;
  stop(): Promise<void>;
}

export function startPeriodicWriter(options: PeriodicWriterOptions): PeriodicWriter {
  const writer = createInfluxWriter(options.influx);
  const now = options.now ?? Date.now;
  let lastWarning = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<boolean> | undefined;
  let stopped = false;
  const sampleOnce = async (): Promise<boolean> => {
    const at = now();
    try {
      const lines = (await options.points(at))
        .map((point) => point.toLineProtocol())
        .filter((line): line is string => line !== undefined);
      if (lines.length > 0) await writer.write(lines);
      options.written?.(at);
      return true;
    } catch (error) {
      if (at - lastWarning >= WARNING_INTERVAL_MS) {
        lastWarning = at;
        options.logger.warn({ err: error }, `${options.what} write failed; sample dropped`);
      }
      return false;
    }
  };
  // One sample at a time: a manual sample() waits for the one in flight, then takes its own.
  const sample = async (): Promise<boolean> => {
    while (running !== undefined) await running;
    running = sampleOnce().finally(() => {
      running = undefined;
    });
    return running;
  };
  const tick = (): void => {
    if (stopped) return;
    void sample().finally(() => {
      if (!stopped) timer = setTimeout(tick, options.intervalMs);
    });
  };
  timer = setTimeout(tick, options.intervalMs);
  return {
    sample,
    stop: async () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
      await writer.close();
    },
  };
}
