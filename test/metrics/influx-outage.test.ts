/**
 * influxd stopped for 30 s during a real churn (real pods on the shared control plane, real
 * streamer/verifier/aggregator, the exporter): caching stays as fresh as before the outage
 * (API write acknowledged → object in the aggregated state in Redis), the exporter keeps
 * reading the streams, the overflow is dropped and counted, and points of events after the
 * recovery arrive in InfluxDB.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, test } from "vitest";
import { silentLogger } from "../../core/logger.js";
import { objectKey } from "../../core/object-key.js";
import { kindKeys } from "../../core/redis-keys.js";
import type { RunningPart } from "../../core/running-part.js";
import { startMetricsExporter, type MetricsExporter } from "../../metrics/index.js";
import { startInflux, type InfluxServer } from "../support/influx-server.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { sharedCluster } from "../support/shared-cluster.js";
import { waitUntil } from "../../local/wait-until.js";
import { PodChurn, podsKind, startPipeline, stopAll } from "./pipeline-run.js";

const DB = "krm";
const OUTAGE_MS = 30_000;
const BASELINE_MS = 10_000;
/** Small, so a 30 s outage of a modest churn overflows it. */
const BUFFER_BOUND = 200;

let redisServer: RedisServer;
let influx: InfluxServer;
let redis: Redis;
let exporter: MetricsExporter;
let churn: PodChurn;
const parts: RunningPart[] = [];
const kind = podsKind();

beforeAll(async () => {
  [redisServer, influx] = await Promise.all([startRedis(), startInflux()]);
  redis = new Redis(redisServer.url);
  const kubeConfig = sharedCluster().kubeConfig();
  const logger = silentLogger();
  parts.push(
    ...(await startPipeline({ kind, kubeConfig, redisUrl: redisServer.url, logger, verifyIntervalMs: 5000 })),
  );
  exporter = await startMetricsExporter({
    kinds: [kind],
    redisUrl: redisServer.url,
    influx: { url: influx.url, database: DB, flushIntervalMs: 200, maxBufferedPoints: BUFFER_BOUND },
    logger,
    sampleIntervalMs: 1000,
  });
  parts.push(exporter);
  churn = new PodChurn(kubeConfig, `krm-metrics-outage-${Date.now().toString(36)}`);
  await churn.createNamespace();
  // The pipeline is live once the namespace's first pod reaches the state.
  await visibilityMs("warmup");
}, 120_000);

afterAll(async () => {
  await stopAll(parts);
  redis?.disconnect();
  await Promise.all([redisServer?.stop(), influx?.remove()]);
});

let sequence = 0;

/** Creates a pod and returns how long after the API acknowledged it the aggregated state held it. */
async function visibilityMs(prefix: string): Promise<number> {
  const name = `${prefix}-${sequence++}`;
  await churn.create(name);
  const acknowledged = performance.now();
  const key = objectKey(churn.namespace, name);
  const stateKey = kindKeys(kind).state;
  await waitUntil(async () => ((await redis.hexists(stateKey, key)) === 1 ? true : undefined), {
    what: `${key} in the state`,
    timeoutMs: 20_000,
    intervalMs: 5,
  });
  const latency = performance.now() - acknowledged;
  await churn.delete(name);
  return latency;
}

/** Churns for `durationMs`; returns the visibility latencies. */
async function churnFor(prefix: string, durationMs: number): Promise<number[]> {
  const latencies: number[] = [];
  const end = Date.now() + durationMs;
  while (Date.now() < end) latencies.push(await visibilityMs(prefix));
  return latencies;
}

function p(values: readonly number[], percentile: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((percentile / 100) * sorted.length))] ?? Number.NaN;
}

async function scalar(query: string): Promise<number> {
  const answer = await influx.query(query, DB);
  return Number(answer.results[0]?.series?.[0]?.values[0]?.[1] ?? 0);
}

async function streamEntries(): Promise<number> {
  const keys = kindKeys(kind);
  return (await redis.xlen(keys.events)) + (await redis.xlen(keys.verifications));
}

test("a 30 s InfluxDB outage leaves caching as fresh, drops and counts overflow, and recovers", async () => {
  const baseline = await churnFor("base", BASELINE_MS);
  await waitUntil(
    async () => ((await scalar(`SELECT count("count") FROM "krm_stream_event"`)) > 0 ? true : undefined),
    {
      what: "points before the outage",
      timeoutMs: 20_000,
    },
  );
  expect(exporter.stats().droppedPoints).toBe(0);

  await influx.stop();
  const outage = await churnFor("outage", OUTAGE_MS);
  // The exporter kept reading the streams during the outage: it is caught up within a second or two.
  const entries = await streamEntries();
  await waitUntil(() => (exporter.stats().entriesRead >= entries ? true : undefined), {
    what: "exporter caught up with the streams during the outage",
    timeoutMs: 3000,
  });
  const droppedDuringOutage = exporter.stats().droppedPoints;
  const writtenBeforeRecovery = exporter.stats().writtenPoints;
  await influx.start();
  // The flusher notices at its next retry (backoff capped at 10 s); until then it still buffers and drops.
  await waitUntil(() => (exporter.stats().writtenPoints > writtenBeforeRecovery ? true : undefined), {
    what: "the first write after the recovery",
    timeoutMs: 20_000,
  });
  const recoveredAt = Date.now();

  const after = await churnFor("after", 5000);
  await waitUntil(
    async () =>
      (await scalar(
        `SELECT count("delay_ms") FROM "krm_stream_event" WHERE "type" = 'ADDED' AND time > ${recoveredAt}ms`,
      )) >= after.length
        ? true
        : undefined,
    {
      what: "points of events after the recovery",
      timeoutMs: 30_000,
      describeFailure: async () =>
        `stats ${JSON.stringify(exporter.stats())}; after ${after.length}; total ${await scalar(`SELECT count("count") FROM "krm_stream_event"`)}; last ${JSON.stringify((await influx.query(`SELECT last("count") FROM "krm_stream_event"`, DB)).results)} recoveredAt ${recoveredAt}`,
    },
  );
  await waitUntil(
    async () => ((await scalar(`SELECT max("dropped_points") FROM "krm_exporter"`)) > 0 ? true : undefined),
    { what: "dropped points recorded in krm_exporter", timeoutMs: 15_000 },
  );

  const figures = {
    baseline: { n: baseline.length, p50: p(baseline, 50), p95: p(baseline, 95), max: Math.max(...baseline) },
    outage: { n: outage.length, p50: p(outage, 50), p95: p(outage, 95), max: Math.max(...outage) },
    droppedDuringOutage,
    stats: exporter.stats(),
  };
  console.info(`influx outage figures: ${JSON.stringify(figures)}`);

  expect(droppedDuringOutage).toBeGreaterThan(0);
  expect(exporter.stats().writeErrors).toBeGreaterThan(0);
  // As fresh as without the outage (with slack for a 2-core machine's noise).
  expect(figures.outage.p50).toBeLessThanOrEqual(figures.baseline.p50 * 1.5 + 50);
  expect(figures.outage.p95).toBeLessThanOrEqual(figures.baseline.p95 * 2 + 100);
}, 150_000);
