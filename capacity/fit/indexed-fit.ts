/**
 * The fit of `fit.ts`, answered from figures kept per node (`node-room.ts`, refreshed when the
 * node or its pods change) and nodes already grouped per pool: per request it only compares
 * numbers, with bigint where a figure or a requested amount is past 2^53 − 1 (`exact-sum.ts`).
 * Same answers as `fit` to the last digit: the differential test compares them over random
 * clusters.
 */
import type { NodeCapacity, ResourceList } from "../model/index.js";
import { ExactSum, floorDivide } from "./exact-sum.js";
import type { FitRequest, FitResult, PoolFit } from "./fit.js";
import type { NodeRoom } from "./node-room.js";
import {
  poolFit,
  rankPools,
  refusal,
  requestedResources,
  type RankedNode,
  type Refusal,
} from "./pool-fit.js";

export interface IndexedNode {
  readonly capacity: NodeCapacity;
  readonly room: NodeRoom;
}

export interface IndexedPool {
  readonly name: string;
  readonly nodes: Iterable<IndexedNode>;
}

export function indexedFit(
  request: FitRequest,
  pools: Iterable<IndexedPool>,
  leasedByPool: ReadonlyMap<string, ResourceList>,
): FitResult {
  const requested = requestedResources(request);
  const names = requested.map(([name]) => name);
  const amounts = requested.map(([, amount]) =>
    amount <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(amount) : undefined,
  );
  const answers: PoolFit[] = [];
  for (const pool of pools) {
    const free = names.map(() => new ExactSum());
    const allocatable = names.map(() => new ExactSum());
    const nodes: RankedNode[] = [];
    const refused = new Map<Refusal, number>();
    let seen = 0;
    for (const node of pool.nodes) {
      seen++;
      const refusedFor = refusal(node.capacity, request);
      if (refusedFor !== undefined) {
        refused.set(refusedFor, (refused.get(refusedFor) ?? 0) + 1);
        continue;
      }
      let fits = Number.POSITIVE_INFINITY;
      let share = 0;
      for (let i = 0; i < names.length; i++) {
        const room = node.room.get(names[i] as string);
        if (room === undefined) {
          fits = 0;
          continue;
        }
        free[i]?.add(room.freeNumber, room.free);
        allocatable[i]?.add(room.allocatableNumber, room.allocatable);
        share += room.shareTenThousandths / 10_000;
        if (room.freeNumber <= 0)
          fits = 0; // Number() keeps the sign of a bigint
        else {
          const amount = amounts[i];
          const here =
            room.safe && amount !== undefined
              ? floorDivide(room.freeNumber, amount)
              : Number(room.free / (requested[i]?.[1] ?? 1n));
          fits = Math.min(fits, here);
        }
      }
      nodes.push({
        node: node.capacity.name,
        fits: Number.isFinite(fits) ? fits : 0,
        share: names.length === 0 ? 0 : share / names.length,
      });
    }
    if (seen === 0) continue;
    const walked = {
      pool: pool.name,
      nodes,
      free: new Map(names.map((name, i) => [name, free[i]?.value ?? 0n])),
      allocatable: new Map(names.map((name, i) => [name, allocatable[i]?.value ?? 0n])),
      refused,
    };
    answers.push(poolFit(walked, requested, leasedByPool.get(pool.name) ?? new Map(), request.policy));
  }
  return rankPools(answers, request);
}
