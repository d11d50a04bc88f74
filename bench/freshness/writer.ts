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
  /** Where created pods go: one namespace, or the namespace of the `n`-th created pod (live reads spread them). */
  readonly namespace?: string;
  readonly namespaceFor?: (created: number) => string;
  /** Existing pods (`namespace/name`) the writer may update but never deletes (the population). */
  readonly seed?: readonly string[];
  readonly writesPerSecond: number;
  readonly onAck?: (write: AckedWrite) => void;
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

/** A writer that runs until stopped. */
export interface RunningWriter {
  stop(): Promise<WriterResult>;
}

/** Writes for `durationMs`, then stops. */
export async function runWriter(
  options: WriterOptions & { readonly durationMs: number },
): Promise<WriterResult> {
  const writer = startWriter(options);
  await new Promise((resolve) => setTimeout(resolve, options.durationMs));
  return writer.stop();
}

/**
 * Writes pods at a fixed rate (open loop): a mix of creates, merge-patch updates and deletes
 * of unbound pods (deleted at once, no kubelet involved), each object written by at most one
 * request at a time so resourceVersions per object only grow. Seeded pods are updated but
 * never deleted; only the writer's own pods are. Every acknowledged write is reported with the
 * resourceVersion the API server returned.
 */
export function startWriter(options: WriterOptions): RunningWriter {
  const { api } = options;
  const namespaceFor = options.namespaceFor ?? ((): string => options.namespace ?? "default");
  const seed = options.seed ?? [];
  const own: string[] = [];
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

  const write = async (op: WriteOp, key: string): Promise<void> => {
    const [namespace = "", name = ""] = key.split("/");
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
    options.onAck?.({ key, op, rv: BigInt(rv), ackAt });
    if (op === "create") own.push(key);
  };

  /** A random key not being written now; a few random draws, so a 100k seed costs nothing. */
  const pickFree = (keys: readonly string[]): string | undefined => {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const key = keys[Math.floor(Math.random() * keys.length)];
      if (key !== undefined && !busy.has(key)) return key;
    }
    return undefined;
  };

  const pick = (): { op: WriteOp; key: string } | undefined => {
    const roll = Math.random();
    const ownFree = own.some((key) => !busy.has(key));
    if (own.length < WORKING_SET || !ownFree || roll < 0.25) {
      created += 1;
      return {
        op: "create",
        key: `${namespaceFor(created)}/fresh-${String(created).padStart(6, "0")}`,
      };
    }
    if (roll < 0.5) {
      const key = pickFree(own);
      if (key === undefined) return undefined;
      own.splice(own.indexOf(key), 1);
      return { op: "delete", key };
    }
    const key = pickFree(seed.length > 0 && roll < 0.75 ? seed : own);
    return key === undefined ? undefined : { op: "update", key };
  };

  const started = performance.now();
  const timer = setInterval(() => {
    const elapsed = performance.now() - started;
    const due = Math.floor((elapsed / 1000) * options.writesPerSecond) - issued;
    for (let i = 0; i < due; i += 1) {
      issued += 1;
      if (inFlight >= MAX_IN_FLIGHT) {
        skipped += 1;
        continue;
      }
      const next = pick();
      if (next === undefined) continue;
      busy.add(next.key);
      inFlight += 1;
      inFlightDone.push(
        write(next.op, next.key)
          .catch(() => {
            failed += 1;
          })
          .finally(() => {
            busy.delete(next.key);
            inFlight -= 1;
          }),
      );
    }
  }, TICK_MS);
  return {
    stop: async () => {
      clearInterval(timer);
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
    },
  };
}
