/**
 * Amounts as the lease scripts hold them in Redis: Lua numbers are doubles, exact only to
 * 2^53, and milli-bytes of a large pool pass that. So byte resources travel as whole bytes
 * (rounded up) and every other resource as milli-units: both stay exact to 9 PB / 9 T-cores.
 */
import { MILLI, isByteResource, type ResourceList } from "../model/index.js";

export function toLeaseUnits(resource: string, milli: bigint): bigint {
  if (!isByteResource(resource)) return milli;
  return milli >= 0n ? (milli + MILLI - 1n) / MILLI : milli / MILLI;
}

export function fromLeaseUnits(resource: string, units: bigint): bigint {
  return isByteResource(resource) ? units * MILLI : units;
}

export function listToLeaseUnits(list: ResourceList): Map<string, bigint> {
  return new Map([...list].map(([name, amount]) => [name, toLeaseUnits(name, amount)]));
}
