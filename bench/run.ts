// `npm run bench`: krm against kube-apiserver and a client-node informer, side by side, on a
// real control plane started here. See BENCHMARKS.md for what is measured and how to read it.
import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { KubeConfig } from "@kubernetes/client-node";
import { Redis } from "ioredis";
import { startControlPlane } from "../local/cluster/control-plane.js";
import { freePort } from "../local/free-port.js";
import { ManagedProcess } from "../local/managed-process.js";
import { startRedis } from "../local/redis-server.js";
import { waitUntil } from "../local/wait-until.js";
import { createReaderIdentity } from "./auth/reader-identity.js";
import { busiestProcesses } from "./busiest-processes.js";
import { closeTarget, getJson, kubeTarget } from "./http-target.js";
import { loadAverages, machineInfo } from "./machine.js";
import { resultFileName } from "./recorded-run.js";
import { BenchUsageError, USAGE, parseBenchOptions, type BenchOptions } from "./options.js";
import { readCounts } from "./phases/counts-delta.js";
import type { PopulationCounts } from "./populate.js";
import { populationFor } from "./populate.js";
import type { BenchResults, RepetitionResult } from "./result-types.js";
import { runSize } from "./run-size.js";

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

/** One repetition: a fresh control plane, Redis and counting proxy; every size in turn. */
async function runRepetition(
  options: BenchOptions,
  repetition: RepetitionResult,
  resultsDir: string,
  save: () => Promise<void>,
): Promise<void> {
  const workDir = await mkdtemp(join(tmpdir(), "krm-bench-"));
  log(`repetition ${repetition.index}: logs in ${workDir}`);
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
  const apiServer = kubeTarget("kube-apiserver", controlPlane.kubeConfig());
  try {
    const krmKubeconfigPath = controlPlane.kubeconfigFor(`https://127.0.0.1:${proxyPort}`);
    const proxyTarget = kubeTarget("counting-proxy", kubeConfigFrom(krmKubeconfigPath));
    await waitUntil(async () => ((await readCounts(proxyTarget)).total >= 0 ? true : undefined), {
      what: "counting proxy",
      timeoutMs: 10_000,
      abortReason: () => proxy.exited,
    });
    repetition.kubeVersion =
      (await getJson<{ gitVersion?: string }>(apiServer, "/version")).gitVersion ?? "unknown";
    repetition.kubeApiServerPid = await findPid(`--secure-port=${controlPlane.port}`);
    const tokens = await createReaderIdentity(apiServer);
    let previous: PopulationCounts | undefined;
    for (const pods of options.sizes) {
      const size = await runSize(
        {
          options,
          apiServer,
          adminKubeConfig: controlPlane.kubeConfig(),
          adminKubeconfigPath: controlPlane.kubeconfigPath,
          krmKubeconfigPath,
          proxy: proxyTarget,
          redis,
          redisUrl: redisServer.url,
          flushRedis: () => redisServer.flushAll(),
          tokens,
          apiServerPid: repetition.kubeApiServerPid,
          workDir,
          resultsDir,
          runId: `${repetition.startedAt.slice(5, 19).replace(/[-:T]/g, "")}-r${repetition.index}`,
          log,
        },
        previous,
        pods,
        async (partial) => {
          const at = repetition.sizes.indexOf(partial);
          if (at < 0) repetition.sizes.push(partial);
          await save();
        },
      );
      if (!repetition.sizes.includes(size)) repetition.sizes.push(size);
      previous = populationFor(pods);
      await save();
    }
  } finally {
    repetition.finishedAt = new Date().toISOString();
    redis.disconnect();
    closeTarget(apiServer);
    await proxy.stop();
    await redisServer.stop();
    await controlPlane.stop();
  }
}

async function main(options: BenchOptions): Promise<{ path: string; failed: boolean }> {
  const machine = machineInfo();
  if (machine.dirty && !options.allowDirty) {
    throw new BenchUsageError(
      "the working tree has uncommitted changes: commit them (figures must name a commit) or pass --allow-dirty (the JSON then says dirty)",
    );
  }
  const startedAt = new Date();
  const resultsDir = resolve(options.resultsDir);
  await mkdir(resultsDir, { recursive: true });
  const scope = `${options.sizes.map((p) => `${p / 1000}k`).join("-")}-${[...options.cells].join("-")}`;
  const resultPath = join(
    resultsDir,
    resultFileName(startedAt, machine.commit, `${scope}${options.quick ? "-quick" : ""}`),
  );
  log(
    `machine: ${machine.cpus} CPUs (${machine.cpuModel}), commit ${machine.commit}${machine.dirty ? " (dirty)" : ""}`,
  );
  const results: BenchResults = {
    benchmark: "krm vs kube-apiserver vs client-node informer, live writes and auth on both sides (issue 13)",
    command: `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim(),
    startedAt: startedAt.toISOString(),
    machine,
    options: { ...options, cells: [...options.cells] },
    repetitions: [],
    equalityFailed: false,
    finishedAt: "",
  };
  const save = async (): Promise<void> => {
    results.finishedAt = new Date().toISOString();
    results.equalityFailed = results.repetitions.some((r) =>
      r.sizes.some((s) => (s.equality?.mismatches.length ?? 0) > 0),
    );
    await writeFile(resultPath, `${JSON.stringify(results, null, 2)}\n`);
  };
  for (let index = 1; index <= options.repeat; index += 1) {
    const repetition: RepetitionResult = {
      index,
      startedAt: new Date().toISOString(),
      finishedAt: "",
      kubeVersion: "unknown",
      loadAverageAtStart: loadAverages(),
      busiestAtStart: await busiestProcesses(),
      kubeApiServerPid: undefined,
      sizes: [],
    };
    results.repetitions.push(repetition);
    try {
      await runRepetition(options, repetition, resultsDir, save);
    } finally {
      await save();
    }
  }
  const failed =
    results.equalityFailed || results.repetitions.some((r) => r.sizes.some((s) => s.error !== undefined));
  return { path: resultPath, failed };
}

if (process.argv.includes("--help")) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
try {
  const options = parseBenchOptions(process.argv.slice(2), process.env);
  const { path, failed } = await main(options);
  log(`results: ${path}`);
  if (failed) log("FAILED: a krm answer differed from the API server's, or a size failed (see the JSON)");
  process.exit(failed ? 1 : 0);
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
