import { ProcessMonitor, type ProcessUsage } from "../process-stats.js";
import { countsDelta, readCounts, type CountsWindow } from "./counts-delta.js";

export interface WindowMeasurement<T> {
  readonly result: T;
  /** Requests krm made to the API server during the window. */
  readonly krmToApiServer: CountsWindow;
  /** CPU and RSS of each krm process during the window. */
  readonly processes: Record<string, ProcessUsage>;
}

/** Runs `work` while counting krm's API server requests and sampling krm's processes. */
export async function measureWindow<T>(
  proxyUrl: string,
  pids: Readonly<Record<string, number>>,
  work: () => Promise<T>,
): Promise<WindowMeasurement<T>> {
  const monitor = new ProcessMonitor(pids);
  await monitor.start();
  const before = await readCounts(proxyUrl);
  const started = performance.now();
  const result = await work();
  const after = await readCounts(proxyUrl);
  const windowMs = performance.now() - started;
  const processes = await monitor.stop();
  return { result, krmToApiServer: countsDelta(before, after, windowMs), processes };
}
