import type { Redis } from "ioredis";
import { BENCH_KINDS } from "../krm-processes.js";
import { memoryStatus, type MemoryStatus } from "../process-stats.js";
import { stateJsonBytes } from "../redis-stats.js";
import { ratio } from "../stats.js";

/** The API replica's memory after the reads, against the JSON it caches (every bench kind). */
export interface ApiMemory {
  readonly cachedJsonBytes: number;
  readonly cachedObjects: number;
  /** The API replica (`api`, or `run`) when the reads were over. */
  readonly api: MemoryStatus | null;
  /** Highest RSS sampled (every second) during the read cells. */
  readonly apiRssPeakDuringReadsBytes: number | null;
  readonly rssToJson: number | null;
  readonly peakToJson: number | null;
  readonly kubeApiServer: MemoryStatus | null;
}

export async function apiMemory(options: {
  readonly redis: Redis;
  readonly apiPid: number | undefined;
  readonly apiServerPid: number | undefined;
  readonly peakDuringReads: number | null;
}): Promise<ApiMemory> {
  let cachedJsonBytes = 0;
  let cachedObjects = 0;
  for (const kind of BENCH_KINDS) {
    const state = await stateJsonBytes(options.redis, kind);
    cachedJsonBytes += state.bytes;
    cachedObjects += state.objects;
  }
  const api = await memoryStatus(options.apiPid);
  const peak = Math.max(options.peakDuringReads ?? 0, api?.rssBytes ?? 0) || null;
  return {
    cachedJsonBytes,
    cachedObjects,
    api,
    apiRssPeakDuringReadsBytes: peak,
    rssToJson: ratio(api?.rssBytes, cachedJsonBytes),
    peakToJson: ratio(peak, cachedJsonBytes),
    kubeApiServer: await memoryStatus(options.apiServerPid),
  };
}
