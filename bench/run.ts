// `npm run bench`: krm against kube-apiserver and a client-node informer, side by side, on a
// real control plane started here. See BENCHMARKS.md for what is measured and how to read it.
import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { KubeConfig } from "@kubernetes/client-node";
import { Redis } from "ioredis";
import { startControlPlane } from "../test/support/control-plane.js";
import { freePort } from "../test/support/free-port.js";
import { ManagedProcess } from "../test/support/managed-process.js";
import { startRedis } from "../test/support/redis-server.js";
import { waitUntil } from "../test/support/wait-until.js";
import { closeTarget, kubeTarget, send } from "./http-target.js";
import { startKrm, waitForCount, type KrmProcesses } from "./krm-processes.js";
import { machineInfo } from "./machine.js";
import { BenchUsageError, USAGE, parseBenchOptions, type BenchOptions } from "./options.js";
import { runCostPhase } from "./phases/cost-phase.js";
import { runFreshnessPhase } from "./phases/freshness-phase.js";
import { runReadPhase } from "./phases/read-phase.js";
import { populate, populationFor, type PopulationCounts } from "./populate.js";
import type { BenchResults, SizeResult } from "./result-types.js";
import { podPlacement } from "./fixtures.js";
import { readCounts } from "./phases/counts-delta.js";
import { redisMemory } from "./redis-stats.js";

function kubeConfigFrom(path: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromFile(path);
  return config;
}

const log = (line: string): void => {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
};

/** Finds a running process by a unique piece of its command line (the API server's port flag). */
async function findPid(needle: string): Promise<number | undefined> {
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmdline.split("\0").includes(needle)) return Number(entry);
  }
  return undefined;
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

async function main(options: BenchOptions): Promise<string> {
  const machine = machineInfo();
  const startedAt = new Date();
  const runId = startedAt.toISOString().slice(0, 19).replace(/[-:T]/g, "").slice(4);
  const workDir = await mkdtemp(join(tmpdir(), "krm-bench-"));
  const resultsDir = resolve(options.resultsDir);
  await mkdir(resultsDir, { recursive: true });
  const resultPath = join(
    resultsDir,
    `${startedAt.toISOString().slice(0, 10)}-${machine.commit}${options.quick ? "-quick" : ""}.json`,
  );
  log(`machine: ${machine.cpus} CPUs (${machine.cpuModel}), commit ${machine.commit}; logs in ${workDir}`);

  const controlPlane = await startControlPlane({ logDir: join(workDir, "logs") });
  const redisServer = await startRedis();
  const redis = new Redis(redisServer.url, { lazyConnect: false });
  const proxyPort = await freePort();
  const proxy = ManagedProcess.start({
    command: process.execPath,
    args: [
      fileURLToPath(new URL("./counting-proxy-main.js", import.meta.url)),
      controlPlane.url,
      String(proxyPort),
      dirname(controlPlane.caPath),
    ],
    logPath: join(workDir, "counting-proxy.log"),
  });
  const proxyUrl = `https://127.0.0.1:${proxyPort}`;
  const apiServer = kubeTarget("kube-apiserver", controlPlane.kubeConfig());
  const sizes: SizeResult[] = [];
  const results: BenchResults = {
    benchmark: "krm vs kube-apiserver vs client-node informer (issue 7)",
    command: `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim(),
    startedAt: startedAt.toISOString(),
    machine,
    options: { ...options, phases: [...options.phases] },
    kubeApiServerPid: undefined,
    sizes,
    finishedAt: "",
  };
  const save = async (): Promise<void> => {
    results.finishedAt = new Date().toISOString();
    await writeFile(resultPath, `${JSON.stringify(results, null, 2)}\n`);
  };
  try {
    const krmKubeconfig = controlPlane.kubeconfigFor(proxyUrl);
    const proxyTarget = kubeTarget("counting-proxy", kubeConfigFrom(krmKubeconfig));
    await waitUntil(async () => ((await readCounts(proxyTarget)).total >= 0 ? true : undefined), {
      what: "counting proxy",
      timeoutMs: 10_000,
      abortReason: () => proxy.exited,
    });
    const apiServerPid = await findPid(`--secure-port=${controlPlane.port}`);
    results.kubeApiServerPid = apiServerPid;
    let previous: PopulationCounts | undefined;
    for (const pods of options.sizes) {
      const target = populationFor(pods);
      log(
        `populating ${pods} pods, ${target.deployments} deployments, ${target.services} services, ${target.nodes} nodes`,
      );
      const population = await populate(apiServer, previous, target);
      previous = target;
      log(`  populated in ${population.durationMs} ms (${population.podsPerSecond} pods/s)`);
      const sample = podPlacement(0);
      const podJsonBytes = (
        await send(apiServer, `/api/v1/namespaces/${sample.namespace}/pods/${sample.name}`)
      ).bytes;

      await redisServer.flushAll();
      const redisBaseline = await redisMemory(redis);
      const profileDir =
        options.cpuProfile || options.heapSnapshot
          ? join(resultsDir, "profiles", `${runId}-${pods}`)
          : undefined;
      if (profileDir !== undefined) await mkdir(profileDir, { recursive: true });
      const krmStarted = performance.now();
      let krm: KrmProcesses | undefined;
      let krmReadyMs: number | null = null;
      try {
        krm = await startKrm({
          mode: options.krmMode,
          kubeconfigPath: krmKubeconfig,
          redisUrl: redisServer.url,
          verifyInterval: options.verifyInterval,
          logDir: workDir,
          logLevel: "warn",
          ...(profileDir !== undefined && options.cpuProfile ? { cpuProfileDir: profileDir } : {}),
          ...(profileDir !== undefined && options.heapSnapshot ? { heapSnapshotDir: profileDir } : {}),
        });
        krmReadyMs = Math.round(performance.now() - krmStarted);
        await waitForCount(krm.api, "/api/v1/pods", pods);
      } catch (error) {
        // krm never served the whole population: record that as this size's result and go on.
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        sizes.push({ pods, population, podJsonBytes, krmReadyMs, krmCaughtUpMs: null, error: message });
        log(`  krm did not serve all ${pods} pods: ${message.split("\n")[0] ?? ""} (krm logs in ${workDir})`);
        if (krm !== undefined) {
          closeTarget(krm.api);
          await krm.stop();
        }
        await save();
        continue;
      }
      const krmCaughtUpMs = Math.round(performance.now() - krmStarted);
      log(`  krm ready in ${krmReadyMs} ms, serving all ${pods} pods after ${krmCaughtUpMs} ms`);
      const size: SizeResult = { pods, population, podJsonBytes, krmReadyMs, krmCaughtUpMs };
      sizes.push(size);
      const pids = { ...krm.pids, ...(apiServerPid === undefined ? {} : { "kube-apiserver": apiServerPid }) };
      try {
        if (options.phases.has("cost")) {
          size.cost = await runCostPhase({
            krm: krm.api,
            redis,
            proxy: proxyTarget,
            pids,
            windowMs: options.costWindowMs,
            redisBaseline,
            log,
            ...(profileDir !== undefined && options.heapSnapshot
              ? { snapshotApiHeap: () => writeHeapSnapshot(krm.pids["api"] ?? krm.pids["run"], profileDir) }
              : {}),
          });
          await save();
        }
        if (options.phases.has("read")) {
          size.read = await runReadPhase({
            krm: krm.api,
            apiServer,
            pods,
            concurrencies: options.concurrencies,
            cellMs: options.cellMs,
            log,
          });
          await save();
        }
        if (options.phases.has("freshness")) {
          size.freshness = await runFreshnessPhase({
            krm: krm.api,
            apiServer,
            kubeConfig: controlPlane.kubeConfig(),
            rates: options.writeRates,
            durationMs: options.freshnessMs,
            proxy: proxyTarget,
            pids,
            runId: `${runId}-${pods}`,
            log,
          });
        }
      } catch (error) {
        size.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
        log(`  size ${pods} failed: ${size.error}`);
      } finally {
        closeTarget(krm.api);
        await krm.stop();
        await save();
      }
    }
  } finally {
    await save();
    redis.disconnect();
    closeTarget(apiServer);
    await proxy.stop();
    await redisServer.stop();
    await controlPlane.stop();
  }
  return resultPath;
}

if (process.argv.includes("--help")) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
try {
  const options = parseBenchOptions(process.argv.slice(2), process.env);
  const path = await main(options);
  log(`results: ${path}`);
  process.exit(0);
} catch (error) {
  if (error instanceof BenchUsageError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n${USAGE}\n`,
  );
  process.exit(1);
}
