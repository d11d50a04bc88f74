/**
 * Writes a verified snapshot the way readers can never see half of it: objects go into a
 * fresh `verified-staging:<token>` hash, then one Lua script renames it onto `verified`,
 * updates `verified-meta` (generation + 1) and appends a `SNAPSHOT` marker to `events`,
 * so the aggregator sees snapshots and events in one order. Used by the verifier and by
 * the streamer (its initial list and its relist after 410 Gone). Pages are written as
 * bounded HSETs (core/redis-pages.ts) and the swap script's arguments are constant-size,
 * so no command grows with the snapshot.
 */
import { randomBytes } from "node:crypto";
import type { KubeObject } from "./object-key.js";
import { keyOf } from "./object-key.js";
import type { RedisConnection } from "./redis-connection.js";
import type { KindKeys } from "./redis-keys.js";
import { hsetPages } from "./redis-pages.js";
import { RedisScript } from "./redis-script.js";

/** A staging hash abandoned by a crashed writer disappears after this long. */
export const STAGING_TTL_MS = 15 * 60_000;
/** Default cap of the `events` stream (approximate, MAXLEN ~). */
export const DEFAULT_EVENTS_MAX_LENGTH = 100_000;

/**
 * KEYS: staging, verified, verified-meta, events.
 * ARGV: resourceVersion, finishedAt, count, durationMs, source, observed, events max length.
 * Returns [generation, marker id], or false when `verified` already holds a newer list
 * (a slower list finished after a faster, later one; the older one is dropped).
 * Fails with KRM_STAGING_MISSING when the staging hash vanished (Redis flushed meanwhile).
 */
const SWAP_SCRIPT = new RedisScript(`
local function newer(a, b)
  if #a ~= #b then return #a > #b end
  return a > b
end
local current = redis.call('HGET', KEYS[3], 'resourceVersion')
if current and newer(current, ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return false
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('RENAME', KEYS[1], KEYS[2])
  redis.call('PERSIST', KEYS[2])
elseif tonumber(ARGV[3]) > 0 then
  return redis.error_reply('KRM_STAGING_MISSING snapshot staging hash vanished')
else
  redis.call('DEL', KEYS[2])
end
local generation = redis.call('HINCRBY', KEYS[3], 'generation', 1)
redis.call('HSET', KEYS[3], 'resourceVersion', ARGV[1], 'finishedAt', ARGV[2], 'count', ARGV[3],
  'durationMs', ARGV[4], 'source', ARGV[5])
local id = redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[7], '*', 'type', 'SNAPSHOT', 'rv', ARGV[1],
  'generation', tostring(generation), 'observed', ARGV[6])
return {generation, id}
`);

export type SnapshotSource = "verifier" | "streamer";

export interface SnapshotWriterOptions {
  readonly redis: RedisConnection;
  readonly keys: KindKeys;
  readonly source: SnapshotSource;
  readonly eventsMaxLength?: number;
  readonly now?: () => number;
}

export interface SwapResult {
  /** False when a newer snapshot was already in place and this one was dropped. */
  readonly swapped: boolean;
  readonly generation?: string;
}

/** One snapshot being written. Call `add` per page, then `commit` once (or `discard`). */
export class StagedSnapshot {
  private readonly stagingKey: string;
  private readonly startedAt: number;
  private count = 0;

  constructor(private readonly options: SnapshotWriterOptions) {
    this.stagingKey = options.keys.verifiedStaging(randomBytes(8).toString("hex"));
    this.startedAt = (options.now ?? Date.now)();
  }

  get objectCount(): number {
    return this.count;
  }

  /** Adds objects (one pipelined round trip of bounded HSET pages per call). */
  async add(objects: readonly KubeObject[]): Promise<void> {
    await this.addSerialized(objects.map((object) => [keyOf(object), JSON.stringify(object)] as const));
  }

  /** Adds objects already serialized (watch events keep their JSON). */
  async addSerialized(entries: readonly (readonly [key: string, json: string])[]): Promise<void> {
    if (entries.length === 0) return;
    await hsetPages({ redis: this.options.redis, key: this.stagingKey, ttlMs: STAGING_TTL_MS }, entries);
    this.count += entries.length;
  }

  /** Drops what was written (the list restarted or failed). */
  async discard(): Promise<void> {
    this.count = 0;
    await this.options.redis.del(this.stagingKey);
  }

  /** Swaps the staging hash in as `verified` at `resourceVersion`, atomically. */
  async commit(resourceVersion: string): Promise<SwapResult> {
    const now = (this.options.now ?? Date.now)();
    const { keys } = this.options;
    const result = await SWAP_SCRIPT.run(
      this.options.redis,
      [this.stagingKey, keys.verified, keys.verifiedMeta, keys.events],
      [
        resourceVersion,
        String(now),
        String(this.count),
        String(now - this.startedAt),
        this.options.source,
        String(now),
        String(this.options.eventsMaxLength ?? DEFAULT_EVENTS_MAX_LENGTH),
      ],
    );
    if (!Array.isArray(result)) return { swapped: false };
    return { swapped: true, generation: String(result[0]) };
  }
}
