/**
 * The exporter's v2 write path (`/api/v2/write`, used for InfluxDB 1.8+, 2.x and 3.x) against
 * a real InfluxDB 1.8.10 built from Go modules (local/cluster/go/influxd), next to the v1 path
 * that exporter.test.ts covers on Debian's 1.6. Both the explicit `v2` setting and `auto`
 * (detected from /ping's X-Influxdb-Version) must land every event as its own point.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, test } from "vitest";
import { findBuiltinKind, type KindSpec } from "../../core/kinds.js";
import { silentLogger } from "../../core/logger.js";
import { detectApi } from "../../metrics/detect-api.js";
import { startMetricsExporter } from "../../metrics/index.js";
import { ensureBinaries } from "../../local/cluster/build.js";
import { startInflux, type InfluxServer } from "../support/influx-server.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { waitUntil } from "../../local/wait-until.js";
import { addEvent } from "./stream-fixtures.js";

const EVENTS = 50;

let redisServer: RedisServer;
let influx: InfluxServer;
let redis: Redis;
const pods = builtin("pods");

function builtin(name: string): KindSpec {
  const spec = findBuiltinKind(name);
  if (spec === undefined) throw new Error(`no kind ${name}`);
  return spec;
}

beforeAll(async () => {
  const { influxd18 } = await ensureBinaries();
  [redisServer, influx] = await Promise.all([startRedis(), startInflux({ binary: influxd18 })]);
  redis = new Redis(redisServer.url);
});

afterAll(async () => {
  redis.disconnect();
  await Promise.all([redisServer.stop(), influx.remove()]);
});

async function count(database: string): Promise<unknown> {
  const answer = await influx
    .query(`SELECT count("count") FROM krm_stream_event`, database)
    .catch(() => undefined);
  return answer?.results[0]?.series?.[0]?.values[0]?.[1];
}

test("auto-detection picks the v2 API on InfluxDB 1.8", async () => {
  expect(await detectApi({ url: influx.url })).toMatchObject({ api: "v2", version: "1.8.10" });
});

test.each(["v2", "auto"] as const)("api=%s: N events in one millisecond give N points", async (api) => {
  const database = `krm_${api}`;
  // InfluxDB 1.8's /api/v2/write needs an existing database ("db/rp" as the bucket): with
  // api=v2 the operator creates it, with auto krm sees a 1.x server and creates it itself.
  if (api === "v2") await influx.query(`CREATE DATABASE ${database}`, database);
  const ms = Date.now();
  for (let seq = 0; seq < EVENTS; seq++) {
    const object = { name: `p${seq}`, namespace: `ns-${api}`, creationMs: ms - 1000, rv: 100 + seq };
    await addEvent(redis, pods, "ADDED", object, ms, `${ms}-${seq}`);
  }
  const exporter = await startMetricsExporter({
    kinds: [pods],
    redisUrl: redisServer.url,
    logger: silentLogger(),
    influx: { url: influx.url, api, database, flushIntervalMs: 100 },
  });
  try {
    await waitUntil(async () => ((await count(database)) === EVENTS ? true : undefined), {
      what: `${EVENTS} points through /api/v2/write`,
      timeoutMs: 20_000,
    });
    expect(exporter.stats()).toMatchObject({ droppedPoints: 0, rejectedPoints: 0 });
  } finally {
    await exporter.stop();
  }
});
