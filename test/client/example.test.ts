import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer } from "../../api/index.js";
import { example } from "../../client/example.js";
import { BUILTIN_KINDS } from "../../core/kinds.js";
import { silentLogger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import { pod, StateWriter } from "../api/helpers/state-writer.js";
import { httpGet } from "../api/helpers/http-get.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { waitUntil } from "../../local/wait-until.js";

/** The README's client example runs against a real krm API over a real Redis. */
describe("client example", () => {
  let redis: RedisServer;
  let api: RunningPart & { url: string };
  let podsWriter: StateWriter;
  const writers: StateWriter[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    for (const kind of BUILTIN_KINDS) {
      const writer = new StateWriter(redis.url, kind);
      writers.push(writer);
      await writer.reset(
        kind.id === "pods"
          ? [
              pod("shop", "web-1", 10, { labels: { app: "web" } }),
              pod("shop", "db-1", 11, { labels: { app: "db" } }),
            ]
          : [],
      );
      if (kind.id === "pods") podsWriter = writer;
    }
    api = await startApiServer({
      kinds: BUILTIN_KINDS,
      redisUrl: redis.url,
      logger: silentLogger(),
      host: "127.0.0.1",
      port: 0,
      auth: { mode: "none" },
      dashboard: false,
      feed: { blockMs: 200, checkIntervalMs: 200 },
    });
    await waitUntil(async () => ((await httpGet(`${api.url}/readyz`)).status === 200 ? true : undefined), {
      what: "api ready",
      timeoutMs: 10_000,
    });
  });

  afterAll(async () => {
    await api?.stop();
    for (const writer of writers) writer.close();
    await redis?.stop();
  });

  it("lists, gets and watches with typed results", async () => {
    const running = example(api.url, "shop");
    setTimeout(
      () => void podsWriter.change("ADDED", pod("shop", "web-2", 0, { labels: { app: "web" } })),
      300,
    );
    const lines = await running;
    expect(lines[0]).toBe("resourceVersion 11, stale: false");
    expect(lines[1]).toBe("web-1 Running created 2026-01-01T00:00:00.000Z");
    expect(lines[2]).toBe('not found: deployments.apps "does-not-exist" not found');
    expect(lines[3]).toBe("ADDED web-2");
  });
});
