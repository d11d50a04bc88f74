import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer } from "../../api/index.js";
import { BUILTIN_KINDS, type KindSpec } from "../../core/kinds.js";
import { kindKeys, ledgerKeys } from "../../core/redis-keys.js";
import type { RunningPart } from "../../core/running-part.js";
import { startMetricsExporter } from "../../metrics/index.js";
import { startLedger } from "../../usage/ledger/index.js";
import { metricsCursorKey } from "../../metrics/metrics-cursor.js";
import { httpGet } from "../api/helpers/http-get.js";
import { startParts, stopParts } from "../pipeline/krm-parts.js";
import { startInflux, type InfluxServer } from "../support/influx-server.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { sharedCluster } from "../support/shared-cluster.js";
import { waitUntil } from "../../local/wait-until.js";
import { DEPLOY_DIR, findGenerated, renderKustomization, type KubeObject } from "./render.js";

/**
 * Issue 12 item 1: the Redis users deploy/ generates, on a real redis-server loaded with the
 * rendered Secret's users.acl. Every attack a pod with one role's credentials (or none) could
 * try on the cache fails; and krm works end to end with each part under its own user.
 */

const pods = BUILTIN_KINDS.find((kind) => kind.id === "pods") as KindSpec;
const keys = kindKeys(pods);
const cursorKey = metricsCursorKey(pods);
const ledger = ledgerKeys();

let objects: readonly KubeObject[];
let dir: string;
let redis: RedisServer;
/** REDIS_URL of each role, pointed at the test server instead of the Service `redis`. */
const urls: Record<"pipeline" | "api" | "metrics" | "ledger", string> = {
  pipeline: "",
  api: "",
  metrics: "",
  ledger: "",
};

function secretData(name: string): Record<string, string> {
  const data = (findGenerated(objects, "Secret", name)["data"] ?? {}) as Record<string, string>;
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [key, Buffer.from(value, "base64").toString()]),
  );
}

/** A client that fails at once instead of retrying, so a refusal is an error, not a hang. */
async function withRedis<T>(url: string | undefined, use: (client: Redis) => Promise<T>): Promise<T> {
  const options = {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  };
  const client = url === undefined ? new Redis(redis.port, "127.0.0.1", options) : new Redis(url, options);
  client.on("error", () => undefined);
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}

/** What Redis answers a raw command with: "ok: <reply>" or the error's first word. */
function attempt(url: string | undefined, command: readonly string[]): Promise<string> {
  return withRedis(url, async (client) => {
    const [name = "", ...args] = command;
    try {
      return `ok: ${JSON.stringify(await client.call(name, ...args))}`;
    } catch (error) {
      return error instanceof Error ? (error.message.split(" ")[0] ?? "") : String(error);
    }
  });
}

beforeAll(async () => {
  objects = (await renderKustomization(DEPLOY_DIR)).objects;
  dir = await mkdtemp(join(tmpdir(), "krm-redis-acl-"));
  const aclPath = join(dir, "users.acl");
  await writeFile(aclPath, secretData("redis-acl")["users.acl"] ?? "");
  redis = await startRedis({ args: ["--aclfile", aclPath] });
  for (const role of ["pipeline", "api", "metrics", "ledger"] as const) {
    urls[role] = (secretData(`krm-${role}-credentials`)["REDIS_URL"] ?? "").replace(
      "@redis:6379",
      `@127.0.0.1:${redis.port}`,
    );
  }
  // Something to read and to forge: a cached object written by the pipeline's user.
  expect(await attempt(urls.pipeline, ["HSET", keys.state, "default/web", '{"kind":"Pod"}'])).toBe("ok: 1");
});

afterAll(async () => {
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Attacks on krm's state and on Redis itself, each with the error Redis must answer. */
const WRITES: readonly (readonly string[])[] = [
  ["HSET", keys.state, "default/web", '{"forged":true}'],
  ["HDEL", keys.state, "default/web"],
  ["DEL", keys.state],
  ["XADD", keys.changes, "*", "type", "ADDED"],
  ["EVAL", "return redis.call('HSET', KEYS[1], 'default/web', 'forged')", "1", keys.state],
  ["RENAME", keys.state, "krm:{pods}:stolen"],
  ["SET", "krm:{pods}:state-meta", "x"],
];
const ADMIN: readonly (readonly string[])[] = [
  ["FLUSHALL"],
  ["CONFIG", "SET", "dir", "/tmp"],
  ["ACL", "SETUSER", "api", "+@all"],
  ["KEYS", "*"],
  ["CLIENT", "LIST"],
  ["BGSAVE"],
  ["SHUTDOWN"],
  ["MODULE", "LIST"],
];

describe("without credentials", () => {
  it("a client may only PING", async () => {
    expect(await attempt(undefined, ["PING"])).toBe('ok: "PONG"');
    for (const command of [["HGETALL", keys.state], ["GET", "anything"], ...WRITES, ...ADMIN]) {
      expect(await attempt(undefined, command), command.join(" ")).toBe("NOPERM");
    }
  });

  it("a wrong password is refused", async () => {
    expect(await attempt(undefined, ["AUTH", "api", "0".repeat(48)])).toBe("WRONGPASS");
    expect(await attempt(undefined, ["AUTH", "admin", "0".repeat(48)])).toBe("WRONGPASS");
  });
});

describe("with the API's credentials", () => {
  it("reads the cache", async () => {
    expect(await attempt(urls.api, ["HGET", keys.state, "default/web"])).toBe(
      `ok: ${JSON.stringify('{"kind":"Pod"}')}`,
    );
  });

  it.each([...WRITES, ...ADMIN])("%s … is refused", async (...command) => {
    expect(await attempt(urls.api, command)).toBe("NOPERM");
    expect(await attempt(urls.pipeline, ["HGET", keys.state, "default/web"])).toBe(
      `ok: ${JSON.stringify('{"kind":"Pod"}')}`,
    );
  });

  it("writes the capacity leases, its one write", async () => {
    expect(await attempt(urls.api, ["HSET", "krm:{capacity}:leases", "probe", "{}"])).toBe("ok: 1");
    expect(await attempt(urls.api, ["HDEL", "krm:{capacity}:leases", "probe"])).toBe("ok: 1");
  });

  it("reads no key outside krm's prefix", async () => {
    expect(await attempt(urls.api, ["GET", "other-app:secret"])).toBe("NOPERM");
  });
});

describe("with the metrics exporter's credentials", () => {
  it("writes its own cursors, nothing else", async () => {
    // Another kind's cursor: the end-to-end run below waits for the pods cursor to appear.
    expect(await attempt(urls.metrics, ["HSET", metricsCursorKey({ id: "nodes" }), "events", "1-0"])).toBe(
      "ok: 1",
    );
    for (const command of [...WRITES, ...ADMIN]) {
      expect(await attempt(urls.metrics, command), command.join(" ")).toBe("NOPERM");
    }
  });
});

describe("with the ledger's credentials", () => {
  it("reads the cache and the change feed", async () => {
    expect(await attempt(urls.ledger, ["HGET", keys.state, "default/web"])).toBe(
      `ok: ${JSON.stringify('{"kind":"Pod"}')}`,
    );
    expect(await attempt(urls.ledger, ["XREVRANGE", keys.changes, "+", "-", "COUNT", "1"])).toMatch(/^ok: /);
  });

  it("writes the ledger's keys, its one write, and no other", async () => {
    const hour = `${ledger.hourPrefix}0`;
    expect(await attempt(urls.ledger, ["HINCRBYFLOAT", hour, "cpu\tnamespace:probe", "1"])).toBe('ok: "1"');
    expect(await attempt(urls.ledger, ["PEXPIREAT", hour, "1"])).toBe("ok: 1");
    // Through a script too, as the ledger writes; a script cannot reach past the user's keys.
    expect(
      await attempt(urls.ledger, [
        "EVAL",
        "return redis.call('HSET', KEYS[1], 'probe', '{}')",
        "1",
        ledger.cursors,
      ]),
    ).toBe("ok: 1");
    for (const command of [
      ...WRITES,
      ...ADMIN,
      ["HSET", "krm:{capacity}:leases", "probe", "{}"],
      ["HSET", cursorKey, "events", "1-0"],
      ["EVAL", "return redis.call('HSET', KEYS[1], 'forged', '1')", "1", "krm:{capacity}:leases"],
      ["DEL", ledger.cursors],
      ["HDEL", ledger.cursors, "probe"],
    ])
      expect(await attempt(urls.ledger, command), command.join(" ")).toBe("NOPERM");
    expect(await attempt(urls.ledger, ["GET", "other-app:secret"])).toBe("NOPERM");
  });
});

describe("with the pipeline's credentials", () => {
  it("keeps to krm's keys and to data commands", async () => {
    expect(await attempt(urls.pipeline, ["SET", "other-app:secret", "x"])).toBe("NOPERM");
    expect(await attempt(urls.pipeline, ["GET", "other-app:secret"])).toBe("NOPERM");
    for (const command of ADMIN)
      expect(await attempt(urls.pipeline, command), command.join(" ")).toBe("NOPERM");
  });
});

describe("krm with each part under its own user", () => {
  const namespace = `krm-acl-${randomBytes(3).toString("hex")}`;
  const lines: string[] = [];
  const logger = pino({ level: "warn" }, { write: (line: string) => lines.push(line) });
  let influx: InfluxServer;
  const running: RunningPart[] = [];
  let parts: RunningPart[] = [];

  beforeAll(async () => {
    influx = await startInflux();
    await influx.query('CREATE DATABASE "krm"', "krm");
  });

  afterAll(async () => {
    await Promise.all(running.map((part) => part.stop()));
    await stopParts(parts);
    await influx.remove();
  });

  it("caches, serves and exports a new pod, with no permission error anywhere", async () => {
    // The object planted above is not the pipeline's: start from an empty cache.
    expect(await attempt(urls.pipeline, ["DEL", keys.state])).toBe("ok: 1");
    const kubeConfig = sharedCluster().kubeConfig();
    parts = await startParts({
      kinds: [pods],
      kubeConfig,
      redisUrl: urls.pipeline,
      logger,
      verifyIntervalMs: 5_000,
      bookmarkSilenceMs: 90_000,
      watchTimeoutSeconds: 300,
    });
    const api = await startApiServer({
      kinds: [pods],
      redisUrl: urls.api,
      logger,
      host: "127.0.0.1",
      port: 0,
      auth: { mode: "none" },
      feed: { blockMs: 200, checkIntervalMs: 200 },
    });
    running.push(api);
    const usage = startLedger({
      kinds: [pods],
      redisUrl: urls.ledger,
      labelKeys: ["team"],
      logger,
      blockMs: 200,
    });
    running.push(usage);
    running.push(
      await startMetricsExporter({
        kinds: [pods],
        redisUrl: urls.metrics,
        logger,
        influx: { url: influx.url, api: "v1", flushIntervalMs: 200 },
        sampleIntervalMs: 500,
      }),
    );

    const core = kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedPod({
      namespace,
      body: { metadata: { name: "web" }, spec: { containers: [{ name: "web", image: "nginx" }] } },
    });
    await waitUntil(
      async () =>
        (await httpGet(`${api.url}/api/v1/namespaces/${namespace}/pods/web`)).status === 200
          ? true
          : undefined,
      {
        what: "the pod served by krm's API",
        timeoutMs: 60_000,
        intervalMs: 250,
        describeFailure: () => lines.join(""),
      },
    );
    // The exporter saved its read position: its one write permission works.
    await waitUntil(
      async () => {
        const reply = await attempt(urls.metrics, ["HGET", cursorKey, "events"]);
        return reply.startsWith('ok: "') ? reply : undefined;
      },
      {
        what: "the metrics cursor",
        timeoutMs: 60_000,
        intervalMs: 250,
        describeFailure: () => lines.join(""),
      },
    );
    // The ledger credited the pod: its record exists, written by its script under its own user.
    const uid = (await core.readNamespacedPod({ namespace, name: "web" })).metadata?.uid ?? "";
    await waitUntil(
      async () => {
        const reply = await attempt(urls.ledger, ["HGET", ledger.objects("pods"), uid]);
        return reply.startsWith('ok: "') ? reply : undefined;
      },
      {
        what: "the ledger's record of the pod",
        timeoutMs: 60_000,
        intervalMs: 250,
        describeFailure: () => lines.join(""),
      },
    );
    expect(usage.followers[0]?.stats.writes ?? 0).toBeGreaterThan(0);
    expect(lines.filter((line) => /NOPERM|NOAUTH|WRONGPASS/.test(line))).toEqual([]);
  });
});
