import { loadavg } from "node:os";
import { send, type HttpTarget } from "./http-target.js";
import { round, summarize, type LatencySummary } from "./stats.js";

export interface ReadCellOptions {
  readonly target: HttpTarget;
  /** Paths are drawn round-robin per request, so a "get" cell touches many objects. */
  readonly paths: readonly string[];
  readonly concurrency: number;
  /** New requests start only within this window; in-flight ones finish. */
  readonly durationMs: number;
}

export interface ReadCellResult {
  readonly concurrency: number;
  readonly durationMs: number;
  readonly requests: number;
  readonly errors: number;
  /** Status codes other than 200, with counts, so a broken cell is visible in the report. */
  readonly statuses: Record<string, number>;
  readonly requestsPerSecond: number;
  readonly bytesPerResponse: number | null;
  readonly latencyMs: LatencySummary;
  /** 1-minute load average when the cell ended. */
  readonly loadAverage: number;
}

/**
 * Closed-loop load: `concurrency` clients each send the next request as soon as the previous
 * answered, for `durationMs`. Latency is from send to the last body byte. Throughput counts
 * successful responses over the time until the last one arrived.
 */
export async function runReadCell(options: ReadCellOptions): Promise<ReadCellResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let bytes = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const client = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const path = options.paths[next % options.paths.length] ?? "/";
      next += 1;
      const sent = performance.now();
      try {
        const result = await send(options.target, path);
        if (result.status === 200) {
          latencies.push(performance.now() - sent);
          bytes += result.bytes;
        } else {
          statuses[String(result.status)] = (statuses[String(result.status)] ?? 0) + 1;
          errors += 1;
        }
      } catch {
        statuses["network"] = (statuses["network"] ?? 0) + 1;
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, () => client()));
  const elapsed = performance.now() - started;
  return {
    concurrency: options.concurrency,
    durationMs: Math.round(elapsed),
    requests: latencies.length,
    errors,
    statuses,
    requestsPerSecond: round((latencies.length / elapsed) * 1000, 1) ?? 0,
    bytesPerResponse: latencies.length === 0 ? null : Math.round(bytes / latencies.length),
    latencyMs: summarize(latencies),
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}
