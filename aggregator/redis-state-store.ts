/**
 * `StateStore` on Redis (keys per core/redis-keys.ts). A commit is one Lua script: it
 * checks that `state-meta` is still at the expected epoch and events cursor (so a flushed
 * or rolled-back Redis, or a second aggregator, is detected instead of overwritten), then
 * writes state, tombstones, meta and the change feed together: one round trip per batch.
 */
import type { KindSpec } from "../core/kinds.js";
import type { RedisConnection } from "../core/redis-connection.js";
import type { KindKeys } from "../core/redis-keys.js";
import { RedisScript } from "../core/redis-script.js";
import { MemoryIndex } from "./memory-index.js";
import type { ObservedObject } from "./merge-types.js";
import { observedFromJson } from "./observed-object.js";
import type {
  CommitRequest,
  LoadedState,
  ResetRequest,
  ResolvedOp,
  StatePosition,
  StateStore,
  StoredSnapshot,
} from "./state-store.js";

/** Cap of the `changes` stream: replicas further behind than this reload the state. */
export const DEFAULT_CHANGES_MAX_LENGTH = 100_000;
/** Cap of the `verifications` stream (one entry per merged snapshot). */
export const VERIFICATIONS_MAX_LENGTH = 1000;

/** Each op takes this many ARGV slots: opcode, key, a, b, c. */
const OP_WIDTH = 5;

/**
 * KEYS: state, tombstones, state-meta, changes, verifications.
 * ARGV: mode ("apply"|"reset"), expected epoch, expected cursor, epoch, changes max length,
 *   meta field count N, N meta fields/values pairs (2N), verification field count M,
 *   2M verification pairs, then ops of OP_WIDTH slots:
 *   P key json changeType rv | R key json rv - | T key tombstoneJson - - | C key - - -.
 * Returns "ok" or "conflict".
 */
const COMMIT_SCRIPT = new RedisScript(`
local mode = ARGV[1]
local epoch = ARGV[4]
local maxlen = ARGV[5]
if mode == 'apply' then
  local meta = redis.call('HMGET', KEYS[3], 'epoch', 'eventsCursor')
  if meta[1] ~= ARGV[2] or meta[2] ~= ARGV[3] then return 'conflict' end
else
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', maxlen, '*', 'type', 'RESET', 'epoch', epoch)
end
local i = 6
local metaCount = tonumber(ARGV[i])
local meta = {}
for j = 1, metaCount * 2 do meta[j] = ARGV[i + j] end
i = i + metaCount * 2 + 1
local verificationCount = tonumber(ARGV[i])
local verification = {}
for j = 1, verificationCount * 2 do verification[j] = ARGV[i + j] end
i = i + verificationCount * 2 + 1
local feed = mode == 'apply'
while i + ${OP_WIDTH - 1} <= #ARGV do
  local op, key = ARGV[i], ARGV[i + 1]
  if op == 'P' then
    redis.call('HSET', KEYS[1], key, ARGV[i + 2])
    if feed then
      redis.call('XADD', KEYS[4], 'MAXLEN', '~', maxlen, '*', 'type', ARGV[i + 3], 'key', key, 'rv', ARGV[i + 4],
        'object', ARGV[i + 2], 'epoch', epoch)
    end
  elseif op == 'R' then
    redis.call('HDEL', KEYS[1], key)
    if feed then
      redis.call('XADD', KEYS[4], 'MAXLEN', '~', maxlen, '*', 'type', 'DELETED', 'key', key, 'rv', ARGV[i + 3],
        'object', ARGV[i + 2], 'epoch', epoch)
    end
  elseif op == 'T' then
    redis.call('HSET', KEYS[2], key, ARGV[i + 2])
  elseif op == 'C' then
    redis.call('HDEL', KEYS[2], key)
  end
  i = i + ${OP_WIDTH}
end
meta[#meta + 1] = 'objectCount'
meta[#meta + 1] = tostring(redis.call('HLEN', KEYS[1]))
redis.call('HSET', KEYS[3], unpack(meta))
if verificationCount > 0 then
  redis.call('XADD', KEYS[5], 'MAXLEN', '~', ${VERIFICATIONS_MAX_LENGTH}, '*', unpack(verification))
end
return 'ok'
`);

export interface RedisStateStoreOptions {
  readonly redis: RedisConnection;
  readonly keys: KindKeys;
  readonly kind: KindSpec;
  readonly changesMaxLength?: number;
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
    const [meta, state, tombstones] = (results ?? []).map(([error, value]) => {
      if (error !== null) throw error;
      return value as Record<string, string>;
    });
    if (meta?.["epoch"] === undefined || meta["eventsCursor"] === undefined) return undefined;
    const index = new MemoryIndex();
    for (const [key, json] of Object.entries(state ?? {})) {
      const observed = this.parse(key, json);
      if (observed !== undefined)
        index.apply([{ op: "put", key, uid: observed.uid, rv: observed.rv, json: "", change: "ADDED" }]);
    }
    for (const [key, json] of Object.entries(tombstones ?? {})) {
      const tombstone = JSON.parse(json) as { uid: string; rv: string; deletedAt: number };
      index.apply([
        {
          op: "tombstone",
          key,
          tombstone: { uid: tombstone.uid, rv: BigInt(tombstone.rv), deletedAt: tombstone.deletedAt },
        },
      ]);
    }
    const verifiedRv = meta["verifiedResourceVersion"];
    if (verifiedRv !== undefined) index.markVerified(BigInt(verifiedRv));
    const highest = meta["resourceVersion"];
    if (highest !== undefined && highest !== "")
      index.highestRv = BigInt(highest) > index.highestRv ? BigInt(highest) : index.highestRv;
    const position: StatePosition = {
      epoch: meta["epoch"],
      eventsCursor: meta["eventsCursor"],
      ...optional("verifiedResourceVersion", meta["verifiedResourceVersion"]),
      ...optional("verifiedAt", meta["verifiedAt"]),
      ...optional("lastEventObservedAt", meta["lastEventObservedAt"]),
    };
    return { index, position };
  }

  async epoch(): Promise<string | undefined> {
    return (await this.options.redis.hget(this.options.keys.stateMeta, "epoch")) ?? undefined;
  }

  async objects(keys: readonly string[]): Promise<(string | undefined)[]> {
    if (keys.length === 0) return [];
    const values = await this.options.redis.hmget(this.options.keys.state, ...keys);
    return values.map((v) => v ?? undefined);
  }

  async commit(request: CommitRequest): Promise<"ok" | "conflict"> {
    const result = await this.runCommit("apply", request.expected, request);
    return result === "ok" ? "ok" : "conflict";
  }

  async reset(request: ResetRequest): Promise<void> {
    await this.runCommit("reset", { epoch: "", eventsCursor: "" }, request);
  }

  async snapshot(): Promise<StoredSnapshot | undefined> {
    const { redis, keys } = this.options;
    const results = await redis.multi().hgetall(keys.verifiedMeta).hgetall(keys.verified).exec();
    const [meta, verified] = (results ?? []).map(([error, value]) => {
      if (error !== null) throw error;
      return value as Record<string, string>;
    });
    const rv = meta?.["resourceVersion"];
    const generation = meta?.["generation"];
    if (rv === undefined || generation === undefined) return undefined;
    const objects = new Map<string, ObservedObject>();
    for (const [key, json] of Object.entries(verified ?? {})) {
      const observed = this.parse(key, json);
      if (observed !== undefined) objects.set(key, observed);
    }
    return {
      rv: BigInt(rv),
      objects,
      generation,
      finishedAt: meta?.["finishedAt"] ?? "",
      durationMs: meta?.["durationMs"] ?? "",
      count: meta?.["count"] ?? String(objects.size),
    };
  }

  private async runCommit(
    mode: "apply" | "reset",
    expected: Pick<StatePosition, "epoch" | "eventsCursor">,
    request: ResetRequest | CommitRequest,
  ): Promise<unknown> {
    const { keys } = this.options;
    const { position } = request;
    const meta: [string, string][] = [
      ["epoch", position.epoch],
      ["eventsCursor", position.eventsCursor],
      ["resourceVersion", request.resourceVersion],
    ];
    for (const field of ["verifiedResourceVersion", "verifiedAt", "lastEventObservedAt"] as const) {
      const value = position[field];
      if (value !== undefined) meta.push([field, value]);
    }
    const verification = Object.entries<string>({ ...request.verification });
    const args: (string | number)[] = [
      mode,
      expected.epoch,
      expected.eventsCursor,
      position.epoch,
      this.options.changesMaxLength ?? DEFAULT_CHANGES_MAX_LENGTH,
      meta.length,
      ...meta.flat(),
      verification.length,
      ...verification.flat(),
    ];
    for (const op of request.ops) args.push(...encodeOp(op));
    return COMMIT_SCRIPT.run(
      this.options.redis,
      [keys.state, keys.tombstones, keys.stateMeta, keys.changes, keys.verifications],
      args,
    );
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

function encodeOp(op: ResolvedOp): string[] {
  switch (op.op) {
    case "put":
      return ["P", op.key, op.json, op.change, String(op.rv)];
    case "remove":
      return ["R", op.key, op.json, String(op.rv), ""];
    case "tombstone":
      return [
        "T",
        op.key,
        JSON.stringify({
          uid: op.tombstone.uid,
          rv: String(op.tombstone.rv),
          deletedAt: op.tombstone.deletedAt,
        }),
        "",
        "",
      ];
    case "clearTombstone":
      return ["C", op.key, "", "", ""];
  }
}

function optional<K extends string>(name: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [name]: value } as Record<K, string>);
}
