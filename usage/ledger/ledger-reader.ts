/**
 * Reads reserved resource-seconds per group over a range of whole hours, in total or per
 * hour (usage history, usage/history/): the hour buckets
 * (intervals already closed) plus, for every object still reserving, its open interval up to
 * now (not yet in any bucket), all in one MULTI so the ledger cannot move an interval from
 * "open" to "bucket" between the two reads.
 */
import type { RedisConnection } from "../../core/redis-connection.js";
import type { LedgerKeys } from "../../core/redis-keys.js";
import { LEDGER_RESOURCES, type LedgerResource, type Rates } from "./rates.js";

export const HOUR_MS = 3_600_000;
/** Kinds whose records the ledger keeps (see observation.ts). */
export const LEDGER_KINDS: readonly string[] = ["pods", "persistentvolumeclaims"];
/** Longest range one read covers: a year and a bit of hourly buckets in one MULTI. */
export const MAX_RANGE_HOURS = 24 * 400;

/** group (`namespace:<ns>`, `label:<key>=<value>`) → resource → resource-seconds. */
export type GroupTotals = Map<string, Rates>;

export interface LedgerRange {
  /** Inclusive start, rounded down to the hour. */
  readonly fromMs: number;
  /** Exclusive end, rounded up to the hour. */
  readonly toMs: number;
}

/** The whole hours covering `[from, to)`: the ledger's resolution. */
export function hourRange(fromMs: number, toMs: number): LedgerRange {
  return { fromMs: Math.floor(fromMs / HOUR_MS) * HOUR_MS, toMs: Math.ceil(toMs / HOUR_MS) * HOUR_MS };
}

export interface LedgerRecord {
  readonly o?: number;
  readonly c?: number;
  readonly r?: Rates;
  readonly g?: readonly string[];
}

/** What the ledger holds for a range: hour buckets (closed intervals) and the open records, read at one instant. */
interface LedgerSnapshot {
  readonly buckets: readonly (readonly [hour: number, fields: Record<string, string>])[];
  readonly open: readonly LedgerRecord[];
}

async function readLedger(
  redis: RedisConnection,
  keys: LedgerKeys,
  range: LedgerRange,
  nowMs: number,
): Promise<LedgerSnapshot> {
  const hours: number[] = [];
  for (let hour = range.fromMs; hour < range.toMs && hour <= nowMs; hour += HOUR_MS) hours.push(hour);
  if (hours.length > MAX_RANGE_HOURS)
    throw new RangeError(`a usage range covers at most ${MAX_RANGE_HOURS} hours, got ${hours.length}`);
  const multi = redis.multi();
  for (const hour of hours) multi.hgetall(`${keys.hourPrefix}${hour}`);
  for (const kind of LEDGER_KINDS) multi.hvals(keys.objects(kind));
  const results = (await multi.exec()) ?? [];
  const values = results.map(([error, value]) => {
    if (error !== null) throw error;
    return value;
  });
  const buckets = (values.slice(0, hours.length) as Record<string, string>[]).map(
    (fields, index) => [hours[index] ?? 0, fields] as const,
  );
  const open: LedgerRecord[] = [];
  for (const records of values.slice(hours.length) as string[][]) {
    for (const json of records) {
      const record = JSON.parse(json) as LedgerRecord;
      if (record.o === 1 && record.c !== undefined) open.push(record);
    }
  }
  return { buckets, open };
}

/** Adds a bucket's fields (`<resource>\t<group>` → resource-seconds) to `totals`. */
function addBucket(totals: GroupTotals, fields: Record<string, string>): void {
  for (const [field, amount] of Object.entries(fields)) {
    const tab = field.indexOf("\t");
    const resource = field.slice(0, tab);
    if (tab < 0 || !isResource(resource)) continue;
    add(totals, field.slice(tab + 1), resource, Number(amount));
  }
}

/** Adds an open record's reservation over `[fromMs, toMs)` to `totals`. */
function addOpen(totals: GroupTotals, record: LedgerRecord, fromMs: number, toMs: number): void {
  const seconds = (toMs - Math.max(record.c ?? toMs, fromMs)) / 1000;
  if (seconds <= 0) return;
  for (const [resource, rate] of Object.entries(record.r ?? {}))
    if (isResource(resource))
      for (const group of record.g ?? []) add(totals, group, resource, (rate ?? 0) * seconds);
}

/** Reserved resource-seconds per group over the range (up to now). */
export async function readGroupTotals(
  redis: RedisConnection,
  keys: LedgerKeys,
  range: LedgerRange,
  nowMs: number,
): Promise<GroupTotals> {
  const { buckets, open } = await readLedger(redis, keys, range, nowMs);
  const totals: GroupTotals = new Map();
  for (const [, fields] of buckets) addBucket(totals, fields);
  const openTo = Math.min(range.toMs, nowMs);
  for (const record of open) addOpen(totals, record, range.fromMs, openTo);
  return totals;
}

/** Reserved resource-seconds per group in every hour of the range up to now (hour start ms → totals, empty when none), the current hour up to now. */
export async function readHourlyTotals(
  redis: RedisConnection,
  keys: LedgerKeys,
  range: LedgerRange,
  nowMs: number,
): Promise<Map<number, GroupTotals>> {
  const { buckets, open } = await readLedger(redis, keys, range, nowMs);
  const hourly = new Map<number, GroupTotals>();
  for (const [hour, fields] of buckets) {
    const totals: GroupTotals = new Map();
    addBucket(totals, fields);
    for (const record of open) addOpen(totals, record, hour, Math.min(hour + HOUR_MS, nowMs));
    hourly.set(hour, totals);
  }
  return hourly;
}

function isResource(name: string): name is LedgerResource {
  return (LEDGER_RESOURCES as readonly string[]).includes(name);
}

function add(totals: GroupTotals, group: string, resource: LedgerResource, amount: number): void {
  let rates = totals.get(group);
  if (rates === undefined) totals.set(group, (rates = {}));
  rates[resource] = (rates[resource] ?? 0) + amount;
}
