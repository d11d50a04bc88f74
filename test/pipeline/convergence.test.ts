/**
 * The cache pipeline converges to the truth under faults (docs/merge-rules.md, docs/testing.md):
 * churn across namespaces and all six built-in kinds while a TCP proxy between krm and the
 * API server cuts and blackholes watches, the API server restarts, etcd is compacted,
 * Redis is flushed and restarted. Once the faults stop, within one verify interval + 5 s,
 * krm's state equals a fresh LIST object for object (uid and resourceVersion).
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_KINDS } from "../../core/kinds.js";
import { kindKeys } from "../../core/redis-keys.js";
import type { RunningPart } from "../../core/running-part.js";
import { startControlPlane, type ControlPlane } from "../support/control-plane.js";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { startRedis, type RedisServer } from "../support/redis-server.js";
import { waitUntil } from "../support/wait-until.js";
import { Churn } from "./churn.js";
import { diffState, isConverged, type StateDiff } from "./compare-state.js";
import { startParts, stopParts } from "./krm-parts.js";
import { cliUnavailableReason, startKrmProcess } from "./krm-process.js";
import type { ManagedProcess } from "../support/managed-process.js";

const VERIFY_INTERVAL_MS = 5000;
/** Shortened bookmark period so the blackholed watch is declared dead within seconds. */
const BOOKMARK_SILENCE_MS = 4000;
const WATCH_TIMEOUT_SECONDS = 30;
/** A LIST page caught in the blackhole is abandoned after this (production default: 60 s). */
const PAGE_TIMEOUT_MS = 4000;
const NAMESPACES = ["alpha", "beta", "gamma"];
const ARTIFACTS = resolve("test-artifacts", "pipeline");

describe("cache pipeline under faults", () => {
  let controlPlane: ControlPlane;
  let redisServer: RedisServer;
  let proxy: FaultProxy;
  let redis: Redis;
  let parts: RunningPart[] = [];
  let aggregatorProcess: ManagedProcess | undefined;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // deployments are served without the watch cache, so an etcd compaction makes their
    // watch resume fail with 410 Gone (with the cache, the cache's window would absorb it).
    controlPlane = await startControlPlane({
      logDir: resolve(ARTIFACTS, "control-plane"),
      watchCacheDisabledFor: ["deployments.apps"],
    });
    redisServer = await startRedis();
    proxy = await startFaultProxy({ targetHost: controlPlane.host, targetPort: controlPlane.port });
    redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
    redis.on("error", () => undefined); // reconnects by itself across the Redis restart
  });

  afterAll(async () => {
    await stopParts(parts);
    await aggregatorProcess?.stop();
    redis?.disconnect();
    await proxy?.stop();
    await redisServer?.stop();
    await controlPlane?.stop();
  });

  it("state equals a fresh LIST for every kind within one verify interval + 5 s after the faults stop", async () => {
    const admin = controlPlane.kubeConfig();
    const core = admin.makeApiClient(CoreV1Api);
    for (const name of NAMESPACES) await core.createNamespace({ body: { metadata: { name } } });

    const viaProxy = new KubeConfig();
    viaProxy.loadFromFile(controlPlane.kubeconfigFor(proxy.url));
    // The pods aggregator runs as its own `krm aggregator` process (to be SIGKILLed) when the
    // built CLI can start; otherwise in-process like the others.
    const cliProblem = cliUnavailableReason();
    const startPodsAggregator = (): ManagedProcess =>
      startKrmProcess({
        part: "aggregator",
        kind: "pods",
        redisUrl: redisServer.url,
        logPath: resolve(ARTIFACTS, "aggregator-pods.log"),
      });
    if (cliProblem === undefined) aggregatorProcess = startPodsAggregator();
    else
      console.log(
        JSON.stringify({ note: "SIGKILL step skipped: the krm CLI cannot run", reason: cliProblem }),
      );
    const logger = pino(
      { level: "info" },
      pino.destination({ dest: resolve(ARTIFACTS, "krm.log"), sync: false, append: false }),
    );
    parts = await startParts({
      kinds: BUILTIN_KINDS,
      kubeConfig: viaProxy,
      redisUrl: redisServer.url,
      logger,
      verifyIntervalMs: VERIFY_INTERVAL_MS,
      bookmarkSilenceMs: BOOKMARK_SILENCE_MS,
      watchTimeoutSeconds: WATCH_TIMEOUT_SECONDS,
      pageTimeoutMs: PAGE_TIMEOUT_MS,
      skipAggregatorFor: aggregatorProcess !== undefined ? ["pods"] : [],
    });

    const churn = new Churn({ kubeConfig: admin, namespaces: NAMESPACES, namesPerNamespace: 4, pauseMs: 15 });
    await churn.run(80);
    await waitForConvergence(admin, 30_000, "initial convergence");
    const processAlive = (): void => {
      if (aggregatorProcess?.exited !== undefined)
        throw new Error(`krm aggregator process: ${aggregatorProcess.exited}`);
    };

    const faults = {
      cuts: 0,
      cutConnections: 0,
      blackholes: 0,
      apiServerRestarts: 0,
      etcdCompactions: 0,
      redisFlushes: 0,
      redisRestarts: 0,
      processKills: 0,
    };
    const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
    churn.start();
    const faultsStartedAt = Date.now();
    for (let i = 0; i < 3; i += 1) {
      await pause(1000 + Math.random() * 2000);
      faults.cutConnections += proxy.cutAll();
      faults.cuts += 1;
    }
    proxy.blackhole(true);
    faults.blackholes += 1;
    await pause(BOOKMARK_SILENCE_MS + 2000);
    proxy.blackhole(false);
    await pause(2000);
    await controlPlane.restartApiServer();
    faults.apiServerRestarts += 1;
    await pause(2000);
    await controlPlane.compactEtcd();
    faults.etcdCompactions += 1;
    faults.cutConnections += proxy.cutAll(); // resume watches from now-compacted resourceVersions
    faults.cuts += 1;
    await pause(2000);
    await redisServer.flushAll();
    faults.redisFlushes += 1;
    await pause(3000);
    await redisServer.restart();
    faults.redisRestarts += 1;
    await pause(2000);
    if (aggregatorProcess !== undefined) {
      processAlive();
      await aggregatorProcess.kill();
      faults.processKills += 1;
      await pause(1000);
      aggregatorProcess = startPodsAggregator();
    }
    await pause(2000);
    await churn.stop();
    const faultsEndedAt = Date.now();

    const deadlineMs = VERIFY_INTERVAL_MS + 5000;
    const diffs = await waitForConvergence(admin, deadlineMs, "convergence after faults");
    const convergedAfterMs = Date.now() - faultsEndedAt;

    const watch = await Promise.all(BUILTIN_KINDS.map((k) => redis.hgetall(kindKeys(k).watch)));
    const verifications = await Promise.all(
      BUILTIN_KINDS.map((k) => redis.xrange(kindKeys(k).verifications, "-", "+")),
    );
    const drift = { missing: 0, extra: 0, stale: 0 };
    for (const entries of verifications) {
      for (const [, fields] of entries) {
        for (const key of ["missing", "extra", "stale"] as const) {
          const index = fields.indexOf(key);
          drift[key] += index >= 0 ? Number(fields[index + 1]) : 0;
        }
      }
    }
    console.log(
      JSON.stringify({
        summary: "pipeline-convergence",
        faults,
        faultPhaseMs: faultsEndedAt - faultsStartedAt,
        churn: churn.counts,
        watchReconnects: watch.reduce((n, w) => n + Number(w["reconnects"] ?? 0), 0),
        watchGones: watch.reduce((n, w) => n + Number(w["gones"] ?? 0), 0),
        driftSinceRedisFlush: drift,
        convergedAfterMs,
        deadlineMs,
        objects: Object.fromEntries(diffs.map((d) => [d.kind, d.listed])),
      }),
    );
    expect(convergedAfterMs).toBeLessThanOrEqual(deadlineMs + 1000);
  });

  async function waitForConvergence(
    admin: KubeConfig,
    timeoutMs: number,
    what: string,
  ): Promise<StateDiff[]> {
    let last: StateDiff[] = [];
    return waitUntil(
      async () => {
        last = await Promise.all(BUILTIN_KINDS.map((kind) => diffState(admin, redis, kind)));
        return last.every(isConverged) ? last : undefined;
      },
      {
        what,
        timeoutMs,
        intervalMs: 250,
        describeFailure: () =>
          JSON.stringify(
            last
              .filter((d) => !isConverged(d))
              .map((d) => ({
                ...d,
                missing: d.missing.slice(0, 5),
                extra: d.extra.slice(0, 5),
                stale: d.stale.slice(0, 5),
              })),
          ),
      },
    );
  }
});
