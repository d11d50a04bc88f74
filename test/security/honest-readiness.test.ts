import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../local/free-port.js";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { httpRequestText } from "../../local/http-request.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { sharedCluster } from "../support/shared-cluster.js";
import { waitUntil } from "../../local/wait-until.js";
import { ERROR_LEVEL, startKrm, type KrmProcess } from "./krm-process.js";

/**
 * Issue 12 item 10: a per-kind part's `/readyz` fails while Redis or the API server is
 * unreachable, and recovers with them. A real streamer runs against a real redis-server and
 * the shared kube-apiserver, each behind a fault proxy that cuts, refuses or blackholes.
 */

/** Probes answer within READINESS_TIMEOUT_MS (2.5 s); a change shows within a few probes. */
const FLIP_TIMEOUT_MS = 30_000;

let redis: RedisServer;
let redisProxy: FaultProxy;
let apiProxy: FaultProxy;
let streamer: KrmProcess;
let healthPort: number;

async function readyz(): Promise<number> {
  const response = await httpRequestText(`http://127.0.0.1:${healthPort}/readyz`, { timeoutMs: 10_000 });
  return response.status;
}

async function waitForReadyz(status: number, what: string): Promise<void> {
  await waitUntil(async () => ((await readyz()) === status ? true : undefined), {
    what: `/readyz ${status} (${what})`,
    timeoutMs: FLIP_TIMEOUT_MS,
    intervalMs: 250,
    abortReason: () => streamer.process.exited,
    describeFailure: () => streamer.output(),
  });
}

beforeAll(async () => {
  const cluster = sharedCluster();
  redis = await startRedis();
  redisProxy = await startFaultProxy({ targetHost: "127.0.0.1", targetPort: redis.port });
  const api = new URL(cluster.clusterUrl);
  apiProxy = await startFaultProxy({ targetHost: api.hostname, targetPort: Number(api.port) });
  healthPort = await freePort();
  streamer = await startKrm(["streamer", "--kind", "pods"], {
    REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
    KUBECONFIG: cluster.kubeconfigFor(apiProxy.url),
    KRM_HEALTH_PORT: String(healthPort),
  });
  await waitForReadyz(200, "both reachable");
});

afterAll(async () => {
  await streamer.stop();
  await Promise.all([redisProxy.stop(), apiProxy.stop()]);
  await redis.stop();
});

describe("a streamer's /readyz", () => {
  it("fails while Redis is blackholed, and recovers with it", async () => {
    expect(redisProxy.connectionCount()).toBeGreaterThan(0);
    redisProxy.blackhole(true);
    await waitForReadyz(503, "Redis blackholed");
    redisProxy.blackhole(false);
    // Blackholed connections stay dead, as after a partition, until they are cut.
    expect(redisProxy.cutAll()).toBeGreaterThan(0);
    await waitForReadyz(200, "Redis back");
  });

  it("fails while Redis refuses connections, and logs it at error level", async () => {
    redisProxy.refuse(true);
    expect(redisProxy.cutAll()).toBeGreaterThan(0);
    await waitForReadyz(503, "Redis refusing");
    await waitUntil(
      async () =>
        (await streamer.logLines()).some(
          (line) => line.msg === "redis unreachable" && line.level === ERROR_LEVEL,
        )
          ? true
          : undefined,
      { what: "an error-level 'redis unreachable' line", timeoutMs: FLIP_TIMEOUT_MS },
    );
    redisProxy.refuse(false);
    await waitForReadyz(200, "Redis back");
  });

  it("fails while the API server is unreachable, and recovers with it", async () => {
    apiProxy.refuse(true);
    expect(apiProxy.cutAll()).toBeGreaterThan(0);
    await waitForReadyz(503, "API server refusing");
    apiProxy.refuse(false);
    await waitForReadyz(200, "API server back");
  });

  it("reveals nothing in its body", async () => {
    const response = await httpRequestText(`http://127.0.0.1:${healthPort}/readyz`);
    expect(response.body).toBe("ok");
  });
});
