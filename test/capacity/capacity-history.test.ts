/**
 * Capacity history reaches a real InfluxDB: pool and consumer samples written by the API's
 * capacity views, read back with the InfluxQL a dashboard uses (metrics/SCHEMA.md "Capacity").
 * Every InfluxQL query of the shipped Chronograf capacity dashboard
 * (deploy/chronograf/krm-capacity.dashboard) returns plausible series from those points.
 * The same API's `/dashboard` shows the capacity panel in headless Chromium
 * (test-artifacts/dashboard-capacity.png).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer } from "../../api/index.js";
import { capacityViews } from "../../capacity/serve/capacity-views.js";
import { BUILTIN_KINDS, type KindSpec } from "../../core/kinds.js";
import { silentLogger } from "../../core/logger.js";
import type { KubeObject } from "../../core/object-key.js";
import type { RunningPart } from "../../core/running-part.js";
import { StateWriter } from "../api/helpers/state-writer.js";
import {
  expectEveryQueryPlausible,
  queriesOf,
  readChronografDashboard,
  withTemplateValues,
} from "../support/chronograf-dashboard.js";
import { checkDashboardPage } from "../support/dashboard-browser.js";
import { startInflux, type InfluxServer } from "../support/influx-server.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { waitUntil } from "../../local/wait-until.js";

const { provisioned, exported } = await readChronografDashboard("krm-capacity");
const substitute = (query: string): string => withTemplateValues(query, "15m", "2s");

const kind = (id: string): KindSpec => BUILTIN_KINDS.find((k) => k.id === id) as KindSpec;
const DB = "krm";

const node: KubeObject = {
  apiVersion: "v1",
  kind: "Node",
  metadata: { name: "n1", uid: "n1", resourceVersion: "1", labels: { "karpenter.sh/nodepool": "small" } },
  status: { allocatable: { cpu: "4", memory: "8Gi", pods: "110" } },
};
const pod: KubeObject = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { namespace: "shop", name: "web", uid: "p1", resourceVersion: "1" },
  spec: {
    nodeName: "n1",
    containers: [{ name: "c", image: "x", resources: { requests: { cpu: "1500m", memory: "1Gi" } } }],
  },
  status: { phase: "Running" },
};

describe("capacity history in InfluxDB", () => {
  let redis: RedisServer;
  let influx: InfluxServer;
  let api: RunningPart & { url: string };
  const writers: StateWriter[] = [];

  beforeAll(async () => {
    [redis, influx] = await Promise.all([startRedis(), startInflux()]);
    const nodes = new StateWriter(redis.url, kind("nodes"));
    const pods = new StateWriter(redis.url, kind("pods"));
    writers.push(nodes, pods);
    await nodes.reset([node]);
    await pods.reset([pod]);
    api = await startApiServer({
      kinds: [kind("pods"), kind("nodes")],
      redisUrl: redis.url,
      logger: silentLogger(),
      port: 0,
      auth: { mode: "none" },
      feed: { blockMs: 200, checkIntervalMs: 200 },
      derivedViews: [
        capacityViews({
          config: {},
          influx: { url: influx.url, database: DB, api: "v1" },
          sampleIntervalMs: 300,
        }),
      ],
    });
  });

  afterAll(async () => {
    await api?.stop();
    for (const writer of writers) writer.close();
    await Promise.all([redis?.stop(), influx?.stop()]);
    await influx?.remove();
  });

  const first = async (query: string): Promise<unknown[] | undefined> => {
    const answer = await influx.query(query, DB).catch(() => undefined);
    return answer?.results[0]?.series?.[0]?.values[0] as unknown[] | undefined;
  };

  it("writes pool and consumer samples the dashboard queries read", async () => {
    const requested = await waitUntil(
      async () => {
        const row = await first(
          `SELECT last("requested"), last("reservable"), last("percent_used") FROM "krm_capacity_pool" WHERE "pool" = 'small' AND "resource" = 'cpu' AND time > now() - 5m`,
        );
        return row !== undefined && row[1] === 1.5 ? row : undefined;
      },
      { what: "pool sample in InfluxDB", timeoutMs: 30_000, intervalMs: 300 },
    );
    expect(requested.slice(1)).toEqual([1.5, 4, 37.5]);
    const memory = await first(
      `SELECT last("requested") FROM "krm_capacity_pool" WHERE "pool" = 'small' AND "resource" = 'memory'`,
    );
    expect(memory?.[1]).toBe(1024 ** 3);
    const status = await first(
      `SELECT last("level"), last("nodes_schedulable") FROM "krm_capacity_pool_status" WHERE "pool" = 'small'`,
    );
    expect(status?.slice(1)).toEqual([0, 1]);
    const consumer = await first(
      `SELECT last("requests") FROM "krm_capacity_consumer" WHERE "consumer" = 'shop' AND "resource" = 'cpu'`,
    );
    expect(consumer?.[1]).toBe(1.5);
    const series = await influx.query(
      `SELECT mean("percent_used") FROM "krm_capacity_pool" WHERE "resource" = 'cpu' AND time > now() - 5m GROUP BY time(10s), "pool" fill(none)`,
      DB,
    );
    expect(series.results[0]?.series?.map((s) => s.tags?.["pool"])).toEqual(["small"]);
  });

  it("answers every query of the Chronograf capacity dashboard with plausible series", async () => {
    // Status points are written in the same sample as the pool points the first test waited for.
    await expectEveryQueryPlausible(influx, DB, { provisioned, exported }, substitute);
    const percent = await influx.query(substitute(queriesOf(provisioned)[0] ?? ""), DB);
    const cpu = percent.results[0]?.series?.find(
      (s) => s.tags?.["pool"] === "small" && s.tags["resource"] === "cpu",
    );
    expect(cpu?.values.at(-1)?.[1]).toBe(37.5);
  });

  it("shows each pool's percent used per resource on /dashboard", async () => {
    const data = await waitUntil(
      async () => {
        const response = await fetch(`${api.url}/dashboard/data`);
        const body = (await response.json()) as {
          capacity: { name: string; status: string; percentUsed: Record<string, number> }[] | null;
        };
        return body.capacity?.[0]?.percentUsed["cpu"] === 37.5 ? body.capacity : undefined;
      },
      { what: "capacity in the dashboard data", timeoutMs: 30_000, intervalMs: 300 },
    );
    expect(data).toEqual([
      {
        name: "small",
        status: "Ok",
        reason: expect.any(String) as unknown,
        percentUsed: expect.objectContaining({ cpu: 37.5, memory: 12.5 }) as unknown,
      },
    ]);
    await checkDashboardPage(api.url, "dashboard-capacity.png", async (page) => {
      expect(await page.locator("#capacity-section").isVisible()).toBe(true);
      expect(await page.locator("#capacity-head th").allTextContents()).toEqual(
        expect.arrayContaining(["pool", "status", "cpu", "memory", "pods"]),
      );
      const row = await page.locator("#capacity tr").first().locator("td").allTextContents();
      expect(row.slice(0, 3)).toEqual(["small", "Ok", "37.5 %"]);
      expect(row[3]).toBe("12.5 %");
    });
  });
});
