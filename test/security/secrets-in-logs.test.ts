import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPasswordRedis, type RedisTopology } from "../deploy/redis-topologies.js";
import { freePort } from "../../local/free-port.js";
import { writeKubeconfig } from "../../local/cluster/kubeconfig-file.js";
import { sharedCluster } from "../support/shared-cluster.js";
import { waitUntil } from "../../local/wait-until.js";
import { ERROR_LEVEL, startKrm, type KrmProcess } from "./krm-process.js";

/**
 * Issue 12 item 8: passwords in Redis/InfluxDB URLs and tokens never reach logs or error
 * messages. Each run plants secrets where krm used to print them (the URL in a startup line,
 * a URL in a usage error), at debug level, while every connection fails — so the errors that
 * are logged are the ones that would carry them.
 */

/** A secret no ordinary output contains by chance; URL-hostile characters on purpose. */
function planted(label: string): string {
  return `${label}-${randomBytes(6).toString("hex")}/:@%`;
}

const redisPassword = planted("redis-pw");
const sentinelPassword = planted("sentinel-pw");
const influxPassword = planted("influx-pw");
const influxToken = planted("influx-token");
const kubeToken = planted("kube-token");
const secrets = [redisPassword, sentinelPassword, influxPassword, influxToken, kubeToken];

/** Every form a secret could be printed in: as is, percent-encoded, JSON-escaped. */
function leaks(output: string): string[] {
  return secrets.filter((secret) =>
    [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)].some((form) =>
      output.includes(form),
    ),
  );
}

/** A loopback port nothing listens on: connections are refused. */
let closedPort: number;
let dir: string;
let kubeconfig: string;
/** A real Redis that requires `redisPassword`. */
let redis: RedisTopology;
/** The same, requiring another password: `redisPassword` is wrong there. */
let otherRedis: RedisTopology;
const running: KrmProcess[] = [];

beforeAll(async () => {
  closedPort = await freePort();
  redis = await startPasswordRedis(redisPassword);
  otherRedis = await startPasswordRedis(`other-${redisPassword}`);
  dir = await mkdtemp(join(tmpdir(), "krm-secrets-"));
  const cluster = sharedCluster();
  // The real API server, with a token it does not know: every request is refused (401).
  kubeconfig = writeKubeconfig(join(dir, "kubeconfig"), {
    server: cluster.clusterUrl,
    caPem: await readFile(cluster.caPath, "utf8"),
    token: kubeToken,
  });
});

afterAll(async () => {
  await Promise.all(running.map((krm) => krm.stop()));
  await Promise.all([redis.stop(), otherRedis.stop()]);
  await rm(dir, { recursive: true, force: true });
});

async function run(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<KrmProcess> {
  const krm = await startKrm([...args, "--log-level", "debug"], env);
  running.push(krm);
  return krm;
}

const redisUrl = (): string => `redis://krm:${encodeURIComponent(redisPassword)}@127.0.0.1:${closedPort}/0`;

describe("a streamer with a wrong Redis password", () => {
  it("logs the refusal at the default level within 5 s, and no secret", async () => {
    const krm = await run(["streamer", "--kind", "pods", "--health-port", String(await freePort())], {
      // The server wants another password: every connection is refused with WRONGPASS.
      REDIS_URL: `redis://default:${encodeURIComponent(redisPassword)}@${otherRedis.hosts[0] ?? ""}/0`,
      KUBECONFIG: kubeconfig,
    });
    const unreachable = await waitUntil(
      async () => (await krm.logLines()).find((line) => line.msg === "redis unreachable"),
      { what: "the 'redis unreachable' line", timeoutMs: 15_000, describeFailure: () => krm.output() },
    );
    expect(unreachable.level).toBe(ERROR_LEVEL);
    expect(unreachable["reason"]).toMatch(/WRONGPASS/);
    expect(unreachable.time - krm.startedAt).toBeLessThan(5_000);
    await krm.stop();
    expect(leaks(await krm.output())).toEqual([]);
  });
});

describe("a streamer whose token the API server refuses", () => {
  it("logs the API server's 401 and no secret", async () => {
    const krm = await run(["streamer", "--kind", "pods", "--health-port", String(await freePort())], {
      REDIS_URL: `redis://default:${encodeURIComponent(redisPassword)}@${redis.hosts[0] ?? ""}/0`,
      KUBECONFIG: kubeconfig,
    });
    await waitUntil(async () => ((await krm.output()).includes("Unauthorized") ? true : undefined), {
      what: "the API server's 401 in the log",
      timeoutMs: 30_000,
      describeFailure: () => krm.output(),
    });
    await krm.stop();
    expect(leaks(await krm.output())).toEqual([]);
  });
});

describe("a metrics exporter whose Redis and InfluxDB URLs carry passwords", () => {
  it("logs its start and its failures without them", async () => {
    const influxPort = await freePort();
    const krm = await run(["metrics", "--kinds", "pods", "--health-port", String(await freePort())], {
      REDIS_URL: redisUrl(),
      INFLUX_URL: `http://krm:${encodeURIComponent(influxPassword)}@127.0.0.1:${influxPort}`,
      INFLUX_TOKEN: influxToken,
      INFLUX_PASSWORD: influxPassword,
      INFLUX_USERNAME: "krm",
    });
    // "starting metrics exporter" logs the InfluxDB URL; it must show up, redacted.
    const started = await waitUntil(
      async () => (await krm.logLines()).find((line) => line.msg === "starting metrics exporter"),
      { what: "the start line", timeoutMs: 15_000, describeFailure: () => krm.output() },
    );
    expect(started["influx"]).toBe(`http://krm:***@127.0.0.1:${influxPort}`);
    await waitUntil(
      async () =>
        (await krm.logLines()).some((line) => line.msg === "redis unreachable") ? true : undefined,
      { what: "the Redis error", timeoutMs: 15_000, describeFailure: () => krm.output() },
    );
    await krm.stop();
    expect(leaks(await krm.output())).toEqual([]);
  });
});

describe("usage errors that quote a URL", () => {
  it.each([
    [
      "a Sentinel URL without a master name",
      `redis-sentinel://krm:${encodeURIComponent(redisPassword)}@127.0.0.1:1?sentinel-password=${encodeURIComponent(sentinelPassword)}`,
    ],
    ["an unknown scheme", `redis+foo://krm:${encodeURIComponent(redisPassword)}@127.0.0.1:1`],
    ["a bad port", `redis-cluster://krm:${encodeURIComponent(redisPassword)}@127.0.0.1:99999`],
  ])("print %s redacted", async (_case, url) => {
    const krm = await run(["aggregator", "--kind", "pods", "--health-port", String(await freePort())], {
      REDIS_URL: url,
    });
    await krm.process.waitForExit();
    const output = await krm.output();
    expect(output).toMatch(/krm: .*redis.*\*\*\*@127\.0\.0\.1/);
    expect(leaks(output)).toEqual([]);
  });
});
