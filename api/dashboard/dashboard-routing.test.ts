/**
 * `/dashboard` through the API's request handler (node:http, docs/routing.md): the page at
 * `/dashboard` and `/dashboard/`, Statuses for other paths and methods. Its data against a
 * real Redis is test/dashboard/dashboard-page.test.ts.
 */
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { findBuiltinKind } from "../../core/kinds.js";
import { silentLogger } from "../../core/logger.js";
import { createGuard } from "../auth/guard.js";
import { buildDiscovery } from "../discovery/discovery.js";
import { createRequestHandler } from "../http/request-handler.js";
import { ApiMetrics } from "../observability/api-metrics.js";
import { createDashboard, type Dashboard } from "./index.js";

let dashboard: Dashboard;
let server: Server;
let base = "";
beforeAll(async () => {
  const logger = silentLogger();
  // Nothing listens on port 1: only the data path would touch Redis.
  const pods = findBuiltinKind("pods");
  dashboard = createDashboard({
    kinds: pods === undefined ? [] : [pods],
    redisUrl: "redis://127.0.0.1:1",
    logger,
  });
  server = createServer(
    createRequestHandler({
      kinds: [],
      discovery: buildDiscovery([]),
      guard: await createGuard({ mode: "none" }, undefined, logger),
      metrics: new ApiMetrics(),
      logger,
      bookmarkIntervalMs: 30_000,
      dashboard: dashboard.handler,
      now: Date.now,
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
});
afterAll(async () => {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
  await dashboard.close();
});

it.each(["/dashboard", "/dashboard/", "/dashboard?refresh=1"])(
  "serves the page at %s, never cached",
  async (path) => {
    const response = await fetch(`${base}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.text()).toContain("<html");
  },
);

it("answers HEAD with the page's headers and no body", async () => {
  const response = await fetch(`${base}/dashboard`, { method: "HEAD" });
  expect(response.status).toBe(200);
  expect(Number(response.headers.get("content-length"))).toBeGreaterThan(1000);
  expect(await response.text()).toBe("");
});

it.each([
  ["404 below /dashboard", "GET", "/dashboard/nope", 404, "NotFound"],
  ["404 for a prefix that is not the dashboard", "GET", "/dashboards", 404, "NotFound"],
  ["405 for writes", "POST", "/dashboard/data", 405, "MethodNotAllowed"],
])("%s", async (_name, method, path, code, reason) => {
  const response = await fetch(`${base}${path}`, { method });
  expect(response.status).toBe(code);
  expect(await response.json()).toMatchObject({ kind: "Status", code, reason });
});

it("answers its data with a 503 Status and Retry-After while Redis is unreachable", async () => {
  const response = await fetch(`${base}/dashboard/data`);
  expect(response.status).toBe(503);
  expect(response.headers.get("retry-after")).toBe("1");
  expect(await response.json()).toMatchObject({ kind: "Status", code: 503, reason: "ServiceUnavailable" });
});
