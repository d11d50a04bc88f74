import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer } from "../../api/index.js";
import { encodeContinue } from "../../api/list/continue-token.js";
import { BUILTIN_KINDS } from "../../core/kinds.js";
import { silentLogger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { waitUntil } from "../../local/wait-until.js";
import { httpGet, json } from "./helpers/http-get.js";
import { pod, StateWriter } from "./helpers/state-writer.js";

/**
 * Bad input never yields a 5xx: each case gets a Kubernetes Status with the right 4xx code.
 * Runs against the real server over a real Redis holding a small pods state.
 */
describe("bad input", () => {
  let redis: RedisServer;
  let api: RunningPart & { url: string };
  const writers: StateWriter[] = [];
  let staleToken = "";

  beforeAll(async () => {
    redis = await startRedis();
    for (const kind of BUILTIN_KINDS) {
      const writer = new StateWriter(redis.url, kind);
      writers.push(writer);
      await writer.reset(
        kind.id === "pods" ? [pod("a", "p1", 10), pod("a", "p2", 11), pod("b", "p3", 12)] : [],
      );
    }
    api = await startApiServer({
      kinds: BUILTIN_KINDS,
      redisUrl: redis.url,
      logger: silentLogger(),
      host: "127.0.0.1",
      port: 0,
      auth: { mode: "none" },
      feed: { blockMs: 200, checkIntervalMs: 200 },
    });
    await waitUntil(async () => ((await httpGet(`${api.url}/readyz`)).status === 200 ? true : undefined), {
      what: "api ready",
      timeoutMs: 10_000,
    });
    const first = json<{ metadata: { continue: string } }>(await httpGet(`${api.url}/api/v1/pods?limit=1`));
    staleToken = first.metadata.continue;
    // A new epoch (the aggregator rebuilt the state) makes every earlier token expire.
    const podsWriter = writers[0];
    await podsWriter?.reset([pod("a", "p1", 20)]);
    await waitUntil(
      async () =>
        json<{ items: unknown[] }>(await httpGet(`${api.url}/api/v1/pods`)).items.length === 1
          ? true
          : undefined,
      { what: "reload", timeoutMs: 5_000 },
    );
  });

  afterAll(async () => {
    await api?.stop();
    for (const writer of writers) writer.close();
    await redis?.stop();
  });

  const forged = (): string =>
    encodeContinue({
      kind: "pods",
      epoch: "e",
      position: "1-0",
      resourceVersion: "1",
      lastKey: "a/p1",
    }).slice(3) + "!";
  const q = encodeURIComponent;
  const cases: [string, string, number, string?][] = [
    ["malformed label selector", `/api/v1/pods?labelSelector=${q("app in (a")}`, 400, "BadRequest"],
    ["label selector with a bad key", `/api/v1/pods?labelSelector=${q("-x-=1")}`, 400, "BadRequest"],
    ["label selector with trailing comma", `/api/v1/pods?labelSelector=${q("a=b,")}`, 400, "BadRequest"],
    ["unknown field selector", `/api/v1/pods?fieldSelector=${q("spec.bogus=1")}`, 400, "BadRequest"],
    ["field selector without operator", `/api/v1/pods?fieldSelector=metadata.name`, 400, "BadRequest"],
    [
      "label selector over 4096 characters",
      `/api/v1/pods?labelSelector=${q(`app in (${Array.from({ length: 1000 }, (_, i) => `v${i}`).join(",")})`)}`,
      400,
      "BadRequest",
    ],
    [
      "field selector a kind does not support",
      `/apis/apps/v1/deployments?fieldSelector=${q("spec.nodeName=x")}`,
      400,
      "BadRequest",
    ],
    ["unknown kind", "/api/v1/widgets", 404, "NotFound"],
    ["unknown group", "/apis/example.com/v1/widgets", 404, "NotFound"],
    ["unknown version", "/apis/apps/v2/deployments", 404, "NotFound"],
    ["unknown core version", "/api/v2/pods", 404, "NotFound"],
    ["unknown group discovery", "/apis/example.com", 404, "NotFound"],
    ["unknown group-version discovery", "/apis/apps/v9", 404, "NotFound"],
    ["openapi (kubectl falls back)", "/openapi/v2", 404, "NotFound"],
    ["openapi v3", "/openapi/v3", 404, "NotFound"],
    ["subresource", "/api/v1/namespaces/a/pods/p1/status", 404, "NotFound"],
    ["namespaced path of a cluster-scoped kind", "/api/v1/namespaces/a/nodes", 404, "NotFound"],
    ["namespaced kind's object without namespace", "/api/v1/pods/p1", 404, "NotFound"],
    ["unknown object", "/api/v1/namespaces/a/pods/nope", 404, "NotFound"],
    ["bad percent-encoding in path", "/api/v1/namespaces/%E0%A4%A/pods", 404, "NotFound"],
    ["negative limit", "/api/v1/pods?limit=-1", 400, "BadRequest"],
    ["non-numeric limit", "/api/v1/pods?limit=ten", 400, "BadRequest"],
    ["limit beyond int64 (as the API server)", "/api/v1/pods?limit=99999999999999999999", 400, "BadRequest"],
    [
      "encoded ../ in a namespace (as the API server)",
      "/api/v1/namespaces/..%2F..%2Fetc/pods",
      404,
      "NotFound",
    ],
    ["forged continue", `/api/v1/pods?continue=${forged()}`, 400, "BadRequest"],
    ["garbage continue", "/api/v1/pods?continue=bm90LWEtdG9rZW4", 400, "BadRequest"],
    [
      "continue of another kind",
      `/api/v1/nodes?continue=${encodeContinue({ kind: "pods", epoch: "e", position: "1-0", resourceVersion: "1", lastKey: "a" })}`,
      400,
      "BadRequest",
    ],
    ["continue with resourceVersion", `/api/v1/pods?continue=x&resourceVersion=5`, 400, "BadRequest"],
    ["non-numeric resourceVersion", "/api/v1/pods?resourceVersion=abc", 400, "BadRequest"],
    ["negative resourceVersion", "/api/v1/pods?resourceVersion=-3", 400, "BadRequest"],
    ["resourceVersion with a leading zero", "/api/v1/pods?resourceVersion=010", 400, "BadRequest"],
    [
      "bad resourceVersionMatch",
      "/api/v1/pods?resourceVersion=1&resourceVersionMatch=Newest",
      400,
      "BadRequest",
    ],
    [
      "resourceVersionMatch without resourceVersion",
      "/api/v1/pods?resourceVersionMatch=Exact",
      400,
      "BadRequest",
    ],
    ["bad watch flag", "/api/v1/pods?watch=maybe", 400, "BadRequest"],
    ["bad timeoutSeconds", "/api/v1/pods?watch=true&timeoutSeconds=-5", 400, "BadRequest"],
    ["sendInitialEvents on a list", "/api/v1/pods?sendInitialEvents=true", 400, "BadRequest"],
    ["resourceVersion newer than served", "/api/v1/pods?resourceVersion=99999999", 504, "Timeout"],
  ];

  it.each(cases)("%s → %s", async (_name, path, code, reason) => {
    const result = await httpGet(`${api.url}${path}`, { rawPath: path });
    expect(result.status).toBe(code);
    expect(json(result)).toMatchObject({
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      code,
      ...(reason !== undefined ? { reason } : {}),
    });
  });

  it("410 Expired for a continue token from an earlier state", async () => {
    const result = await httpGet(`${api.url}/api/v1/pods?limit=1&continue=${staleToken}`);
    expect(result.status).toBe(410);
    expect(json(result)).toMatchObject({ kind: "Status", code: 410, reason: "Expired" });
  });

  it.each([
    ["limit=0 means no limit", "/api/v1/pods?limit=0", 1],
    ["the largest int64 limit is capped, not an error", "/api/v1/pods?limit=9223372036854775807", 1],
    ["empty selectors match everything", "/api/v1/pods?labelSelector=&fieldSelector=", 1],
  ])("%s", async (_name, path, count) => {
    const result = await httpGet(`${api.url}${path}`);
    expect(result.status).toBe(200);
    expect(json<{ items: unknown[] }>(result).items).toHaveLength(count);
  });

  it.each(["POST", "PUT", "PATCH", "DELETE"])("405 for %s (krm is read-only)", async (method) => {
    const result = await httpGet(`${api.url}/api/v1/namespaces/a/pods/p1`, { method });
    expect(result.status).toBe(405);
    expect(result.headers["allow"]).toBe("GET, HEAD");
    expect(json(result)).toMatchObject({ kind: "Status", code: 405, reason: "MethodNotAllowed" });
  });

  it("414 for a very long URL", async () => {
    const path = `/api/v1/pods?labelSelector=${"a".repeat(20_000)}`;
    const result = await httpGet(`${api.url}${path}`, { rawPath: path });
    expect(result.status).toBe(414);
    expect(json(result)).toMatchObject({ kind: "Status", code: 414 });
  });

  it("431 for very large headers", async () => {
    const result = await httpGet(`${api.url}/api/v1/pods`, { headers: { "x-junk": "j".repeat(100_000) } });
    expect(result.status).toBe(431);
    expect(json(result)).toMatchObject({ kind: "Status", code: 431 });
  });

  it("400 for a malformed HTTP request, and the server keeps serving", async () => {
    const port = Number(new URL(api.url).port);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => socket.write("GARBAGE\r\n\r\n"));
      let data = "";
      socket.on("data", (chunk) => (data += chunk.toString()));
      socket.on("end", () => resolve(data));
      socket.on("error", reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await httpGet(`${api.url}/healthz`)).status).toBe(200);
  });

  // 504 "Too large resource version" is the API server's retriable answer (client-go's
  // IsTooLargeResourceVersion), not a server failure; nothing else may be a 5xx (readyz polls during startup answer 503 by design).
  it("counted no 5xx besides the Kubernetes-compatible 504 for a future resourceVersion", async () => {
    const metrics = (await httpGet(`${api.url}/metrics`)).body;
    expect(
      metrics
        .split("\n")
        .filter((l) => /code="5/.test(l) && !l.includes(`code="504"`) && !l.includes(`route="health"`)),
    ).toEqual([]);
  });
});
