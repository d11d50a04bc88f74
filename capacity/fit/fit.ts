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
import {
  matchesNodeSelector,
  toleratesAll,
  type NodeCapacity,
  type ResourceList,
  type Toleration,
} from "../model/index.js";

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

/** Most nodes listed per pool in an answer (the best-ranked ones); counts cover all nodes. */
export const MAX_NODES_LISTED = 50;

export function fit(
  request: FitRequest,
  nodes: Iterable<FitNode>,
  leasedByPool: ReadonlyMap<string, ResourceList>,
): FitResult {
  const requested = [...request.requests].filter(([, amount]) => amount > 0n);
  const perPool = new Map<string, { eligible: FitNode[]; reasons: Map<string, number> }>();
  for (const node of nodes) {
    let entry = perPool.get(node.pool);
    if (entry === undefined) perPool.set(node.pool, (entry = { eligible: [], reasons: new Map() }));
    const refusal = refuse(node.capacity, request);
    if (refusal === undefined) entry.eligible.push(node);
    else entry.reasons.set(refusal, (entry.reasons.get(refusal) ?? 0) + 1);
  }
  const pools: PoolFit[] = [];
  for (const [pool, { eligible, reasons }] of perPool) {
    const leased = leasedByPool.get(pool) ?? new Map<string, bigint>();
    const nodeFits: (NodeFit & { share: number })[] = [];
    const free = new Map<string, bigint>();
    const allocatable = new Map<string, bigint>();
    for (const node of eligible) {
      for (const [name] of requested) {
        const a = node.capacity.allocatable.get(name) ?? 0n;
        free.set(name, (free.get(name) ?? 0n) + a - (node.requested.get(name) ?? 0n));
        allocatable.set(name, (allocatable.get(name) ?? 0n) + a);
      }
      nodeFits.push({
        node: node.capacity.name,
        fits: fitsOn(node, requested),
        share: freeShare(node, requested),
      });
    }
    let total = nodeFits.reduce((sum, n) => sum + n.fits, 0);
    let leaseLimited = false;
    for (const [name, amount] of requested) {
      const room = (free.get(name) ?? 0n) - (leased.get(name) ?? 0n);
      const cap = room <= 0n ? 0 : Number(room / amount);
      if (cap < total) {
        total = cap;
        leaseLimited = leased.has(name);
      }
    }
    const shares = requested.map(([name]) => {
      const a = allocatable.get(name) ?? 0n;
      const room = (free.get(name) ?? 0n) - (leased.get(name) ?? 0n);
      return a === 0n ? 0 : Math.max(0, Number((room * 10_000n) / a) / 100);
    });
    const score =
      shares.length === 0 ? 100 : Math.round((shares.reduce((s, v) => s + v, 0) / shares.length) * 100) / 100;
    nodeFits.sort(
      (a, b) =>
        (request.policy === "LeastUtilized" ? b.share - a.share : a.share - b.share) ||
        a.node.localeCompare(b.node),
    );
    pools.push({
      pool,
      fits: total,
      replicas: 0,
      score,
      nodes: nodeFits
        .filter((n) => n.fits > 0)
        .slice(0, MAX_NODES_LISTED)
        .map(({ node, fits }) => ({ node, fits })),
      reason: total > 0 ? "" : explain(eligible.length, reasons, requested, free, leaseLimited),
    });
  }
  pools.sort((a, b) => {
    if (a.fits > 0 !== b.fits > 0) return a.fits > 0 ? -1 : 1;
    return (
      (request.policy === "LeastUtilized" ? b.score - a.score : a.score - b.score) ||
      a.pool.localeCompare(b.pool)
    );
  });
  let left = request.replicas;
  const ranked = pools.map((p) => {
    const take = Math.min(left, p.fits);
    left -= take;
    return { ...p, replicas: take };
  });
  return { fits: left === 0, replicasPlaced: request.replicas - left, pools: ranked };
}

function refuse(node: NodeCapacity, request: FitRequest): string | undefined {
  if (node.unschedulable) return "unschedulable";
  if (!toleratesAll(request.tolerations, node.blockingTaints)) return "untolerated taint";
  if (!matchesNodeSelector(request.nodeSelector, node.labels)) return "node selector mismatch";
  return undefined;
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

function explain(
  eligible: number,
  reasons: ReadonlyMap<string, number>,
  requested: readonly (readonly [string, bigint])[],
  free: ReadonlyMap<string, bigint>,
  leaseLimited: boolean,
): string {
  if (eligible === 0)
    return `no eligible node: ${[...reasons].map(([reason, count]) => `${count} ${reason}`).join(", ")}`;
  const short = requested.filter(([name, amount]) => (free.get(name) ?? 0n) < amount).map(([name]) => name);
  if (short.length > 0) return `insufficient ${short.join(", ")}`;
  return leaseLimited ? "held by capacity leases" : "no single node has room for one replica";
}
