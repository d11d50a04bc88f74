/**
 * The NodePool and Consumer objects served from the aggregates: built per request from the
 * running sums (a few resources per object), never by walking pods.
 *
 * Amounts are exact quantity strings (capacity/model/quantity.ts); percentages are numbers
 * with two decimals, or null when the whole is zero but the part is not.
 */
import {
  addInto,
  formatResourceList,
  scale,
  subtractInto,
  type MutableResourceList,
  type ResourceList,
} from "../model/index.js";
import type { ConsumerAggregate } from "../aggregates/consumer-aggregate.js";
import { overcommitOf, type CapacityConfig } from "../aggregates/config.js";
import type { PoolAggregate } from "../aggregates/pool-aggregate.js";
import { judge, percentOf } from "../aggregates/status.js";
import { CAPACITY_API_VERSION, STATUS_LABEL } from "./resources.js";

export interface ServedObject {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly version: bigint;
  readonly json: Record<string, unknown>;
}

function percents(part: ResourceList, whole: ResourceList): Map<string, number> {
  const out = new Map<string, number>();
  for (const name of new Set([...whole.keys(), ...part.keys()]))
    out.set(name, percentOf(part.get(name) ?? 0n, whole.get(name) ?? 0n));
  return out;
}

function percentJson(values: ReadonlyMap<string, number>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const name of [...values.keys()].sort()) {
    const value = values.get(name) ?? 0;
    out[name] = Number.isFinite(value) ? value : null;
  }
  return out;
}

/** Figures of one pool, as fit reviews and leases read them too. */
export interface PoolFigures {
  readonly reservable: MutableResourceList;
  /** reservable − requested − leased (negative when over-committed). */
  readonly free: MutableResourceList;
  readonly used: Map<string, number>;
}

export function poolFigures(pool: PoolAggregate, config: CapacityConfig): PoolFigures {
  const reservable = scale(pool.open.allocatable, overcommitOf(config, pool.name));
  const taken: MutableResourceList = new Map(pool.open.requested);
  addInto(taken, pool.leased);
  const free: MutableResourceList = new Map(reservable);
  for (const name of taken.keys()) if (!free.has(name)) free.set(name, 0n);
  subtractInto(free, taken);
  for (const name of reservable.keys()) if (!free.has(name)) free.set(name, 0n);
  return { reservable, free, used: percents(taken, reservable) };
}

export function nodePoolObject(pool: PoolAggregate, config: CapacityConfig): ServedObject {
  const figures = poolFigures(pool, config);
  const verdict = judge(figures.used, config, "reservable");
  const labels = { [STATUS_LABEL]: verdict.status };
  return {
    name: pool.name,
    labels,
    version: pool.version,
    json: {
      apiVersion: CAPACITY_API_VERSION,
      kind: "NodePool",
      metadata: { name: pool.name, resourceVersion: pool.version.toString(), labels },
      spec: { overcommit: overcommitOf(config, pool.name) },
      status: {
        nodes: {
          schedulable: pool.open.nodes.size,
          unschedulable: pool.closed.nodes.size,
          notReady: pool.notReady.size,
        },
        allocatable: formatResourceList(pool.open.allocatable),
        reservable: formatResourceList(figures.reservable),
        requested: formatResourceList(pool.open.requested),
        limits: formatResourceList(pool.open.limits),
        leased: formatResourceList(pool.leased),
        free: formatResourceList(figures.free),
        percentUsed: percentJson(figures.used),
        unschedulableNodes: {
          allocatable: formatResourceList(pool.closed.allocatable),
          requested: formatResourceList(pool.closed.requested),
        },
        pending: { pods: pool.pendingPods, requests: formatResourceList(pool.pending) },
        status: verdict.status,
        reason: verdict.reason,
      },
    },
  };
}

export function consumerObject(
  consumer: ConsumerAggregate,
  config: CapacityConfig,
  cluster: ResourceList,
): ServedObject {
  const hard: MutableResourceList = new Map();
  const used: MutableResourceList = new Map();
  for (const quota of consumer.quotas.values()) {
    addInto(hard, quota.hard);
    addInto(used, quota.used);
  }
  const quotaUse = percents(used, hard);
  for (const name of quotaUse.keys()) if (!hard.has(name)) quotaUse.delete(name);
  const verdict = judge(quotaUse, config, "quota");
  const labels = { ...consumer.labels, [STATUS_LABEL]: verdict.status };
  const share = percents(consumer.requests, cluster);
  for (const name of share.keys()) if (!cluster.has(name)) share.delete(name);
  return {
    name: consumer.name,
    labels,
    version: consumer.version,
    json: {
      apiVersion: CAPACITY_API_VERSION,
      kind: "Consumer",
      metadata: { name: consumer.name, resourceVersion: consumer.version.toString(), labels },
      status: {
        pods: { running: consumer.runningPods, pending: consumer.pendingPods },
        requests: formatResourceList(consumer.requests),
        limits: formatResourceList(consumer.limits),
        pending: formatResourceList(consumer.pending),
        storage: formatStorage(consumer.storage),
        quota: {
          hard: formatResourceList(hard),
          used: formatResourceList(used),
          percentUsed: percentJson(quotaUse),
        },
        shareOfCluster: percentJson(share),
        status: verdict.status,
        reason: verdict.reason,
      },
    },
  };
}

/** Storage per class: the amounts are bytes whatever the class is called. */
function formatStorage(storage: ResourceList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [storageClass, amount] of [...storage].sort(([a], [b]) => a.localeCompare(b)))
    out[storageClass] = formatResourceList(new Map([["storage", amount]]))["storage"] ?? "0";
  return out;
}
