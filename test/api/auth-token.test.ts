import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer } from "../../api/index.js";
import { BUILTIN_KINDS, type KindSpec } from "../../core/kinds.js";
import { silentLogger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import { startRedis, type RedisServer } from "../support/redis-server.js";
import { waitUntil } from "../support/wait-until.js";
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
