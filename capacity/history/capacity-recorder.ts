/**
 * Writes a sample of every pool and consumer to InfluxDB every `intervalMs` (default 10 s,
 * like the exporter's health samples), through metrics/periodic-writer.ts: a failed sample is
 * logged and dropped, so history has gaps rather than unbounded buffers.
 */
import type { Logger } from "../../core/logger.js";
import type { InfluxOptions } from "../../metrics/influx-options.js";
import { startPeriodicWriter, type PeriodicWriter } from "../../metrics/periodic-writer.js";
import type { ServedObject } from "../serve/objects.js";
import { consumerPoints, poolPoints } from "./capacity-points.js";

export const DEFAULT_CAPACITY_SAMPLE_MS = 10_000;

export interface CapacityRecorderOptions {
  readonly influx: InfluxOptions;
  readonly logger: Logger;
  readonly pools: () => ServedObject[];
  readonly consumers: () => ServedObject[];
  readonly intervalMs?: number;
  readonly now?: () => number;
}

export function startCapacityRecorder(options: CapacityRecorderOptions): PeriodicWriter {
  return startPeriodicWriter({
    influx: options.influx,
    logger: options.logger,
    what: "capacity history",
    intervalMs: options.intervalMs ?? DEFAULT_CAPACITY_SAMPLE_MS,
    ...(options.now !== undefined ? { now: options.now } : {}),
    points: (at) => [
      ...options.pools().flatMap((p) => poolPoints(p, at)),
      ...options.consumers().flatMap((c) => consumerPoints(c, at)),
    ],
  });
}
