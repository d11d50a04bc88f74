/**
 * The capacity aggregates, kept current per change: each node, pod, namespace, quota and
 * PVC event adds and subtracts its own contribution, so reading a pool or consumer never
 * walks the pods (a pod event costs O(resources), a node event O(resources)).
 *
 * Contract: `upsert*` takes the object's full new state (the previous state is remembered
 * by key); `remove*` forgets it. Events may arrive in any order across kinds: a pod bound to
 * a node not seen yet is counted on that node as soon as it appears. `reset*` drops every
 * object of one kind (before a reload of that kind). Listeners hear which pools and
 * consumers changed; they must not call back into the state synchronously.
 */
import {
  WELL_KNOWN_POOL_LABELS,
  addInto,
  isOpen,
  nodeCapacity,
  parseResourceList,
  podFootprint,
  poolOf,
  pvcStorage,
  subtractInto,
  type MutableResourceList,
  type NodeCapacity,
  type NodeLike,
  type PodFootprint,
  type PodLike,
  type PvcLike,
  type ResourceList,
} from "../model/index.js";
import type { IndexedNode, IndexedPool } from "../fit/indexed-fit.js";
import { nodeRoom, type NodeRoom } from "../fit/node-room.js";
import { UNALLOCATED_CONSUMER, type CapacityConfig } from "./config.js";
import { isEmptyConsumer, newConsumer, type ConsumerAggregate } from "./consumer-aggregate.js";
import { isEmptyPool, newPool, type NodeBucket, type PoolAggregate } from "./pool-aggregate.js";

export type AggregateRef = { readonly resource: "nodepools" | "consumers"; readonly name: string };
export type ChangeListener = (changed: AggregateRef) => void;

interface NodeEntry {
  readonly capacity: NodeCapacity;
  readonly pool: string;
  /** Worked out when a fit review first needs it after the node or its pods changed. */
  room: NodeRoom | undefined;
}

interface NodeLoad {
  readonly requests: MutableResourceList;
  readonly limits: MutableResourceList;
  pods: number;
}

interface PodEntry {
  readonly footprint: PodFootprint;
  readonly consumer: string;
  /** Pool a pending pod's nodeSelector names, if any. */
  readonly pinnedPool: string | undefined;
}

export interface QuotaLike {
  readonly metadata?: { readonly namespace?: string };
  readonly status?: { readonly hard?: unknown; readonly used?: unknown };
}

export interface NamespaceLike {
  readonly metadata?: { readonly name?: string; readonly labels?: Readonly<Record<string, string>> };
}

export class CapacityState {
  private readonly nodes = new Map<string, NodeEntry>();
  private readonly loads = new Map<string, NodeLoad>();
  private readonly pods = new Map<string, PodEntry>();
  private readonly pvcs = new Map<string, { consumer: string; storageClass: string; storage: bigint }>();
  private readonly quotas = new Map<string, string>();
  private readonly poolMap = new Map<string, PoolAggregate>();
  private readonly consumerMap = new Map<string, ConsumerAggregate>();
  private readonly listeners = new Set<ChangeListener>();
  private counter = 0n;

  constructor(readonly config: CapacityConfig) {}

  get pools(): ReadonlyMap<string, PoolAggregate> {
    return this.poolMap;
  }

  get consumers(): ReadonlyMap<string, ConsumerAggregate> {
    return this.consumerMap;
  }

  /** Nodes with their pool and current load (requests of bound pods), for the reference `fit`. */
  *nodeLoads(): Generator<{ capacity: NodeCapacity; pool: string; requested: ResourceList }> {
    for (const [name, entry] of this.nodes)
      yield {
        capacity: entry.capacity,
        pool: entry.pool,
        requested: this.loads.get(name)?.requests ?? new Map(),
      };
  }

  /** Nodes grouped per pool with their room, for fit reviews (`indexedFit`). */
  fitPools(): IndexedPool[] {
    return [...this.poolMap.values()].map((pool) => ({
      name: pool.name,
      nodes: [...pool.open.nodes, ...pool.closed.nodes].map((key) => this.fitNode(key)),
    }));
  }

  private fitNode(key: string): IndexedNode {
    const entry = this.nodes.get(key) as NodeEntry;
    entry.room ??= nodeRoom(entry.capacity.allocatable, this.loads.get(key)?.requests ?? new Map());
    return { capacity: entry.capacity, room: entry.room };
  }

  /** Sum of the open (schedulable) allocatable of every pool: "the cluster" in consumers' share. */
  clusterAllocatable(): MutableResourceList {
    const total: MutableResourceList = new Map();
    for (const pool of this.poolMap.values()) addInto(total, pool.open.allocatable);
    return total;
  }

  /** The latest version handed to any aggregate: a resourceVersion for lists. */
  get version(): bigint {
    return this.counter;
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  upsertNode(key: string, node: NodeLike): void {
    this.removeNode(key);
    const capacity = nodeCapacity(node);
    const pool = poolOf(capacity.labels, this.config.poolLabel);
    const entry: NodeEntry = { capacity, pool, room: undefined };
    this.nodes.set(key, entry);
    const aggregate = this.pool(pool);
    const bucket = bucketOf(aggregate, capacity);
    bucket.nodes.add(key);
    addInto(bucket.allocatable, capacity.allocatable);
    if (!capacity.ready) aggregate.notReady.add(key);
    const load = this.loads.get(key);
    if (load !== undefined) {
      addInto(bucket.requested, load.requests);
      addInto(bucket.limits, load.limits);
    }
    this.touchPool(pool);
  }

  removeNode(key: string): void {
    const entry = this.nodes.get(key);
    if (entry === undefined) return;
    this.nodes.delete(key);
    const aggregate = this.pool(entry.pool);
    const bucket = bucketOf(aggregate, entry.capacity);
    bucket.nodes.delete(key);
    subtractInto(bucket.allocatable, entry.capacity.allocatable);
    aggregate.notReady.delete(key);
    const load = this.loads.get(key);
    if (load !== undefined) {
      subtractInto(bucket.requested, load.requests);
      subtractInto(bucket.limits, load.limits);
    }
    this.touchPool(entry.pool);
  }

  upsertPod(key: string, pod: PodLike): void {
    this.removePod(key);
    const footprint = podFootprint(pod);
    if (footprint.placement === "terminated") return;
    const consumer = this.consumerOf(footprint);
    const pinnedPool = footprint.placement === "pending" ? this.pinnedPool(pod) : undefined;
    this.pods.set(key, { footprint, consumer, pinnedPool });
    this.applyPod(footprint, consumer, pinnedPool, 1);
  }

  removePod(key: string): void {
    const entry = this.pods.get(key);
    if (entry === undefined) return;
    this.pods.delete(key);
    this.applyPod(entry.footprint, entry.consumer, entry.pinnedPool, -1);
  }

  upsertNamespace(namespace: NamespaceLike): void {
    if (this.config.consumerLabel !== undefined) return;
    const name = namespace.metadata?.name ?? "";
    const consumer = this.consumer(name);
    consumer.namespaceSeen = true;
    consumer.labels = namespace.metadata?.labels ?? {};
    this.touchConsumer(name);
  }

  removeNamespace(name: string): void {
    const consumer = this.consumerMap.get(name);
    if (consumer === undefined) return;
    consumer.namespaceSeen = false;
    consumer.labels = {};
    this.touchConsumer(name);
  }

  /** ResourceQuotas count in namespace mode only: a label consumer spans namespaces. */
  upsertQuota(key: string, quota: QuotaLike): void {
    this.removeQuota(key);
    if (this.config.consumerLabel !== undefined) return;
    const name = quota.metadata?.namespace ?? "";
    this.quotas.set(key, name);
    this.consumer(name).quotas.set(key, {
      hard: parseResourceList(quota.status?.hard),
      used: parseResourceList(quota.status?.used),
    });
    this.touchConsumer(name);
  }

  removeQuota(key: string): void {
    const name = this.quotas.get(key);
    if (name === undefined) return;
    this.quotas.delete(key);
    this.consumerMap.get(name)?.quotas.delete(key);
    this.touchConsumer(name);
  }

  upsertPvc(key: string, pvc: PvcLike): void {
    this.removePvc(key);
    const counted = pvcStorage(pvc);
    const consumer =
      this.config.consumerLabel === undefined
        ? counted.namespace
        : (pvc.metadata?.labels?.[this.config.consumerLabel] ?? UNALLOCATED_CONSUMER);
    this.pvcs.set(key, { consumer, storageClass: counted.storageClass, storage: counted.storage });
    addInto(this.consumer(consumer).storage, new Map([[counted.storageClass, counted.storage]]));
    this.touchConsumer(consumer);
  }

  removePvc(key: string): void {
    const entry = this.pvcs.get(key);
    if (entry === undefined) return;
    this.pvcs.delete(key);
    const consumer = this.consumerMap.get(entry.consumer);
    if (consumer !== undefined)
      subtractInto(consumer.storage, new Map([[entry.storageClass, entry.storage]]));
    this.touchConsumer(entry.consumer);
  }

  /** Replaces the leased amounts of every pool (from the lease store). */
  setLeased(leased: ReadonlyMap<string, ResourceList>): void {
    const names = new Set([
      ...leased.keys(),
      ...[...this.poolMap.values()].filter((p) => p.leased.size > 0).map((p) => p.name),
    ]);
    for (const name of names) {
      const next = leased.get(name) ?? new Map<string, bigint>();
      const pool = this.poolMap.get(name);
      if (pool !== undefined && sameList(pool.leased, next)) continue;
      this.pool(name).leased = next;
      this.touchPool(name);
    }
  }

  /** Forgets every object of one kind, before that kind reloads. */
  reset(kind: "nodes" | "pods" | "namespaces" | "resourcequotas" | "persistentvolumeclaims"): void {
    switch (kind) {
      case "nodes":
        for (const key of [...this.nodes.keys()]) this.removeNode(key);
        return;
      case "pods":
        for (const key of [...this.pods.keys()]) this.removePod(key);
        return;
      case "namespaces":
        for (const name of [...this.consumerMap.keys()]) this.removeNamespace(name);
        return;
      case "resourcequotas":
        for (const key of [...this.quotas.keys()]) this.removeQuota(key);
        return;
      case "persistentvolumeclaims":
        for (const key of [...this.pvcs.keys()]) this.removePvc(key);
        return;
    }
  }

  private applyPod(
    footprint: PodFootprint,
    consumerName: string,
    pinnedPool: string | undefined,
    sign: 1 | -1,
  ): void {
    const change = sign > 0 ? addInto : subtractInto;
    const consumer = this.consumer(consumerName);
    if (footprint.placement === "pending") {
      change(consumer.pending, footprint.requests);
      consumer.pendingPods += sign;
      if (pinnedPool !== undefined) {
        const pool = this.pool(pinnedPool);
        change(pool.pending, footprint.requests);
        pool.pendingPods += sign;
        this.touchPool(pinnedPool);
      }
    } else {
      change(consumer.requests, footprint.requests);
      change(consumer.limits, footprint.limits);
      consumer.runningPods += sign;
      let load = this.loads.get(footprint.nodeName);
      if (load === undefined)
        this.loads.set(footprint.nodeName, (load = { requests: new Map(), limits: new Map(), pods: 0 }));
      change(load.requests, footprint.requests);
      change(load.limits, footprint.limits);
      load.pods += sign;
      if (load.pods === 0) this.loads.delete(footprint.nodeName);
      const node = this.nodes.get(footprint.nodeName);
      if (node !== undefined) {
        node.room = undefined;
        const bucket = bucketOf(this.pool(node.pool), node.capacity);
        change(bucket.requested, footprint.requests);
        change(bucket.limits, footprint.limits);
        this.touchPool(node.pool);
      }
    }
    this.touchConsumer(consumerName);
  }

  private consumerOf(footprint: PodFootprint): string {
    const label = this.config.consumerLabel;
    if (label === undefined) return footprint.namespace;
    return footprint.labels[label] ?? UNALLOCATED_CONSUMER;
  }

  /** The pool a pending pod's nodeSelector pins it to, through the pool label in use. */
  private pinnedPool(pod: PodLike): string | undefined {
    const selector = pod.spec?.nodeSelector;
    if (selector === undefined) return undefined;
    const labels = this.config.poolLabel !== undefined ? [this.config.poolLabel] : WELL_KNOWN_POOL_LABELS;
    for (const label of labels) {
      const value = selector[label];
      if (value !== undefined && value !== "") return value;
    }
    return undefined;
  }

  private pool(name: string): PoolAggregate {
    let pool = this.poolMap.get(name);
    if (pool === undefined) this.poolMap.set(name, (pool = newPool(name)));
    return pool;
  }

  private consumer(name: string): ConsumerAggregate {
    let consumer = this.consumerMap.get(name);
    if (consumer === undefined) this.consumerMap.set(name, (consumer = newConsumer(name)));
    return consumer;
  }

  private touchPool(name: string): void {
    const pool = this.poolMap.get(name);
    if (pool === undefined) return;
    pool.version = ++this.counter;
    if (isEmptyPool(pool)) this.poolMap.delete(name);
    for (const listener of this.listeners) listener({ resource: "nodepools", name });
  }

  private touchConsumer(name: string): void {
    const consumer = this.consumerMap.get(name);
    if (consumer === undefined) return;
    consumer.version = ++this.counter;
    if (isEmptyConsumer(consumer)) this.consumerMap.delete(name);
    for (const listener of this.listeners) listener({ resource: "consumers", name });
  }
}

function bucketOf(pool: PoolAggregate, node: NodeCapacity): NodeBucket {
  return isOpen(node) ? pool.open : pool.closed;
}

function sameList(a: ResourceList, b: ResourceList): boolean {
  if (a.size !== b.size) return false;
  for (const [name, amount] of a) if (b.get(name) !== amount) return false;
  return true;
}
