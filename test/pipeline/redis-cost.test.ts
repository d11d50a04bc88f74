/**
 * Measures what the pipeline costs Redis (issue 3, points 2 and 9): commands per watch event
 * (INFO commandstats around a burst of churn) and memory for N objects against their JSON
 * size. Uses a custom kind (ConfigMaps, given by configuration) on the shared cluster, in a
 * namespace of its own, with the streamer, verifier and aggregator running in-process.
 */
import { randomBytes } from "node:crypto";
import { CoreV1Api } from "@kubernetes/client-node";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCustomKind } from "../../core/kinds.js";
import { silentLogger } from "../../core/logger.js";
import { kindKeys } from "../../core/redis-keys.js";
import type { RunningPart } from "../../core/running-part.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { sharedCluster } from "../support/shared-cluster.js";
import { waitUntil } from "../../local/wait-until.js";
import { startParts, stopParts } from "./krm-parts.js";

const KIND = parseCustomKind("v1/configmaps/ConfigMap");
const OBJECTS = 1000;
const VALUE_BYTES = 1024;
const CONCURRENCY = 8;

describe("Redis cost of the pipeline", () => {
  let redisServer: RedisServer;
  let redis: Redis;
  let parts: RunningPart[] = [];

  beforeAll(async () => {
    redisServer = await startRedis();
    redis = new Redis(redisServer.url);
  });

  afterAll(async () => {
    await stopParts(parts);
    redis?.disconnect();
    await redisServer?.stop();
  });

  it("costs O(1) commands per event and stays within 3x the objects' JSON size plus the streams", async () => {
    const cluster = sharedCluster();
    const core = cluster.kubeConfig().makeApiClient(CoreV1Api);
    const namespace = `cost-${randomBytes(3).toString("hex")}`;
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    const keys = kindKeys(KIND);
    parts = await startParts({
      kinds: [KIND],
      kubeConfig: cluster.kubeConfig(),
      redisUrl: redisServer.url,
      logger: silentLogger(),
      verifyIntervalMs: 3000,
      bookmarkSilenceMs: 90_000,
      watchTimeoutSeconds: 300,
    });
    const objectCount = async (): Promise<number> =>
      Number((await redis.hget(keys.stateMeta, "objectCount")) ?? "-1");
    const baseline = await waitUntil(async () => ((await objectCount()) >= 0 ? objectCount() : undefined), {
      what: "initial state",
      timeoutMs: 30_000,
    });
    const baseMemory = await usedMemory(redis);
    const baseEvents = Number(await redis.xlen(keys.events));
    await redis.config("RESETSTAT");

    const names = Array.from({ length: OBJECTS }, (_, i) => `cm-${i}`);
    const value = randomBytes(VALUE_BYTES / 2).toString("hex");
    await inParallel(names, (name) =>
      core
        .createNamespacedConfigMap({ namespace, body: { metadata: { name }, data: { value } } })
        .then(() => undefined),
    );
    await inParallel(names, (name) =>
      core
        .patchNamespacedConfigMap({
          namespace,
          name,
          body: [{ op: "add", path: "/metadata/labels", value: { updated: "yes" } }],
        })
        .then(() => undefined),
    );
    const events = OBJECTS * 2;
    await waitUntil(
      async () =>
        (await objectCount()) === baseline + OBJECTS && (await redis.xlen(keys.events)) >= baseEvents + events
          ? true
          : undefined,
      {
        what: "all events aggregated",
        timeoutMs: 60_000,
      },
    );
    // Let the aggregator finish the last batch and a verification (snapshot of N objects) land.
    await waitUntil(
      async () =>
        Number(await redis.hget(keys.verifiedMeta, "count")) === baseline + OBJECTS ? true : undefined,
      {
        what: "a verification covering the new objects",
        timeoutMs: 30_000,
      },
    );
    const stats = parseCommandStats(await redis.info("commandstats"));
    const total = Object.values(stats).reduce((n, c) => n + c, 0);

    const listed = await core.listNamespacedConfigMap({ namespace });
    const jsonBytes = listed.items.reduce((n, item) => n + Buffer.byteLength(JSON.stringify(item)), 0);
    const memoryOf = async (key: string): Promise<number> =>
      Number((await redis.call("MEMORY", "USAGE", key, "SAMPLES", "0")) ?? 0);
    const memory = {
      state: await memoryOf(keys.state),
      verified: await memoryOf(keys.verified),
      tombstones: await memoryOf(keys.tombstones),
      events: await memoryOf(keys.events),
      changes: await memoryOf(keys.changes),
    };
    const usedDelta = (await usedMemory(redis)) - baseMemory;
    const summary = {
      summary: "pipeline-redis-cost",
      events,
      commandsTotal: total,
      // commandstats counts commands run inside the aggregator's Lua commit too (HSET state,
      // XADD changes, HMGET/HLEN/HSET of state-meta), so this is work, not round trips.
      commandsPerEvent: Number((total / events).toFixed(3)),
      // Round trips: the streamer's pipelined XADD per event, and per aggregator batch one
      // pipelined XRANGE+XREAD and one EVALSHA commit.
      roundTripsPerEvent: Number(
        (((stats["xadd"] ?? 0) / 2 + (stats["xread"] ?? 0) + (stats["evalsha"] ?? 0)) / events).toFixed(3),
      ),
      eventsPerAggregatorBatch: Number((events / Math.max(1, stats["evalsha"] ?? 1)).toFixed(2)),
      commands: stats,
      objects: OBJECTS,
      objectsJsonBytes: jsonBytes,
      memoryBytes: memory,
      stateAndVerifiedPerJson: Number(
        ((memory.state + memory.verified + memory.tombstones) / jsonBytes).toFixed(2),
      ),
      usedMemoryDelta: usedDelta,
      usedMemoryDeltaMinusStreamsPerJson: Number(
        ((usedDelta - memory.events - memory.changes) / jsonBytes).toFixed(2),
      ),
    };
    console.log(JSON.stringify(summary));
    // 3 writes per event (XADD events, HSET state, XADD changes) plus a few per batch.
    expect(summary.commandsPerEvent).toBeLessThan(6);
    expect(summary.roundTripsPerEvent).toBeLessThan(2);
    expect(summary.stateAndVerifiedPerJson).toBeLessThanOrEqual(3);
    await core.deleteNamespace({ name: namespace });
  });
});

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info("memory");
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? "0");
}

/** `cmdstat_xadd:calls=12,...` -> { xadd: 12 } */
function parseCommandStats(info: string): Record<string, number> {
  const stats: Record<string, number> = {};
  for (const match of info.matchAll(/cmdstat_([a-z|_-]+):calls=(\d+)/g)) {
    const [, name = "", calls = "0"] = match;
    if (name !== "info" && name !== "config" && name !== "memory|usage" && name !== "hget" && name !== "xlen")
      stats[name] = Number(calls);
  }
  return stats;
}

async function inParallel<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) {
        const item = items[next];
        next += 1;
        if (item !== undefined) await run(item);
      }
    }),
  );
}
