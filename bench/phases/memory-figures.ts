import type { Redis } from "ioredis";
import { scrapeHeap, type ApiHeap, type HeapPeak, type HeapScrape } from "../heap-sampler.js";
import type { HttpTarget } from "../http-target.js";
import { BENCH_KINDS } from "../krm-processes.js";
import { memoryStatus, type MemoryStatus } from "../process-stats.js";
import { stateJsonBytes } from "../redis-stats.js";
import { ratio } from "../stats.js";

/** The API replica's V8 heap from its /metrics (docs/metrics.md), after the reads and at peak. */
export interface HeapFigures {
  /** When the reads were over; null when that scrape failed (see `heapError`). */
  readonly apiHeap: ApiHeap | null;
  /** Highest heap used of the scrapes during the read cells and the one after; null when none succeeded. */
  readonly apiHeapUsedPeakDuringReadsBytes: number | null;
  /** Why a heap figure is missing or covers fewer scrapes; absent when every scrape succeeded. */
  readonly heapError?: string;
}

/** The API replica's memory after the reads, against the JSON it caches (every bench kind). */
export interface ApiMemory extends HeapFigures {
  readonly cachedJsonBytes: number;
  readonly cachedObjects: number;
  /** The API replica (`api`, or `run`) when the reads were over. */
  readonly api: MemoryStatus | null;
  /** Highest RSS sampled (every second) during the read cells. */
  readonly apiRssPeakDuringReadsBytes: number | null;
  readonly rssToJson: number | null;
  readonly peakToJson: number | null;
  readonly kubeApiServer: MemoryStatus | null;
  /** RSS of a replica started the same way with nothing to cache (bench/empty-replica.ts); absent in older results. */
  readonly emptyApiRssBytes?: number | null;
  /** (RSS after the reads − the empty replica's RSS) ÷ cached JSON: what caching costs per JSON byte. */
  readonly cachedRssToJson?: number | null;
}

/** Folds the scrape after the reads into the sampler's peak, keeping why any scrape failed. */
export function heapFigures(after: HeapScrape, during: HeapPeak | null): HeapFigures {
  const peak = Math.max(during?.usedPeakBytes ?? 0, after.heap?.usedBytes ?? 0) || null;
  const errors = [
    ...(after.error === undefined ? [] : [`after reads: ${after.error}`]),
    ...(during === null
      ? ["during reads: not sampled"]
      : during.failed > 0
        ? [
            `during reads: ${during.failed} of ${during.scrapes} scrapes failed, last: ${during.lastError ?? "?"}`,
          ]
        : []),
  ];
  return {
    apiHeap: after.heap ?? null,
    apiHeapUsedPeakDuringReadsBytes: peak,
    ...(errors.length === 0 ? {} : { heapError: errors.join("; ") }),
  };
}

export async function apiMemory(options: {
  readonly redis: Redis;
  readonly apiPid: number | undefined;
  readonly apiServerPid: number | undefined;
  readonly peakDuringReads: number | null;
  /** The measured replica as the readers reach it (its /metrics is scraped with their token). */
  readonly api: HttpTarget | undefined;
  readonly heapDuringReads: HeapPeak | null;
  /** RSS of an empty replica started like the measured one, when measured. */
  readonly emptyApiRssBytes?: number | null;
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
  const heapAfter: HeapScrape =
    options.api === undefined ? { error: "no krm API replica" } : await scrapeHeap(options.api);
  return {
    cachedJsonBytes,
    cachedObjects,
    api,
    apiRssPeakDuringReadsBytes: peak,
    rssToJson: ratio(api?.rssBytes, cachedJsonBytes),
    peakToJson: ratio(peak, cachedJsonBytes),
    kubeApiServer: await memoryStatus(options.apiServerPid),
    ...(options.emptyApiRssBytes === undefined
      ? {}
      : {
          emptyApiRssBytes: options.emptyApiRssBytes,
          cachedRssToJson:
            options.emptyApiRssBytes === null || api === null
              ? null
              : ratio(api.rssBytes - options.emptyApiRssBytes, cachedJsonBytes),
        }),
    ...heapFigures(heapAfter, options.heapDuringReads),
  };
}
