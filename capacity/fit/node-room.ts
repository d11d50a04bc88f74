/**
 * One node's room per resource, worked out once per change of the node or of the pods bound
 * to it (not per fit review), in the forms `indexedFit` reads without bigint arithmetic:
 * free = allocatable − requested as a number (exact while |free| ≤ 2^53 − 1, which milli-units
 * reach only past ~9 TB of a byte resource on one node; `freeIsSafe` says so, and
 * `indexedFit` falls back to the bigint then), and the free share in ten-thousandths,
 * ⌊free·10 000 / allocatable⌋ truncated as bigint division does.
 */
import type { ResourceList } from "../model/index.js";

export interface ResourceRoom {
  readonly allocatable: bigint;
  readonly free: bigint;
  readonly freeNumber: number;
  readonly allocatableNumber: number;
  /** Both numbers are exact. */
  readonly safe: boolean;
  /** ⌊free·10 000 / allocatable⌋ (0 without allocatable). */
  readonly shareTenThousandths: number;
}

/** Per resource the node has or is asked for; a resource absent here has no room (0 of 0). */
export type NodeRoom = ReadonlyMap<string, ResourceRoom>;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;

export function nodeRoom(allocatable: ResourceList, requested: ResourceList): NodeRoom {
  const room = new Map<string, ResourceRoom>();
  for (const name of new Set([...allocatable.keys(), ...requested.keys()])) {
    const a = allocatable.get(name) ?? 0n;
    const free = a - (requested.get(name) ?? 0n);
    room.set(name, {
      allocatable: a,
      free,
      freeNumber: Number(free),
      allocatableNumber: Number(a),
      safe: a <= MAX_SAFE && free <= MAX_SAFE && free >= MIN_SAFE,
      shareTenThousandths: a === 0n ? 0 : Number((free * 10_000n) / a),
    });
  }
  return room;
}
