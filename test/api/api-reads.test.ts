import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer } from "../../api/index.js";
import { BUILTIN_KINDS, type KindSpec } from "../../core/kinds.js";
import { silentLogger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { waitUntil } from "../../local/wait-until.js";
import { httpGet, json } from "./helpers/http-get.js";
import { pod, StateWriter } from "./helpers/state-writer.js";

const pods = BUILTIN_KINDS.find((k) => k.id === "pods") as KindSpec;
const nodes = BUILTIN_KINDS.find((k) => k.id === "nodes") as KindSpec;

interface PodList {
  kind: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: { metadata: { name: string; namespace: string; resourceVersion: string } }[];
}

describe("API reads from the replica", () => {
  let redis: RedisServer;
  let api: RunningPart & { url: string };
  let writer: StateWriter;
  let nodeWriter: StateWriter;

  beforeAll(async () => {
    redis = await startRedis();
    writer = new StateWriter(redis.url, pods);
    nodeWriter = new StateWriter(redis.url, nodes);
    const objects = [];
    for (let i = 0; i < 30; i++) {
      objects.push(
        pod(i % 2 === 0 ? "a" : "b", `p${String(i).padStart(2, "0")}`, 100 + i, {
          labels: { app: i % 3 === 0 ? "x" : "y" },
          nodeName: `n${i % 2}`,
        }),
      );
    }
    await writer.reset(objects);
    await nodeWriter.reset([], { verified: false });
    api = await startApiServer({
      kinds: [pods, nodes],
      redisUrl: redis.url,
      logger: silentLogger(),
      host: "127.0.0.1",
      port: 0,
      auth: { mode: "none" },
      feed: { blockMs: 200, checkIntervalMs: 200 },
      bookmarkIntervalMs: 200,
    });
    await waitUntil(
      async () => ((await httpGet(`${api.url}/api/v1/pods`)).status === 200 ? true : undefined),
      { what: "pods served", timeoutMs: 10_000 },
    );
  });

  afterAll(async () => {
    await api?.stop();
    writer?.close();
    nodeWriter?.close();
    await redis?.stop();
  });

  it("lists cluster-wide and per namespace, in key order, with freshness headers", async () => {
    const all = await httpGet(`${api.url}/api/v1/pods`);
    expect(all.status).toBe(200);
    const list = json<PodList>(all);
    expect(list.kind).toBe("PodList");
    expect(list.items).toHaveLength(30);
    expect(list.metadata.resourceVersion).toBe("129");
    expect(all.headers["x-krm-resource-version"]).toBe("129");
    expect(all.headers["x-krm-stale"]).toBe("false");
    expect(all.headers["x-krm-verified-at"]).toMatch(/^\d{4}-/);
    expect(Number(all.headers["x-krm-last-event-age-ms"])).toBeGreaterThanOrEqual(0);
    const inA = json<PodList>(await httpGet(`${api.url}/api/v1/namespaces/a/pods`));
    expect(inA.items.map((p) => p.metadata.namespace)).toEqual(Array(15).fill("a"));
  });

  it("filters by label and field selectors", async () => {
    const labelled = json<PodList>(
      await httpGet(`${api.url}/api/v1/pods?labelSelector=${encodeURIComponent("app in (x)")}`),
    );
    expect(labelled.items).toHaveLength(10);
    const onNode = json<PodList>(
      await httpGet(`${api.url}/api/v1/pods?fieldSelector=spec.nodeName%3Dn1,metadata.namespace%3Db`),
    );
    expect(onNode.items).toHaveLength(15);
  });

  it("gets one object and answers 404 Status for a missing one", async () => {
    const one = await httpGet(`${api.url}/api/v1/namespaces/a/pods/p00`);
    expect(json(one)).toMatchObject({ metadata: { name: "p00" } });
    const missing = await httpGet(`${api.url}/api/v1/namespaces/a/pods/nope`);
    expect(missing.status).toBe(404);
    expect(json(missing)).toMatchObject({
      kind: "Status",
      reason: "NotFound",
      code: 404,
      message: 'pods "nope" not found',
    });
  });

  it("pages with limit and continue, stable while the state changes", async () => {
    const first = json<PodList>(await httpGet(`${api.url}/api/v1/pods?limit=10`));
    expect(first.items).toHaveLength(10);
    expect(first.metadata.remainingItemCount).toBe(20);
    const token = first.metadata.continue ?? "";
    // Change the state between pages: the next pages still show the list as of page one.
    await writer.change("DELETED", pod("b", "p29", 0));
    await writer.change("ADDED", pod("b", "p99", 0));
    await waitUntil(
      async () =>
        (await httpGet(`${api.url}/api/v1/namespaces/b/pods/p99`)).status === 200 ? true : undefined,
      { what: "p99 visible", timeoutMs: 5_000 },
    );
    const names = first.items.map((p) => p.metadata.name);
    let next = token;
    while (next !== "") {
      const page = json<PodList>(await httpGet(`${api.url}/api/v1/pods?limit=10&continue=${next}`));
      expect(page.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
      names.push(...page.items.map((p) => p.metadata.name));
      next = page.metadata.continue ?? "";
    }
    expect(names).toHaveLength(30);
    expect(names).toContain("p29");
    expect(names).not.toContain("p99");
  });

  it("continues a list on another API replica (stream positions are shared)", async () => {
    const other = await startApiServer({
      kinds: [pods, nodes],
      redisUrl: redis.url,
      logger: silentLogger(),
      host: "127.0.0.1",
      port: 0,
      auth: { mode: "none" },
      dashboard: false,
      feed: { blockMs: 200, checkIntervalMs: 200 },
    });
    try {
      await waitUntil(
        async () => ((await httpGet(`${other.url}/api/v1/pods?limit=1`)).status === 200 ? true : undefined),
        {
          what: "second replica",
          timeoutMs: 10_000,
        },
      );
      const first = json<PodList>(await httpGet(`${api.url}/api/v1/namespaces/a/pods?limit=5`));
      await writer.change("ADDED", pod("a", "p98-new", 0));
      const second = json<PodList>(
        await httpGet(
          `${other.url}/api/v1/namespaces/a/pods?limit=100&continue=${first.metadata.continue ?? ""}`,
        ),
      );
      expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
      const all = [...first.items, ...second.items].map((p) => p.metadata.name);
      expect(all).not.toContain("p98-new");
      expect(new Set(all).size).toBe(all.length);
    } finally {
      await other.stop();
    }
  });

  it("streams a watch from a resourceVersion and sends bookmarks", async () => {
    const rv = json<PodList>(await httpGet(`${api.url}/api/v1/pods?limit=1`)).metadata.resourceVersion;
    const controller = new AbortController();
    const response = await fetch(
      `${api.url}/api/v1/namespaces/a/pods?watch=true&allowWatchBookmarks=true&resourceVersion=${rv}`,
      { signal: controller.signal },
    );
    expect(response.status).toBe(200);
    await writer.change("ADDED", pod("a", "w1", 0));
    await writer.change("ADDED", pod("b", "w2", 0));
    await writer.change("MODIFIED", pod("a", "w1", 0, { labels: { v: "2" } }));
    const reader = response.body?.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const lines = (): string[] => text.split("\n").filter((l) => l !== "");
    while (
      reader !== undefined &&
      (lines().filter((l) => !l.includes("BOOKMARK")).length < 2 || !text.includes("BOOKMARK"))
    ) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    controller.abort();
    const events = lines().map(
      (l) => JSON.parse(l) as { type: string; object: { metadata: { name?: string } } },
    );
    expect(
      events.filter((e) => e.type !== "BOOKMARK").map((e) => `${e.type} ${e.object.metadata.name ?? ""}`),
    ).toEqual(["ADDED w1", "MODIFIED w1"]);
    expect(events.some((e) => e.type === "BOOKMARK")).toBe(true);
  });

  it("turns an object leaving or entering a watch's selector into DELETED or ADDED", async () => {
    const rv = json<PodList>(await httpGet(`${api.url}/api/v1/pods?limit=1`)).metadata.resourceVersion;
    await writer.change("MODIFIED", pod("a", "p00", 0, { labels: { app: "y" } }));
    await writer.change("MODIFIED", pod("a", "p02", 0, { labels: { app: "x" } }));
    await writer.change("MODIFIED", pod("a", "p02", 0, { labels: { app: "x", again: "1" } }));
    await waitUntil(
      async () =>
        json<PodList>(await httpGet(`${api.url}/api/v1/pods?limit=1`)).metadata.resourceVersion !== rv
          ? true
          : undefined,
      { what: "changes applied", timeoutMs: 5_000 },
    );
    const result = await httpGet(
      `${api.url}/api/v1/namespaces/a/pods?watch=true&timeoutSeconds=1&labelSelector=app%3Dx&resourceVersion=${rv}`,
    );
    const events = result.body
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      "DELETED p00",
      "ADDED p02",
      "MODIFIED p02",
    ]);
  });

  it("ends a watch after timeoutSeconds; starts with the current objects when no resourceVersion is given", async () => {
    const started = Date.now();
    const result = await httpGet(
      `${api.url}/api/v1/namespaces/a/pods?watch=true&timeoutSeconds=1&labelSelector=app%3Dx`,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const events = result.body
      .split("\n")
      .filter((l) => l !== "")
      .map(
        (l) =>
          JSON.parse(l) as {
            type: string;
            object: { metadata: { namespace: string; labels: Record<string, string> } };
          },
      );
    expect(events.length).toBeGreaterThan(0);
    expect(
      events.every(
        (e) =>
          e.type === "ADDED" &&
          e.object.metadata.namespace === "a" &&
          e.object.metadata.labels["app"] === "x",
      ),
    ).toBe(true);
  });

  it("marks the end of initial events with a bookmark for sendInitialEvents=true", async () => {
    const result = await httpGet(
      `${api.url}/api/v1/namespaces/b/pods?watch=true&timeoutSeconds=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&resourceVersion=0`,
    );
    const events = result.body
      .split("\n")
      .filter((l) => l !== "")
      .map(
        (l) =>
          JSON.parse(l) as { type: string; object: { metadata: { annotations?: Record<string, string> } } },
      );
    const end = events.findIndex(
      (e) => e.object.metadata.annotations?.["k8s.io/initial-events-end"] === "true",
    );
    expect(end).toBeGreaterThan(0);
    expect(events.slice(0, end).every((e) => e.type === "ADDED")).toBe(true);
    expect(events[end]?.type).toBe("BOOKMARK");
  });

  it("answers a watch from a resourceVersion older than its history with a 410 ERROR event", async () => {
    const result = await httpGet(`${api.url}/api/v1/pods?watch=true&resourceVersion=5`);
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body.trim())).toMatchObject({
      type: "ERROR",
      object: { kind: "Status", code: 410, reason: "Expired" },
    });
  });

  it("503 with Retry-After for a kind never verified; readyz waits for it", async () => {
    const result = await httpGet(`${api.url}/api/v1/nodes`);
    expect(result.status).toBe(503);
    expect(result.headers["retry-after"]).toBe("2");
    expect(result.headers["x-krm-stale"]).toBe("false");
    expect(result.headers["x-krm-verified-at"]).toBeUndefined();
    expect(json(result)).toMatchObject({ kind: "Status", code: 503, reason: "ServiceUnavailable" });
    expect((await httpGet(`${api.url}/readyz`)).status).toBe(503);
    await nodeWriter.verify();
    await waitUntil(async () => ((await httpGet(`${api.url}/readyz`)).status === 200 ? true : undefined), {
      what: "ready",
      timeoutMs: 5_000,
    });
    expect((await httpGet(`${api.url}/api/v1/nodes`)).status).toBe(200);
  });

  it("serves discovery, /status and /metrics", async () => {
    expect(json(await httpGet(`${api.url}/api`))).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
    expect(json(await httpGet(`${api.url}/api/v1`))).toMatchObject({
      kind: "APIResourceList",
      groupVersion: "v1",
    });
    const status = json<{ kinds: { kind: string; objects: number }[] }>(await httpGet(`${api.url}/status`));
    expect(status.kinds.map((k) => k.kind)).toEqual(["pods", "nodes"]);
    const metrics = (await httpGet(`${api.url}/metrics`)).body;
    expect(metrics).toContain('krm_api_requests_total{route="list",code="200"}');
    expect(metrics).toContain('krm_api_cached_objects{kind="pods"}');
    expect(metrics).toContain("krm_api_request_duration_seconds_bucket");
    const dashboard = await httpGet(`${api.url}/dashboard`);
    expect(dashboard.status).toBe(200);
    expect(dashboard.headers["content-type"]).toContain("text/html");
  });
});
