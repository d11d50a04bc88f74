/**
 * The aggregator against a real redis-server at a size where one command per snapshot
 * breaks (BENCHMARKS.md "50k pods": a reset spread every object into one EVAL and hit
 * V8's stack limit). 60,000 small ConfigMaps are staged exactly as the verifier does
 * (core/snapshot-writer.ts, pages of 500); the aggregator must rebuild its state from
 * them, merge an identical snapshot (timed: only its index should travel), then merge one
 * that deletes half, with state-meta consistent and no
 * staging keys left behind.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAggregator } from "../../aggregator/index.js";
import { RedisStateStore } from "../../aggregator/redis-state-store.js";
import type { ResolvedOp } from "../../aggregator/state-store.js";
import { parseCustomKind } from "../../core/kinds.js";
import { silentLogger } from "../../core/logger.js";
import type { KubeObject } from "../../core/object-key.js";
import { keyOf } from "../../core/object-key.js";
import { kindKeys } from "../../core/redis-keys.js";
import type { RunningPart } from "../../core/running-part.js";
import { StagedSnapshot } from "../../core/snapshot-writer.js";
import { decodeFields } from "../../core/stream-entry.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { waitUntil } from "../../local/wait-until.js";

const kind = parseCustomKind("v1/configmaps/ConfigMap");
const keys = kindKeys(kind);
const OBJECTS = 60_000;
const KEPT = 30_000;
/** The verifier's LIST page size (core/kube-list.ts DEFAULT_PAGE_SIZE). */
const PAGE = 500;
const CONVERGE_TIMEOUT_MS = 90_000;

function configMap(i: number): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: `cm-${i}`,
      namespace: `ns-${i % 100}`,
      uid: `uid-${i}`,
      resourceVersion: String(1000 + i),
    },
    data: { index: String(i) },
  };
}

async function stageSnapshot(redis: Redis, objects: readonly KubeObject[], rv: string): Promise<void> {
  const staged = new StagedSnapshot({ redis, keys, source: "verifier" });
  for (let start = 0; start < objects.length; start += PAGE)
    await staged.add(objects.slice(start, start + PAGE));
  expect((await staged.commit(rv)).swapped).toBe(true);
}

async function stagingKeys(redis: Redis): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, page] = await redis.scan(cursor, "MATCH", "*staging*", "COUNT", 1000);
    found.push(...page);
    cursor = next;
  } while (cursor !== "0");
  return found;
}

describe("aggregator with a 60,000-object snapshot", () => {
  let server: RedisServer;
  let redis: Redis;
  let aggregator: RunningPart | undefined;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    await aggregator?.stop();
    redis?.disconnect();
    await server?.stop();
  });

  it("a staged commit that conflicts writes nothing and leaves no staging key", async () => {
    await redis.flushall();
    const store = new RedisStateStore({ redis, keys, kind, inlineOpsMax: 10 });
    const position = { epoch: "e1", eventsCursor: "0-0" };
    await store.reset({ ops: [], position, resourceVersion: "1" });
    const ops = Array.from({ length: 50 }, (_, i): ResolvedOp => {
      const object = configMap(i);
      return {
        op: "put",
        key: keyOf(object),
        uid: `uid-${i}`,
        rv: BigInt(1000 + i),
        json: JSON.stringify(object),
        change: "ADDED",
      };
    });
    const stale = {
      expected: { epoch: "e1", eventsCursor: "9-9" },
      ops,
      position: { ...position, eventsCursor: "1-0" },
      resourceVersion: "2000",
    };
    expect(await store.commit(stale)).toBe("conflict");
    expect(await redis.hlen(keys.state)).toBe(0);
    expect(await stagingKeys(redis)).toEqual([]);
    expect(await store.commit({ ...stale, expected: position })).toBe("ok");
    expect(await redis.hlen(keys.state)).toBe(50);
    expect(await redis.hget(keys.stateMeta, "objectCount")).toBe("50");
    expect(await redis.xlen(keys.changes)).toBe(51);
    expect(await stagingKeys(redis)).toEqual([]);
    await redis.flushall();
    await redis.slowlog("RESET");
  });

  it("rebuilds the state from the snapshot, then merges a snapshot that deletes half", async () => {
    const objects = Array.from({ length: OBJECTS }, (_, i) => configMap(i));
    let started = performance.now();
    await stageSnapshot(redis, objects, "100000");
    const stageMs = performance.now() - started;

    started = performance.now();
    aggregator = await startAggregator({ kind, redisUrl: server.url, logger: silentLogger() });
    const eventsCursor = (await redis.xrevrange(keys.events, "+", "-", "COUNT", 1))[0]?.[0];
    await waitUntil(
      async () => ((await redis.hget(keys.stateMeta, "eventsCursor")) === eventsCursor ? true : undefined),
      {
        what: "state rebuilt and the SNAPSHOT marker applied",
        timeoutMs: CONVERGE_TIMEOUT_MS,
        intervalMs: 50,
      },
    );
    const rebuildMs = performance.now() - started;

    expect(await redis.hlen(keys.state)).toBe(OBJECTS);
    const meta = await redis.hgetall(keys.stateMeta);
    expect(meta).toMatchObject({ objectCount: String(OBJECTS), verifiedResourceVersion: "100000" });
    expect(await redis.pttl(keys.state)).toBe(-1);
    const resets = (await redis.xrange(keys.changes, "-", "+")).filter(([, f]) => f[1] === "RESET");
    expect(resets.map(([, f]) => f[3])).toEqual([meta["epoch"]]);
    expect(await redis.hgetall(keys.state)).toEqual(await redis.hgetall(keys.verified));
    expect(await stagingKeys(redis)).toEqual([]);

    // The verifier's common case: a snapshot identical to the state. Only the index should
    // travel; no object body is read or parsed.
    const changesBefore = await redis.xlen(keys.changes);
    await stageSnapshot(redis, objects, "150000");
    started = performance.now();
    const unchangedCursor = (await redis.xrevrange(keys.events, "+", "-", "COUNT", 1))[0]?.[0];
    await waitUntil(
      async () => ((await redis.hget(keys.stateMeta, "eventsCursor")) === unchangedCursor ? true : undefined),
      { what: "unchanged snapshot merged", timeoutMs: CONVERGE_TIMEOUT_MS, intervalMs: 5 },
    );
    const unchangedMs = performance.now() - started;
    expect(await redis.hgetall(keys.stateMeta)).toMatchObject({
      epoch: meta["epoch"],
      objectCount: String(OBJECTS),
      verifiedResourceVersion: "150000",
    });
    expect(await redis.xlen(keys.changes)).toBe(changesBefore);
    const [unchangedVerification] = await redis.xrevrange(keys.verifications, "+", "-", "COUNT", 1);
    expect(Object.fromEntries(decodeFields(unchangedVerification?.[1] ?? []))).toMatchObject({
      rv: "150000",
      extra: "0",
      missing: "0",
      stale: "0",
    });
    expect(await stagingKeys(redis)).toEqual([]);

    const kept = objects.slice(0, KEPT);
    await stageSnapshot(redis, kept, "200000");
    started = performance.now();
    const secondCursor = (await redis.xrevrange(keys.events, "+", "-", "COUNT", 1))[0]?.[0];
    await waitUntil(
      async () => ((await redis.hget(keys.stateMeta, "eventsCursor")) === secondCursor ? true : undefined),
      { what: "second snapshot merged", timeoutMs: CONVERGE_TIMEOUT_MS, intervalMs: 50 },
    );
    const mergeMs = performance.now() - started;

    expect(await redis.hlen(keys.state)).toBe(KEPT);
    expect(await redis.hgetall(keys.stateMeta)).toMatchObject({
      epoch: meta["epoch"],
      objectCount: String(KEPT),
      verifiedResourceVersion: "200000",
    });
    expect(await redis.hgetall(keys.state)).toEqual(await redis.hgetall(keys.verified));
    const changes = await redis.xrange(keys.changes, "-", "+");
    const deleted = changes.filter(([, f]) => f[1] === "DELETED");
    expect(deleted).toHaveLength(OBJECTS - KEPT);
    expect(deleted.every(([, f]) => f[f.length - 1] === meta["epoch"])).toBe(true);
    const [lastVerification] = await redis.xrevrange(keys.verifications, "+", "-", "COUNT", 1);
    const verification = Object.fromEntries(decodeFields(lastVerification?.[1] ?? []));
    expect(verification).toMatchObject({ rv: "200000", extra: String(OBJECTS - KEPT), missing: "0" });
    expect(await stagingKeys(redis)).toEqual([]);

    console.info(
      `slowest Redis commands: ${(await slowCommands(redis)).join(", ")}; large snapshot: staged ${OBJECTS} in ${Math.round(stageMs)} ms; ` +
        `aggregator rebuilt ${OBJECTS} in ${Math.round(rebuildMs)} ms; ` +
        `merged a snapshot deleting ${OBJECTS - KEPT} in ${Math.round(mergeMs)} ms; ` +
        `merged an unchanged ${OBJECTS}-object snapshot in ${Math.round(unchangedMs)} ms`,
    );
  });
});

/** The commands redis-server logged as slow (over 10 ms by default), slowest first. */
async function slowCommands(redis: Redis): Promise<string[]> {
  const entries = (await redis.slowlog("GET", 1000)) as unknown[];
  return entries
    .filter((entry): entry is [unknown, unknown, number, string[]] => Array.isArray(entry))
    .sort((x, y) => y[2] - x[2])
    .slice(0, 5)
    .map((entry) => `${entry[3].slice(0, 2).join(" ")} ${Math.round(entry[2] / 1000)} ms`);
}
