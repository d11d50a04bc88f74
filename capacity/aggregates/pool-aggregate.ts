/**
 * Running sums for one node pool, split into nodes open to new pods and nodes kept apart
 * (cordoned or NoSchedule/NoExecute-tainted), changed by add/subtract per event.
 */
import type { MutableResourceList, ResourceList } from "../model/index.js";

export interface NodeBucket {
  /** Node names. */
  readonly nodes: Set<string>;
  readonly allocatable: MutableResourceList;
  /** Effective requests of the pods bound to these nodes (with `pods: 1` each). */
  readonly requested: MutableResourceList;
  readonly limits: MutableResourceList;
}

export interface PoolAggregate {
  readonly name: string;
  readonly open: NodeBucket;
  /** Cordoned or NoSchedule-tainted nodes: their allocatable is not room for new pods. */
  readonly closed: NodeBucket;
  readonly notReady: Set<string>;
  /** Requests of pending pods whose nodeSelector names this pool. */
  readonly pending: MutableResourceList;
  pendingPods: number;
  /** Leased per resource (from the lease store). */
  leased: ResourceList;
  /** Bumped on every change, so watchers and caches see it moved. */
  version: bigint;
}

export function newBucket(): NodeBucket {
  return { nodes: new Set(), allocatable: new Map(), requested: new Map(), limits: new Map() };
}

export function newPool(name: string): PoolAggregate {
  return {
    name,
    open: newBucket(),
    closed: newBucket(),
    notReady: new Set(),
    pending: new Map(),
    pendingPods: 0,
    leased: new Map(),
    version: 0n,
  };
}

export function isEmptyPool(pool: PoolAggregate): boolean {
  return (
    pool.open.nodes.size === 0 &&
    pool.closed.nodes.size === 0 &&
    pool.pendingPods === 0 &&
    pool.leased.size === 0
  );
}
