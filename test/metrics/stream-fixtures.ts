/**
 * Writes `events`, `verifications`, `watch` and `state-meta` entries exactly as the streamer
 * and aggregator do (core/records.ts), for tests that feed the exporter from a real Redis
 * without running the whole pipeline.
 */
import type { Redis } from "ioredis";
import type { KindSpec } from "../../core/kinds.js";
import { kindKeys } from "../../core/redis-keys.js";

export interface FakeObject {
  readonly name: string;
  readonly namespace?: string;
  readonly creationMs: number;
  readonly deletionMs?: number;
  readonly rv: number;
}

/** Kubernetes writes whole seconds. */
export function kubeTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export function objectJson(kind: KindSpec, object: FakeObject): string {
  return JSON.stringify({
    apiVersion: kind.group === "" ? kind.version : `${kind.group}/${kind.version}`,
    kind: kind.kind,
    metadata: {
      name: object.name,
      ...(object.namespace !== undefined ? { namespace: object.namespace } : {}),
      uid: `uid-${object.name}`,
      resourceVersion: String(object.rv),
      creationTimestamp: kubeTime(object.creationMs),
      ...(object.deletionMs !== undefined ? { deletionTimestamp: kubeTime(object.deletionMs) } : {}),
    },
  });
}

/** XADDs one watch event; `id` defaults to `*` (Redis picks). Returns the entry id. */
export async function addEvent(
  redis: Redis,
  kind: KindSpec,
  type: "ADDED" | "MODIFIED" | "DELETED",
  object: FakeObject,
  observedMs: number,
  id = "*",
): Promise<string> {
  const entryId = await redis.xadd(
    kindKeys(kind).events,
    id,
    "type",
    type,
    "rv",
    String(object.rv),
    "observed",
    String(observedMs),
    "object",
    objectJson(kind, object),
  );
  if (entryId === null) throw new Error("XADD returned no id");
  return entryId;
}

export async function addVerification(
  redis: Redis,
  kind: KindSpec,
  drift: {
    missing: number;
    extra: number;
    stale: number;
    count: number;
    durationMs: number;
    generation: number;
  },
): Promise<void> {
  await redis.xadd(
    kindKeys(kind).verifications,
    "*",
    ...["rv", "100", "generation", String(drift.generation), "finishedAt", String(Date.now())],
    ...["durationMs", String(drift.durationMs), "count", String(drift.count)],
    ...["missing", String(drift.missing), "extra", String(drift.extra), "stale", String(drift.stale)],
  );
}

export async function setHealth(
  redis: Redis,
  kind: KindSpec,
  objectCount: number,
  reconnects = 0,
): Promise<void> {
  const now = Date.now();
  const keys = kindKeys(kind);
  await redis.hset(keys.watch, {
    connected: "1",
    reconnects: String(reconnects),
    gones: "0",
    lastEventAt: String(now - 200),
    lastBookmarkAt: String(now - 1500),
  });
  await redis.hset(keys.stateMeta, {
    resourceVersion: "100",
    eventsCursor: "0-0",
    verifiedAt: String(now - 3000),
    lastEventObservedAt: String(now - 200),
    epoch: "1",
    objectCount: String(objectCount),
  });
}
