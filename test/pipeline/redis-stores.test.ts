/**
 * The Redis side of the pipeline against a real redis-server: the atomic snapshot swap
 * (core/snapshot-writer.ts) and the aggregator's guarded commit, checked against the
 * in-memory store so the two stay interchangeable.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { findBuiltinKind, type KindSpec } from "../../core/kinds.js";
import { kindKeys } from "../../core/redis-keys.js";
import { StagedSnapshot } from "../../core/snapshot-writer.js";
import type { KubeObject } from "../../core/object-key.js";
import { MemoryStateStore } from "../../aggregator/memory-state-store.js";
import { RedisStateStore } from "../../aggregator/redis-state-store.js";
import type { StateStore } from "../../aggregator/state-store.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";

const found = findBuiltinKind("pods");
if (found === undefined) throw new Error("pods is a built-in kind");
const kind: KindSpec = found;
const keys = kindKeys(kind);

function pod(name: string, rv: string, uid = `${name}-1`): KubeObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "ns", uid, resourceVersion: rv } };
}

describe("Redis stores", () => {
  let server: RedisServer;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });
  beforeEach(async () => {
    await redis.flushall();
  });

  describe("snapshot swap", () => {
    it("renames staging onto verified, bumps the generation and appends a SNAPSHOT marker", async () => {
      const first = new StagedSnapshot({ redis, keys, source: "verifier" });
      await first.add([pod("a", "5"), pod("b", "6")]);
      expect(await first.commit("10")).toEqual({ swapped: true, generation: "1" });
      const second = new StagedSnapshot({ redis, keys, source: "streamer" });
      await second.add([pod("a", "15")]);
      expect(await second.commit("20")).toEqual({ swapped: true, generation: "2" });

      expect(Object.keys(await redis.hgetall(keys.verified))).toEqual(["ns/a"]);
      expect(await redis.hgetall(keys.verifiedMeta)).toMatchObject({
        resourceVersion: "20",
        generation: "2",
        count: "1",
        source: "streamer",
      });
      expect(await redis.pttl(keys.verified)).toBe(-1);
      const markers = (await redis.xrange(keys.events, "-", "+")).map(([, fields]) => fields.slice(0, 6));
      expect(markers).toEqual([
        ["type", "SNAPSHOT", "rv", "10", "generation", "1"],
        ["type", "SNAPSHOT", "rv", "20", "generation", "2"],
      ]);
      expect(await redis.keys("*staging*")).toEqual([]);
    });

    it("drops a snapshot older than the one in place", async () => {
      const newer = new StagedSnapshot({ redis, keys, source: "verifier" });
      await newer.add([pod("a", "15")]);
      await newer.commit("20");
      const older = new StagedSnapshot({ redis, keys, source: "verifier" });
      await older.add([pod("a", "5")]);
      expect(await older.commit("10")).toEqual({ swapped: false });
      expect(await redis.hget(keys.verifiedMeta, "resourceVersion")).toBe("20");
      expect(await redis.keys("*staging*")).toEqual([]);
    });

    it("an empty snapshot empties verified", async () => {
      const full = new StagedSnapshot({ redis, keys, source: "verifier" });
      await full.add([pod("a", "5")]);
      await full.commit("10");
      expect(await new StagedSnapshot({ redis, keys, source: "verifier" }).commit("11")).toMatchObject({
        swapped: true,
      });
      expect(await redis.exists(keys.verified)).toBe(0);
      expect(await redis.hget(keys.verifiedMeta, "count")).toBe("0");
    });

    it("swaps in the index with the snapshot: `<rv> <uid>` per indexable object", async () => {
      const staged = new StagedSnapshot({ redis, keys, source: "streamer" });
      await staged.add([pod("a", "5")]);
      // Serialized without the parsed object, as a caller holding only JSON would.
      await staged.addSerialized([
        ["ns/b", JSON.stringify(pod("b", "6", "uid-b"))],
        ["ns/bad", "not json"],
      ]);
      expect(await staged.commit("10")).toEqual({ swapped: true, generation: "1" });
      expect(await redis.hgetall(keys.verifiedIndex)).toEqual({ "ns/a": "5 a-1", "ns/b": "6 uid-b" });
      expect(await redis.hlen(keys.verified)).toBe(3);
      expect(await redis.hget(keys.verifiedMeta, "indexGeneration")).toBe("1");
      expect(await redis.pttl(keys.verifiedIndex)).toBe(-1);
      expect(await redis.keys("*staging*")).toEqual([]);

      const empty = new StagedSnapshot({ redis, keys, source: "verifier" });
      expect(await empty.commit("11")).toMatchObject({ swapped: true, generation: "2" });
      expect(await redis.exists(keys.verifiedIndex)).toBe(0);
      expect(await redis.hget(keys.verifiedMeta, "indexGeneration")).toBe("2");
    });

    it("stages the index with a TTL and discards both staging hashes", async () => {
      const staged = new StagedSnapshot({ redis, keys, source: "verifier" });
      await staged.add([pod("a", "5")]);
      const stagingKeys = await redis.keys("*staging*");
      expect(stagingKeys.sort()).toEqual(
        [
          expect.stringContaining(":verified-index-staging:"),
          expect.stringContaining(":verified-staging:"),
        ].sort(),
      );
      for (const key of stagingKeys) expect(await redis.pttl(key)).toBeGreaterThan(0);
      await staged.discard();
      expect(await redis.keys("*staging*")).toEqual([]);
    });

    it("fails when the index staging hash vanished", async () => {
      const staged = new StagedSnapshot({ redis, keys, source: "verifier" });
      await staged.add([pod("a", "5")]);
      for (const key of await redis.keys("*verified-index-staging*")) await redis.del(key);
      await expect(staged.commit("10")).rejects.toThrow(/KRM_STAGING_MISSING/);
      expect(await redis.exists(keys.verified)).toBe(0);
      expect(await redis.keys("*staging*")).toEqual([]);
    });

    it("fails when the staging hash vanished (Redis flushed while listing)", async () => {
      const staged = new StagedSnapshot({ redis, keys, source: "verifier" });
      await staged.add([pod("a", "5")]);
      await redis.flushall();
      await expect(staged.commit("10")).rejects.toThrow(/KRM_STAGING_MISSING/);
    });
  });

  describe("state store contract (Redis and memory behave the same)", () => {
    const position = (epoch: string, eventsCursor: string) => ({
      epoch,
      eventsCursor,
      verifiedResourceVersion: "10",
    });

    async function exercise(store: StateStore) {
      const a = JSON.stringify(pod("a", "5"));
      const b = JSON.stringify(pod("b", "6"));
      await store.reset({
        ops: [
          { op: "put", key: "ns/a", uid: "a-1", rv: 5n, json: a, change: "ADDED" },
          { op: "put", key: "ns/b", uid: "b-1", rv: 6n, json: b, change: "ADDED" },
        ],
        position: position("e1", "0-0"),
        resourceVersion: "10",
      });
      const ok = await store.commit({
        expected: { epoch: "e1", eventsCursor: "0-0" },
        ops: [
          { op: "remove", key: "ns/b", uid: "b-1", rv: 12n, json: b },
          { op: "tombstone", key: "ns/b", tombstone: { uid: "b-1", rv: 12n, deletedAt: 1 } },
        ],
        position: position("e1", "5-0"),
        resourceVersion: "12",
      });
      const conflict = await store.commit({
        expected: { epoch: "e1", eventsCursor: "0-0" },
        ops: [{ op: "put", key: "ns/c", uid: "c-1", rv: 13n, json: "{}", change: "ADDED" }],
        position: position("e1", "6-0"),
        resourceVersion: "13",
      });
      const loaded = await store.load();
      return {
        ok,
        conflict,
        epoch: await store.epoch(),
        cursor: loaded?.position.eventsCursor,
        index: [...(loaded?.index.entries() ?? [])],
        tombstones: [...(loaded?.index.tombstones() ?? [])],
        verifiedRv: loaded?.index.verifiedRv,
        objects: await store.objects(["ns/a", "ns/b"]),
      };
    }

    it("commits, detects conflicts and reloads identically", async () => {
      const viaRedis = await exercise(new RedisStateStore({ redis, keys, kind }));
      const inMemory = await exercise(new MemoryStateStore());
      expect(viaRedis).toEqual(inMemory);
      expect(viaRedis).toMatchObject({ ok: "ok", conflict: "conflict", cursor: "5-0", verifiedRv: 10n });
      expect(await redis.hget(keys.stateMeta, "objectCount")).toBe("1");
      const changes = (await redis.xrange(keys.changes, "-", "+")).map(
        ([, fields]) => `${fields[1]} ${fields[3] ?? ""}`,
      );
      expect(changes).toEqual(["RESET e1", "DELETED ns/b"]);
    });

    it("a flushed Redis makes the next commit a conflict, never a partial write", async () => {
      const store = new RedisStateStore({ redis, keys, kind });
      await store.reset({ ops: [], position: position("e1", "0-0"), resourceVersion: "10" });
      await redis.flushall();
      const result = await store.commit({
        expected: { epoch: "e1", eventsCursor: "0-0" },
        ops: [{ op: "put", key: "ns/a", uid: "a-1", rv: 5n, json: "{}", change: "ADDED" }],
        position: position("e1", "1-0"),
        resourceVersion: "11",
      });
      expect(result).toBe("conflict");
      expect(await redis.dbsize()).toBe(0);
    });
  });

  describe("snapshot index reads", () => {
    it("snapshotIndex describes the same snapshot as snapshot(), without bodies", async () => {
      const staged = new StagedSnapshot({ redis, keys, source: "verifier" });
      await staged.add([pod("a", "5"), pod("b", "6", "uid-b")]);
      await staged.commit("10");
      const store = new RedisStateStore({ redis, keys, kind });
      const full = await store.snapshot();
      const index = await store.snapshotIndex();
      expect(index).toMatchObject({ rv: 10n, generation: "1", count: "2" });
      expect(full).toMatchObject({ rv: 10n, generation: "1", count: "2" });
      const fromFull = [...(full?.objects ?? [])].map(([key, o]) => [key, { uid: o.uid, rv: o.rv }] as const);
      expect(index?.objects).toEqual(new Map(fromFull));
      expect(await store.snapshotObjects("1", ["ns/b", "ns/zz"])).toEqual(
        new Map([["ns/b", JSON.stringify(pod("b", "6", "uid-b"))]]),
      );
      expect(await store.snapshotObjects("2", ["ns/b"])).toBeUndefined();
    });

    it("ignores an index from another generation or a snapshot written without one", async () => {
      const staged = new StagedSnapshot({ redis, keys, source: "verifier" });
      await staged.add([pod("a", "5")]);
      await staged.commit("10");
      const store = new RedisStateStore({ redis, keys, kind });
      // A writer without indexes swapped in a newer snapshot: generation moved, index did not.
      await redis.hincrby(keys.verifiedMeta, "generation", 1);
      expect(await store.snapshotIndex()).toBeUndefined();
      await redis.hdel(keys.verifiedMeta, "indexGeneration");
      expect(await store.snapshotIndex()).toBeUndefined();
      expect(await store.snapshot()).toMatchObject({ generation: "2" });
      await redis.flushall();
      expect(await store.snapshotIndex()).toBeUndefined();
    });
  });
});
