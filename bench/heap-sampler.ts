import { send, type HttpTarget } from "./http-target.js";
import { sampleValue } from "./prometheus-text.js";

/** How often the sampler scrapes /metrics: often enough to catch a full list's peak, light on the replica. */
export const HEAP_SAMPLE_INTERVAL_MS = 2000;
/** A scrape that takes longer counts as failed (the replica is busy, not gone). */
const SCRAPE_TIMEOUT_MS = 10_000;

/** An API replica's V8 heap, as its /metrics reports it (docs/metrics.md). */
export interface ApiHeap {
  readonly usedBytes: number;
  readonly totalBytes: number;
}

/** One scrape of /metrics: the heap, or why it could not be read. */
export type HeapScrape =
  | { readonly heap: ApiHeap; readonly error?: undefined }
  | { readonly heap?: undefined; readonly error: string };

async function readHeap(target: HttpTarget): Promise<ApiHeap> {
  const result = await send(target, "/metrics", { keepBody: true, timeoutMs: SCRAPE_TIMEOUT_MS });
  const text = result.body?.toString("utf8") ?? "";
  if (result.status !== 200) throw new Error(`HTTP ${result.status}: ${text.slice(0, 200)}`);
  const usedBytes = sampleValue(text, "nodejs_heap_size_used_bytes");
  const totalBytes = sampleValue(text, "nodejs_heap_size_total_bytes");
  if (usedBytes === undefined || totalBytes === undefined) {
    throw new Error("no nodejs_heap_size_used_bytes / nodejs_heap_size_total_bytes");
  }
  return { usedBytes, totalBytes };
}

/** Scrapes `target`'s /metrics once; never throws. */
export async function scrapeHeap(target: HttpTarget): Promise<HeapScrape> {
  try {
    return { heap: await readHeap(target) };
  } catch (error) {
    return {
      error: `GET ${target.name} /metrics: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

export interface HeapPeak {
  /** Highest heap used of the window's scrapes; null when none succeeded. */
  readonly usedPeakBytes: number | null;
  readonly scrapes: number;
  readonly failed: number;
  /** Why the last failed scrape failed. */
  readonly lastError?: string;
}

/**
 * Scrapes an API replica's /metrics every {@link HEAP_SAMPLE_INTERVAL_MS} (by default) over a window (the
 * next scrape is scheduled when one is answered, so a busy replica is never asked twice at
 * once) and keeps the highest heap used. A failed scrape is counted, never thrown.
 */
export class HeapSampler {
  private peak: number | null = null;
  private scrapes = 0;
  private failed = 0;
  private lastError: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly target: HttpTarget,
    private readonly intervalMs = HEAP_SAMPLE_INTERVAL_MS,
  ) {}

  start(): void {
    this.inFlight = this.sample();
  }

  async stop(): Promise<HeapPeak> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.inFlight;
    return {
      usedPeakBytes: this.peak,
      scrapes: this.scrapes,
      failed: this.failed,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  private async sample(): Promise<void> {
    this.scrapes += 1;
    const { heap, error } = await scrapeHeap(this.target);
    if (heap !== undefined) this.peak = Math.max(this.peak ?? 0, heap.usedBytes);
    if (error !== undefined) {
      this.failed += 1;
      this.lastError = error;
    }
    if (!this.stopped) {
      this.timer = setTimeout(() => {
        this.inFlight = this.sample();
      }, this.intervalMs);
    }
  }
}
