/**
 * Writes a verified snapshot the way readers can never see half of it: objects go into a
 * fresh `verified-staging:<token>` hash and their `<rv> <uid>` into
 * `verified-index-staging:<token>` (core/snapshot-index.ts), then one Lua script renames
 * both onto `verified` and `verified-index`, updates `verified-meta` (generation + 1,
 * indexGeneration = generation) and appends a `SNAPSHOT` marker to `events`,
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
import { luaField } from "./record-codecs.js";
import type { EventEntry, SnapshotMeta } from "./records.js";
import { indexValueOf } from "./snapshot-index.js";

/** A staging hash abandoned by a crashed writer disappears after this long. */
export const STAGING_TTL_MS = 15 * 60_000;
/** Default cap of the `events` stream (approximate, MAXLEN ~). */
export const DEFAULT_EVENTS_MAX_LENGTH = 100_000;

/**
 * KEYS: staging, verified, verified-meta, events, index staging, verified-index.
 * ARGV: resourceVersion, finishedAt, count, durationMs, source, observed, events max length,
 *   index count.
 * Returns [generation, marker id], or false when `verified` already holds a newer list
 * (a slower list finished after a faster, later one; the older one is dropped).
 * Fails with KRM_STAGING_MISSING when a staging hash vanished (Redis flushed meanwhile).
 */
const meta = luaField<SnapshotMeta>();
const marker = luaField<Extract<EventEntry, { type: "SNAPSHOT" }>>();

const SWAP_SCRIPT = new RedisScript(`
local function newer(a, b)
  if #a ~= #b then return #a > #b end
  return a > b
end
local current = redis.call('HGET', KEYS[3], ${meta("resourceVersion")})
if current and newer(current, ARGV[1]) then
  redis.call('DEL', KEYS[1], KEYS[5])
  return false
end
local function staged(key, count)
  return redis.call('EXISTS', key) == 1 or tonumber(count) == 0
end
if not staged(KEYS[1], ARGV[3]) or not staged(KEYS[5], ARGV[8]) then
  redis.call('DEL', KEYS[1], KEYS[5])
  return redis.error_reply('KRM_STAGING_MISSING snapshot staging hash vanished')
end
local function swap(staging, target)
  if redis.call('EXISTS', staging) == 1 then
    redis.call('RENAME', staging, target)
    redis.call('PERSIST', target)
  else
    redis.call('DEL', target)
  end
end
swap(KEYS[1], KEYS[2])
swap(KEYS[5], KEYS[6])
local generation = redis.call('HINCRBY', KEYS[3], ${meta("generation")}, 1)
redis.call('HSET', KEYS[3], ${meta("resourceVersion")}, ARGV[1], ${meta("finishedAt")}, ARGV[2],
  ${meta("count")}, ARGV[3], ${meta("durationMs")}, ARGV[4], ${meta("source")}, ARGV[5],
  ${meta("indexGeneration")}, tostring(generation))
local id = redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[7], '*', ${marker("type")}, 'SNAPSHOT',
  ${marker("rv")}, ARGV[1], ${marker("generation")}, tostring(generation), ${marker("observed")}, ARGV[6])
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

/**
 * An object to stage: its key, its JSON as stored, and (when the caller has it) the parsed
 * object, so the index entry needn't be parsed back out of the JSON.
 */
export type SerializedObject = readonly [key: string, json: string, object?: KubeObject];

/** One snapshot being written. Call `add` per page, then `commit` once (or `discard`). */
export class StagedSnapshot {
  private readonly stagingKey: string;
  private readonly indexStagingKey: string;
  private readonly startedAt: number;
  private count = 0;
  private indexCount = 0;

  constructor(private readonly options: SnapshotWriterOptions) {
    const token = randomBytes(8).toString("hex");
    this.stagingKey = options.keys.verifiedStaging(token);
    this.indexStagingKey = options.keys.verifiedIndexStaging(token);
    this.startedAt = (options.now ?? Date.now)();
  }

  get objectCount(): number {
    return this.count;
  }

  /** Adds objects (one pipelined round trip of bounded HSET pages per hash per call). */
  async add(objects: readonly KubeObject[]): Promise<void> {
    await this.addSerialized(
      objects.map((object) => [keyOf(object), JSON.stringify(object), object] as const),
    );
  }

  /**
   * Adds objects already serialized (watch events keep their JSON). Entries without the
   * parsed object are parsed here once for their index entry; unparsable JSON is staged
   * but not indexed (the merge ignores such objects either way).
   */
  async addSerialized(entries: readonly SerializedObject[]): Promise<void> {
    if (entries.length === 0) return;
    const index: [string, string][] = [];
    for (const [key, json, object] of entries) {
      const parsed = object ?? parseOrUndefined(json);
      const value = parsed === undefined ? undefined : indexValueOf(parsed);
      if (value !== undefined) index.push([key, value]);
    }
    const { redis } = this.options;
    await Promise.all([
      hsetPages(
        { redis, key: this.stagingKey, ttlMs: STAGING_TTL_MS },
        entries.map(([key, json]) => [key, json] as const),
      ),
      hsetPages({ redis, key: this.indexStagingKey, ttlMs: STAGING_TTL_MS }, index),
    ]);
    this.count += entries.length;
    this.indexCount += index.length;
  }

  /** Drops what was written (the list restarted or failed). */
  async discard(): Promise<void> {
    this.count = 0;
    this.indexCount = 0;
    await this.options.redis.del(this.stagingKey, this.indexStagingKey);
  }

  /** Swaps the staging hashes in as `verified` and `verified-index` at `resourceVersion`, atomically. */
  async commit(resourceVersion: string): Promise<SwapResult> {
    const now = (this.options.now ?? Date.now)();
    const { keys } = this.options;
    const result = await SWAP_SCRIPT.run(
      this.options.redis,
      [
        this.stagingKey,
        keys.verified,
        keys.verifiedMeta,
        keys.events,
        this.indexStagingKey,
        keys.verifiedIndex,
      ],
      [
        resourceVersion,
        String(now),
        String(this.count),
        String(now - this.startedAt),
        this.options.source,
        String(now),
        String(this.options.eventsMaxLength ?? DEFAULT_EVENTS_MAX_LENGTH),
        String(this.indexCount),
      ],
    );
    if (!Array.isArray(result)) return { swapped: false };
    return { swapped: true, generation: String(result[0]) };
  }
}

/** The parsed object, or undefined when the JSON is not an object with metadata. */
function parseOrUndefined(json: string): KubeObject | undefined {
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== "object" || parsed === null || !("metadata" in parsed)) return undefined;
    const { metadata } = parsed;
    return typeof metadata === "object" && metadata !== null ? (parsed as KubeObject) : undefined;
  } catch {
    return undefined;
  }
}
