/**
 * `StateStore` on Redis (keys per core/redis-keys.ts). A commit is one Lua script: it
 * checks that `state-meta` is still at the expected epoch and events cursor (so a flushed
 * or rolled-back Redis, or a second aggregator, is detected instead of overwritten), then
 * writes state, tombstones, meta and the change feed together: one round trip per batch.
 *
 * No command grows with the data: a large commit first stages its ops in a list in bounded
 * pages (the script applies and deletes it), and a reset writes the whole new state into
 * staging hashes in pages, then one small script renames them in. Staging keys carry a
 * TTL, so a crash mid-way leaves nothing visible and no garbage that lives forever.
 */
import { randomBytes } from "node:crypto";
import type { KindSpec } from "../core/kinds.js";
import type { RedisConnection } from "../core/redis-connection.js";
import type { KindKeys } from "../core/redis-keys.js";
import { asHash, pipelineValues } from "../core/pipeline-results.js";
import {
  decodeSnapshotMeta,
  decodeStateMeta,
  decodeTombstone,
  encodeTombstone,
  luaField,
  recordFields,
} from "../core/record-codecs.js";
import type { ChangeEntry, StateMeta, WatchEventType } from "../core/records.js";
import { maxResourceVersion, parseResourceVersion } from "../core/resource-version.js";
import { hsetPages, rpushPages } from "../core/redis-pages.js";
import { RedisScript } from "../core/redis-script.js";
import { parseIndexValue } from "../core/snapshot-index.js";
import { MemoryIndex } from "./memory-index.js";
import type { IndexEntry, ObservedObject } from "./merge-types.js";
import { observedFromJson } from "./observed-object.js";
import type {
  CommitRequest,
  LoadedState,
  ResetRequest,
  ResolvedOp,
  StateStore,
  SnapshotInfo,
  StoredSnapshot,
  StoredSnapshotIndex,
} from "./state-store.js";

/** Cap of the `changes` stream: replicas further behind than this reload the state. */
export const DEFAULT_CHANGES_MAX_LENGTH = 100_000;
/** Cap of the `verifications` stream (one entry per merged snapshot). */
export const VERIFICATIONS_MAX_LENGTH = 1000;

/** Each op takes this many ARGV slots (or staged list elements): opcode, key, a, b, c. */
const OP_WIDTH = 5;

/**
 * A commit with more ops than this, or more bytes of JSON, stages its ops in a list in
 * bounded pages first, so no single command grows with the batch (a snapshot merge after a
 * mass deletion can change tens of thousands of objects).
 */
export const DEFAULT_INLINE_OPS_MAX = 1000;
export const INLINE_BYTES_MAX = 4 * 1024 * 1024;
/** Ops staged list elements read per LRANGE inside the commit script. */
const STAGED_OPS_PER_READ = 1000;
/** Staging keys abandoned by a crashed aggregator disappear after this long. */
export const STATE_STAGING_TTL_MS = 15 * 60_000;
/** HMGET fields per command when looking up stored objects. */
const LOOKUP_PAGE = 1000;

const change = luaField<Extract<ChangeEntry, { type: WatchEventType }>>();

/** Lua shared by both scripts: reads N meta pairs and M verification pairs from ARGV[i]. */
const READ_META_LUA = `
local function readPairs(i)
  local count = tonumber(ARGV[i])
  local values = {}
  for j = 1, count * 2 do values[j] = ARGV[i + j] end
  return values, count, i + count * 2 + 1
end
local function finish(meta, metaStart, verification, verificationCount)
  meta[#meta + 1] = 'objectCount'
  meta[#meta + 1] = tostring(redis.call('HLEN', KEYS[1 + metaStart]))
  redis.call('HSET', KEYS[3 + metaStart], unpack(meta))
  if verificationCount > 0 then
    redis.call('XADD', KEYS[5 + metaStart], 'MAXLEN', '~', ${VERIFICATIONS_MAX_LENGTH}, '*', unpack(verification))
  end
end
`;

/**
 * KEYS: state, tombstones, state-meta, changes, verifications, ops staging list.
 * ARGV: expected epoch, expected cursor, epoch, changes max length, staged op count S,
 *   meta field count N, N meta field/value pairs (2N), verification field count M,
 *   2M verification pairs, then inline ops of OP_WIDTH slots:
 *   P key json changeType rv | R key json rv - | T key tombstoneJson - - | C key - - -.
 * When S > 0 the ops are instead the S * OP_WIDTH elements of the staging list, which the
 * script deletes. Returns "ok" or "conflict"; fails with KRM_STAGING_MISSING (before
 * writing anything) when the staging list is not complete (Redis flushed meanwhile).
 */
const COMMIT_SCRIPT = new RedisScript(`${READ_META_LUA}
local epoch = ARGV[3]
local maxlen = ARGV[4]
local staged = tonumber(ARGV[5])
local current = redis.call('HMGET', KEYS[3], 'epoch', 'eventsCursor')
if current[1] ~= ARGV[1] or current[2] ~= ARGV[2] then
  redis.call('DEL', KEYS[6])
  return 'conflict'
end
if staged > 0 and redis.call('LLEN', KEYS[6]) ~= staged * ${OP_WIDTH} then
  redis.call('DEL', KEYS[6])
  return redis.error_reply('KRM_STAGING_MISSING commit staging list incomplete')
end
local function apply(op, key, a, b, c)
  if op == 'P' then
    redis.call('HSET', KEYS[1], key, a)
    redis.call('XADD', KEYS[4], 'MAXLEN', '~', maxlen, '*', ${change("type")}, b, ${change("key")}, key,
      ${change("rv")}, c, ${change("object")}, a, ${change("epoch")}, epoch)
  elseif op == 'R' then
    redis.call('HDEL', KEYS[1], key)
    redis.call('XADD', KEYS[4], 'MAXLEN', '~', maxlen, '*', ${change("type")}, 'DELETED', ${change("key")}, key,
      ${change("rv")}, b, ${change("object")}, a, ${change("epoch")}, epoch)
  elseif op == 'T' then
    redis.call('HSET', KEYS[2], key, a)
  elseif op == 'C' then
    redis.call('HDEL', KEYS[2], key)
  end
end
local meta, _, i = readPairs(6)
local verification, verificationCount
verification, verificationCount, i = readPairs(i)
while i + ${OP_WIDTH - 1} <= #ARGV do
  apply(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4])
  i = i + ${OP_WIDTH}
end
if staged > 0 then
  local total = staged * ${OP_WIDTH}
  local step = ${STAGED_OPS_PER_READ * OP_WIDTH}
  for start = 0, total - 1, step do
    local page = redis.call('LRANGE', KEYS[6], start, start + step - 1)
    for j = 1, #page, ${OP_WIDTH} do apply(page[j], page[j + 1], page[j + 2], page[j + 3], page[j + 4]) end
  end
  redis.call('DEL', KEYS[6])
end
finish(meta, 0, verification, verificationCount)
return 'ok'
`);

/**
 * KEYS: state staging, tombstones staging, state, tombstones, state-meta, changes, verifications.
 * ARGV: epoch, changes max length, staged state count, staged tombstone count, meta field
 *   count N, 2N meta pairs, verification field count M, 2M verification pairs.
 * Swaps the staged hashes in by RENAME (the old ones are UNLINKed: freed in the background),
 * replaces state-meta and appends RESET to the change feed, all at once. Fails with
 * KRM_STAGING_MISSING (before writing anything) when a staging hash is not complete.
 */
const RESET_SCRIPT = new RedisScript(`${READ_META_LUA}
local function complete(key, expected)
  if expected == 0 then return redis.call('EXISTS', key) == 0 end
  return redis.call('HLEN', key) == expected
end
local stateCount = tonumber(ARGV[3])
local tombstoneCount = tonumber(ARGV[4])
if not complete(KEYS[1], stateCount) or not complete(KEYS[2], tombstoneCount) then
  redis.call('DEL', KEYS[1], KEYS[2])
  return redis.error_reply('KRM_STAGING_MISSING state staging hash incomplete')
end
local function swap(staging, target, count)
  redis.call('UNLINK', target)
  if count > 0 then
    redis.call('RENAME', staging, target)
    redis.call('PERSIST', target)
  end
end
swap(KEYS[1], KEYS[3], stateCount)
swap(KEYS[2], KEYS[4], tombstoneCount)
redis.call('DEL', KEYS[5])
redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[2], '*', ${change("type")}, 'RESET', ${change("epoch")}, ARGV[1])
local meta, _, i = readPairs(5)
local verification, verificationCount = readPairs(i)
finish(meta, 2, verification, verificationCount)
return 'ok'
`);

export interface RedisStateStoreOptions {
  readonly redis: RedisConnection;
  readonly keys: KindKeys;
  readonly kind: KindSpec;
  readonly changesMaxLength?: number;
  /** Commits with more ops stage them first (default `DEFAULT_INLINE_OPS_MAX`). */
  readonly inlineOpsMax?: number;
  /** Called for stored objects that cannot be parsed (they are dropped from the index). */
  readonly onBadObject?: (key: string, error: unknown) => void;
}

export class RedisStateStore implements StateStore {
  constructor(private readonly options: RedisStateStoreOptions) {}

  async load(): Promise<LoadedState | undefined> {
    const { redis, keys } = this.options;
    const results = await redis
      .multi()
      .hgetall(keys.stateMeta)
      .hgetall(keys.state)
      .hgetall(keys.tombstones)
      .exec();
    const [meta, state, tombstones] = pipelineValues(results, 3).map(asHash);
    const stored = decodeStateMeta(meta ?? {});
    if (stored === undefined || stored.eventsCursor === "") return undefined;
    const index = new MemoryIndex();
    for (const [key, json] of Object.entries(state ?? {})) {
      const observed = this.parse(key, json);
      if (observed !== undefined)
        index.apply([{ op: "put", key, uid: observed.uid, rv: observed.rv, json: "", change: "ADDED" }]);
    }
    for (const [key, json] of Object.entries(tombstones ?? {})) {
      const tombstone = decodeTombstone(json);
      index.apply([
        {
          op: "tombstone",
          key,
          tombstone: { ...tombstone, rv: parseResourceVersion(tombstone.rv) },
        },
      ]);
    }
    if (stored.verifiedResourceVersion !== undefined)
      index.markVerified(parseResourceVersion(stored.verifiedResourceVersion));
    if (stored.resourceVersion !== "")
      index.highestRv = maxResourceVersion(parseResourceVersion(stored.resourceVersion), index.highestRv);
    const { objectCount: _count, resourceVersion: _rv, ...position } = stored;
    return { index, position };
  }

  async epoch(): Promise<string | undefined> {
    return (await this.options.redis.hget(this.options.keys.stateMeta, "epoch")) ?? undefined;
  }

  async objects(keys: readonly string[]): Promise<(string | undefined)[]> {
    const values: (string | undefined)[] = [];
    for (let start = 0; start < keys.length; start += LOOKUP_PAGE) {
      const page = keys.slice(start, start + LOOKUP_PAGE);
      const found = await this.options.redis.hmget(this.options.keys.state, ...page);
      for (const value of found) values.push(value ?? undefined);
    }
    return values;
  }

  async commit(request: CommitRequest): Promise<"ok" | "conflict"> {
    const { redis, keys } = this.options;
    const encoded = request.ops.map(encodeOp);
    const stage = !fitsInline(encoded, this.options.inlineOpsMax ?? DEFAULT_INLINE_OPS_MAX);
    const stagingKey = keys.commitStaging(randomBytes(8).toString("hex"));
    const args: (string | number)[] = [
      request.expected.epoch,
      request.expected.eventsCursor,
      request.position.epoch,
      this.changesMaxLength(),
      stage ? encoded.length : 0,
    ];
    appendMeta(args, request);
    try {
      if (stage) await rpushPages({ redis, key: stagingKey, ttlMs: STATE_STAGING_TTL_MS }, flatten(encoded));
      else for (const op of encoded) for (const slot of op) args.push(slot);
      const result = await COMMIT_SCRIPT.run(
        redis,
        [keys.state, keys.tombstones, keys.stateMeta, keys.changes, keys.verifications, stagingKey],
        args,
      );
      return result === "ok" ? "ok" : "conflict";
    } catch (error) {
      if (stage) await this.discard([stagingKey]);
      throw error;
    }
  }

  async reset(request: ResetRequest): Promise<void> {
    const { redis, keys } = this.options;
    const { state, tombstones } = finalContent(request.ops);
    const token = randomBytes(8).toString("hex");
    const staging = [keys.stateStaging(token), keys.tombstonesStaging(token)] as const;
    const args: (string | number)[] = [
      request.position.epoch,
      this.changesMaxLength(),
      state.size,
      tombstones.size,
    ];
    appendMeta(args, request);
    try {
      await hsetPages({ redis, key: staging[0], ttlMs: STATE_STAGING_TTL_MS }, state);
      await hsetPages({ redis, key: staging[1], ttlMs: STATE_STAGING_TTL_MS }, tombstones);
      await RESET_SCRIPT.run(
        redis,
        [...staging, keys.state, keys.tombstones, keys.stateMeta, keys.changes, keys.verifications],
        args,
      );
    } catch (error) {
      await this.discard(staging);
      throw error;
    }
  }

  async snapshot(): Promise<StoredSnapshot | undefined> {
    const { redis, keys } = this.options;
    const results = await redis.multi().hgetall(keys.verifiedMeta).hgetall(keys.verified).exec();
    const [meta, verified] = pipelineValues(results, 2).map(asHash);
    const objects = new Map<string, ObservedObject>();
    for (const [key, json] of Object.entries(verified ?? {})) {
      const observed = this.parse(key, json);
      if (observed !== undefined) objects.set(key, observed);
    }
    const info = snapshotInfo(meta, objects.size);
    return info === undefined ? undefined : { ...info, objects };
  }

  async snapshotIndex(): Promise<StoredSnapshotIndex | undefined> {
    const { redis, keys } = this.options;
    const results = await redis.multi().hgetall(keys.verifiedMeta).hgetall(keys.verifiedIndex).exec();
    const [meta, index] = pipelineValues(results, 2).map(asHash);
    // An index from another generation (or none: written before indexes existed) is not this
    // snapshot's; the caller reads the snapshot in full instead.
    if (meta?.["indexGeneration"] === undefined || meta["indexGeneration"] !== meta["generation"])
      return undefined;
    const objects = new Map<string, IndexEntry>();
    for (const [key, value] of Object.entries(index ?? {})) {
      const entry = parseIndexValue(value);
      if (entry !== undefined) objects.set(key, entry);
      else
        this.options.onBadObject?.(key, new Error(`malformed verified-index value ${JSON.stringify(value)}`));
    }
    const info = snapshotInfo(meta, objects.size);
    return info === undefined ? undefined : { ...info, objects };
  }

  async snapshotObjects(
    generation: string,
    keys: readonly string[],
  ): Promise<Map<string, string> | undefined> {
    const { redis } = this.options;
    const bodies = new Map<string, string>();
    for (let start = 0; start < keys.length; start += LOOKUP_PAGE) {
      const page = keys.slice(start, start + LOOKUP_PAGE);
      // Each page is read with the generation, atomically: a page of a newer snapshot is
      // detected instead of mixed in.
      const results = await redis
        .multi()
        .hget(this.options.keys.verifiedMeta, "generation")
        .hmget(this.options.keys.verified, ...page)
        .exec();
      const [current, found] = pipelineValues(results, 2);
      if (current !== generation || !Array.isArray(found)) return undefined;
      page.forEach((key, i) => {
        const json: unknown = found[i];
        if (typeof json === "string") bodies.set(key, json);
      });
    }
    return bodies;
  }

  private changesMaxLength(): number {
    return this.options.changesMaxLength ?? DEFAULT_CHANGES_MAX_LENGTH;
  }

  /** Best effort: a failed write's staging keys would expire anyway. */
  private async discard(stagingKeys: readonly string[]): Promise<void> {
    try {
      await this.options.redis.del(...stagingKeys);
    } catch {
      // The TTL removes them.
    }
  }

  private parse(key: string, json: string): ObservedObject | undefined {
    try {
      return observedFromJson(json, key);
    } catch (error) {
      this.options.onBadObject?.(key, error);
      return undefined;
    }
  }
}

/** What `verified-meta` says, or undefined when there is no snapshot. */
function snapshotInfo(raw: Record<string, string> | undefined, size: number): SnapshotInfo | undefined {
  const meta = decodeSnapshotMeta(raw ?? {});
  if (meta === undefined) return undefined;
  return {
    rv: parseResourceVersion(meta.resourceVersion),
    generation: meta.generation,
    finishedAt: meta.finishedAt,
    durationMs: meta.durationMs,
    count: meta.count === "" ? String(size) : meta.count,
  };
}

type EncodedOp = readonly [op: string, key: string, a: string, b: string, c: string];

function encodeOp(op: ResolvedOp): EncodedOp {
  switch (op.op) {
    case "put":
      return ["P", op.key, op.json, op.change, String(op.rv)];
    case "remove":
      return ["R", op.key, op.json, String(op.rv), ""];
    case "tombstone":
      return ["T", op.key, tombstoneJson(op.tombstone), "", ""];
    case "clearTombstone":
      return ["C", op.key, "", "", ""];
  }
}

function tombstoneJson(tombstone: { uid: string; rv: bigint; deletedAt: number }): string {
  return encodeTombstone({ uid: tombstone.uid, rv: String(tombstone.rv), deletedAt: tombstone.deletedAt });
}

function fitsInline(ops: readonly EncodedOp[], maxOps: number): boolean {
  if (ops.length > maxOps) return false;
  let bytes = 0;
  for (const op of ops) bytes += op[2].length;
  return bytes <= INLINE_BYTES_MAX;
}

function* flatten(ops: readonly EncodedOp[]): Iterable<string> {
  for (const op of ops) yield* op;
}

/** What state and tombstones hold after applying `ops` in order to empty hashes. */
function finalContent(ops: readonly ResolvedOp[]): {
  state: Map<string, string>;
  tombstones: Map<string, string>;
} {
  const state = new Map<string, string>();
  const tombstones = new Map<string, string>();
  for (const op of ops) {
    switch (op.op) {
      case "put":
        state.set(op.key, op.json);
        break;
      case "remove":
        state.delete(op.key);
        break;
      case "tombstone":
        tombstones.set(op.key, tombstoneJson(op.tombstone));
        break;
      case "clearTombstone":
        tombstones.delete(op.key);
        break;
    }
  }
  return { state, tombstones };
}

/** Appends the meta and verification pair counts and pairs the scripts read (bounded, small). */
function appendMeta(args: (string | number)[], request: ResetRequest | CommitRequest): void {
  // `objectCount` is the one field the script adds (HLEN of the state it wrote).
  const meta: Omit<StateMeta, "objectCount"> = {
    ...request.position,
    resourceVersion: request.resourceVersion,
  };
  for (const pairs of [recordFields(meta), recordFields(request.verification ?? {})]) {
    args.push(pairs.length / 2, ...pairs);
  }
}
