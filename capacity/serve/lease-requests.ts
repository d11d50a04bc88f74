/**
 * `capacityleases`: create (acquire), get/list/watch, update (renew), delete (release).
 * A lease holds `spec.resources` on each of `spec.pools` pools, chosen least utilized first
 * among those with room; it lapses at `expiresAt` unless renewed (PUT with a new ttl).
 */
import { ConflictError, NotFoundError } from "../../api/errors.js";
import type { CapacityState } from "../aggregates/capacity-state.js";
import type { Candidate, LeaseRecord, LeaseStore } from "../leases/lease-store.js";
import { formatHumanQuantity, subtractInto, type MutableResourceList } from "../model/index.js";
import { poolFigures } from "./objects.js";
import { CAPACITY_API_VERSION } from "./resources.js";
import {
  Causes,
  asObject,
  integerIn,
  nameOf,
  optionalObject,
  resourceList,
  type Json,
} from "./validation.js";

export const DEFAULT_LEASE_TTL_SECONDS = 3600;
export const MAX_LEASE_TTL_SECONDS = 7 * 24 * 3600;
export const MAX_LEASE_POOLS = 100;

interface ParsedLease {
  readonly name: string;
  readonly spec: LeaseRecord["spec"];
  readonly resources: MutableResourceList;
}

export function parseLease(body: unknown, defaultHolder: string, nameFromPath?: string): ParsedLease {
  const object = asObject(body, "a CapacityLease");
  const causes = new Causes();
  const metadata = optionalObject(object["metadata"], "metadata", causes);
  const name = nameFromPath ?? nameOf(metadata, causes);
  if (name === "") causes.add("metadata.name", "name or generateName is required");
  const spec = optionalObject(object["spec"], "spec", causes) ?? {};
  const resources = resourceList(spec["resources"], "spec.resources", causes);
  if ([...resources.values()].every((amount) => amount <= 0n))
    causes.add("spec.resources", "must hold at least one positive amount");
  const pools = integerIn(spec["pools"], "spec.pools", 1, MAX_LEASE_POOLS, 1, causes);
  const ttlSeconds = integerIn(
    spec["ttlSeconds"],
    "spec.ttlSeconds",
    1,
    MAX_LEASE_TTL_SECONDS,
    DEFAULT_LEASE_TTL_SECONDS,
    causes,
  );
  const rawHolder = spec["holder"] ?? defaultHolder;
  const holder = typeof rawHolder === "string" ? rawHolder : "";
  if (holder === "" || holder.length > 253)
    causes.add("spec.holder", "must be a non-empty string of at most 253 characters");
  causes.throwIfAny("CapacityLease", name);
  const raw = spec["resources"] as Record<string, string>;
  return {
    name,
    spec: {
      resources: Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)])),
      pools,
      ttlSeconds,
      holder,
    },
    resources,
  };
}

/** Pools with their room (reservable − requested), least utilized first by the free share of the leased resources. */
export function candidatesFor(state: CapacityState, resources: MutableResourceList): Candidate[] {
  const scored = [...state.pools.values()].map((pool) => {
    const figures = poolFigures(pool, state.config);
    const room: MutableResourceList = new Map(figures.reservable);
    subtractInto(room, pool.open.requested);
    let share = 0;
    for (const name of resources.keys()) {
      const reservable = figures.reservable.get(name) ?? 0n;
      share +=
        reservable === 0n ? 0 : Number(((figures.free.get(name) ?? 0n) * 10_000n) / reservable) / 10_000;
    }
    return { pool: pool.name, room, share: share / Math.max(1, resources.size) };
  });
  scored.sort((a, b) => b.share - a.share || a.pool.localeCompare(b.pool));
  return scored.map(({ pool, room }) => ({ pool, room }));
}

export async function acquire(
  store: LeaseStore,
  state: CapacityState,
  lease: ParsedLease,
): Promise<LeaseRecord> {
  const result = await store.acquire(
    lease.name,
    lease.spec,
    lease.resources,
    candidatesFor(state, lease.resources),
  );
  if (result.outcome === "granted") return result.lease;
  if (result.outcome === "exists")
    throw new ConflictError(
      "AlreadyExists",
      `capacityleases.capacity.krm.dev "${lease.name}" already exists`,
      {
        name: lease.name,
        group: "capacity.krm.dev",
        kind: "capacityleases",
      },
    );
  const causes = result.missing.map(({ pool, resource, short }) => ({
    reason: "InsufficientCapacity",
    message: `pool ${pool}: ${resource} short by ${formatHumanQuantity(short, resource)}`,
    field: `spec.resources.${resource}`,
  }));
  throw new ConflictError(
    "Conflict",
    `not enough capacity for ${lease.spec.pools} pool(s) holding ${Object.entries(lease.spec.resources)
      .map(([k, v]) => `${k}=${v}`)
      .join(",")}${causes.length > 0 ? `: ${causes.map((c) => c.message).join("; ")}` : ": no pools"}`,
    { name: lease.name, group: "capacity.krm.dev", kind: "capacityleases", causes },
  );
}

export function leaseNotFound(name: string): NotFoundError {
  return new NotFoundError(`capacityleases.capacity.krm.dev "${name}" not found`, {
    name,
    group: "capacity.krm.dev",
    kind: "capacityleases",
  });
}

export const LEASE_API_VERSION = CAPACITY_API_VERSION;
export type { Json };
