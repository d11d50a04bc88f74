import type { Redis } from "ioredis";
import { NAMESPACE_COUNT, namespaceName } from "../fixtures.js";
import type { HttpTarget } from "../http-target.js";
import { BENCH_KINDS } from "../krm-processes.js";
import { sampleProcess } from "../process-stats.js";
import { runReadCell, type ReadCellResult } from "../read-load.js";
import {
  redisMemory,
  stateJsonBytes,
  verificationStats,
  type RedisMemory,
  type VerificationStats,
} from "../redis-stats.js";
import { measureWindow, type WindowMeasurement } from "./measure-window.js";

/** The contrast: API server cost must not grow from 1 to 50 krm readers. */
export const READER_COUNTS = [1, 50] as const;

export interface CostOptions {
  readonly krm: HttpTarget;
  readonly redis: Redis;
  readonly proxy: HttpTarget;
  readonly pids: Readonly<Record<string, number>>;
  readonly windowMs: number;
  /** used_memory of the empty Redis before krm started. */
  readonly redisBaseline: RedisMemory;
  readonly log: (line: string) => void;
  /** Takes a heap snapshot of the API process once memory at rest is measured. */
  readonly snapshotApiHeap?: () => Promise<void>;
}

export interface MemoryFigures {
  readonly redis: RedisMemory;
  readonly redisBaseline: RedisMemory;
  /** Objects and JSON bytes in each kind's served state. */
  readonly state: Record<string, { objects: number; bytes: number }>;
  readonly totalObjects: number;
  readonly totalJsonBytes: number;
  readonly redisBytesPer10kObjects: number | null;
  /** RSS of the process serving the API (the `api` process, or `run`). */
  readonly apiRssBytes: number | null;
  readonly apiRssToJsonRatio: number | null;
  readonly rssBytes: Record<string, number | null>;
}

export interface CostResult {
  readonly atRest: WindowMeasurement<null>;
  readonly readers: WindowMeasurement<ReadCellResult & { readers: number }>[];
  /** Taken right after the quiet window, before any reader load. */
  readonly memory: MemoryFigures;
  /** Taken again after the 50-reader window: garbage and buffers that load left behind. */
  readonly memoryAfterReaders: MemoryFigures;
  readonly verification: Record<string, VerificationStats>;
}

async function memoryFigures(options: CostOptions): Promise<MemoryFigures> {
  const state: Record<string, { objects: number; bytes: number }> = {};
  for (const kind of BENCH_KINDS) state[kind] = await stateJsonBytes(options.redis, kind);
  const totalObjects = Object.values(state).reduce((sum, s) => sum + s.objects, 0);
  const totalJsonBytes = Object.values(state).reduce((sum, s) => sum + s.bytes, 0);
  const redis = await redisMemory(options.redis);
  const rssBytes: Record<string, number | null> = {};
  for (const [name, pid] of Object.entries(options.pids))
    rssBytes[name] = (await sampleProcess(pid))?.rssBytes ?? null;
  const apiRssBytes = rssBytes["api"] ?? rssBytes["run"] ?? null;
  return {
    redis,
    redisBaseline: options.redisBaseline,
    state,
    totalObjects,
    totalJsonBytes,
    redisBytesPer10kObjects:
      totalObjects === 0
        ? null
        : Math.round(((redis.usedMemory - options.redisBaseline.usedMemory) / totalObjects) * 10_000),
    apiRssBytes,
    apiRssToJsonRatio:
      apiRssBytes === null || totalJsonBytes === 0
        ? null
        : Math.round((apiRssBytes / totalJsonBytes) * 100) / 100,
    rssBytes,
  };
}

/**
 * Cost of krm to the API server and the machine: a quiet window (only krm's own watches and
 * verifier lists), then the same window with 1 and with 50 clients reading namespace lists
 * from krm as fast as they can. Then memory and the verifier's recorded cycles.
 */
export async function runCostPhase(options: CostOptions): Promise<CostResult> {
  const atRest = await measureWindow(options.proxy, options.pids, async () => {
    await new Promise((resolve) => setTimeout(resolve, options.windowMs));
    return null;
  });
  options.log(
    `  cost at rest: ${atRest.krmToApiServer.requestsPerMinute} krm->apiserver req/min ${JSON.stringify(atRest.krmToApiServer.byVerb)}`,
  );
  const memory = await memoryFigures(options);
  if (options.snapshotApiHeap !== undefined) await options.snapshotApiHeap();
  const paths = Array.from(
    { length: NAMESPACE_COUNT },
    (_, i) => `/api/v1/namespaces/${namespaceName(i)}/pods`,
  );
  const readers: WindowMeasurement<ReadCellResult & { readers: number }>[] = [];
  for (const count of READER_COUNTS) {
    const measured = await measureWindow(options.proxy, options.pids, async () => ({
      readers: count,
      ...(await runReadCell({
        target: options.krm,
        paths,
        concurrency: count,
        durationMs: options.windowMs,
      })),
    }));
    readers.push(measured);
    options.log(
      `  cost with ${count} readers (${measured.result.requestsPerSecond} krm req/s): ${measured.krmToApiServer.requestsPerMinute} krm->apiserver req/min ${JSON.stringify(measured.krmToApiServer.byVerb)}`,
    );
  }
  const memoryAfterReaders = await memoryFigures(options);
  const verification: Record<string, VerificationStats> = {};
  for (const kind of BENCH_KINDS) verification[kind] = await verificationStats(options.redis, kind);
  options.log(
    `  memory: redis ${memory.redis.usedMemory} B (${memory.redisBytesPer10kObjects} B/10k objects), state JSON ${memory.totalJsonBytes} B, api RSS ${memory.apiRssBytes} B (x${memory.apiRssToJsonRatio})`,
  );
  return { atRest, readers, memory, memoryAfterReaders, verification };
}
