import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer } from "../../api/index.js";
import { BUILTIN_KINDS, type KindSpec } from "../../core/kinds.js";
import { silentLogger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { waitUntil } from "../../local/wait-until.js";
import { httpGet, json } from "./helpers/http-get.js";
import { pod, StateWriter } from "./helpers/state-writer.js";

/** auth=token: kube-apiserver's token file format; any listed token reads, anything else is 401. */
describe("auth=token", () => {
  const pods = BUILTIN_KINDS.find((k) => k.id === "pods") as KindSpec;
  const dir = mkdtempSync(join(tmpdir(), "krm-auth-token-"));
  let redis: RedisServer;
  let writer: StateWriter;
  let api: RunningPart & { url: string };

  beforeAll(async () => {
    redis = await startRedis();
    writer = new StateWriter(redis.url, pods);
    await writer.reset([pod("a", "p", 1)]);
    const tokensFile = join(dir, "tokens.csv");
    writeFileSync(tokensFile, 'reader-token,reader,1,"readers"\n');
    // A non-loopback-looking bind is fine with real auth; 127.0.0.1 keeps the test local.
    api = await startApiServer({
      kinds: [pods],
      redisUrl: redis.url,
      logger: silentLogger(),
      host: "127.0.0.1",
      port: 0,
      auth: { mode: "token", tokensFile },
      dashboard: false,
    });
    await waitUntil(async () => ((await httpGet(`${api.url}/readyz`)).status === 200 ? true : undefined), {
      what: "ready",
      timeoutMs: 10_000,
    });
  });

  afterAll(async () => {
    await api?.stop();
    writer?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("200 with a listed token", async () => {
    const result = await httpGet(`${api.url}/api/v1/pods`, {
      headers: { Authorization: "Bearer reader-token" },
    });
    expect(result.status).toBe(200);
    expect(json<{ items: unknown[] }>(result).items).toHaveLength(1);
  });

  it.each([
    ["no token", {}],
    ["an unknown token", { Authorization: "Bearer nope" }],
    ["a malformed header", { Authorization: "reader-token" }],
  ])("401 Status for %s", async (_name, headers: Record<string, string>) => {
    const result = await httpGet(`${api.url}/api/v1/pods`, { headers });
    expect(result.status).toBe(401);
    expect(json(result)).toMatchObject({ kind: "Status", code: 401, reason: "Unauthorized" });
  });

  it("leaves health endpoints open for probes", async () => {
    expect((await httpGet(`${api.url}/healthz`)).status).toBe(200);
    expect((await httpGet(`${api.url}/readyz`)).status).toBe(200);
  });
});

/** auth=token with a policy file: users and groups read only the namespaces and kinds granted. */
describe("auth=token with a policy file", () => {
  const pods = BUILTIN_KINDS.find((k) => k.id === "pods") as KindSpec;
  const dir = mkdtempSync(join(tmpdir(), "krm-auth-policy-"));
  const tokensFile = join(dir, "tokens.csv");
  const policyFile = join(dir, "policy.json");
  let redis: RedisServer;
  let writer: StateWriter;
  let api: RunningPart & { url: string };
  const get = (path: string, token: string) =>
    httpGet(`${api.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  const policy = (rules: unknown[]) => writeFileSync(policyFile, JSON.stringify({ rules }));

  beforeAll(async () => {
    redis = await startRedis();
    writer = new StateWriter(redis.url, pods);
    await writer.reset([pod("a", "p", 1), pod("b", "q", 2)]);
    writeFileSync(tokensFile, 'dev-token,dev,1,"team-a"\nops-token,ops,2\n');
    policy([
      { groups: ["team-a"], namespaces: ["a"], kinds: ["pods"] },
      { users: ["ops"], namespaces: ["*"], kinds: ["*"], nonResourceURLs: ["/metrics", "/status"] },
    ]);
    api = await startApiServer({
      kinds: [pods],
      redisUrl: redis.url,
      logger: silentLogger(),
      host: "127.0.0.1",
      port: 0,
      auth: { mode: "token", tokensFile, policyFile, reloadIntervalMs: 100 },
      dashboard: false,
    });
    await waitUntil(async () => ((await httpGet(`${api.url}/readyz`)).status === 200 ? true : undefined), {
      what: "ready",
      timeoutMs: 10_000,
    });
  });

  afterAll(async () => {
    await api?.stop();
    writer?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lets a group read its namespace only; cluster-wide needs a cluster-wide grant", async () => {
    expect((await get("/api/v1/namespaces/a/pods", "dev-token")).status).toBe(200);
    expect((await get("/api/v1/namespaces/a/pods/p", "dev-token")).status).toBe(200);
    for (const path of [
      "/api/v1/namespaces/b/pods",
      "/api/v1/namespaces/b/pods/q",
      "/api/v1/pods",
      "/metrics",
    ]) {
      const result = await get(path, "dev-token");
      expect(result.status).toBe(403);
      expect(json(result)).toMatchObject({ kind: "Status", code: 403, reason: "Forbidden" });
    }
    expect((await get("/api/v1/pods", "ops-token")).status).toBe(200);
    expect((await get("/metrics", "ops-token")).status).toBe(200);
  });

  it("re-reads the policy and the tokens when they change", async () => {
    policy([{ groups: ["team-a"], namespaces: ["a", "b"], kinds: ["pods"] }]);
    await waitUntil(
      async () => ((await get("/api/v1/namespaces/b/pods", "dev-token")).status === 200 ? true : undefined),
      {
        what: "the widened policy in force",
        timeoutMs: 10_000,
      },
    );
    expect((await get("/api/v1/pods", "ops-token")).status).toBe(403);
    writeFileSync(tokensFile, 'new-token,dev,1,"team-a"\n');
    await waitUntil(
      async () => ((await get("/api/v1/namespaces/a/pods", "new-token")).status === 200 ? true : undefined),
      {
        what: "the new token accepted",
        timeoutMs: 10_000,
      },
    );
    expect((await get("/api/v1/namespaces/a/pods", "dev-token")).status).toBe(401);
  });
});
