import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { KindSpec } from "../../core/kinds.js";
import { createLogger } from "../../core/logger.js";
import { ledgerKeys } from "../../core/redis-keys.js";
import { LedgerFollower } from "../../usage/ledger/ledger-follower.js";
import { readGroupTotals } from "../../usage/ledger/ledger-reader.js";
import { observerFor } from "../../usage/ledger/observation.js";
import { gpuMatcher } from "../../usage/ledger/rates.js";
import { StateWriter } from "../api/helpers/state-writer.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { waitUntil } from "../../local/wait-until.js";
import { HOUR, builtinKind, ledgerClaim, ledgerPod } from "./ledger-fixtures.js";

const kind = builtinKind;
const PODS = kind("pods");
const PVCS = kind("persistentvolumeclaims");
const keys = ledgerKeys();
const observeOptions = { labelKeys: ["team"], isGpu: gpuMatcher() };

let redisServer: RedisServer;
let redis: Redis;
let pods: StateWriter;
let claims: StateWriter;
/** The start of the hour three hours ago: every fixture time is relative to it. */
const base = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
const followers: LedgerFollower[] = [];

function follower(spec: KindSpec): LedgerFollower {
  const observe = observerFor(spec.id, observeOptions);
  if (observe === undefined) throw new Error(`no observer for ${spec.id}`);
  const started = new LedgerFollower({
    kind: spec,
    observe,
    redisUrl: redisServer.url,
    logger: createLogger("ledger-test", process.env["KRM_TEST_LOG_LEVEL"] ?? "warn"),
    blockMs: 100,
  });
  started.start();
  followers.push(started);
  return started;
}

async function stopAll(): Promise<void> {
  await Promise.all(followers.splice(0).map((f) => f.stop()));
}

async function totals(): Promise<Map<string, Record<string, number>>> {
  return await readGroupTotals(redis, keys, { fromMs: base, toMs: base + 4 * HOUR }, Date.now());
}

/** Waits until the ledger's record of `uid` satisfies `check`. */
async function record(
  spec: KindSpec,
  uid: string,
  check: (r: { v: string; o: number; c?: number }) => boolean,
): Promise<void> {
  await waitUntil(
    async () => {
      const json = await redis.hget(keys.objects(spec.id), uid);
      if (json === null) return undefined;
      return check(JSON.parse(json) as { v: string; o: number; c?: number }) ? true : undefined;
    },
    { what: `ledger record ${uid}`, timeoutMs: 30_000 },
  );
}

beforeAll(async () => {
  redisServer = await startRedis();
  redis = new Redis(redisServer.url);
  pods = new StateWriter(redisServer.url, PODS);
  claims = new StateWriter(redisServer.url, PVCS);
});

afterAll(async () => {
  await stopAll();
  pods.close();
  claims.close();
  redis.disconnect();
  await redisServer.stop();
});

describe("ledger on a real Redis", () => {
  const podA = {
    namespace: "team-a",
    name: "a",
    cpu: "500m",
    memory: "1Gi",
    labels: { team: "a" },
    scheduledAt: base + HOUR / 2,
  };
  const coreSecondsA = 0.5 * 1.5 * 3600; // 500m from base+30m to base+2h

  test("credits a pod's reservation from its scheduling to its finish, split into hours, per namespace and label", async () => {
    await pods.reset([ledgerPod(podA)]);
    await claims.reset([ledgerClaim("team-a", "data", "10Gi", base)]);
    follower(PODS);
    follower(PVCS);
    await record(PODS, "uid-team-a-a", (r) => r.o === 1);
    await pods.change("MODIFIED", ledgerPod({ ...podA, finishedAt: base + 2 * HOUR }));
    await claims.change("DELETED", ledgerClaim("team-a", "data", "10Gi", base, base + HOUR));
    await record(PODS, "uid-team-a-a", (r) => r.o === 0);
    await record(PVCS, "uid-pvc-team-a-data", (r) => r.o === 0);

    const all = await totals();
    expect(all.get("namespace:team-a")?.["cpu"]).toBeCloseTo(coreSecondsA, 6);
    expect(all.get("label:team=a")?.["cpu"]).toBeCloseTo(coreSecondsA, 6);
    expect(all.get("namespace:team-a")?.["memory"]).toBeCloseTo(2 ** 30 * 1.5 * 3600, 0);
    expect(all.get("namespace:team-a")?.["storage"]).toBeCloseTo(10 * 2 ** 30 * 3600, 0);
    // Hour buckets: 30 min in the first hour, 60 in the second.
    expect(Number(await redis.hget(`${keys.hourPrefix}${base}`, "cpu\tnamespace:team-a"))).toBeCloseTo(
      900,
      6,
    );
    expect(Number(await redis.hget(`${keys.hourPrefix}${base + HOUR}`, "cpu\tnamespace:team-a"))).toBeCloseTo(
      1800,
      6,
    );
    expect(await redis.pttl(`${keys.hourPrefix}${base}`)).toBeGreaterThan(300 * 24 * HOUR);
  });

  test("a replayed feed and a restarted ledger count nothing twice", async () => {
    await stopAll();
    const before = await totals();
    // Rewind the stored position to the start of the feed (same epoch): everything replays.
    await redis.hset(keys.cursors, "pods", "0-0");
    const replaying = follower(PODS);
    await waitUntil(() => (replaying.stats.changes >= 2 ? true : undefined), {
      what: "replay read",
      timeoutMs: 30_000,
    });
    await waitUntil(() => (replaying.cursor !== "0-0" ? true : undefined), {
      what: "replay applied",
      timeoutMs: 30_000,
    });
    expect(replaying.stats.applied).toBe(0);
    expect(await totals()).toEqual(before);
  });

  test("two ledger writers at once count each change once; a batch costs one script call", async () => {
    await stopAll();
    const podB = {
      namespace: "team-b",
      name: "b",
      cpu: "2",
      memory: "512Mi",
      gpu: "1",
      scheduledAt: base + HOUR,
    };
    await pods.change("ADDED", ledgerPod(podB));
    for (let i = 0; i < 20; i++)
      await pods.change("MODIFIED", ledgerPod({ ...podB, labels: { round: String(i) } }));
    await pods.change("MODIFIED", ledgerPod({ ...podB, finishedAt: base + 2 * HOUR }));
    const first = follower(PODS);
    const second = follower(PODS);
    await record(PODS, "uid-team-b-b", (r) => r.o === 0);
    await waitUntil(() => (first.stats.changes >= 22 && second.stats.changes >= 22 ? true : undefined), {
      what: "both writers read the batch",
      timeoutMs: 30_000,
    });
    expect(first.stats.writes).toBe(1);
    expect(second.stats.writes).toBe(1);
    expect(first.stats.applied + second.stats.applied).toBe(22);
    const all = await totals();
    expect(all.get("namespace:team-b")?.["cpu"]).toBeCloseTo(2 * 3600, 6);
    expect(all.get("namespace:team-b")?.["gpu"]).toBeCloseTo(3600, 6);
    expect(all.get("label:team=")?.["gpu"]).toBeCloseTo(3600, 6); // unlabelled: the empty value
  });

  test("a deletion missed while the ledger was down is closed from the state, within the outage", async () => {
    await stopAll();
    const podC = { namespace: "team-c", name: "c", cpu: "1", memory: "1Gi", scheduledAt: base + HOUR };
    await pods.change("ADDED", ledgerPod(podC));
    follower(PODS);
    await record(PODS, "uid-team-c-c", (r) => r.o === 1);
    await stopAll();
    const deletedAt = base + 2.5 * HOUR;
    await pods.change("DELETED", ledgerPod({ ...podC, deletionAt: deletedAt }));
    await redis.xtrim(pods.keys.changes, "MAXLEN", 0); // the feed lost the DELETED
    const restarted = follower(PODS);
    await record(PODS, "uid-team-c-c", (r) => r.o === 0);
    const reconciledAt = Date.now();
    expect(restarted.stats.reconciliations).toBe(1);
    const cpu = (await totals()).get("namespace:team-c")?.["cpu"] ?? 0;
    const exact = (deletedAt - podC.scheduledAt) / 1000;
    expect(cpu).toBeGreaterThanOrEqual(exact);
    expect(cpu).toBeLessThanOrEqual(exact + (reconciledAt - deletedAt) / 1000);
  });
});
