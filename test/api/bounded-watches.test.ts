import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer, type ApiServerOptions } from "../../api/index.js";
import { BUILTIN_KINDS, type KindSpec } from "../../core/kinds.js";
import { silentLogger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { waitUntil } from "../../local/wait-until.js";
import { httpGet } from "./helpers/http-get.js";
import { pod, StateWriter } from "./helpers/state-writer.js";

/**
 * Watches are bounded: in number (in total and per user, 429 beyond) and in the memory their
 * slow clients can make krm hold. 200 clients that open a watch on a large kind and never
 * read leave krm's RSS bounded (the slowest are closed once the shared budget is spent) and
 * /healthz answering fast.
 */
describe("bounded watches", () => {
  const pods = BUILTIN_KINDS.find((k) => k.id === "pods") as KindSpec;
  const dir = mkdtempSync(join(tmpdir(), "krm-watches-"));
  const OBJECTS = 1_500;
  const PAD = "x".repeat(8 * 1024);
  const BUDGET = 32 * 1024 * 1024;
  let redis: RedisServer;
  let writer: StateWriter;
  const servers: (RunningPart & { url: string })[] = [];
  let tokensFile = "";

  const start = async (watchLimits: ApiServerOptions["watchLimits"]) => {
    const api = await startApiServer({
      kinds: [pods],
      redisUrl: redis.url,
      logger: silentLogger(),
      host: "127.0.0.1",
      port: 0,
      auth: { mode: "token", tokensFile },
      dashboard: false,
      ...(watchLimits !== undefined ? { watchLimits } : {}),
    });
    servers.push(api);
    await waitUntil(async () => ((await httpGet(`${api.url}/readyz`)).status === 200 ? true : undefined), {
      what: "ready",
      timeoutMs: 30_000,
    });
    return api;
  };
  const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });
  const activeWatches = async (url: string): Promise<number> => {
    const metrics = await httpGet(`${url}/metrics`, bearer("alice"));
    return Number(/^krm_api_active_watches (\d+)$/m.exec(metrics.body)?.[1] ?? "NaN");
  };

  beforeAll(async () => {
    redis = await startRedis();
    writer = new StateWriter(redis.url, pods);
    const objects = Array.from({ length: OBJECTS }, (_, i) => {
      const object = pod("big", `p-${i}`, i + 1);
      return { ...object, metadata: { ...object.metadata, annotations: { pad: PAD } } };
    });
    await writer.reset(objects);
    tokensFile = join(dir, "tokens.csv");
    writeFileSync(tokensFile, "alice,alice,1\nbob,bob,2\nflood,flood,3\n");
  });

  afterAll(async () => {
    for (const server of servers) await server.stop();
    writer?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("200 stalled watchers leave RSS bounded and /healthz fast", async () => {
    const api = await start({ bufferBudgetBytes: BUDGET, maxWatches: 1_000, maxWatchesPerUser: 1_000 });
    const { port } = new URL(api.url);
    const rssBefore = process.memoryUsage().rss;
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < 200; i++) {
        const socket = connect({ host: "127.0.0.1", port: Number(port) });
        socket.on("error", () => undefined);
        // Never read: the kernel buffers fill, then krm's.
        socket.pause();
        socket.write(
          "GET /api/v1/pods?watch=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer flood\r\n\r\n",
        );
        sockets.push(socket);
      }
      // Each watch owes ~12 MB of initial events; 200 would be ~2.4 GB held without a bound.
      const served = await waitUntil(
        async () => {
          const metrics = await httpGet(`${api.url}/metrics`, bearer("alice"));
          const total = /^krm_api_requests_total\{route="watch",code="200"\} (\d+)$/m.exec(metrics.body);
          const watches = Number(total?.[1] ?? "0");
          return watches >= 200 ? watches : undefined;
        },
        { what: "200 watches started", timeoutMs: 60_000, intervalMs: 250 },
      ).catch(() => undefined);
      const open = await activeWatches(api.url);
      const grew = process.memoryUsage().rss - rssBefore;
      const latencies: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now();
        const result = await httpGet(`${api.url}/healthz`);
        latencies.push(performance.now() - t0);
        expect(result.status).toBe(200);
      }
      console.log(
        `stalled watchers: served ${String(served)}, still open ${open}, RSS grew ${(grew / 2 ** 20).toFixed(0)} MiB, ` +
          `healthz max ${Math.max(...latencies).toFixed(1)} ms`,
      );
      // The budget, the replica's copy of the state and slack; far below the unbounded GBs.
      expect(grew).toBeLessThan(400 * 2 ** 20);
      // Most were closed as too slow; the few within the budget stay.
      expect(open).toBeLessThan(100);
      expect(Math.max(...latencies)).toBeLessThan(500);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });

  it("429 with Retry-After beyond the watches per user and in total", async () => {
    const api = await start({ maxWatches: 5, maxWatchesPerUser: 3 });
    const watch = (token: string, rv: string) =>
      new Promise<{ status: number; retryAfter?: string; close: () => void }>((resolve, reject) => {
        const socket = connect({ host: "127.0.0.1", port: Number(new URL(api.url).port) });
        socket.setEncoding("utf8");
        let head = "";
        socket.on("data", (chunk: string) => {
          head += chunk;
          const end = head.indexOf("\r\n");
          if (end < 0) return;
          const status = Number(head.slice(9, 12));
          const retryAfter = /\r\nretry-after: (\d+)/i.exec(head)?.[1];
          socket.removeAllListeners("data");
          resolve({
            status,
            ...(retryAfter !== undefined ? { retryAfter } : {}),
            close: () => socket.destroy(),
          });
        });
        socket.on("error", reject);
        socket.write(
          `GET /api/v1/pods?watch=1&resourceVersion=${rv} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n\r\n`,
        );
      });
    const rv = String(OBJECTS);
    const alice = [await watch("alice", rv), await watch("alice", rv), await watch("alice", rv)];
    expect(alice.map((w) => w.status)).toEqual([200, 200, 200]);
    const fourth = await watch("alice", rv);
    expect(fourth.status).toBe(429);
    expect(fourth.retryAfter).toBeDefined();
    const bob = [await watch("bob", rv), await watch("bob", rv)];
    expect(bob.map((w) => w.status)).toEqual([200, 200]);
    expect((await watch("bob", rv)).status).toBe(429);
    alice[0]?.close();
    await waitUntil(async () => ((await activeWatches(api.url)) === 4 ? true : undefined), {
      what: "a closed watch released",
      timeoutMs: 10_000,
    });
    const again = await watch("bob", rv);
    expect(again.status).toBe(200);
    for (const w of [...alice, ...bob, again, fourth]) w.close();
  });
});
