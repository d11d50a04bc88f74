/**
 * The part of a fit that works on one pool's figures once its nodes are walked (by `fit` or
 * `indexedFit`): the lease cap, the pool's score, the listed nodes, the reason, and the
 * ranking of pools with the assignment of replicas. Both walks hand over the same figures, so
 * these rules exist once.
 */
import { matchesNodeSelector, toleratesAll, type NodeCapacity, type ResourceList } from "../model/index.js";
import type { FitPolicy, FitRequest, FitResult, NodeFit, PoolFit } from "./fit.js";

/** Most nodes listed per pool in an answer (the best-ranked ones); counts cover all nodes. */
export const MAX_NODES_LISTED = 50;

/** Why a node takes no replica before resources are looked at, in the order they are checked. */
export const REFUSALS = ["unschedulable", "untolerated taint", "node selector mismatch"] as const;
export type Refusal = (typeof REFUSALS)[number];

/** Why the node takes no replica of the request, or undefined when it is eligible. */
export function refusal(node: NodeCapacity, request: FitRequest): Refusal | undefined {
  if (node.unschedulable) return "unschedulable";
  if (node.blockingTaints.length > 0 && !toleratesAll(request.tolerations, node.blockingTaints))
    return "untolerated taint";
  if (!matchesNodeSelector(request.nodeSelector, node.labels)) return "node selector mismatch";
  return undefined;
}

/** An eligible node's answer: replicas that fit and its free share of the requested resources. */
export interface RankedNode extends NodeFit {
  readonly share: number;
}

/** One pool's figures after the walk over its nodes. */
export interface WalkedPool {
  readonly pool: string;
  /** Eligible nodes, in any order. */
  readonly nodes: RankedNode[];
  /** Per requested resource: Σ over eligible nodes of allocatable − requested, and of allocatable. */
  readonly free: ResourceList;
  readonly allocatable: ResourceList;
  /** Refused nodes per refusal. */
  readonly refused: ReadonlyMap<Refusal, number>;
}

/** The requested resources a fit looks at (amount > 0), in the request's order. */
export function requestedResources(request: FitRequest): (readonly [string, bigint])[] {
  return [...request.requests].filter(([, amount]) => amount > 0n);
}

/** Node and pool names order by code unit, as the API server lists keys. */
export function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function poolFit(
  walked: WalkedPool,
  requested: readonly (readonly [string, bigint])[],
  leased: ResourceList,
  policy: FitPolicy,
): PoolFit {
  const { free, allocatable } = walked;
  let total = walked.nodes.reduce((sum, n) => sum + n.fits, 0);
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
  // Filtering before the (stable) sort lists the same nodes as sorting all of them first.
  const listed = walked.nodes
    .filter((n) => n.fits > 0)
    .sort(
      (a, b) =>
        (policy === "LeastUtilized" ? b.share - a.share : a.share - b.share) || byName(a.node, b.node),
    );
  return {
    pool: walked.pool,
    fits: total,
    replicas: 0,
    score,
    nodes: listed.slice(0, MAX_NODES_LISTED).map(({ node, fits }) => ({ node, fits })),
    reason: total > 0 ? "" : explain(walked, requested, leaseLimited),
  };
}

/** Ranks the pools (those with room first, then by score) and assigns the replicas in that order. */
export function rankPools(pools: PoolFit[], request: FitRequest): FitResult {
  pools.sort((a, b) => {
    if (a.fits > 0 !== b.fits > 0) return a.fits > 0 ? -1 : 1;
    return (
      (request.policy === "LeastUtilized" ? b.score - a.score : a.score - b.score) || byName(a.pool, b.pool)
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

function explain(
  walked: WalkedPool,
  requested: readonly (readonly [string, bigint])[],
  leaseLimited: boolean,
): string {
  if (walked.nodes.length === 0) {
    const counts = REFUSALS.flatMap((refusal) => {
      const count = walked.refused.get(refusal) ?? 0;
      return count > 0 ? [`${count} ${refusal}`] : [];
    });
    return `no eligible node: ${counts.join(", ")}`;
  }
  const short = requested
    .filter(([name, amount]) => (walked.free.get(name) ?? 0n) < amount)
    .map(([name]) => name);
  if (short.length > 0) return `insufficient ${short.join(", ")}`;
  return leaseLimited ? "held by capacity leases" : "no single node has room for one replica";
}
