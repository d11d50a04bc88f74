import { mkdir, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { KubeConfig } from "@kubernetes/client-node";
import type { Redis } from "ioredis";
import { waitUntil } from "../local/wait-until.js";
import type { ReaderTokens } from "./auth/reader-identity.js";
import { podPlacement } from "./fixtures.js";
import { HeapSampler } from "./heap-sampler.js";
import { closeTarget, getJson, send, withBearer, type HttpTarget } from "./http-target.js";
import { KRM_SERVE_ARGS, startKrm, waitForCount, type KrmProcesses } from "./krm-processes.js";
import { startLiveWriter } from "./live/live-writer.js";
import { loadAverages } from "./machine.js";
import type { BenchOptions } from "./options.js";
import { runCostPhase } from "./phases/cost-phase.js";
import { runFreshnessPhase } from "./phases/freshness-phase.js";
import { apiMemory } from "./phases/memory-figures.js";
import { emptyReplicaRss } from "./empty-replica.js";
import { readPaths, runReadPhase, type AuthMode, type StateMode } from "./phases/read-phase.js";
import { cyclesSince, runVerifyCyclePhase } from "./phases/verify-cycle-phase.js";
import { populate, populationFor, type PopulationCounts } from "./populate.js";
import { ProcessMonitor } from "./process-stats.js";
import { runReadCell } from "./read-load.js";
import { redisMemory } from "./redis-stats.js";
import type { SizeResult } from "./result-types.js";
import { EqualityChecker } from "./verify/equality-check.js";
import { PodHistory } from "./verify/pod-history.js";

/** What a repetition shares across its sizes. */
export interface SizeContext {
  readonly options: BenchOptions;
  /** The API server as its admin (population, writer). */
  readonly apiServer: HttpTarget;
  readonly adminKubeConfig: KubeConfig;
  readonly adminKubeconfigPath: string;
  /** Kubeconfig krm uses: through the counting proxy. */
  readonly krmKubeconfigPath: string;
  readonly proxy: HttpTarget;
  readonly redis: Redis;
  readonly redisUrl: string;
  readonly flushRedis: () => Promise<void>;
  readonly tokens: ReaderTokens;
  readonly apiServerPid: number | undefined;
  readonly workDir: string;
  readonly resultsDir: string;
  readonly runId: string;
  readonly log: (line: string) => void;
}

/** Time for the verify-cycle cell beyond the verifier interval: a 50k relist and merge on a loaded machine. */
const VERIFY_CYCLE_GRACE_MS = 10 * 60_000;
/** Full lists the memory cell reads (and verifies) when the headline cells did not run. */
const MEMORY_CELL_FULL_LISTS = 3;

interface ListHead {
  readonly items?: unknown[];
  readonly metadata?: { readonly remainingItemCount?: number };
}

/** Pods the API server holds now (the population plus any left by writers). */
async function apiServerPodCount(apiServer: HttpTarget): Promise<number> {
  const head = await getJson<ListHead>(apiServer, "/api/v1/pods?limit=1");
  return (head.items?.length ?? 0) + (head.metadata?.remainingItemCount ?? 0);
}

function intervalMs(text: string): number {
  const match = /^(\d+)(ms|s|m)?$/.exec(text);
  const value = Number(match?.[1] ?? "30");
  return match?.[2] === "ms" ? value : match?.[2] === "m" ? value * 60_000 : value * 1000;
}

/** Asks a krm process (started with --heapsnapshot-signal) for a heap snapshot and waits until it is written. */
async function writeHeapSnapshot(pid: number | undefined, dir: string): Promise<void> {
  if (pid === undefined) return;
  const before = new Set(await readdir(dir));
  process.kill(pid, "SIGUSR2");
  let lastSize = -1;
  await waitUntil(
    async () => {
      const file = (await readdir(dir)).find((f) => f.endsWith(".heapsnapshot") && !before.has(f));
      if (file === undefined) return undefined;
      const { size } = await stat(join(dir, file));
      const settled = size > 0 && size === lastSize;
      lastSize = size;
      return settled ? true : undefined;
    },
    { what: "heap snapshot of krm api", timeoutMs: 120_000, intervalMs: 1000 },
  );
}

/**
 * One population: grows it, starts krm on an empty Redis with one API replica per auth mode,
 * waits until krm serves every pod, then runs the selected cells. Returns the size's result;
 * a failing cell is recorded in `error` and ends the size.
 */
export async function runSize(
  ctx: SizeContext,
  previous: PopulationCounts | undefined,
  pods: number,
  onProgress: (size: SizeResult) => Promise<void>,
): Promise<SizeResult> {
  const { options, log } = ctx;
  const target = populationFor(pods);
  log(
    `populating ${pods} pods, ${target.deployments} deployments, ${target.services} services, ${target.nodes} nodes`,
  );
  const population = await populate(ctx.apiServer, previous, target);
  log(`  populated in ${population.durationMs} ms (${population.podsPerSecond} pods/s)`);
  const sample = podPlacement(0);
  const podJsonBytes = (
    await send(ctx.apiServer, `/api/v1/namespaces/${sample.namespace}/pods/${sample.name}`)
  ).bytes;
  await ctx.flushRedis();
  const redisBaseline = await redisMemory(ctx.redis);
  const profileDir =
    options.cpuProfile || options.heapSnapshot
      ? join(ctx.resultsDir, "profiles", `${ctx.runId}-${pods}`)
      : undefined;
  if (profileDir !== undefined) await mkdir(profileDir, { recursive: true });
  const apiServerReader = withBearer(ctx.apiServer, "kube-apiserver", ctx.tokens.apiServer);
  // Before krm starts, so every resourceVersion krm serves is at or after the history's list
  // (with no writes, krm's lists were served at revisions older than a list taken later).
  const history = await PodHistory.start(apiServerReader, ctx.adminKubeConfig);
  const started = performance.now();
  let krm: KrmProcesses | undefined;
  let krmReadyMs: number | null = null;
  const readers = new Map<AuthMode, HttpTarget>();
  try {
    krm = await startKrm({
      mode: options.krmMode,
      kubeconfigPath: ctx.krmKubeconfigPath,
      redisUrl: ctx.redisUrl,
      verifyInterval: options.verifyInterval,
      logDir: ctx.workDir,
      logLevel: "warn",
      auths: options.auths,
      serveArgs: KRM_SERVE_ARGS,
      ...(profileDir !== undefined && options.cpuProfile ? { cpuProfileDir: profileDir } : {}),
      ...(profileDir !== undefined && options.heapSnapshot ? { heapSnapshotDir: profileDir } : {}),
    });
    krmReadyMs = Math.round(performance.now() - started);
    for (const [auth, api] of krm.apis) {
      readers.set(auth, withBearer(api, `krm-${auth}`, auth === "kubernetes" ? ctx.tokens.krm : undefined));
    }
    const first = readers.get(options.auths[0] ?? "none");
    if (first === undefined) throw new Error("no krm API replica");
    await waitForCount(first, "/api/v1/pods", await apiServerPodCount(ctx.apiServer));
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`  krm did not serve all ${pods} pods: ${message.split("\n")[0] ?? ""} (krm logs in ${ctx.workDir})`);
    history.stop();
    if (krm !== undefined) {
      for (const api of krm.apis.values()) closeTarget(api);
      await krm.stop();
    }
    return {
      pods,
      population,
      podJsonBytes,
      krmReadyMs,
      krmCaughtUpMs: null,
      loadAverageBefore: loadAverages(),
      error: message,
    };
  }
  const krmCaughtUpMs = Math.round(performance.now() - started);
  log(`  krm ready in ${krmReadyMs} ms, serving all ${pods} pods after ${krmCaughtUpMs} ms`);
  const size: SizeResult = {
    pods,
    population,
    podJsonBytes,
    krmReadyMs,
    krmCaughtUpMs,
    loadAverageBefore: loadAverages(),
  };
  const firstAuth = options.auths[0] ?? "none";
  const firstReader = readers.get(firstAuth) ?? [...readers.values()][0];
  const apiName = krm.apiProcess.get(firstAuth) ?? "api";
  const apiPid = krm.pids[apiName];
  const pids = {
    ...krm.pids,
    ...(ctx.apiServerPid === undefined ? {} : { "kube-apiserver": ctx.apiServerPid }),
  };
  const checker = new EqualityChecker(apiServerReader, history);
  const monitor = new ProcessMonitor(apiPid === undefined ? {} : { [apiName]: apiPid });
  await monitor.start();
  // Scrapes only when the memory cell will stop it: later cells (cost) measure krm without extra requests.
  const heapSampler =
    options.cells.has("memory") && firstReader !== undefined ? new HeapSampler(firstReader) : undefined;
  heapSampler?.start();
  const live = async <T>(work: () => Promise<T>): Promise<T> => {
    const writer = startLiveWriter({
      kubeconfigPath: ctx.adminKubeconfigPath,
      writesPerSecond: options.writeRate,
      pods,
      workDir: ctx.workDir,
      name: `live-writer-${ctx.runId}-${pods}-${(size.liveWrites?.length ?? 0) + 1}`,
    });
    try {
      return await work();
    } finally {
      const writes = await writer.stop();
      size.liveWrites = [...(size.liveWrites ?? []), writes];
      log(
        `  live writer: ${writes.achievedPerSecond}/s achieved of ${writes.targetPerSecond}/s (${writes.failed} failed, ${writes.skipped} skipped)`,
      );
    }
  };
  const reads = async (state: StateMode): Promise<void> => {
    const cells = await runReadPhase({
      krm: readers,
      apiServer: apiServerReader,
      state,
      pods,
      samples: { list: options.samples, full: options.fullSamples },
      throughput: { concurrency: options.concurrency, durationMs: options.throughputMs },
      verifyEvery: options.verifyEvery,
      checker,
      pids,
      krmProcess: krm.apiProcess,
      log,
    });
    size.reads = [...(size.reads ?? []), ...cells];
    size.equality = checker.result();
    await onProgress(size);
  };
  try {
    if (options.cells.has("headline")) await live(() => reads("live"));
    if (options.cells.has("frozen")) await reads("frozen");
    if (options.cells.has("memory")) {
      if (size.reads === undefined && firstReader !== undefined) {
        for (const [kind, requests] of [
          ["namespace-list", options.samples],
          ["full-list", MEMORY_CELL_FULL_LISTS],
        ] as const) {
          await runReadCell({
            target: firstReader,
            paths: readPaths(kind, pods),
            concurrency: 1,
            durationMs: VERIFY_CYCLE_GRACE_MS,
            requests,
            keep: () => true,
            onKept: (path, answer) => checker.record(path, answer),
          });
          await checker.checkPending();
        }
        size.equality = checker.result();
      }
      const usage = await monitor.stop();
      const emptyApiRssBytes = await emptyReplicaRss({
        redisUrl: ctx.redisUrl,
        auth: firstAuth,
        kubeconfigPath: ctx.krmKubeconfigPath,
        serveArgs: KRM_SERVE_ARGS,
        logDir: ctx.workDir,
      });
      size.memory = await apiMemory({
        redis: ctx.redis,
        apiPid,
        apiServerPid: ctx.apiServerPid,
        peakDuringReads: usage[apiName]?.rssBytesPeak ?? null,
        api: firstReader,
        heapDuringReads: (await heapSampler?.stop()) ?? null,
        emptyApiRssBytes,
      });
      log(
        `  memory: api RSS ${size.memory.api?.rssBytes} B (peak ${size.memory.apiRssPeakDuringReadsBytes}, x${size.memory.rssToJson} of ${size.memory.cachedJsonBytes} B JSON), heap used ${size.memory.apiHeap?.usedBytes} B of ${size.memory.apiHeap?.totalBytes} B (peak ${size.memory.apiHeapUsedPeakDuringReadsBytes})${size.memory.heapError === undefined ? "" : ` [${size.memory.heapError}]`}; kube-apiserver RSS ${size.memory.kubeApiServer?.rssBytes} B`,
      );
      await onProgress(size);
    }
    // The cells below check no answers: the history's watch of every pod would only load the
    // API server and this process while they time freshness and verification.
    history.stop();
    if (options.cells.has("verify-cycle") && firstReader !== undefined) {
      size.verifyCycle = await live(() =>
        runVerifyCyclePhase({
          krm: firstReader,
          redis: ctx.redis,
          pods,
          cycles: options.cycles,
          timeoutMs: intervalMs(options.verifyInterval) * (options.cycles + 1) + VERIFY_CYCLE_GRACE_MS,
          log,
        }),
      );
      await onProgress(size);
    }
    if (options.cells.has("freshness") && firstReader !== undefined) {
      const since = Date.now();
      size.freshness = await runFreshnessPhase({
        krm: firstReader,
        apiServer: ctx.apiServer,
        kubeConfig: ctx.adminKubeConfig,
        rates: options.freshnessRates,
        durationMs: options.freshnessMs,
        proxy: ctx.proxy,
        pids,
        runId: `${ctx.runId}-${pods}`,
        log,
      });
      size.freshnessCycles = await cyclesSince(ctx.redis, since);
      await onProgress(size);
    }
    if (options.cells.has("cost") && firstReader !== undefined) {
      size.cost = await runCostPhase({
        krm: firstReader,
        redis: ctx.redis,
        proxy: ctx.proxy,
        pids,
        windowMs: options.costWindowMs,
        redisBaseline,
        log,
        ...(profileDir !== undefined && options.heapSnapshot
          ? { snapshotApiHeap: () => writeHeapSnapshot(apiPid, profileDir) }
          : {}),
      });
    }
  } catch (error) {
    size.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`  size ${pods} failed: ${size.error}`);
  } finally {
    await monitor.stop();
    await heapSampler?.stop();
    history.stop();
    size.equality = {
      ...checker.result(),
      historyRestarts: history.restarts,
      historyRelists: history.relists,
    };
    size.loadAverageAfter = loadAverages();
    for (const api of readers.values()) closeTarget(api);
    await krm.stop();
  }
  return size;
}
