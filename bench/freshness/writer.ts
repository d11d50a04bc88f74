import { podObject } from "../fixtures.js";
import { sendJson, type HttpTarget } from "../http-target.js";
import { round, summarize, type LatencySummary } from "../stats.js";
import type { AckedWrite, WriteOp } from "./visibility-tracker.js";

/**
 * Live pods the writer keeps around to update and delete; creates and deletes balance around it.
 * Small, so the poller's namespace list (and its JSON parsing in this process) stays small.
 */
export const WORKING_SET = 20;
/** Writes in flight at most; beyond it scheduled writes are skipped and counted, so the writer stays open-loop. */
export const MAX_IN_FLIGHT = 256;
/** Scheduler tick: writes due since the last tick are sent together. */
const TICK_MS = 5;

export interface WriterOptions {
  readonly api: HttpTarget;
  readonly namespace: string;
  readonly writesPerSecond: number;
  readonly durationMs: number;
  readonly onAck: (write: AckedWrite) => void;
}

export interface WriterResult {
  readonly targetPerSecond: number;
  readonly achievedPerSecond: number;
  readonly acked: number;
  readonly failed: number;
  /** Writes the schedule wanted but the in-flight cap refused: the API server could not keep up. */
  readonly skipped: number;
  readonly byOp: Record<WriteOp, number>;
  /** Send to acknowledgement, as the writer saw it. */
  readonly ackLatencyMs: LatencySummary;
}

interface ResponseObject {
  readonly metadata?: { readonly resourceVersion?: string };
}

/**
 * Writes pods at a fixed rate (open loop): a mix of creates, merge-patch updates and deletes
 * of unbound pods (deleted at once, no kubelet involved), each object written by at most one
 * request at a time so resourceVersions per object only grow. Every acknowledged write is
 * reported with the resourceVersion the API server returned.
 */
export async function runWriter(options: WriterOptions): Promise<WriterResult> {
  const { api, namespace } = options;
  const live: string[] = [];
  const busy = new Set<string>();
  const ackLatencies: number[] = [];
  const byOp: Record<WriteOp, number> = { create: 0, update: 0, delete: 0 };
  let created = 0;
  let issued = 0;
  let inFlight = 0;
  let failed = 0;
  let skipped = 0;
  let acked = 0;
  const inFlightDone: Promise<void>[] = [];

  const write = async (op: WriteOp, name: string): Promise<void> => {
    const base = `/api/v1/namespaces/${namespace}/pods`;
    const sent = performance.now();
    const response =
      op === "create"
        ? await sendJson(api, "POST", base, podObject({ namespace, name, index: created }))
        : op === "update"
          ? await sendJson(
              api,
              "PATCH",
              `${base}/${name}`,
              { metadata: { labels: { "bench.krm.io/write": String(issued) } } },
              "application/merge-patch+json",
            )
          : await sendJson(api, "DELETE", `${base}/${name}?gracePeriodSeconds=0`, {});
    const ackAt = performance.now();
    const rv = (response.body as ResponseObject | undefined)?.metadata?.resourceVersion;
    if (response.status >= 300 || rv === undefined) {
      failed += 1;
      return;
    }
    acked += 1;
    byOp[op] += 1;
    ackLatencies.push(ackAt - sent);
    options.onAck({ key: `${namespace}/${name}`, op, rv: BigInt(rv), ackAt });
    if (op === "create") live.push(name);
  };

  const pick = (): { op: WriteOp; name: string } | undefined => {
    const free = live.filter((name) => !busy.has(name));
    const roll = Math.random();
    if (live.length < WORKING_SET || free.length === 0 || roll < 0.25) {
      created += 1;
      return { op: "create", name: `fresh-${String(created).padStart(6, "0")}` };
    }
    const name = free[Math.floor(Math.random() * free.length)];
    if (name === undefined) return undefined;
    if (roll < 0.5) {
      live.splice(live.indexOf(name), 1);
      return { op: "delete", name };
    }
    return { op: "update", name };
  };

  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      if (elapsed >= options.durationMs) {
        clearInterval(timer);
        resolve();
        return;
      }
      const due = Math.floor((elapsed / 1000) * options.writesPerSecond) - issued;
      for (let i = 0; i < due; i += 1) {
        issued += 1;
        if (inFlight >= MAX_IN_FLIGHT) {
          skipped += 1;
          continue;
        }
        const next = pick();
        if (next === undefined) continue;
        busy.add(next.name);
        inFlight += 1;
        inFlightDone.push(
          write(next.op, next.name)
            .catch(() => {
              failed += 1;
            })
            .finally(() => {
              busy.delete(next.name);
              inFlight -= 1;
            }),
        );
      }
    }, TICK_MS);
  });
  await Promise.all(inFlightDone);
  const elapsed = performance.now() - started;
  return {
    targetPerSecond: options.writesPerSecond,
    achievedPerSecond: round((acked / elapsed) * 1000, 1) ?? 0,
    acked,
    failed,
    skipped,
    byOp,
    ackLatencyMs: summarize(ackLatencies),
  };
}
