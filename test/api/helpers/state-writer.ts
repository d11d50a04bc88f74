/**
 * Writes a kind's served state into Redis through the aggregator's own store
 * (`RedisStateStore`: the same commit and reset scripts, records per core/records.ts, keys
 * per core/redis-keys.ts): `state`, `state-meta` and the `changes` feed. API tests use it to
 * control the state precisely without running the pipeline.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { RedisStateStore } from "../../../aggregator/redis-state-store.js";
import type { ResolvedOp, StatePosition } from "../../../aggregator/state-store.js";
import type { KindSpec } from "../../../core/kinds.js";
import { keyOf, type KubeObject } from "../../../core/object-key.js";
import type { WatchEventType } from "../../../core/records.js";
import { kindKeys, type KindKeys } from "../../../core/redis-keys.js";
import { parseResourceVersion } from "../../../core/resource-version.js";
import { STREAM_START } from "../../../core/stream-id.js";

export class StateWriter {
  readonly keys: KindKeys;
  readonly redis: Redis;
  private readonly store: RedisStateStore;
  private position: StatePosition = { epoch: randomUUID(), eventsCursor: STREAM_START };
  private rv = 0n;

  constructor(redisUrl: string, kind: KindSpec, prefix?: string) {
    this.keys = kindKeys(kind, prefix);
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    this.store = new RedisStateStore({ redis: this.redis, keys: this.keys, kind });
  }

  get epoch(): string {
    return this.position.epoch;
  }

  /** Replaces the whole state (new epoch) and publishes RESET, like an aggregator rebuild. */
  async reset(
    objects: readonly KubeObject[],
    options: { verified?: boolean; resourceVersion?: string } = {},
  ): Promise<void> {
    this.rv = parseResourceVersion(options.resourceVersion ?? highestRv(objects));
    const now = String(Date.now());
    this.position = {
      epoch: randomUUID(),
      eventsCursor: STREAM_START,
      lastEventObservedAt: now,
      ...(options.verified === false ? {} : { verifiedResourceVersion: String(this.rv), verifiedAt: now }),
    };
    await this.store.reset({
      ops: objects.map((object) => put("ADDED", object)),
      position: this.position,
      resourceVersion: String(this.rv),
    });
  }

  /** Marks the state verified now (a merged snapshot). */
  async verify(): Promise<void> {
    await this.commit([], { verifiedResourceVersion: String(this.rv), verifiedAt: String(Date.now()) });
  }

  /** Applies one change: the object gets the next resourceVersion. Returns it. */
  async change(type: WatchEventType, object: KubeObject): Promise<KubeObject> {
    this.rv += 1n;
    const stored: KubeObject = {
      ...object,
      metadata: { ...object.metadata, resourceVersion: String(this.rv) },
    };
    const op: ResolvedOp =
      type === "DELETED"
        ? { op: "remove", key: keyOf(stored), uid: uidOf(stored), rv: this.rv, json: JSON.stringify(stored) }
        : put(type, stored);
    await this.commit([op], { lastEventObservedAt: String(Date.now()) });
    return stored;
  }

  close(): void {
    this.redis.disconnect();
  }

  private async commit(ops: readonly ResolvedOp[], update: Partial<StatePosition>): Promise<void> {
    const position = { ...this.position, ...update };
    const result = await this.store.commit({
      expected: this.position,
      ops,
      position,
      resourceVersion: String(this.rv),
    });
    if (result !== "ok")
      throw new Error(`state writer commit: ${result} (was the state written by someone else?)`);
    this.position = position;
  }
}

function put(change: "ADDED" | "MODIFIED", object: KubeObject): ResolvedOp {
  return {
    op: "put",
    key: keyOf(object),
    uid: uidOf(object),
    rv: parseResourceVersion(object.metadata.resourceVersion),
    json: JSON.stringify(object),
    change,
  };
}

function uidOf(object: KubeObject): string {
  return object.metadata.uid ?? `uid-${keyOf(object)}`;
}

function highestRv(objects: readonly KubeObject[]): string {
  let highest = 1n;
  for (const o of objects) {
    const rv = BigInt(o.metadata.resourceVersion ?? "0");
    if (rv > highest) highest = rv;
  }
  return highest.toString();
}

export function pod(
  namespace: string,
  name: string,
  rv: number,
  extra: { labels?: Record<string, string>; nodeName?: string; phase?: string } = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      namespace,
      name,
      uid: `uid-${namespace}-${name}`,
      resourceVersion: String(rv),
      creationTimestamp: "2026-01-01T00:00:00Z",
      ...(extra.labels !== undefined ? { labels: extra.labels } : {}),
    },
    spec: {
      containers: [{ name: "c", image: "busybox" }],
      ...(extra.nodeName !== undefined ? { nodeName: extra.nodeName } : {}),
    },
    status: { phase: extra.phase ?? "Running" },
  };
}
