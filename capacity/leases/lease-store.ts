/**
 * Capacity leases in Redis, changed only by the scripts in lease-scripts.ts. This module
 * builds their arguments, decodes their answers, and reads the whole lease set when its
 * version moved (leases are few: hundreds, not millions).
 */
import { randomUUID } from "node:crypto";
import type { RedisConnection } from "../../core/redis-connection.js";
import { KEY_PREFIX } from "../../core/redis-keys.js";
import type { ResourceList } from "../model/index.js";
import { ACQUIRE, EXPIRED_RETENTION_MS, PURGE, RELEASE, RENEW } from "./lease-scripts.js";
import { fromLeaseUnits, listToLeaseUnits } from "./lease-units.js";

export type LeasePhase = "Granted" | "Expired" | "Released";

/** A lease as stored: the served object plus `units` (amounts in lease units, per pool). */
export interface LeaseRecord {
  readonly apiVersion: string;
  readonly kind: "CapacityLease";
  readonly metadata: {
    readonly name: string;
    readonly uid: string;
    readonly resourceVersion?: string;
    readonly creationTimestampMs?: number;
  };
  readonly spec: {
    readonly resources: Readonly<Record<string, string>>;
    readonly pools: number;
    readonly ttlSeconds: number;
    readonly holder: string;
  };
  readonly units: Readonly<Record<string, string>>;
  readonly status: {
    readonly phase: LeasePhase;
    readonly pools: readonly string[];
    readonly expiresAtMs?: number;
  };
}

export interface LeaseKeys {
  readonly leases: string;
  readonly expiry: string;
  readonly leased: string;
  readonly version: string;
}

/** Lease keys share the hash tag `{capacity}` so the scripts are legal in Redis Cluster. */
export function leaseKeys(prefix = KEY_PREFIX): LeaseKeys {
  const base = `${prefix}:{capacity}`;
  return {
    leases: `${base}:leases`,
    expiry: `${base}:lease-expiry`,
    leased: `${base}:leased`,
    version: `${base}:lease-version`,
  };
}

export interface Candidate {
  readonly pool: string;
  /** reservable − requested, as this replica's aggregates see it. */
  readonly room: ResourceList;
}

export type AcquireResult =
  | { readonly outcome: "granted"; readonly lease: LeaseRecord }
  | { readonly outcome: "exists" }
  | {
      readonly outcome: "short";
      readonly missing: readonly { pool: string; resource: string; short: bigint }[];
    };

export type ChangeResult =
  | { readonly outcome: "done"; readonly lease: LeaseRecord }
  | { readonly outcome: "missing" }
  | { readonly outcome: "holder"; readonly holder: string }
  | { readonly outcome: "expired" };

export interface LeaseSnapshot {
  readonly version: string;
  readonly leases: ReadonlyMap<string, LeaseRecord>;
  /** Held per pool, milli-units. */
  readonly leased: ReadonlyMap<string, ResourceList>;
}

export class LeaseStore {
  private readonly keys: LeaseKeys;
  constructor(
    private readonly redis: RedisConnection,
    keyPrefix?: string,
  ) {
    this.keys = leaseKeys(keyPrefix);
  }

  private get keyList(): string[] {
    return [this.keys.leases, this.keys.expiry, this.keys.leased, this.keys.version];
  }

  async acquire(
    name: string,
    spec: LeaseRecord["spec"],
    resources: ResourceList,
    candidates: readonly Candidate[],
  ): Promise<AcquireResult> {
    const units = listToLeaseUnits(resources);
    const names = [...units.keys()].sort();
    const record: LeaseRecord = {
      apiVersion: "capacity.krm.dev/v1alpha1",
      kind: "CapacityLease",
      metadata: { name, uid: randomUUID() },
      spec,
      units: Object.fromEntries(names.map((n) => [n, (units.get(n) ?? 0n).toString()])),
      status: { phase: "Granted", pools: [] },
    };
    const args: string[] = [
      String(EXPIRED_RETENTION_MS),
      name,
      JSON.stringify(record),
      String(spec.ttlSeconds * 1000),
      String(spec.pools),
      String(names.length),
    ];
    for (const n of names) args.push(n);
    for (const n of names) args.push((units.get(n) ?? 0n).toString());
    for (const candidate of candidates) {
      args.push(candidate.pool);
      const room = listToLeaseUnits(candidate.room);
      for (const n of names) args.push((room.get(n) ?? 0n).toString());
    }
    const reply = (await ACQUIRE.run(this.redis, this.keyList, args)) as string[];
    if (reply[0] === "granted") return { outcome: "granted", lease: decode(reply[1]) };
    if (reply[0] === "exists") return { outcome: "exists" };
    return {
      outcome: "short",
      missing: reply.slice(1).map((entry) => {
        const [pool = "", resource = "", short = "0"] = entry.split("|");
        return { pool, resource, short: fromLeaseUnits(resource, BigInt(short)) };
      }),
    };
  }

  async release(name: string, holder: string): Promise<ChangeResult> {
    return changeResult(
      (await RELEASE.run(this.redis, this.keyList, [String(EXPIRED_RETENTION_MS), name, holder])) as string[],
    );
  }

  async renew(name: string, holder: string, ttlSeconds: number): Promise<ChangeResult> {
    return changeResult(
      (await RENEW.run(this.redis, this.keyList, [
        String(EXPIRED_RETENTION_MS),
        name,
        holder,
        String(ttlSeconds * 1000),
      ])) as string[],
    );
  }

  /** Expires what lapsed, then reads everything when the version differs from `known`. */
  async poll(known: string | undefined): Promise<LeaseSnapshot | undefined> {
    const version = String(await PURGE.run(this.redis, this.keyList, [String(EXPIRED_RETENTION_MS)]));
    if (version === known) return undefined;
    const [raw, held] = await Promise.all([
      this.redis.hgetall(this.keys.leases),
      this.redis.hgetall(this.keys.leased),
    ]);
    const leases = new Map(Object.entries(raw).map(([name, json]) => [name, decode(json)]));
    const leased = new Map<string, Map<string, bigint>>();
    for (const [field, amount] of Object.entries(held)) {
      const bar = field.lastIndexOf("|");
      const pool = field.slice(0, bar);
      const resource = field.slice(bar + 1);
      let list = leased.get(pool);
      if (list === undefined) leased.set(pool, (list = new Map<string, bigint>()));
      list.set(resource, fromLeaseUnits(resource, BigInt(amount)));
    }
    return { version, leases, leased };
  }
}

function decode(json: string | undefined): LeaseRecord {
  const record = JSON.parse(json ?? "{}") as LeaseRecord;
  // cjson writes an empty Lua table as {}, never []: pools are always a list here.
  const pools = Array.isArray(record.status.pools) ? record.status.pools : [];
  return { ...record, status: { ...record.status, pools } };
}

function changeResult(reply: string[]): ChangeResult {
  switch (reply[0]) {
    case "released":
    case "renewed":
      return { outcome: "done", lease: decode(reply[1]) };
    case "holder":
      return { outcome: "holder", holder: reply[1] ?? "" };
    case "expired":
      return { outcome: "expired" };
    default:
      return { outcome: "missing" };
  }
}

/** The served object: no `units`, times as RFC 3339. */
export function leaseObject(record: LeaseRecord): Record<string, unknown> {
  const { units: _units, ...rest } = record;
  const { creationTimestampMs, ...metadata } = record.metadata;
  const { expiresAtMs, ...status } = record.status;
  return {
    ...rest,
    metadata: {
      ...metadata,
      ...(creationTimestampMs !== undefined
        ? { creationTimestamp: new Date(creationTimestampMs).toISOString().replace(/\.\d{3}Z$/, "Z") }
        : {}),
    },
    status: {
      ...status,
      ...(expiresAtMs !== undefined ? { expiresAt: new Date(expiresAtMs).toISOString() } : {}),
    },
  };
}
