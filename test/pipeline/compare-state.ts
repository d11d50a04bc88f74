/** Compares krm's aggregated `state` hash with a fresh LIST from the API server, object for object. */
import type { KubeConfig } from "@kubernetes/client-node";
import type { Redis } from "ioredis";
import type { KindSpec } from "../../core/kinds.js";
import { collectionPath } from "../../core/kinds.js";
import { kubeGetJson } from "../../core/kube-http.js";
import { keyOf, type KubeObject } from "../../core/object-key.js";
import { kindKeys } from "../../core/redis-keys.js";

export interface StateDiff {
  readonly kind: string;
  readonly listed: number;
  readonly cached: number;
  /** In the LIST, not in krm. */
  readonly missing: string[];
  /** In krm, not in the LIST (ghosts). */
  readonly extra: string[];
  /** Same key, different uid or resourceVersion. */
  readonly stale: string[];
}

/** `key -> uid@rv` of every object the API server lists now. */
export async function listIdentity(kubeConfig: KubeConfig, kind: KindSpec): Promise<Map<string, string>> {
  const body = (await kubeGetJson(kubeConfig, { path: collectionPath(kind) })) as { items: KubeObject[] };
  return new Map(
    body.items.map((o) => [keyOf(o), `${o.metadata.uid ?? ""}@${o.metadata.resourceVersion ?? ""}`]),
  );
}

/** `key -> uid@rv` of every object in krm's state hash. */
export async function stateIdentity(redis: Redis, kind: KindSpec): Promise<Map<string, string>> {
  const state = await redis.hgetall(kindKeys(kind).state);
  return new Map(
    Object.entries(state).map(([key, json]) => {
      const o = JSON.parse(json) as KubeObject;
      return [key, `${o.metadata.uid ?? ""}@${o.metadata.resourceVersion ?? ""}`];
    }),
  );
}

export async function diffState(kubeConfig: KubeConfig, redis: Redis, kind: KindSpec): Promise<StateDiff> {
  const [listed, cached] = await Promise.all([listIdentity(kubeConfig, kind), stateIdentity(redis, kind)]);
  const missing = [...listed.keys()].filter((k) => !cached.has(k));
  const extra = [...cached.keys()].filter((k) => !listed.has(k));
  const stale = [...listed.entries()]
    .filter(([k, id]) => cached.has(k) && cached.get(k) !== id)
    .map(([k]) => k);
  return { kind: kind.id, listed: listed.size, cached: cached.size, missing, extra, stale };
}

export function isConverged(diff: StateDiff): boolean {
  return diff.missing.length === 0 && diff.extra.length === 0 && diff.stale.length === 0;
}
