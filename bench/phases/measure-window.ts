import type { HttpTarget } from "../http-target.js";
import { oneMinuteLoad } from "../machine.js";
import { ProcessMonitor, type ProcessUsage } from "../process-stats.js";
import { countsDelta, readCounts, type CountsWindow } from "./counts-delta.js";

export interface WindowMeasurement<T> {
  readonly result: T;
  /** Requests krm made to the API server during the window. */
  readonly krmToApiServer: CountsWindow;
  /** CPU and RSS of each krm process during the window. */
  readonly processes: Record<string, ProcessUsage>;
  /** 1-minute load average at the end: other work on the machine competes for its two cores. */
  readonly loadAverage: number;
}

/** Runs `work` while counting krm's API server requests and sampling krm's processes. */
export async function measureWindow<T>(
  proxy: HttpTarget,
  pids: Readonly<Record<string, number>>,
  work: () => Promise<T>,
): Promise<WindowMeasurement<T>> {
  const monitor = new ProcessMonitor(pids);
  await monitor.start();
  const before = await readCounts(proxy);
  const started = performance.now();
  const result = await work();
  const after = await readCounts(proxy);
  const windowMs = performance.now() - started;
  const processes = await monitor.stop();
  return {
    result,
    krmToApiServer: countsDelta(before, after, windowMs),
    processes,
    loadAverage: oneMinuteLoad(),
  };
}
