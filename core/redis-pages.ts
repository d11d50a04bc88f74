/**
 * Writes many hash fields or list elements in bounded pages, pipelined: no single command
 * carries more than `pageSize` entries, so neither V8's argument limit nor Redis's
 * per-command latency grows with the data (one 240 MB command blocks Redis for seconds).
 * Not atomic: use it only for staging keys nobody reads until a script swaps them in.
 */
import { pipelineValues } from "./pipeline-results.js";
import type { RedisConnection } from "./redis-connection.js";

/** Default entries (field/value pairs, or list elements) per command. */
export const DEFAULT_PAGE_ENTRIES = 1000;
/** Pages sent per pipeline round trip: bounds what the client buffers at once. */
export const PAGES_PER_ROUND_TRIP = 16;

export interface PagedWriteOptions {
  readonly redis: RedisConnection;
  readonly key: string;
  /** Refreshed with every page, so a key abandoned by a crashed writer disappears. */
  readonly ttlMs: number;
  readonly pageSize?: number;
}

/** HSET of `entries` into `key`, `pageSize` fields per command, in one pipeline. */
export async function hsetPages(
  options: PagedWriteOptions,
  entries: Iterable<readonly [field: string, value: string]>,
): Promise<void> {
  await writePages(options, entries, (pipeline, page) => pipeline.hset(options.key, page), 2);
}

/** RPUSH of `values` onto `key`, `pageSize` elements per command (a bounded spread), in one pipeline. */
export async function rpushPages(options: PagedWriteOptions, values: Iterable<string>): Promise<void> {
  const asEntries = function* (): Iterable<readonly [string]> {
    for (const value of values) yield [value];
  };
  await writePages(options, asEntries(), (pipeline, page) => pipeline.rpush(options.key, ...page), 1);
}

type Pipeline = ReturnType<RedisConnection["pipeline"]>;

async function writePages(
  options: PagedWriteOptions,
  entries: Iterable<readonly string[]>,
  write: (pipeline: Pipeline, page: string[]) => void,
  width: number,
): Promise<void> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_ENTRIES;
  let pipeline = options.redis.pipeline();
  let page: string[] = [];
  let pages = 0;
  const send = async (): Promise<void> => {
    if (pages === 0) return;
    const sent = pipeline.length;
    pipelineValues(await pipeline.exec(), sent);
    pipeline = options.redis.pipeline();
    pages = 0;
  };
  const flush = async (): Promise<void> => {
    if (page.length > 0) {
      write(pipeline, page);
      pipeline.pexpire(options.key, options.ttlMs);
      page = [];
      pages += 1;
    }
    if (pages >= PAGES_PER_ROUND_TRIP) await send();
  };
  for (const entry of entries) {
    for (const part of entry) page.push(part);
    if (page.length >= pageSize * width) await flush();
  }
  await flush();
  await send();
}
