/**
 * Where N replicas of a pod-shaped request fit, by the scheduler's NodeResourcesFit rule
 * (docs/derived-views.md, "Models the rules follow"): a replica fits on a node when every requested
 * amount ≤ allocatable − requested there; the node is eligible only when not cordoned, its
 * NoSchedule/NoExecute taints are tolerated, and the nodeSelector matches. A pool's leases
 * hold part of its room, so a pool fits at most ⌊(Σ eligible free − leased) / request⌋.
 *
 * Pools are ranked LeastUtilized (most free share first: spreads load, the default) or
 * MostAllocated (least free share first: packs, frees whole pools); replicas are assigned
 * in rank order, each pool up to what fits. Pure: the caller passes the nodes and pools.
 */
import type { NodeCapacity, ResourceList, Toleration } from "../model/index.js";
import { poolFit, rankPools, refusal, requestedResources, type Refusal } from "./pool-fit.js";

export type FitPolicy = "LeastUtilized" | "MostAllocated";

export interface FitRequest {
  readonly replicas: number;
  /** One replica's effective requests (with `pods: 1`). */
  readonly requests: ResourceList;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  readonly policy: FitPolicy;
}

export interface FitNode {
  readonly capacity: NodeCapacity;
  readonly pool: string;
  readonly requested: ResourceList;
}

export interface NodeFit {
  readonly node: string;
  /** Replicas that fit on it. */
  readonly fits: number;
}

export interface PoolFit {
  readonly pool: string;
  /** Replicas that fit in the pool, leases considered. */
  readonly fits: number;
  /** Replicas of this request assigned here, in rank order. */
  readonly replicas: number;
  /** 0–100: mean free share of the requested resources across eligible nodes, after leases. */
  readonly score: number;
  readonly nodes: readonly NodeFit[];
  /** Why nothing fits (empty when something does). */
  readonly reason: string;
}

export interface FitResult {
  readonly fits: boolean;
  readonly replicasPlaced: number;
  readonly pools: readonly PoolFit[];
}

export { MAX_NODES_LISTED } from "./pool-fit.js";

/**
 * The straightforward walk: every node's figures computed from its lists with bigints, per
 * request. `indexedFit` answers the same from figures kept per node (the differential test
 * holds them equal); this one stays as the reference and the fallback.
 */
export function fit(
  request: FitRequest,
  nodes: Iterable<FitNode>,
  leasedByPool: ReadonlyMap<string, ResourceList>,
): FitResult {
  const requested = requestedResources(request);
  const perPool = new Map<string, { eligible: FitNode[]; refused: Map<Refusal, number> }>();
  for (const node of nodes) {
    let entry = perPool.get(node.pool);
    if (entry === undefined) perPool.set(node.pool, (entry = { eligible: [], refused: new Map() }));
    const refused = refusal(node.capacity, request);
    if (refused === undefined) entry.eligible.push(node);
    else entry.refused.set(refused, (entry.refused.get(refused) ?? 0) + 1);
  }
  const pools: PoolFit[] = [];
  for (const [pool, { eligible, refused }] of perPool) {
    const free = new Map<string, bigint>();
    const allocatable = new Map<string, bigint>();
    for (const node of eligible) {
      for (const [name] of requested) {
        const a = node.capacity.allocatable.get(name) ?? 0n;
        free.set(name, (free.get(name) ?? 0n) + a - (node.requested.get(name) ?? 0n));
        allocatable.set(name, (allocatable.get(name) ?? 0n) + a);
      }
    }
    const walked = {
      pool,
      nodes: eligible.map((node) => ({
        node: node.capacity.name,
        fits: fitsOn(node, requested),
        share: freeShare(node, requested),
      })),
      free,
      allocatable,
      refused,
    };
    pools.push(poolFit(walked, requested, leasedByPool.get(pool) ?? new Map(), request.policy));
  }
  return rankPools(pools, request);
}

function fitsOn(node: FitNode, requested: readonly (readonly [string, bigint])[]): number {
  let fits = Number.POSITIVE_INFINITY;
  for (const [name, amount] of requested) {
    const room = (node.capacity.allocatable.get(name) ?? 0n) - (node.requested.get(name) ?? 0n);
    fits = Math.min(fits, room <= 0n ? 0 : Number(room / amount));
  }
  return Number.isFinite(fits) ? fits : 0;
}

/** Mean share of allocatable still free on the node over the requested resources (the LeastAllocated score). */
function freeShare(node: FitNode, requested: readonly (readonly [string, bigint])[]): number {
  if (requested.length === 0) return 0;
  let total = 0;
  for (const [name] of requested) {
    const a = node.capacity.allocatable.get(name) ?? 0n;
    const room = a - (node.requested.get(name) ?? 0n);
    total += a === 0n ? 0 : Number((room * 10_000n) / a) / 10_000;
  }
  return total / requested.length;
}
