/**
 * The JSON behind `/dashboard`: per kind, freshness (state-meta, watch hash), recent stream
 * delays, per-second event counts and the latest verifications' drift, read from Redis.
 *
 * Event entries carry whole objects, so the events stream is read incrementally: the first
 * refresh reads the newest {@link SEED_ENTRIES}, later ones only entries after the last seen
 * id. Refreshes are shared by concurrent requests and happen at most every
 * {@link MIN_REFRESH_INTERVAL_MS}, so many open pages cost Redis about as much as one.
 */
import type { KindSpec } from "../../core/kinds.js";
import type { RedisConnection } from "../../core/redis-connection.js";
import { kindKeys, type KindKeys } from "../../core/redis-keys.js";
import { streamDelay } from "../../metrics/kube-timestamp.js";
import {
  decodeEventEntry,
  decodeStateMeta,
  decodeVerificationEntry,
  decodeWatchHealth,
} from "../../core/record-codecs.js";
import type { VerificationEntry } from "../../core/records.js";
import { decodeFields, type FlatFields, type RawStreamEntry } from "../../core/stream-entry.js";
import { STREAM_START, streamIdMs, type StreamId } from "../../core/stream-id.js";
import type { PoolUsage, PoolUsageReader } from "./capacity-panel.js";
import type { UsagePanel, UsagePanelReader } from "./usage-panel.js";

/** Newest events read on the first refresh. */
export const SEED_ENTRIES = 2000;
/** Most events read per refresh; a burst beyond it is caught up over the next refreshes. */
export const MAX_ENTRIES_PER_REFRESH = 5000;
/** Recent delays kept per kind and event type for the distribution chart. */
export const RECENT_DELAYS = 500;
/** Seconds of per-second event counts kept for the rate chart. */
export const RATE_WINDOW_SECONDS = 120;
/** Verifications shown in the drift chart. */
export const RECENT_VERIFICATIONS = 30;
/** Pages poll every second; refreshing more often than this would only add Redis load. */
export const MIN_REFRESH_INTERVAL_MS = 500;

export interface DelaySample {
  /** When the event was observed (ms). */
  readonly t: number;
  readonly delayMs: number;
}

export interface VerificationSample {
  readonly t: number;
  readonly missing: number;
  readonly extra: number;
  readonly stale: number;
  readonly durationMs: number;
  readonly objects: number;
}

export interface KindDashboardData {
  readonly id: string;
  readonly objects: number | null;
  readonly verifiedAgeMs: number | null;
  readonly lastEventAgeMs: number | null;
  readonly watchConnected: boolean | null;
  readonly reconnects: number | null;
  readonly gones: number | null;
  readonly bookmarkAgeMs: number | null;
  /** Recent delays (ms, 1 s resolution: upper bounds) by event type. */
  readonly delays: { readonly ADDED: readonly DelaySample[]; readonly DELETED: readonly DelaySample[] };
  /** Events per second: `[secondStartMs, count]`, oldest first, zero-filled. */
  readonly rate: readonly (readonly [number, number])[];
  readonly verifications: readonly VerificationSample[];
}

export interface DashboardData {
  readonly generatedAt: number;
  /** Resolution of the timestamps delays are measured from. */
  readonly delayResolutionMs: number;
  readonly kinds: readonly KindDashboardData[];
  /** Node pools' percent used per resource; null when capacity views are off. */
  readonly capacity: readonly PoolUsage[] | null;
  /** Reserved usage per namespace over the last day; null when usage views are off. */
  readonly usage: UsagePanel | null;
}

class KindCollector {
  private lastId: StreamId | undefined;
  private readonly delays = { ADDED: [] as DelaySample[], DELETED: [] as DelaySample[] };
  private readonly counts = new Map<number, number>();

  constructor(
    readonly kind: KindSpec,
    private readonly keys: KindKeys,
  ) {}

  async refresh(redis: RedisConnection, now: number): Promise<KindDashboardData> {
    const entries: RawStreamEntry[] =
      this.lastId === undefined
        ? (await redis.xrevrange(this.keys.events, "+", "-", "COUNT", SEED_ENTRIES)).reverse()
        : await redis.xrange(this.keys.events, `(${this.lastId}`, "+", "COUNT", MAX_ENTRIES_PER_REFRESH);
    for (const [id, fields] of entries) this.add(id, fields);
    if (entries.length > 0) this.lastId = entries[entries.length - 1]?.[0];
    else this.lastId ??= STREAM_START;
    const [rawWatch, rawMeta, verifications] = await Promise.all([
      redis.hgetall(this.keys.watch),
      redis.hgetall(this.keys.stateMeta),
      redis.xrevrange(this.keys.verifications, "+", "-", "COUNT", RECENT_VERIFICATIONS),
    ]);
    const watch = decodeWatchHealth(rawWatch);
    const meta = decodeStateMeta(rawMeta);
    return {
      id: this.kind.id,
      objects: numberOrNull(meta?.objectCount),
      verifiedAgeMs: ageOrNull(meta?.verifiedAt, now),
      lastEventAgeMs: ageOrNull(meta?.lastEventObservedAt, now),
      watchConnected: watch === undefined ? null : watch.connected === "1",
      reconnects: numberOrNull(watch?.reconnects),
      gones: numberOrNull(watch?.gones),
      bookmarkAgeMs: ageOrNull(watch?.lastBookmarkAt, now),
      delays: { ADDED: [...this.delays.ADDED], DELETED: [...this.delays.DELETED] },
      rate: this.rate(now),
      verifications: verifications.reverse().map(([id, raw]) => verificationSample(id, raw)),
    };
  }

  private add(id: StreamId, raw: FlatFields): void {
    const entry = decodeEventEntry(decodeFields(raw));
    if ("invalid" in entry || entry.type === "SNAPSHOT") return;
    const { type } = entry;
    const second = Math.floor(streamIdMs(id) / 1000) * 1000;
    this.counts.set(second, (this.counts.get(second) ?? 0) + 1);
    if (type === "MODIFIED") return;
    const observed = Number(entry.observed);
    const metadata = metadataOf(entry.object);
    const delay = metadata === undefined ? undefined : streamDelay({ type, metadata }, observed);
    if (delay === undefined || !Number.isFinite(delay.delayMs)) return;
    const list = this.delays[type];
    list.push({ t: observed, delayMs: delay.delayMs });
    if (list.length > RECENT_DELAYS) list.splice(0, list.length - RECENT_DELAYS);
  }

  private rate(now: number): [number, number][] {
    const last = Math.floor(now / 1000) * 1000;
    const first = last - (RATE_WINDOW_SECONDS - 1) * 1000;
    for (const second of this.counts.keys()) if (second < first) this.counts.delete(second);
    const rate: [number, number][] = [];
    for (let second = first; second <= last; second += 1000)
      rate.push([second, this.counts.get(second) ?? 0]);
    return rate;
  }
}

export class DashboardDataSource {
  private readonly collectors: KindCollector[];
  private refreshing: Promise<DashboardData> | undefined;
  private latest: DashboardData | undefined;

  constructor(
    private readonly redis: RedisConnection,
    kinds: readonly KindSpec[],
    keyPrefix: string | undefined,
    private readonly now: () => number = Date.now,
    private readonly pools?: PoolUsageReader,
    private readonly usage?: UsagePanelReader,
  ) {
    this.collectors = kinds.map((kind) => new KindCollector(kind, kindKeys(kind, keyPrefix)));
  }

  /** Current data; recent enough (≤ MIN_REFRESH_INTERVAL_MS old) answers are reused. */
  async data(): Promise<DashboardData> {
    if (this.latest !== undefined && this.now() - this.latest.generatedAt < MIN_REFRESH_INTERVAL_MS) {
      return this.latest;
    }
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async refresh(): Promise<DashboardData> {
    const now = this.now();
    const [kinds, usage] = await Promise.all([
      Promise.all(this.collectors.map((collector) => collector.refresh(this.redis, now))),
      this.usage === undefined ? null : this.usage(),
    ]);
    const capacity = this.pools === undefined ? null : this.pools();
    this.latest = { generatedAt: now, delayResolutionMs: 1000, kinds, capacity, usage };
    return this.latest;
  }
}

function verificationSample(id: StreamId, raw: FlatFields): VerificationSample {
  const entry = decodeVerificationEntry(decodeFields(raw));
  const number = (name: keyof VerificationEntry): number => Number(entry?.[name] ?? 0) || 0;
  return {
    t: number("finishedAt") || streamIdMs(id),
    missing: number("missing"),
    extra: number("extra"),
    stale: number("stale"),
    durationMs: number("durationMs"),
    objects: number("count"),
  };
}

function metadataOf(objectJson: string | undefined): Record<string, unknown> | undefined {
  if (objectJson === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(objectJson);
    const metadata: unknown =
      typeof parsed === "object" && parsed !== null ? (parsed as { metadata?: unknown }).metadata : undefined;
    return typeof metadata === "object" && metadata !== null
      ? (metadata as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function numberOrNull(value: string | undefined): number | null {
  const parsed = Number(value);
  return value === undefined || value === "" || !Number.isFinite(parsed) ? null : parsed;
}

function ageOrNull(sinceMs: string | undefined, now: number): number | null {
  const since = numberOrNull(sinceMs);
  return since === null ? null : now - since;
}
