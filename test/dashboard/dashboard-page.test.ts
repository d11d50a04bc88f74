/**
 * `/dashboard` in headless Chromium (Debian's chromium, driven by playwright-core) against a
 * real redis-server holding streams written as the streamer and aggregator write them: the
 * four charts draw data, the page keeps updating, and it loads nothing from the network
 * but its own two URLs. Saves test-artifacts/dashboard.png.
 */
import { mkdir } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import { Redis } from "ioredis";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createDashboard, type Dashboard } from "../../api/dashboard/index.js";
import { sendError } from "../../api/http/respond.js";
import { findBuiltinKind, type KindSpec } from "../../core/kinds.js";
import { silentLogger } from "../../core/logger.js";
import { CHROMIUM, CHROMIUM_ARGS } from "../support/dashboard-browser.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { addEvent, addVerification, setHealth } from "../metrics/stream-fixtures.js";

const kinds: KindSpec[] = ["pods", "deployments.apps", "nodes"].map((name) => {
  const kind = findBuiltinKind(name);
  if (kind === undefined) throw new Error(name);
  return kind;
});

let redisServer: RedisServer;
let redis: Redis;
let dashboard: Dashboard;
let server: Server;
let browser: Browser;
let baseUrl: string;
let churnTimer: NodeJS.Timeout | undefined;
let rv = 1;

/** One ADDED (delay spread over 0–2.5 s) and, for every other object, its DELETED. */
async function churn(kind: KindSpec, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const now = Date.now();
    const object = {
      name: `${kind.resource}-${rv}`,
      ...(kind.namespaced ? { namespace: `team-${rv % 3}` } : {}),
      creationMs: now - ((rv * 137) % 2500),
      deletionMs: now - ((rv * 91) % 1800),
      rv: rv++,
    };
    await addEvent(redis, kind, "ADDED", object, now);
    if (rv % 2 === 0) await addEvent(redis, kind, "DELETED", object, now + 5);
    if (rv % 5 === 0) await addEvent(redis, kind, "MODIFIED", object, now + 2);
  }
}

beforeAll(async () => {
  redisServer = await startRedis();
  redis = new Redis(redisServer.url);
  for (const [index, kind] of kinds.entries()) {
    await churn(kind, 40 + index * 20);
    await setHealth(redis, kind, 100 + index * 37, index);
    for (let generation = 1; generation <= 6; generation++) {
      const drift =
        generation === 3 && index === 0
          ? { missing: 2, extra: 1, stale: 3 }
          : { missing: 0, extra: 0, stale: 0 };
      await addVerification(redis, kind, {
        ...drift,
        count: 100 + index * 37,
        durationMs: 20 + generation,
        generation,
      });
    }
  }
  dashboard = createDashboard({ kinds, redisUrl: redisServer.url, logger: silentLogger() });
  // As the API serves it (api/http/request-handler.ts): a throw becomes a Status.
  server = createServer((request, response) => {
    dashboard.handler(request, response).catch((error: unknown) => sendError(response, error));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  // Keep events flowing so the page has something to update.
  churnTimer = setInterval(() => {
    void Promise.all(kinds.map((kind) => churn(kind, 2))).catch(() => undefined);
    void Promise.all(
      kinds.map((kind, index) => setHealth(redis, kind, 100 + index * 37 + (rv % 7), index)),
    ).catch(() => undefined);
  }, 300);
});

afterAll(async () => {
  clearInterval(churnTimer);
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await dashboard?.close();
  redis?.disconnect();
  await redisServer?.stop();
});

test("the data endpoint reports freshness, delays, rate and drift per kind", async () => {
  const response = await fetch(`${baseUrl}/dashboard/data`);
  expect(response.status).toBe(200);
  const data = (await response.json()) as {
    kinds: {
      id: string;
      objects: number;
      delays: { ADDED: unknown[] };
      rate: [number, number][];
      verifications: unknown[];
    }[];
  };
  expect(data.kinds.map((k) => k.id)).toEqual(["pods", "deployments.apps", "nodes"]);
  for (const kind of data.kinds) {
    expect(kind.objects).toBeGreaterThan(0);
    expect(kind.delays.ADDED.length).toBeGreaterThan(0);
    expect(kind.rate.some(([, count]) => count > 0)).toBe(true);
    expect(kind.verifications).toHaveLength(6);
  }
});

test("the page draws every chart with data, updates live, loads nothing external", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const requested: string[] = [];
  page.on("request", (request) => requested.push(request.url()));
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${baseUrl}/dashboard`);
  await page.waitForFunction(() => Number(document.body.dataset["updates"]) >= 4, undefined, {
    timeout: 20_000,
  });
  const points = Object.fromEntries(
    await page.$$eval("svg[id^=chart-]", (svgs) =>
      svgs.map((svg) => [svg.id, Number(svg.getAttribute("data-points"))] as const),
    ),
  );
  expect(Object.keys(points).sort()).toEqual(["chart-delay", "chart-drift", "chart-freshness", "chart-rate"]);
  for (const [chart, count] of Object.entries(points)) expect(count, chart).toBeGreaterThan(0);
  expect(await page.locator("#kinds tr").count()).toBe(3);
  expect(await page.locator("#chart-delay rect").count()).toBeGreaterThan(0);
  expect(await page.locator("#chart-rate path").count()).toBe(3);
  expect(errors).toEqual([]);
  expect(requested.every((url) => url.startsWith(baseUrl))).toBe(true);
  await mkdir("test-artifacts", { recursive: true });
  await page.screenshot({ path: "test-artifacts/dashboard.png", fullPage: true });
  await page.close();
});
