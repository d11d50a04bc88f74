import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer } from "../../api/index.js";
import { BUILTIN_KINDS, type KindSpec } from "../../core/kinds.js";
import { silentLogger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { waitUntil } from "../../local/wait-until.js";
import { httpGet, json, type HttpResult } from "./helpers/http-get.js";
import { pod, StateWriter } from "./helpers/state-writer.js";

/**
 * API replicas answer from memory fed by the change feed: a late replica catches up, an
 * unreachable Redis leaves the last state served with its staleness in the headers, and the
 * replica catches up (or reloads) when Redis is back, restarted, flushed or trimmed.
 * Redis is real; the API reaches it through a real TCP fault proxy so it can be cut off
 * while the writer (playing the aggregator) keeps writing.
 */
describe("replica catch-up", () => {
  const pods = BUILTIN_KINDS.find((k) => k.id === "pods") as KindSpec;
  let redis: RedisServer;
  let proxy: FaultProxy;
  let writer: StateWriter;
  let api: RunningPart & { url: string };

  type PodList = {
    metadata: { resourceVersion: string };
    items: { metadata: { name: string; resourceVersion: string } }[];
  };
  const list = async (): Promise<HttpResult> => httpGet(`${api.url}/api/v1/pods`);
  const names = (result: HttpResult): string[] =>
    json<PodList>(result)
      .items.map((p) => p.metadata.name)
      .sort();
  const expectEventually = async (
    what: string,
    check: (result: HttpResult) => boolean,
  ): Promise<HttpResult> =>
    waitUntil(
      async () => {
        const result = await list();
        return check(result) ? result : undefined;
      },
      { what, timeoutMs: 15_000, intervalMs: 50 },
    );

  beforeAll(async () => {
    redis = await startRedis();
    proxy = await startFaultProxy({ targetHost: "127.0.0.1", targetPort: redis.port });
    writer = new StateWriter(redis.url, pods);
  });

  afterAll(async () => {
    await api?.stop();
    writer?.close();
    await proxy?.stop();
    await redis?.stop();
  });

  it("a replica started late loads the state and follows the changes written before and after", async () => {
    await writer.reset([pod("a", "p0", 1)]);
    for (let i = 1; i <= 200; i++) await writer.change("ADDED", pod("a", `p${i}`, 0));
    for (let i = 1; i <= 100; i++) await writer.change("DELETED", pod("a", `p${i}`, 0));
    api = await startApiServer({
      kinds: [pods],
      redisUrl: `redis://127.0.0.1:${proxy.port}`,
      logger: silentLogger(),
      host: "127.0.0.1",
      port: 0,
      auth: { mode: "none" },
      dashboard: false,
      feed: { blockMs: 200, checkIntervalMs: 200 },
    });
    const loaded = await expectEventually("late replica loaded", (r) => r.status === 200);
    expect(names(loaded)).toHaveLength(101);
    expect(json<PodList>(loaded).metadata.resourceVersion).toBe("301");
    await writer.change("ADDED", pod("a", "after", 0));
    await expectEventually("change after start", (r) => names(r).includes("after"));
  });

  it("keeps serving with stale headers while Redis is unreachable, and catches up when it returns", async () => {
    proxy.refuse(true);
    proxy.cutAll();
    const stale = await expectEventually("stale header", (r) => r.headers["x-krm-stale"] === "true");
    expect(stale.status).toBe(200);
    expect(names(stale)).toContain("after");
    expect(Number(stale.headers["x-krm-stale-for-ms"])).toBeGreaterThanOrEqual(0);
    const status = json<{ kinds: { stale: boolean }[] }>(await httpGet(`${api.url}/status`));
    expect(status.kinds[0]?.stale).toBe(true);
    await writer.change("ADDED", pod("b", "while-down", 0));
    await writer.change("DELETED", pod("a", "after", 0));
    proxy.refuse(false);
    const caughtUp = await expectEventually(
      "caught up",
      (r) => r.headers["x-krm-stale"] === "false" && names(r).includes("while-down"),
    );
    expect(names(caughtUp)).not.toContain("after");
  });

  it("reloads when the feed was trimmed past its position while it was away", async () => {
    proxy.refuse(true);
    proxy.cutAll();
    await expectEventually("stale header", (r) => r.headers["x-krm-stale"] === "true");
    for (let i = 0; i < 20; i++) await writer.change("ADDED", pod("c", `trimmed-${i}`, 0));
    await writer.change("DELETED", pod("a", "p0", 0));
    await writer.redis.xtrim(writer.keys.changes, "MAXLEN", 1);
    proxy.refuse(false);
    const reloaded = await expectEventually(
      "reloaded after trim",
      (r) => r.headers["x-krm-stale"] === "false" && names(r).includes("trimmed-19"),
    );
    expect(names(reloaded).filter((n) => n.startsWith("trimmed-"))).toHaveLength(20);
    expect(names(reloaded)).not.toContain("p0");
  });

  it("catches up after a real Redis restart", async () => {
    await redis.restart();
    await writer.change("ADDED", pod("d", "after-restart", 0));
    await expectEventually(
      "change after restart",
      (r) => r.headers["x-krm-stale"] === "false" && names(r).includes("after-restart"),
    );
  });

  it("keeps the last state while Redis is flushed, then reloads the rebuilt state of the new epoch", async () => {
    await redis.flushAll();
    const during = await expectEventually(
      "stale while the kind is missing",
      (r) => r.headers["x-krm-stale"] === "true",
    );
    expect(names(during)).toContain("after-restart");
    await writer.reset([pod("z", "rebuilt", 5000)]);
    const rebuilt = await expectEventually(
      "rebuilt state",
      (r) => r.headers["x-krm-stale"] === "false" && names(r).join() === "rebuilt",
    );
    expect(json<PodList>(rebuilt).metadata.resourceVersion).toBe("5000");
  });
});
