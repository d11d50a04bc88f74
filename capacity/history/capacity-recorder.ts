/**
 * Writes a sample of every pool and consumer to InfluxDB every `intervalMs` (default 10 s,
 * like the exporter's health samples). A failed write is logged (once a minute at most) and
 * that sample dropped: history has gaps rather than unbounded buffers.
 */
import type { Logger } from "../../core/logger.js";
import { createInfluxWriter } from "../../metrics/create-writer.js";
import type { InfluxOptions } from "../../metrics/influx-options.js";
import type { ServedObject } from "../serve/objects.js";
import { consumerPoints, poolPoints } from "./capacity-points.js";

export const DEFAULT_CAPACITY_SAMPLE_MS = 10_000;
const WARNING_INTERVAL_MS = 60_000;

export interface CapacityRecorderOptions {
  readonly influx: InfluxOptions;
  readonly logger: Logger;
  readonly pools: () => ServedObject[];
  readonly consumers: () => ServedObject[];
  readonly intervalMs?: number;
  readonly now?: () => number;
}

export function startCapacityRecorder(options: CapacityRecorderOptions): {
  stop(): Promise<void>;
  sample(): Promise<void>;
} {
  const writer = createInfluxWriter(options.influx);
  const now = options.now ?? Date.now;
  let lastWarning = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const sample = async (): Promise<void> => {
    const at = now();
    const lines = [
      ...options.pools().flatMap((p) => poolPoints(p, at)),
      ...options.consumers().flatMap((c) => consumerPoints(c, at)),
    ]
      .map((p) => p.toLineProtocol())
      .filter((line): line is string => line !== undefined);
    if (lines.length === 0) return;
    try {
      await writer.write(lines);
    } catch (error) {
      if (at - lastWarning >= WARNING_INTERVAL_MS) {
        lastWarning = at;
        options.logger.warn({ err: error }, "capacity history write failed; sample dropped");
      }
    }
  };
  const tick = (): void => {
    if (stopped) return;
    running = sample().finally(() => {
      running = undefined;
      if (!stopped) timer = setTimeout(tick, options.intervalMs ?? DEFAULT_CAPACITY_SAMPLE_MS);
    });
  };
  timer = setTimeout(tick, options.intervalMs ?? DEFAULT_CAPACITY_SAMPLE_MS);
  return {
    sample,
    stop: async () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}
