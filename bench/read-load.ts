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

/** Counts one side's answers as they come in and sums them up as a ReadCellResult. */
class CellTally {
  private readonly latencies: number[] = [];
  private readonly statuses: Record<string, number> = {};
  private errors = 0;
  private bytes = 0;

  constructor(
    private readonly options: Pick<ReadCellOptions, "keep" | "onKept">,
    private readonly loadAverageBefore = oneMinuteLoad(),
  ) {}

  /** Sends request number `index` for `path` and counts its answer; the kept body is handed over untimed. */
  async send(target: HttpTarget, path: string, index: number): Promise<void> {
    const kept = this.options.keep?.(index) === true;
    const sent = performance.now();
    try {
      const result = await send(target, path, { keepBody: kept });
      if (result.status === 200) {
        this.latencies.push(performance.now() - sent);
        this.bytes += result.bytes;
        if (kept) this.options.onKept?.(path, result);
      } else {
        this.statuses[String(result.status)] = (this.statuses[String(result.status)] ?? 0) + 1;
        this.errors += 1;
      }
    } catch {
      this.statuses["network"] = (this.statuses["network"] ?? 0) + 1;
      this.errors += 1;
    }
  }

  /** The cell, over `elapsedMs` of this side's time. */
  result(concurrency: number, elapsedMs: number): ReadCellResult {
    const count = this.latencies.length;
    return {
      concurrency,
      durationMs: Math.round(elapsedMs),
      requests: count,
      errors: this.errors,
      statuses: this.statuses,
      requestsPerSecond: round((count / Math.max(elapsedMs, 1e-3)) * 1000, 1) ?? 0,
      bytesPerResponse: count === 0 ? null : Math.round(this.bytes / count),
      latencyMs: summarize(this.latencies),
      loadAverageBefore: this.loadAverageBefore,
      loadAverage: oneMinuteLoad(),
    };
  }
}

/**
 * Closed-loop load: `concurrency` clients each send the next request as soon as the previous
 * answered (and, for a kept answer, was handed over), for `durationMs` or `requests`. Latency is from send to the last body byte. Throughput counts
 * successful responses over the time until the last one arrived.
 */
export async function runReadCell(options: ReadCellOptions): Promise<ReadCellResult> {
  const tally = new CellTally(options);
  let next = 0;
  const limit = options.requests ?? Number.POSITIVE_INFINITY;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const client = async (): Promise<void> => {
    while (performance.now() < deadline && next < limit) {
      const index = next;
      next += 1;
      await tally.send(options.target, options.paths[index % options.paths.length] ?? "/", index);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, () => client()));
  return tally.result(options.concurrency, performance.now() - started);
}

/** One side of an interleaved latency measurement. */
export type InterleavedSide = Pick<ReadCellOptions, "target" | "paths" | "keep" | "onKept">;

/**
 * Latency cells of several sides measured together by one client: round after round, one
 * request to each side, in an order rotated by one each round (so no side always follows the
 * same one), `requests` rounds or until `durationMs` passed. Every side then meets the
 * machine's drift alike (another process's burst, a collector, the writer's pace), which a
 * cell after cell measurement turns into differences between the sides. A side's
 * `durationMs` and `requestsPerSecond` count only the time spent on its own requests.
 */
export async function runInterleavedCells(
  sides: readonly InterleavedSide[],
  requests: number,
  durationMs: number,
): Promise<ReadCellResult[]> {
  const tallies = sides.map((side) => new CellTally(side));
  const spent = sides.map(() => 0);
  const deadline = performance.now() + durationMs;
  for (let round = 0; round < requests && performance.now() < deadline; round += 1) {
    for (let turn = 0; turn < sides.length; turn += 1) {
      const at = (round + turn) % sides.length;
      const side = sides[at];
      const tally = tallies[at];
      if (side === undefined || tally === undefined) continue;
      const started = performance.now();
      await tally.send(side.target, side.paths[round % side.paths.length] ?? "/", round);
      spent[at] = (spent[at] ?? 0) + (performance.now() - started);
    }
  }
  return tallies.map((tally, i) => tally.result(1, spent[i] ?? 0));
}
