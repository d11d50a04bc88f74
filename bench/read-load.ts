import { oneMinuteLoad } from "./machine.js";
import { send, type HttpResult, type HttpTarget } from "./http-target.js";
import { round, summarize, type LatencySummary } from "./stats.js";

export interface ReadCellOptions {
  readonly target: HttpTarget;
  /** Paths are drawn round-robin per request, so a "get" cell touches many objects. */
  readonly paths: readonly string[];
  readonly concurrency: number;
  /** New requests start only within this window; in-flight ones finish. */
  readonly durationMs: number;
  /** Stop after this many requests were sent, if that comes before the window ends. */
  readonly requests?: number;
  /** Which successful answers (by order of sending) are handed to `onKept` with their body. */
  readonly keep?: (index: number) => boolean;
  /** Called with a kept answer after its latency is recorded, so its handling is never timed. */
  readonly onKept?: (path: string, result: HttpResult) => void;
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
  /** 1-minute load average when the cell started and ended. */
  readonly loadAverageBefore: number;
  readonly loadAverage: number;
}

/**
 * Closed-loop load: `concurrency` clients each send the next request as soon as the previous
 * answered (and, for a kept answer, was handed over), for `durationMs` or `requests`. Latency is from send to the last body byte. Throughput counts
 * successful responses over the time until the last one arrived.
 */
export async function runReadCell(options: ReadCellOptions): Promise<ReadCellResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let bytes = 0;
  let next = 0;
  const limit = options.requests ?? Number.POSITIVE_INFINITY;
  const loadAverageBefore = oneMinuteLoad();
  const started = performance.now();
  const deadline = started + options.durationMs;
  const client = async (): Promise<void> => {
    while (performance.now() < deadline && next < limit) {
      const index = next;
      const path = options.paths[index % options.paths.length] ?? "/";
      next += 1;
      const kept = options.keep?.(index) === true;
      const sent = performance.now();
      try {
        const result = await send(options.target, path, { keepBody: kept });
        if (result.status === 200) {
          latencies.push(performance.now() - sent);
          bytes += result.bytes;
          if (kept) options.onKept?.(path, result);
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
    loadAverageBefore,
    loadAverage: oneMinuteLoad(),
  };
}
