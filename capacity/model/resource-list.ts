/**
 * Amounts per resource name (`cpu`, `memory`, `ephemeral-storage`, `pods`, `hugepages-2Mi`,
 * `nvidia.com/gpu`, ...) in milli-units (see quantity.ts). Resource names are never
 * special-cased here: any extended resource is counted the same way as cpu.
 *
 * Ownership: functions that return a `ResourceList` return a fresh map the caller owns;
 * `addInto`/`subtractInto`/`maxInto` mutate only their first argument.
 */
import { QuantityError, formatQuantity, parseQuantity } from "./quantity.js";

export type ResourceList = ReadonlyMap<string, bigint>;
export type MutableResourceList = Map<string, bigint>;

/** A Kubernetes `ResourceList` as JSON: resource name → quantity text. */
export type RawResourceList = Readonly<Record<string, string>>;

/** Parses a raw list; throws `QuantityError` naming the first bad quantity. Missing → empty. */
export function parseResourceList(raw: unknown): MutableResourceList {
  const list: MutableResourceList = new Map();
  if (raw === undefined || raw === null) return list;
  if (typeof raw !== "object" || Array.isArray(raw))
    throw new QuantityError("a resource list must be an object");
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof value !== "string" && typeof value !== "number")
      throw new QuantityError(`quantity of ${name} must be a string`);
    list.set(name, parseQuantity(String(value)));
  }
  return list;
}

/** The exact JSON form (`formatQuantity`), keys sorted so output is stable. */
export function formatResourceList(list: ResourceList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...list.keys()].sort()) out[name] = formatQuantity(list.get(name) ?? 0n, name);
  return out;
}

export function addInto(target: MutableResourceList, source: ResourceList): void {
  for (const [name, amount] of source) target.set(name, (target.get(name) ?? 0n) + amount);
}

/** Subtracts, deleting entries that reach zero so a list returns to exactly its earlier keys. */
export function subtractInto(target: MutableResourceList, source: ResourceList): void {
  for (const [name, amount] of source) {
    const next = (target.get(name) ?? 0n) - amount;
    if (next === 0n) target.delete(name);
    else target.set(name, next);
  }
}

/** Per resource, the larger of the two (a resource missing from one side counts as that side's absence, not zero). */
export function maxInto(target: MutableResourceList, source: ResourceList): void {
  for (const [name, amount] of source) {
    const current = target.get(name);
    if (current === undefined || amount > current) target.set(name, amount);
  }
}

export function sum(...lists: readonly ResourceList[]): MutableResourceList {
  const total: MutableResourceList = new Map();
  for (const list of lists) addInto(total, list);
  return total;
}

/** `list` × `factor` per resource, rounded down to a whole milli-unit (factor e.g. 1.5 for over-commitment). */
export function scale(list: ResourceList, factor: number): MutableResourceList {
  // Exact for factors with up to 6 decimals, which is all a configuration writes.
  const millionths = BigInt(Math.round(factor * 1_000_000));
  const out: MutableResourceList = new Map();
  for (const [name, amount] of list) out.set(name, (amount * millionths) / 1_000_000n);
  return out;
}

export function amountOf(list: ResourceList, name: string): bigint {
  return list.get(name) ?? 0n;
}

export function equalLists(a: ResourceList, b: ResourceList): boolean {
  const names = new Set([...a.keys(), ...b.keys()]);
  for (const name of names) if ((a.get(name) ?? 0n) !== (b.get(name) ?? 0n)) return false;
  return true;
}
