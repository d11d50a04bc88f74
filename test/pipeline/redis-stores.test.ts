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
import { startRedis, type RedisServer } from "../support/redis-server.js";

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
});
