import type { Redis } from "ioredis";
import { kindKeys } from "../../core/redis-keys.js";
import { decodeFields } from "../../core/stream-entry.js";
import { send, type HttpTarget } from "../http-target.js";
import { summarize, type LatencySummary } from "../stats.js";
import { readPaths } from "./read-phase.js";
import { cycleWindows, splitByCycles, type CycleWindow, type TimedSample } from "./cycle-windows.js";

export interface VerifyCycleResult {
  /** Cycles of the pods verifier that completed while the reads ran. */
  readonly cycles: CycleWindow[];
  /** Namespace lists on krm (one client) whose time in flight overlapped a cycle, and the others. */
  readonly duringCycle: LatencySummary;
  readonly outsideCycle: LatencySummary;
  readonly errors: number;
}

/** Verification cycles of pods recorded since `sinceMs` (wall clock). */
export async function cyclesSince(redis: Redis, sinceMs: number): Promise<CycleWindow[]> {
  const entries = await redis.xrange(kindKeys({ id: "pods" }).verifications, String(sinceMs), "+");
  return cycleWindows(entries.map(([id, flat]) => ({ id, fields: Object.fromEntries(decodeFields(flat)) })));
}

/**
 * p99 of reads during a verification cycle: one client reads namespace lists from krm until
 * `cycles` verification cycles of pods have both started and ended after the reads began (the
 * verifier relists every object, the aggregator merges the snapshot), or `timeoutMs` passes.
 */
export async function runVerifyCyclePhase(options: {
  readonly krm: HttpTarget;
  readonly redis: Redis;
  readonly pods: number;
  readonly cycles: number;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
}): Promise<VerifyCycleResult> {
  const paths = readPaths("namespace-list", options.pods);
  const samples: TimedSample[] = [];
  let errors = 0;
  const began = Date.now();
  let windows: CycleWindow[] = [];
  let done = false;
  const watcher = (async () => {
    while (!done && Date.now() - began < options.timeoutMs) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      windows = (await cyclesSince(options.redis, began)).filter((w) => w.startMs >= began);
      if (windows.length >= options.cycles) done = true;
    }
    done = true;
  })();
  for (let i = 0; !done; i += 1) {
    const sentAtMs = Date.now();
    const sent = performance.now();
    const result = await send(options.krm, paths[i % paths.length] ?? "/").catch(() => undefined);
    if (result?.status === 200) samples.push({ sentAtMs, ms: performance.now() - sent });
    else errors += 1;
  }
  await watcher;
  const { during, outside } = splitByCycles(samples, windows);
  const result = {
    cycles: windows,
    duringCycle: summarize(during),
    outsideCycle: summarize(outside),
    errors,
  };
  options.log(
    `  verification cycles ${windows.length}: reads during p50 ${result.duringCycle.p50} p99 ${result.duringCycle.p99} ms (${during.length}), outside p99 ${result.outsideCycle.p99} ms (${outside.length})`,
  );
  return result;
}
