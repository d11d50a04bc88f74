// `npm run bench:capacity-freshness`: what the capacity aggregates cost the freshness of plain
// reads. On the real test control plane populated as `npm run bench` populates it (default
// 10k pods), two `krm run` processes follow the same API server, each with its own Redis:
// one with the capacity views (default), one with `--no-capacity`. One writer writes pods
// at --rate writes/s; a krm watch on each krm (the freshness harness of bench/freshness)
// times every acknowledged write until its event arrives. Both watch the same writes at the
// same time, so machine load falls on both alike; --windows windows of --window-ms each give
// the spread, and the order the two watches are opened alternates per window.
// Writes bench/results/<start time>-<commit>-capacity-freshness.json and prints the figures.
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startControlPlane } from "../local/cluster/control-plane.js";
import { startRedis, type RedisServer } from "../local/redis-server.js";
import { namespaceObject } from "./fixtures.js";
import { startKrmWatch, type Observer } from "./freshness/observers.js";
import { VisibilityTracker, type VisibilityResult } from "./freshness/visibility-tracker.js";
import { runWriter, type WriterResult } from "./freshness/writer.js";
import { closeTarget, kubeTarget, send, sendJson, type HttpTarget } from "./http-target.js";
import { BENCH_KINDS, startKrm, waitForCount, type KrmProcesses } from "./krm-processes.js";
import { DRAIN_TIMEOUT_MS } from "./phases/freshness-phase.js";
import { populate, populationFor } from "./populate.js";
import { loadAverage, runFacts, saveResult } from "./recorded-run.js";
import { ratio } from "./stats.js";

const SIDES = ["capacity", "noCapacity"] as const;
type Side = (typeof SIDES)[number];

interface Window {
  readonly index: number;
  readonly firstWatchOpened: Side;
  readonly loadAverageBefore: number[];
  readonly loadAverageAfter: number[];
  readonly writer: WriterResult;
  readonly watch: Record<Side, VisibilityResult>;
  /** capacity ÷ no-capacity. */
  readonly p50Ratio: number | null;
  readonly p99Ratio: number | null;
}

const log = (line: string): void => {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
};

async function drained(trackers: readonly VisibilityTracker[]): Promise<void> {
  const started = performance.now();
  while (performance.now() - started < DRAIN_TIMEOUT_MS && trackers.some((t) => t.pendingCount > 0))
    await new Promise((resolve) => setTimeout(resolve, 50));
}

async function measureWindow(
  index: number,
  apiServer: HttpTarget,
  krm: Record<Side, HttpTarget>,
  runId: string,
  rate: number,
  windowMs: number,
): Promise<Window> {
  const namespace = `capfresh-${runId}-${index}`;
  const created = await sendJson(apiServer, "POST", "/api/v1/namespaces", namespaceObject(namespace));
  if (created.status !== 201 && created.status !== 409)
    throw new Error(`creating namespace ${namespace}: HTTP ${created.status}`);
  const trackers: Record<Side, VisibilityTracker> = {
    capacity: new VisibilityTracker(),
    noCapacity: new VisibilityTracker(),
  };
  const order: Side[] = index % 2 === 0 ? ["capacity", "noCapacity"] : ["noCapacity", "capacity"];
  const observers: Observer[] = [];
  try {
    for (const side of order) observers.push(await startKrmWatch(krm[side], namespace, trackers[side]));
    const loadAverageBefore = loadAverage();
    const writer = await runWriter({
      api: apiServer,
      namespace,
      writesPerSecond: rate,
      durationMs: windowMs,
      onAck: (write) => {
        for (const side of SIDES) trackers[side].acked(write);
      },
    });
    await drained(Object.values(trackers));
    const watch = { capacity: trackers.capacity.result(), noCapacity: trackers.noCapacity.result() };
    return {
      index,
      firstWatchOpened: order[0] as Side,
      loadAverageBefore,
      loadAverageAfter: loadAverage(),
      writer,
      watch,
      p50Ratio: ratio(watch.capacity.latencyMs.p50, watch.noCapacity.latencyMs.p50),
      p99Ratio: ratio(watch.capacity.latencyMs.p99, watch.noCapacity.latencyMs.p99),
    };
  } finally {
    for (const observer of observers) await observer.stop().catch(() => undefined);
    await send(apiServer, `/api/v1/namespaces/${namespace}/pods?gracePeriodSeconds=0`, {
      method: "DELETE",
    }).catch(() => undefined);
  }
}

function median(values: readonly number[]): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? null)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function spread(values: readonly (number | null)[]): { median: number | null; min: number; max: number } {
  const known = values.flatMap((v) => (v === null ? [] : [v]));
  return { median: median(known), min: Math.min(...known), max: Math.max(...known) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      pods: { type: "string" },
      rate: { type: "string" },
      "window-ms": { type: "string" },
      windows: { type: "string" },
    },
  });
  const pods = Number(values.pods ?? 10_000);
  const rate = Number(values.rate ?? 100);
  const windowMs = Number(values["window-ms"] ?? 20_000);
  const windowCount = Number(values.windows ?? 6);
  const facts = await runFacts(
    `npm run bench:capacity-freshness -- ${process.argv.slice(2).join(" ")}`.trim(),
  );
  const runId = facts.startedAt.slice(11, 19).replace(/:/g, "");
  const workDir = await mkdtemp(join(tmpdir(), "krm-capfresh-"));
  log(
    `commit ${facts.commitFull}${facts.dirty ? " (dirty)" : ""}, load ${facts.loadAverageAtStart.join(" ")}`,
  );
  const controlPlane = await startControlPlane({ logDir: join(workDir, "logs") });
  const apiServer = kubeTarget("kube-apiserver", controlPlane.kubeConfig());
  const redis: RedisServer[] = [];
  const krm: Partial<Record<Side, KrmProcesses>> = {};
  try {
    const population = await populate(apiServer, undefined, populationFor(pods));
    log(`populated ${pods} pods in ${population.durationMs} ms`);
    for (const side of SIDES) {
      const server = await startRedis();
      redis.push(server);
      const logDir = join(workDir, side);
      await mkdir(logDir, { recursive: true });
      krm[side] = await startKrm({
        mode: "run",
        kubeconfigPath: controlPlane.kubeconfigPath,
        redisUrl: server.url,
        verifyInterval: "30s",
        logDir,
        logLevel: "warn",
        serveArgs: side === "noCapacity" ? ["--no-capacity"] : [],
      });
    }
    const targets = { capacity: krm.capacity?.api, noCapacity: krm.noCapacity?.api } as Record<
      Side,
      HttpTarget
    >;
    for (const side of SIDES) await waitForCount(targets[side], "/api/v1/pods", pods);
    log(`both krm serve all ${pods} pods; ${windowCount} windows of ${windowMs} ms at ${rate} writes/s`);
    const windows: Window[] = [];
    for (let index = 0; index < windowCount; index++) {
      const window = await measureWindow(index, apiServer, targets, runId, rate, windowMs);
      windows.push(window);
      const w = window.watch;
      log(
        `  window ${index + 1}: ${window.writer.achievedPerSecond} writes/s; watch p50/p99 ms ` +
          `capacity ${w.capacity.latencyMs.p50}/${w.capacity.latencyMs.p99} (n ${w.capacity.visible}, unseen ${w.capacity.unseen}), ` +
          `no-capacity ${w.noCapacity.latencyMs.p50}/${w.noCapacity.latencyMs.p99} (n ${w.noCapacity.visible}, unseen ${w.noCapacity.unseen}); ` +
          `load ${window.loadAverageAfter.join(" ")}`,
      );
    }
    const summary = {
      p50Ratio: spread(windows.map((w) => w.p50Ratio)),
      p99Ratio: spread(windows.map((w) => w.p99Ratio)),
      capacityP50Ms: spread(windows.map((w) => w.watch.capacity.latencyMs.p50)),
      noCapacityP50Ms: spread(windows.map((w) => w.watch.noCapacity.latencyMs.p50)),
      capacityP99Ms: spread(windows.map((w) => w.watch.capacity.latencyMs.p99)),
      noCapacityP99Ms: spread(windows.map((w) => w.watch.noCapacity.latencyMs.p99)),
      samplesPerSide: {
        capacity: windows.reduce((n, w) => n + w.watch.capacity.visible, 0),
        noCapacity: windows.reduce((n, w) => n + w.watch.noCapacity.visible, 0),
      },
    };
    const path = await saveResult(facts, "capacity-freshness", {
      benchmark: "watch freshness with the capacity aggregates on vs --no-capacity (issue 10, item 12)",
      facts,
      loadAverageAtEnd: loadAverage(),
      setup: { pods, rate, windowMs, windows: windowCount, kinds: BENCH_KINDS, krmMode: "run", population },
      summary,
      windows,
    });
    log(
      `p50 ratio (capacity ÷ no-capacity) median ${summary.p50Ratio.median}, ${summary.p50Ratio.min}–${summary.p50Ratio.max}`,
    );
    log(`p99 ratio median ${summary.p99Ratio.median}, ${summary.p99Ratio.min}–${summary.p99Ratio.max}`);
    log(`raw JSON: ${path}`);
  } finally {
    for (const side of SIDES) {
      const running = krm[side];
      if (running !== undefined) {
        closeTarget(running.api);
        await running.stop();
      }
    }
    for (const server of redis) await server.stop();
    closeTarget(apiServer);
    await controlPlane.stop();
  }
}

try {
  await main();
  process.exit(0);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
