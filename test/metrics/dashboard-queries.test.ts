/**
 * Every InfluxQL query of every cell of the shipped Chronograf dashboard, run against a real
 * influxd after a real churn run: real pods on the shared control plane, the real streamer,
 * verifier and aggregator, the metrics exporter writing to InfluxDB 1.6. Each query must
 * return non-empty series with plausible values.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { silentLogger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import { startMetricsExporter } from "../../metrics/index.js";
import { startInflux, type InfluxServer } from "../support/influx-server.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { sharedCluster } from "../support/shared-cluster.js";
import { waitUntil } from "../../local/wait-until.js";
import { PodChurn, podsKind, startPipeline, stopAll } from "./pipeline-run.js";

const DB = "krm";
const PODS = 15;

interface Cell {
  readonly name: string;
  readonly queries: readonly { readonly query: string; readonly type: string }[];
}
interface Dashboard {
  readonly name: string;
  readonly cells: readonly Cell[];
}

const provisioned = JSON.parse(await readFile("deploy/chronograf/krm.dashboard", "utf8")) as Dashboard;
const exported = JSON.parse(await readFile("deploy/chronograf/krm-dashboard-export.json", "utf8")) as {
  dashboard: Dashboard;
};

/** Chronograf's template variables, with the values Chronograf would substitute. */
function substitute(query: string): string {
  return query
    .replaceAll(":dashboardTime:", "now() - 15m")
    .replaceAll(":upperDashboardTime:", "now() + 1m")
    .replaceAll(":interval:", "time(2s)");
}

let redis: RedisServer;
let influx: InfluxServer;
const parts: RunningPart[] = [];

beforeAll(async () => {
  [redis, influx] = await Promise.all([startRedis(), startInflux()]);
  const kubeConfig = sharedCluster().kubeConfig();
  const logger = silentLogger();
  const kind = podsKind();
  parts.push(
    ...(await startPipeline({ kind, kubeConfig, redisUrl: redis.url, logger, verifyIntervalMs: 2000 })),
  );
  parts.push(
    await startMetricsExporter({
      kinds: [kind],
      redisUrl: redis.url,
      logger,
      influx: { url: influx.url, database: DB, flushIntervalMs: 200 },
      sampleIntervalMs: 500,
    }),
  );
  const churn = new PodChurn(kubeConfig, `krm-metrics-dash-${Date.now().toString(36)}`);
  await churn.createNamespace();
  await churn.cycle("churn", PODS, 100);
  // Wait until every DELETED delay point arrived and the verifier has run a few times since.
  await waitUntil(
    async () => {
      const answer = await influx.query(
        `SELECT count("delay_ms") FROM "krm_stream_event" WHERE "type" = 'DELETED'`,
        DB,
      );
      return Number(answer.results[0]?.series?.[0]?.values[0]?.[1] ?? 0) >= PODS ? true : undefined;
    },
    { what: `${PODS} DELETED delay points`, timeoutMs: 60_000 },
  );
  await waitUntil(
    async () => {
      const answer = await influx.query(`SELECT count("drift") FROM "krm_verification"`, DB);
      return Number(answer.results[0]?.series?.[0]?.values[0]?.[1] ?? 0) >= 3 ? true : undefined;
    },
    { what: "three verifications", timeoutMs: 30_000 },
  );
}, 180_000);

afterAll(async () => {
  await stopAll(parts);
  await Promise.all([redis?.stop(), influx?.remove()]);
});

test("the importable export and the provisioned dashboard hold the same queries", () => {
  const queries = (dashboard: Dashboard) =>
    dashboard.cells.flatMap((cell) => cell.queries.map((q) => q.query));
  expect(queries(exported.dashboard)).toEqual(queries(provisioned));
  expect(provisioned.cells.length).toBeGreaterThanOrEqual(8);
});

describe.each(provisioned.cells.map((cell) => [cell.name, cell] as const))("cell %s", (_name, cell) => {
  test.each(cell.queries.map((q, i) => [i, q.query] as const))(
    "query %i returns plausible series",
    async (_i, query) => {
      expect(query).toMatch(/:dashboardTime:/);
      const answer = await influx.query(substitute(query), DB);
      const series = answer.results.flatMap((result) => result.series ?? []);
      expect(series.length, `no series for ${query}`).toBeGreaterThan(0);
      const numbers = series.flatMap((s) =>
        s.values.flatMap((row) => row.slice(1).filter((value): value is number => typeof value === "number")),
      );
      expect(numbers.length).toBeGreaterThan(0);
      for (const value of numbers) expect(Number.isFinite(value)).toBe(true);
      if (/delay_ms/.test(query)) {
        // Same host clock for observed and the API server: delay is ≥ 0, and well under 30 s here.
        for (const value of numbers) expect(value).toBeGreaterThanOrEqual(0);
        for (const value of numbers) expect(value).toBeLessThan(30_000);
      } else {
        for (const value of numbers) expect(value).toBeGreaterThanOrEqual(0);
      }
      if (/sum\("count"\)|last\("objects"\)|max\("objects"\)/.test(query)) {
        expect(Math.max(...numbers)).toBeGreaterThan(0);
      }
    },
  );
});

test("figures of the run (printed for the record)", async () => {
  const answer = await influx.query(
    `SELECT count("delay_ms"), percentile("delay_ms", 50), percentile("delay_ms", 95), max("delay_ms") FROM "krm_stream_event" GROUP BY "type"`,
    DB,
  );
  for (const series of answer.results[0]?.series ?? []) {
    const [, count, p50, p95, max] = (series.values[0] ?? []).map(String);
    console.info(
      `stream delay ${series.tags?.["type"]}: n=${count} p50=${p50} ms p95=${p95} ms max=${max} ms`,
    );
  }
  expect(answer.results[0]?.series?.length).toBeGreaterThanOrEqual(2);
});
