import type { KubeConfig } from "@kubernetes/client-node";
import { namespaceObject } from "../fixtures.js";
import { send, sendJson, type HttpTarget } from "../http-target.js";
import { startInformer, startKrmPoll, startKrmWatch, type Observer } from "../freshness/observers.js";
import { VisibilityTracker, type VisibilityResult } from "../freshness/visibility-tracker.js";
import { runWriter, type WriterResult } from "../freshness/writer.js";
import { measureWindow, type WindowMeasurement } from "./measure-window.js";

/** After the writer stops, how long observers get to see the last writes. */
export const DRAIN_TIMEOUT_MS = 15_000;

export interface FreshnessOptions {
  readonly krm: HttpTarget;
  readonly apiServer: HttpTarget;
  readonly kubeConfig: KubeConfig;
  readonly rates: readonly number[];
  readonly durationMs: number;
  readonly proxy: HttpTarget;
  readonly pids: Readonly<Record<string, number>>;
  readonly runId: string;
  readonly log: (line: string) => void;
}

export interface FreshnessRun {
  readonly rate: number;
  readonly namespace: string;
  readonly durationMs: number;
  readonly writer: WriterResult;
  readonly krmWatch: VisibilityResult;
  readonly krmPoll: VisibilityResult;
  /** client-node informer reconnecting at once after a watch closes (as client-go does). */
  readonly informer: VisibilityResult;
  /** client-node `makeInformer` defaults: 1 s … 30 s before each reconnect. */
  readonly informerDefault: VisibilityResult;
  readonly drainMs: number;
}

async function drain(trackers: readonly VisibilityTracker[]): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < DRAIN_TIMEOUT_MS && trackers.some((t) => t.pendingCount > 0)) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Math.round(performance.now() - started);
}

/**
 * One writer, observers started before it: a watch on krm, a poll of krm, and in-process
 * client-node informers on the API server (reconnecting at once, and with client-node's
 * default reconnect delays). The drain waits for krm and the immediate informer only. Each rate writes into a fresh namespace
 * whose leftover pods are deleted afterwards, so the population stays as populated.
 */
export async function runFreshnessPhase(
  options: FreshnessOptions,
): Promise<WindowMeasurement<FreshnessRun>[]> {
  const runs: WindowMeasurement<FreshnessRun>[] = [];
  for (const rate of options.rates) {
    const namespace = `fresh-${options.runId}-${rate}`;
    const created = await sendJson(
      options.apiServer,
      "POST",
      "/api/v1/namespaces",
      namespaceObject(namespace),
    );
    if (created.status !== 201 && created.status !== 409) {
      throw new Error(`creating namespace ${namespace}: HTTP ${created.status}`);
    }
    const watch = new VisibilityTracker();
    const poll = new VisibilityTracker();
    const informer = new VisibilityTracker();
    const informerDefault = new VisibilityTracker();
    const observers: Observer[] = [];
    try {
      observers.push(await startKrmWatch(options.krm, namespace, watch));
      observers.push(startKrmPoll(options.krm, namespace, poll));
      observers.push(await startInformer(options.kubeConfig, namespace, informer, "immediate"));
      observers.push(
        await startInformer(options.kubeConfig, namespace, informerDefault, "client-node-default"),
      );
      const measured = await measureWindow(options.proxy, options.pids, async () => {
        const started = performance.now();
        const writer = await runWriter({
          api: options.apiServer,
          namespace,
          writesPerSecond: rate,
          durationMs: options.durationMs,
          onAck: (write) => {
            watch.acked(write);
            poll.acked(write);
            informer.acked(write);
            informerDefault.acked(write);
          },
        });
        const durationMs = Math.round(performance.now() - started);
        const drainMs = await drain([watch, poll, informer]);
        return {
          rate,
          namespace,
          durationMs,
          writer,
          krmWatch: watch.result(),
          krmPoll: poll.result(),
          informer: informer.result(),
          informerDefault: informerDefault.result(),
          drainMs,
        };
      });
      runs.push(measured);
      const r = measured.result;
      options.log(
        `  fresh ${rate}/s (achieved ${r.writer.achievedPerSecond}/s, ${r.writer.skipped} skipped): ` +
          `krm watch p50 ${r.krmWatch.latencyMs.p50} p99 ${r.krmWatch.latencyMs.p99} max ${r.krmWatch.latencyMs.max} (unseen ${r.krmWatch.unseen}); ` +
          `krm poll p50 ${r.krmPoll.latencyMs.p50} p99 ${r.krmPoll.latencyMs.p99}; ` +
          `informer p50 ${r.informer.latencyMs.p50} p99 ${r.informer.latencyMs.p99} max ${r.informer.latencyMs.max}; ` +
          `informer (client-node default reconnect) p50 ${r.informerDefault.latencyMs.p50} p99 ${r.informerDefault.latencyMs.p99}`,
      );
    } finally {
      for (const observer of observers) await observer.stop().catch(() => undefined);
      await send(options.apiServer, `/api/v1/namespaces/${namespace}/pods?gracePeriodSeconds=0`, {
        method: "DELETE",
      }).catch(() => undefined);
    }
  }
  return runs;
}
