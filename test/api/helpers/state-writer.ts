/**
 * Writes a kind's served state into Redis exactly as the aggregator does (records per
 * core/records.ts, keys per core/redis-keys.ts): `state`, `state-meta` and the `changes`
 * feed. API tests use it to control the state precisely without running the pipeline.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { KindSpec } from "../../../core/kinds.js";
import { keyOf, type KubeObject } from "../../../core/object-key.js";
import { kindKeys, type KindKeys } from "../../../core/redis-keys.js";

export class StateWriter {
  readonly keys: KindKeys;
  readonly redis: Redis;
  epoch = randomUUID();
  private rv = 0n;

  constructor(redisUrl: string, kind: KindSpec, prefix?: string) {
    this.keys = kindKeys(kind, prefix);
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  }

  /** Replaces the whole state (new epoch) and publishes RESET, like an aggregator rebuild. */
  async reset(
    objects: readonly KubeObject[],
    options: { verified?: boolean; resourceVersion?: string } = {},
  ): Promise<void> {
    this.epoch = randomUUID();
    this.rv = BigInt(options.resourceVersion ?? highestRv(objects));
    const now = String(Date.now());
    const multi = this.redis.multi().del(this.keys.state, this.keys.stateMeta);
    if (objects.length > 0)
      multi.hset(this.keys.state, Object.fromEntries(objects.map((o) => [keyOf(o), JSON.stringify(o)])));
    multi.hset(this.keys.stateMeta, {
      epoch: this.epoch,
      eventsCursor: "0-0",
      resourceVersion: this.rv.toString(),
      objectCount: String(objects.length),
      lastEventObservedAt: now,
      ...(options.verified === false ? {} : { verifiedResourceVersion: this.rv.toString(), verifiedAt: now }),
    });
    multi.xadd(this.keys.changes, "*", "type", "RESET", "epoch", this.epoch);
    await multi.exec();
  }

  /** Marks the state verified now (a merged snapshot). */
  async verify(): Promise<void> {
    await this.redis.hset(this.keys.stateMeta, {
      verifiedResourceVersion: this.rv.toString(),
      verifiedAt: String(Date.now()),
    });
  }

  /** Applies one change: the object gets the next resourceVersion. Returns it. */
  async change(type: "ADDED" | "MODIFIED" | "DELETED", object: KubeObject): Promise<KubeObject> {
    this.rv += 1n;
    const stored: KubeObject = {
      ...object,
      metadata: { ...object.metadata, resourceVersion: this.rv.toString() },
    };
    const json = JSON.stringify(stored);
    const key = keyOf(stored);
    const multi = this.redis.multi();
    if (type === "DELETED") multi.hdel(this.keys.state, key);
    else multi.hset(this.keys.state, key, json);
    multi.hset(this.keys.stateMeta, {
      resourceVersion: this.rv.toString(),
      lastEventObservedAt: String(Date.now()),
    });
    multi.xadd(
      this.keys.changes,
      "*",
      "type",
      type,
      "key",
      key,
      "rv",
      this.rv.toString(),
      "object",
      json,
      "epoch",
      this.epoch,
    );
    await multi.exec();
    return stored;
  }

  close(): void {
    this.redis.disconnect();
  }
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
