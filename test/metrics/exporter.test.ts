/**
 * The exporter against a real redis-server and a real influxd (Debian's 1.6: v1 /write,
 * detected from /ping): every event becomes its own point, even many in one millisecond,
 * and a restart resumes from the saved cursor without re-reading.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, test } from "vitest";
import { findBuiltinKind, type KindSpec } from "../../core/kinds.js";
import { silentLogger } from "../../core/logger.js";
import { metricsCursorKey, startMetricsExporter, type MetricsExporter } from "../../metrics/index.js";
import { startInflux, type InfluxServer } from "../support/influx-server.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { waitUntil } from "../../local/wait-until.js";
import { addEvent, addVerification, setHealth } from "./stream-fixtures.js";

const DB = "krm_exporter_test";
const EVENTS_IN_ONE_MS = 300;

let redisServer: RedisServer;
let influx: InfluxServer;
let redis: Redis;
const pods = kind("pods");
const nodes = kind("nodes");

function kind(name: string): KindSpec {
  const spec = findBuiltinKind(name);
  if (spec === undefined) throw new Error(`no kind ${name}`);
  return spec;
}

beforeAll(async () => {
  [redisServer, influx] = await Promise.all([startRedis(), startInflux()]);
  redis = new Redis(redisServer.url);
});

afterAll(async () => {
  redis.disconnect();
  await Promise.all([redisServer.stop(), influx.remove()]);
});

function start(): Promise<MetricsExporter> {
  return startMetricsExporter({
    kinds: [pods, nodes],
    redisUrl: redisServer.url,
    logger: silentLogger(),
    influx: { url: influx.url, database: DB, flushIntervalMs: 100 },
    sampleIntervalMs: 200,
  });
}

async function scalar(query: string): Promise<unknown> {
  const answer = await influx.query(query, DB).catch(() => undefined);
  return answer?.results[0]?.series?.[0]?.values[0]?.[1];
}

test("N events in the same millisecond give N points; restart resumes from the cursor", async () => {
  const createdMs = Date.now() - 2000;
  const ms = Date.now();
  for (let seq = 0; seq < EVENTS_IN_ONE_MS; seq++) {
    const object = { name: `p${seq}`, namespace: "ns-a", creationMs: createdMs, rv: 10 + seq };
    await addEvent(redis, pods, "ADDED", object, createdMs + 1500, `${ms}-${seq}`);
  }
  const node = { name: "n1", creationMs: createdMs, rv: 5 };
  await addEvent(redis, nodes, "ADDED", node, createdMs + 900);
  await addVerification(redis, pods, {
    missing: 1,
    extra: 2,
    stale: 0,
    count: 300,
    durationMs: 40,
    generation: 1,
  });
  await setHealth(redis, pods, 300);

  const first = await start();
  await waitUntil(
    async () =>
      (await scalar(`SELECT count("count") FROM krm_stream_event WHERE "kind" = 'pods'`)) === EVENTS_IN_ONE_MS
        ? true
        : undefined,
    { what: `${EVENTS_IN_ONE_MS} pod event points`, timeoutMs: 20_000 },
  );
  expect(await scalar(`SELECT count("delay_ms") FROM krm_stream_event WHERE "kind" = 'nodes'`)).toBe(1);
  expect(await scalar(`SELECT sum("drift") FROM krm_verification WHERE "kind" = 'pods'`)).toBe(3);
  // Delay is an upper bound: observed − creation second, so ≥ 1500 and < 2500 here.
  const maxDelay = Number(await scalar(`SELECT max("delay_ms") FROM krm_stream_event WHERE "kind" = 'pods'`));
  expect(maxDelay).toBeGreaterThanOrEqual(1500);
  expect(maxDelay).toBeLessThan(2500);
  await waitUntil(
    async () => ((await scalar(`SELECT last("objects") FROM krm_cache`)) === 300 ? true : undefined),
    {
      what: "a krm_cache sample",
      timeoutMs: 10_000,
    },
  );
  await first.stop();
  expect(await redis.hget(metricsCursorKey(pods), "events")).toBe(`${ms}-${EVENTS_IN_ONE_MS - 1}`);
  expect(first.stats()).toMatchObject({ droppedPoints: 0, rejectedPoints: 0 });

  const second = await start();
  const later = { name: "late", namespace: "ns-b", creationMs: Date.now(), rv: 1000 };
  await addEvent(redis, pods, "ADDED", later, Date.now() + 10);
  await waitUntil(
    async () =>
      (await scalar(`SELECT count("count") FROM krm_stream_event WHERE "kind" = 'pods'`)) ===
      EVENTS_IN_ONE_MS + 1
        ? true
        : undefined,
    { what: "the event added after the restart", timeoutMs: 20_000 },
  );
  // Only the new entry was read: the cursor was saved, nothing is re-read.
  expect(second.stats().entriesRead).toBe(1);
  await second.stop();
});
