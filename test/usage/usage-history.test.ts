/**
 * Usage history reaches a real InfluxDB: after a run of the real ledger over pods and claims
 * with known requests and times, the usage recorder (what `krm metrics` and `krm run
 * --influx-url` start) writes one `krm_usage` point per hour × group (metrics/SCHEMA.md
 * "Usage"); rewriting is idempotent, and a late change to a past hour corrects its point.
 * Every InfluxQL query of the Chronograf usage dashboard (deploy/chronograf/krm-usage.dashboard)
 * returns plausible series from those points. The API's `/dashboard` shows the usage panel
 * in headless Chromium (test-artifacts/dashboard-usage.png).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer } from "../../api/index.js";
import { silentLogger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import { startUsageRecorder, type UsageRecorder } from "../../usage/history/usage-recorder.js";
import { Redis } from "ioredis";
import { ledgerKeys } from "../../core/redis-keys.js";
import { startLedger, type RunningLedger } from "../../usage/ledger/index.js";
import { readGroupTotals } from "../../usage/ledger/ledger-reader.js";
import { DEFAULT_POLICY } from "../../usage/rightsizing/policy.js";
import { usageViews } from "../../usage/views/usage-views.js";
import { StateWriter } from "../api/helpers/state-writer.js";
import {
  cellQuery,
  expectEveryQueryPlausible,
  readChronografDashboard,
  withTemplateValues,
} from "../support/chronograf-dashboard.js";
import { checkDashboardPage } from "../support/dashboard-browser.js";
import { startInflux, type InfluxServer } from "../support/influx-server.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { waitUntil } from "../../local/wait-until.js";
import { HOUR, builtinKind, ledgerClaim, ledgerPod, type PodFixture } from "./ledger-fixtures.js";

const dashboard = await readChronografDashboard("krm-usage");
/** The template variables as Chronograf fills them for "past 6 hours". */
const substitute = (query: string): string => withTemplateValues(query, "6h", "1m");
/** A time column as InfluxDB answers it (epoch ms, or RFC 3339), in ms. */
const timeMs = (time: unknown): number => (typeof time === "number" ? time : Date.parse(String(time)));
const PODS = builtinKind("pods");
const PVCS = builtinKind("persistentvolumeclaims");
const DB = "krm";
/** The start of the hour three hours ago: fixture times are relative to it. */
const base = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;

/** shop/a: 2 cores, 4 GiB from base+30m to base+2h: 1 core-hour in the first hour, 2 in the second. */
const podA: PodFixture = {
  namespace: "shop",
  name: "a",
  cpu: "2",
  memory: "4Gi",
  labels: { team: "web" },
  scheduledAt: base + HOUR / 2,
  finishedAt: base + 2 * HOUR,
};
/** shop/b: 500m, 1 GiB and a GPU from base+1h, still running. */
const podB: PodFixture = {
  namespace: "shop",
  name: "b",
  cpu: "500m",
  memory: "1Gi",
  gpu: "1",
  labels: { team: "web" },
  scheduledAt: base + HOUR,
};
/** data/c: 1 core from base, unlabelled, still running; its claim holds 10 GiB from base. */
const podC: PodFixture = { namespace: "data", name: "c", cpu: "1", memory: "2Gi", scheduledAt: base };

describe("usage history in InfluxDB", () => {
  let redis: RedisServer;
  let influx: InfluxServer;
  let ledger: RunningLedger;
  let recorder: UsageRecorder;
  let api: RunningPart & { url: string };
  let pods: StateWriter;
  let claims: StateWriter;

  beforeAll(async () => {
    [redis, influx] = await Promise.all([startRedis(), startInflux()]);
    pods = new StateWriter(redis.url, PODS);
    claims = new StateWriter(redis.url, PVCS);
    await pods.reset([ledgerPod(podA), ledgerPod(podB), ledgerPod(podC)]);
    await claims.reset([ledgerClaim("data", "db", "10Gi", base)]);
    ledger = startLedger({
      kinds: [PODS, PVCS],
      redisUrl: redis.url,
      labelKeys: ["team"],
      logger: silentLogger(),
      blockMs: 100,
    });
    // Samples are taken by the test (sample()), never by the timer.
    recorder = startUsageRecorder({
      redisUrl: redis.url,
      influx: { url: influx.url, database: DB, api: "v1" },
      logger: silentLogger(),
      intervalMs: 3_600_000,
    });
    api = await startApiServer({
      kinds: [PODS, PVCS],
      redisUrl: redis.url,
      logger: silentLogger(),
      port: 0,
      auth: { mode: "none" },
      feed: { blockMs: 100, checkIntervalMs: 100 },
      derivedViews: [usageViews({ policy: DEFAULT_POLICY, labelKeys: ["team"] })],
    });
  });

  afterAll(async () => {
    await api?.stop();
    await recorder?.stop();
    await ledger?.stop();
    pods?.close();
    claims?.close();
    await Promise.all([redis?.stop(), influx?.stop()]);
    await influx?.remove();
  });

  /** `[time ms, ...fields]` rows of one group's points, oldest first. */
  const rows = async (group: string, fields: string): Promise<unknown[][]> => {
    const answer = await influx.query(
      `SELECT ${fields} FROM "krm_usage" WHERE "group_by" = 'namespace' AND "group" = '${group}' AND time >= ${base}ms`,
      DB,
    );
    return (answer.results[0]?.series?.[0]?.values ?? []).map(([time, ...rest]) => [timeMs(time), ...rest]);
  };

  it("writes one point per hour and namespace after a ledger run, the open hour marked", async () => {
    // The ledger has credited every pod and the claim (core-seconds, byte-seconds over base..base+3h).
    const ledgerRedis = new Redis(redis.url);
    try {
      await waitUntil(
        async () => {
          const totals = await readGroupTotals(
            ledgerRedis,
            ledgerKeys(),
            { fromMs: base, toMs: base + 3 * HOUR },
            Date.now(),
          );
          const [shop, data] = [totals.get("namespace:shop"), totals.get("namespace:data")];
          return shop?.cpu === 4 * 3600 && data?.cpu === 3 * 3600 && data.storage === 30 * 2 ** 30 * 3600
            ? true
            : undefined;
        },
        { what: "the ledger's credits", timeoutMs: 30_000, intervalMs: 200 },
      );
    } finally {
      ledgerRedis.disconnect();
    }
    // The first write creates the database (v1 answers "database not found" once): retried.
    await waitUntil(async () => ((await recorder.sample()) ? true : undefined), {
      what: "a sample acknowledged by InfluxDB",
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    const shop = await rows("shop", `"cpu_core_hours", "memory_gib_hours", "gpu_hours", "open"`);
    // One point per hour from base to the current one (base+3h, or base+4h past an hour boundary).
    expect([4, 5]).toContain(shop.length);
    expect(shop.map((row) => row[0])).toEqual(shop.map((_, index) => base + index * HOUR));
    expect(shop[0]?.slice(1)).toEqual([1, 2, 0, 0]);
    expect(shop[1]?.slice(1)).toEqual([2.5, 5, 1, 0]);
    expect(shop[2]?.slice(1)).toEqual([0.5, 1, 1, 0]);
    // The current hour: b's reservation up to the sample, the point marked open.
    const current = shop.at(-1) ?? [];
    expect(current[4]).toBe(1);
    expect(current[1]).toBeGreaterThan(0);
    expect(current[1]).toBeLessThanOrEqual(0.5);
    const data = await rows("data", `"cpu_core_hours", "storage_gib_hours"`);
    expect(data.slice(0, 3).map((row) => row.slice(1))).toEqual([
      [1, 10],
      [1, 10],
      [1, 10],
    ]);
    const teams = await influx.query(
      `SELECT sum("cpu_core_hours") FROM "krm_usage" WHERE "group_by" = 'label:team' AND time >= ${base}ms AND time < ${base + 3 * HOUR}ms GROUP BY "group"`,
      DB,
    );
    const byTeam = Object.fromEntries(
      (teams.results[0]?.series ?? []).map((s): [string, unknown] => [
        s.tags?.["group"] ?? "",
        s.values[0]?.[1],
      ]),
    );
    expect(byTeam).toEqual({ web: 4, __unallocated__: 3 });
  });

  it("rewrites the same points on every sample, and corrects a past hour the ledger credits late", async () => {
    const count = async (): Promise<unknown> =>
      (
        await influx.query(
          `SELECT count("cpu_core_hours") FROM "krm_usage" WHERE time >= ${base}ms AND time < ${base + 3 * HOUR}ms GROUP BY "group_by", "group"`,
          DB,
        )
      ).results[0]?.series?.map((s) => [s.tags?.["group_by"], s.tags?.["group"], s.values[0]?.[1]]);
    const before = await count();
    expect(await recorder.sample()).toBe(true);
    expect(await count()).toEqual(before);
    // b finished at base+2h30m, and krm learns it only now: its credit ends there.
    await pods.change("MODIFIED", ledgerPod({ ...podB, finishedAt: base + 2.5 * HOUR }));
    const corrected = await waitUntil(
      async () => {
        await recorder.sample();
        const shop = await rows("shop", `"cpu_core_hours", "open"`);
        return shop[2]?.[1] === 0.25 ? shop : undefined;
      },
      { what: "the late finish in InfluxDB", timeoutMs: 30_000, intervalMs: 300 },
    );
    expect(corrected.slice(0, 2).map((row) => row[1])).toEqual([1, 2.5]);
    expect(corrected[3]?.[1]).toBe(0);
    expect(await count()).toEqual(before);
  });

  it("answers every query of the Chronograf usage dashboard with plausible series", async () => {
    expect(dashboard.provisioned.name).toBe("krm: usage by namespace");
    await expectEveryQueryPlausible(influx, DB, dashboard, substitute, { someAboveZero: true });
    // The totals table: per namespace over the range, from the hours whose start is inside it.
    const table = cellQuery(dashboard.provisioned, "Usage by namespace over the time range");
    const totals = await influx.query(substitute(table), DB);
    const shop = totals.results[0]?.series?.find((s) => s.tags?.["group"] === "shop");
    // a: 3 core-hours, b: 0.75 (base+1h to base+2h30m); the hour at `base` is in "past 6 hours".
    expect(shop?.values[0]?.slice(1)).toEqual([3.75, 7.5, 0, 1.5]);
    const cumulative = cellQuery(dashboard.provisioned, "Cumulative CPU core-hours by namespace");
    const running = await influx.query(substitute(cumulative), DB);
    const data = running.results[0]?.series?.find((s) => s.tags?.["group"] === "data");
    // From base on (the hours before it hold the backfill's zeros): one core-hour per hour.
    const fromBase = (data?.values ?? []).filter((row) => timeMs(row[0]) >= base);
    expect(fromBase.slice(0, 3).map((row) => row[1])).toEqual([1, 2, 3]);
  });

  it("shows each namespace's usage of the last day on /dashboard", async () => {
    const usage = await waitUntil(
      async () => {
        const response = await fetch(`${api.url}/dashboard/data`);
        const body = (await response.json()) as {
          usage: {
            from: string;
            to: string;
            rows: { group: string; cpuCoreHours: number; ratio: number }[];
          } | null;
        };
        return body.usage?.rows.length === 2 ? body.usage : undefined;
      },
      { what: "usage in the dashboard data", timeoutMs: 30_000, intervalMs: 300 },
    );
    expect(usage.rows.map((row) => [row.group, row.cpuCoreHours])).toEqual(
      expect.arrayContaining([
        ["shop", 3.75],
        ["data", expect.closeTo(3 + (Date.now() - (base + 3 * HOUR)) / HOUR, 1) as unknown],
      ]),
    );
    expect(usage.rows.reduce((sum, row) => sum + row.ratio, 0)).toBeCloseTo(1, 5);
    await checkDashboardPage(api.url, "dashboard-usage.png", async (page) => {
      expect(await page.locator("#usage-section").isVisible()).toBe(true);
      expect(await page.locator("#usage tr").count()).toBe(2);
      const shop = await page.locator("#usage tr", { hasText: "shop" }).locator("td").allTextContents();
      expect(shop[0]).toBe("shop");
      expect(shop.slice(2)).toEqual(["3.75", "7.50", "0", "1.50"]);
      const data = await page.locator("#usage tr", { hasText: "data" }).locator("td").allTextContents();
      // data/db: 10 GiB for the three closed hours and the current one so far.
      expect(data[4]).toMatch(/^[0-9.]+$/);
      expect(Number(data[4])).toBeGreaterThanOrEqual(30);
    });
  });
});
