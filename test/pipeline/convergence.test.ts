/**
 * The cache pipeline converges to the truth under faults (docs/merge-rules.md, docs/testing.md):
 * churn across namespaces and all six built-in kinds while a TCP proxy between krm and the
 * API server cuts and blackholes watches, the API server restarts, etcd is compacted,
 * Redis is flushed and restarted. Once the faults stop, within one verify interval + 5 s,
 * krm's state equals a fresh LIST object for object (uid and resourceVersion), and so do the
 * answers of a real `krm api` process. Each fault is asserted to have happened, from what the
 * fault proxy, Redis, the streamers' watch health and the killed process report.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_KINDS, collectionPath, type KindSpec } from "../../core/kinds.js";
import { keyOf, type KubeObject } from "../../core/object-key.js";
import { kindKeys } from "../../core/redis-keys.js";
import type { RunningPart } from "../../core/running-part.js";
import { startControlPlane, type ControlPlane } from "../../local/cluster/control-plane.js";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { freePort } from "../../local/free-port.js";
import { httpRequestText } from "../../local/http-request.js";
import { waitUntil } from "../../local/wait-until.js";
import { Churn } from "./churn.js";
import { diffState, isConverged, listIdentity, type StateDiff } from "./compare-state.js";
import { startParts, stopParts } from "./krm-parts.js";
import { cliUnavailableReason, startKrmProcess } from "./krm-process.js";
import type { ManagedProcess } from "../../local/managed-process.js";

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
  let apiProcess: ManagedProcess | undefined;

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
    await apiProcess?.stop();
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
    // The pods aggregator runs as its own `krm aggregator` process (to be SIGKILLed), and the
    // readers' view is a real `krm api` process: both need the built CLI (npm run build).
    const cliProblem = cliUnavailableReason();
    expect(cliProblem).toBeUndefined();
    const startPodsAggregator = (): ManagedProcess =>
      startKrmProcess({
        part: "aggregator",
        kind: "pods",
        redisUrl: redisServer.url,
        logPath: resolve(ARTIFACTS, "aggregator-pods.log"),
      });
    aggregatorProcess = startPodsAggregator();
    const apiUrl = `http://127.0.0.1:${await freePort()}`;
    apiProcess = startKrmProcess({
      part: "api",
      kubeconfigPath: controlPlane.kubeconfigPath,
      redisUrl: redisServer.url,
      logPath: resolve(ARTIFACTS, "api.log"),
      extraArgs: ["--port", new URL(apiUrl).port, "--kinds", BUILTIN_KINDS.map((k) => k.id).join(",")],
    });
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
      skipAggregatorFor: ["pods"],
    });

    const churn = new Churn({ kubeConfig: admin, namespaces: NAMESPACES, namesPerNamespace: 4, pauseMs: 15 });
    await churn.run(80);
    await waitForConvergence(admin, 30_000, "initial convergence");
    await waitForApi(apiUrl, 30_000, "krm api answers as the API server after the initial convergence");

    const faults = {
      cuts: 0,
      /** Connections each cutAll destroyed, as the proxy counted them. */
      cutConnections: [] as number[],
      blackholes: 0,
      blackholedConnections: 0,
      apiServerRestarts: 0,
      /** Connections the API server closed or refused (as the proxy saw them) across its restart. */
      connectionsClosedByRestart: 0,
      etcdCompactions: 0,
      redisFlushes: 0,
      redisKeysBeforeFlush: 0,
      redisFlushallCalls: 0,
      redisRestarts: 0,
      redisRunIds: [] as string[],
      processKills: 0,
      killedProcessExit: "",
    };
    const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
    churn.start();
    const faultsStartedAt = Date.now();
    // A cut counts only if it cut something: it waits for the watches to be back after the last fault.
    const cutLiveConnections = async (): Promise<void> => {
      await waitUntil(() => (proxy.connectionCount() > 0 ? true : undefined), {
        what: "a live connection through the fault proxy to cut",
        timeoutMs: 15_000,
      });
      faults.cutConnections.push(proxy.cutAll());
      faults.cuts += 1;
    };
    for (let i = 0; i < 3; i += 1) {
      await pause(1000 + Math.random() * 2000);
      await cutLiveConnections();
    }
    const blackholedBefore = proxy.counts().blackholed;
    proxy.blackhole(true);
    faults.blackholes += 1;
    await pause(BOOKMARK_SILENCE_MS + 2000);
    proxy.blackhole(false);
    faults.blackholedConnections = proxy.counts().blackholed - blackholedBefore;
    await pause(2000);
    const closedBefore = proxy.counts().closedByTarget;
    await controlPlane.restartApiServer();
    faults.apiServerRestarts += 1;
    faults.connectionsClosedByRestart = proxy.counts().closedByTarget - closedBefore;
    await pause(2000);
    await controlPlane.compactEtcd();
    faults.etcdCompactions += 1;
    await cutLiveConnections(); // resume watches from now-compacted resourceVersions
    await pause(2000);
    faults.redisKeysBeforeFlush = await redis.dbsize();
    await redisServer.flushAll();
    faults.redisFlushes += 1;
    faults.redisFlushallCalls = infoField(await redis.info("commandstats"), "cmdstat_flushall", "calls");
    await pause(3000);
    faults.redisRunIds.push(infoValue(await redis.info("server"), "run_id"));
    await redisServer.restart();
    faults.redisRestarts += 1;
    faults.redisRunIds.push(infoValue(await redis.info("server"), "run_id"));
    await pause(2000);
    const killed = aggregatorProcess;
    expect(killed.exited).toBeUndefined(); // alive through every fault so far
    await killed.kill();
    faults.processKills += 1;
    faults.killedProcessExit = killed.exited ?? "";
    await pause(1000);
    aggregatorProcess = startPodsAggregator();
    await pause(2000);
    await churn.stop();
    const faultsEndedAt = Date.now();

    const deadlineMs = VERIFY_INTERVAL_MS + 5000;
    const diffs = await waitForConvergence(admin, deadlineMs, "convergence after faults");
    const convergedAfterMs = Date.now() - faultsEndedAt;
    await waitForApi(apiUrl, 10_000, "krm api answers as the API server after the faults");
    const apiConvergedAfterMs = Date.now() - faultsEndedAt;

    // The watch hashes were flushed with Redis; the streamers rewrite them (counts kept in memory)
    // on their next event, bookmark or reconnect.
    const watch = await waitUntil(
      async () => {
        const all = await Promise.all(BUILTIN_KINDS.map((k) => redis.hgetall(kindKeys(k).watch)));
        return all.every((w) => w["connected"] !== undefined) ? all : undefined;
      },
      {
        what: "every streamer's watch hash rewritten after the Redis flush",
        timeoutMs: 30_000,
        intervalMs: 250,
      },
    );
    const watchReconnects = Object.fromEntries(
      BUILTIN_KINDS.map((k, i) => [k.id, Number(watch[i]?.["reconnects"] ?? 0)]),
    );
    const watchGones = Object.fromEntries(
      BUILTIN_KINDS.map((k, i) => [k.id, Number(watch[i]?.["gones"] ?? 0)]),
    );
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
        proxy: proxy.counts(),
        watchReconnects,
        watchGones,
        driftSinceRedisFlush: drift,
        convergedAfterMs,
        apiConvergedAfterMs,
        deadlineMs,
        objects: Object.fromEntries(diffs.map((d) => [d.kind, d.listed])),
      }),
    );
    expect(convergedAfterMs).toBeLessThanOrEqual(deadlineMs + 1000);

    // Every fault happened, as the parts that suffered it saw it.
    expect(faults.cutConnections).toHaveLength(4);
    for (const count of faults.cutConnections) expect(count).toBeGreaterThan(0);
    expect(proxy.counts().cut).toBe(faults.cutConnections.reduce((a, b) => a + b, 0));
    expect(faults.blackholedConnections).toBeGreaterThan(0);
    expect(faults.connectionsClosedByRestart).toBeGreaterThan(0);
    // Cuts, the blackhole (bookmark silence) and the restart each ended every kind's watch.
    for (const count of Object.values(watchReconnects)) expect(count).toBeGreaterThanOrEqual(3);
    // The compaction made resumes from compacted resourceVersions 410 Gone. Which kinds see it
    // depends on which watches the last cut caught mid-stream (a watch still reconnecting from the
    // restart may relist first), so the fault is asserted over all kinds.
    expect(Object.values(watchGones).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    expect(faults.redisKeysBeforeFlush).toBeGreaterThan(0);
    expect(faults.redisFlushallCalls).toBeGreaterThanOrEqual(1);
    expect(new Set(faults.redisRunIds).size).toBe(2);
    expect(faults.killedProcessExit).toMatch(/signal SIGKILL/);
    expect(apiConvergedAfterMs).toBeLessThanOrEqual(deadlineMs + 10_000);
  });

  /** Polls until `krm api` lists, for every kind, the same objects (uid and resourceVersion) as a fresh LIST. */
  async function waitForApi(apiUrl: string, timeoutMs: number, what: string): Promise<void> {
    const admin = controlPlane.kubeConfig();
    let last: { kind: string; differ: string[] }[] = [];
    await waitUntil(
      async () => {
        last = await Promise.all(
          BUILTIN_KINDS.map(async (kind) => {
            const [listed, served] = await Promise.all([
              listIdentity(admin, kind),
              apiIdentity(apiUrl, kind),
            ]);
            const keys = new Set([...listed.keys(), ...served.keys()]);
            const differ = [...keys].filter((k) => listed.get(k) !== served.get(k));
            return { kind: kind.id, differ };
          }),
        );
        return last.every((d) => d.differ.length === 0) ? true : undefined;
      },
      {
        what,
        timeoutMs,
        intervalMs: 250,
        abortReason: () => apiProcess?.exited,
        describeFailure: () =>
          JSON.stringify(
            last.filter((d) => d.differ.length > 0).map((d) => ({ ...d, differ: d.differ.slice(0, 5) })),
          ),
      },
    );
  }

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

/** `key -> uid@rv` of every object `krm api` lists for a kind. */
async function apiIdentity(apiUrl: string, kind: KindSpec): Promise<Map<string, string>> {
  const response = await httpRequestText(`${apiUrl}${collectionPath(kind)}`);
  if (response.status !== 200)
    throw new Error(`krm api ${collectionPath(kind)}: ${response.status} ${response.body}`);
  const body = JSON.parse(response.body) as { items: KubeObject[] };
  return new Map(
    body.items.map((o) => [keyOf(o), `${o.metadata.uid ?? ""}@${o.metadata.resourceVersion ?? ""}`]),
  );
}

/** One `field:value` line of Redis INFO. */
function infoValue(info: string, field: string): string {
  const line = info.split("\r\n").find((l) => l.startsWith(`${field}:`));
  if (line === undefined) throw new Error(`Redis INFO has no ${field}`);
  return line.slice(field.length + 1);
}

/** A number from a `name:k1=v1,k2=v2` line of Redis INFO (0 when the line is absent). */
function infoField(info: string, name: string, key: string): number {
  const line = info.split("\r\n").find((l) => l.startsWith(`${name}:`));
  const pair = line
    ?.slice(name.length + 1)
    .split(",")
    .find((p) => p.startsWith(`${key}=`));
  return pair === undefined ? 0 : Number(pair.slice(key.length + 1));
}
