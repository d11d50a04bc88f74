/**
 * Follows one kind's change feed (pods or persistentvolumeclaims) into the ledger: XREAD a
 * batch, turn each change into an observation, apply the batch and the new feed position
 * with one script call (ledger-script.ts). It resumes from the position stored in Redis, so a
 * restart continues where the last writer stopped.
 *
 * When the feed cannot be followed exactly (no stored position, an epoch change or RESET, or
 * entries trimmed past the position, e.g. after krm was down), it reconciles with the kind's
 * state instead: every object in the state is observed, and every object the ledger holds
 * open that the state no longer has is closed at the time of the reconciliation (its end was
 * missed: see usage/README.md for the bound this gives).
 */
import { FeedFollower, type FeedSource } from "../../core/feed-follower.js";
import { feedHasGap } from "../../core/feed-gap.js";
import { pipelineReplies, replyValue } from "../../core/pipeline-results.js";
import { decodeChangeAt } from "../../core/record-codecs.js";
import { decodeFields, entriesOf, type RawStreamEntry } from "../../core/stream-entry.js";
import { STREAM_START, streamIdMs, type StreamId } from "../../core/stream-id.js";
import type { KindSpec } from "../../core/kinds.js";
import type { Logger } from "../../core/logger.js";
import type { WatchEventType } from "../../core/records.js";
import type { RedisConnection } from "../../core/redis-connection.js";
import { kindKeys, ledgerKeys, type KindKeys, type LedgerKeys } from "../../core/redis-keys.js";
import { applyObservations, MAX_OBSERVATIONS_PER_CALL } from "./ledger-script.js";
import type { Observation } from "./observation.js";

/** XREAD BLOCK timeout: how often an idle follower checks it should stop. */
export const DEFAULT_BLOCK_MS = 1_000;
/** Changes per batch, i.e. per script call. */
export const DEFAULT_BATCH_SIZE = 1_000;
/** State entries read per HSCAN page while reconciling. */
const RECONCILE_PAGE = 500;
/** Integrity check (trimmed feed, epoch) at least this often while changes flow. */
const CHECK_INTERVAL_MS = 5_000;

/** Maps one change of the kind to an observation (undefined: nothing to account, e.g. no uid). */
export type Observe = (
  type: WatchEventType,
  rv: string,
  object: unknown,
  at: number,
) => Observation | undefined;

export interface LedgerFollowerOptions extends FeedSource {
  readonly kind: KindSpec;
  readonly observe: Observe;
  readonly keyPrefix?: string;
  readonly logger: Logger;
  readonly retentionMs?: number;
  readonly blockMs?: number;
  readonly batchSize?: number;
}

export interface FollowerStats {
  /** Changes read from the feed. */
  readonly changes: number;
  /** Script calls made (each one Redis round trip). */
  readonly writes: number;
  /** Observations that were new (not replays). */
  readonly applied: number;
  readonly reconciliations: number;
}

export class LedgerFollower {
  private readonly kindKeys: KindKeys;
  private readonly keys: LedgerKeys;
  private readonly feed: FeedFollower;
  private readonly command: RedisConnection;
  private readonly blocking: RedisConnection;
  private readonly now: () => number;
  private position: StreamId = STREAM_START;
  private epoch = "";
  private needLoad = true;
  /** Set when the stored position cannot be trusted (RESET, epoch change, gap): reconcile instead of resuming. */
  private mustReconcile = false;
  private lastCheckAt = 0;
  private counters = { changes: 0, writes: 0, applied: 0, reconciliations: 0 };

  constructor(private readonly options: LedgerFollowerOptions) {
    this.kindKeys = kindKeys(options.kind, options.keyPrefix);
    this.keys = ledgerKeys(options.keyPrefix);
    this.now = options.now ?? Date.now;
    this.feed = new FeedFollower({
      ...options,
      names: { command: `krm-ledger-${options.kind.id}`, blocking: `krm-ledger-feed-${options.kind.id}` },
      logger: options.logger.child({ kind: options.kind.id }),
      what: "ledger follower",
      step: (signal) => this.step(signal),
      idleMs: options.blockMs ?? DEFAULT_BLOCK_MS,
    });
    this.command = this.feed.command;
    this.blocking = this.feed.blocking;
  }

  get stats(): FollowerStats {
    return { ...this.counters };
  }

  /** The feed position applied so far (for tests and /status). */
  get cursor(): StreamId {
    return this.position;
  }

  start(): void {
    this.feed.start();
  }

  async stop(): Promise<void> {
    await this.feed.stop();
  }

  private async step(signal: AbortSignal): Promise<"followed" | "idle"> {
    if (this.needLoad && !(await this.resumeOrReconcile())) return "idle";
    await this.followOnce(signal);
    return "followed";
  }

  /** Reads one batch and applies it; flags a reload when the feed can no longer be followed. */
  private async followOnce(signal: AbortSignal): Promise<void> {
    const batchSize = this.options.batchSize ?? DEFAULT_BATCH_SIZE;
    const before = this.position;
    const reply = await this.blocking.xread(
      "COUNT",
      batchSize,
      "BLOCK",
      this.options.blockMs ?? DEFAULT_BLOCK_MS,
      "STREAMS",
      this.kindKeys.changes,
      before,
    );
    if (signal.aborted) return;
    const entries = entriesOf(reply, this.kindKeys.changes);
    if (entries.length >= batchSize || this.now() - this.lastCheckAt >= CHECK_INTERVAL_MS) {
      if (await this.lostSince(before)) return;
    }
    const observations: Observation[] = [];
    let last = before;
    for (const [id, fields] of entries) {
      const change = decodeChangeAt(id, fields);
      if (change.type === "RESET" || change.epoch !== this.epoch) {
        this.needLoad = true;
        this.mustReconcile = true;
        break;
      }
      last = id;
      const observation = this.observeJson(change.type, change.rv, change.object, streamIdMs(id));
      if (observation !== undefined) observations.push(observation);
    }
    this.counters.changes += entries.length;
    if (last === before) return;
    await this.write(observations, last);
    this.position = last;
  }

  /** True (and a reload flagged) when the feed lost entries after `position` or changed epoch. */
  private async lostSince(position: StreamId): Promise<boolean> {
    this.lastCheckAt = this.now();
    const results = await this.command
      .multi()
      .hget(this.kindKeys.stateMeta, "epoch")
      .xinfo("STREAM", this.kindKeys.changes)
      .exec();
    const [epochReply, infoReply] = pipelineReplies(results, 2);
    const epoch = replyValue(epochReply);
    const info = infoReply?.ok === true ? decodeFields(infoReply.value) : undefined;
    const lost = epoch !== this.epoch || (info !== undefined && feedHasGap(info, position));
    if (lost) {
      this.options.logger.warn(
        { kind: this.options.kind.id, position },
        "ledger: feed lost or reset; reconciling with the state",
      );
      this.needLoad = true;
    }
    return lost;
  }

  /**
   * Resumes from the stored position when it is still in the feed, else reconciles with the
   * state. False when the kind has no state yet (its aggregator has not run).
   */
  private async resumeOrReconcile(): Promise<boolean> {
    const kind = this.options.kind.id;
    const [stored, storedEpoch] = await this.command.hmget(this.keys.cursors, kind, `${kind}:epoch`);
    const results = await this.command
      .multi()
      .hmget(this.kindKeys.stateMeta, "epoch", "resourceVersion")
      .xrevrange(this.kindKeys.changes, "+", "-", "COUNT", 1)
      .xinfo("STREAM", this.kindKeys.changes)
      .exec();
    const [metaReply, lastReply, infoReply] = pipelineReplies(results, 3);
    const [epoch, stateRv] = replyValue(metaReply) as (string | null)[];
    if (epoch === null || epoch === undefined) return false;
    const info = infoReply?.ok === true ? decodeFields(infoReply.value) : new Map<string, string>();
    this.epoch = epoch;
    this.lastCheckAt = this.now();
    if (
      !this.mustReconcile &&
      stored !== null &&
      stored !== undefined &&
      storedEpoch === epoch &&
      !feedHasGap(info, stored)
    ) {
      this.position = stored;
      this.needLoad = false;
      return true;
    }
    const last = replyValue(lastReply) as RawStreamEntry[];
    const head = last[0]?.[0] ?? info.get("last-generated-id") ?? STREAM_START;
    await this.reconcile(stateRv ?? "0", head);
    this.position = head;
    this.needLoad = false;
    this.mustReconcile = false;
    return true;
  }

  /** Observes every object of the state, then closes what the ledger holds open but the state lacks. */
  private async reconcile(stateRv: string, head: StreamId): Promise<void> {
    const at = this.now();
    this.counters.reconciliations++;
    const seen = new Set<string>();
    let cursor = "0";
    do {
      const [next, flat] = await this.command.hscan(this.kindKeys.state, cursor, "COUNT", RECONCILE_PAGE);
      cursor = next;
      const observations: Observation[] = [];
      for (let i = 1; i < flat.length; i += 2) {
        const object = parseJson(flat[i] ?? "");
        const rv = resourceVersionOf(object);
        const observation = rv === undefined ? undefined : this.options.observe("ADDED", rv, object, at);
        if (observation === undefined) continue;
        seen.add(observation.uid);
        observations.push(observation);
      }
      await this.write(observations);
    } while (cursor !== "0");
    const gone: Observation[] = [];
    cursor = "0";
    do {
      const [next, flat] = await this.command.hscan(
        this.keys.objects(this.options.kind.id),
        cursor,
        "COUNT",
        RECONCILE_PAGE,
      );
      cursor = next;
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const uid = flat[i] ?? "";
        if (seen.has(uid) || !isOpenRecord(flat[i + 1] ?? "")) continue;
        gone.push({ uid, rv: stateRv, at, until: at });
      }
    } while (cursor !== "0");
    await this.write(gone, head);
    this.options.logger.info(
      { kind: this.options.kind.id, objects: seen.size, closed: gone.length, position: head },
      "ledger reconciled with the state",
    );
  }

  /** Applies observations in script-sized chunks; the feed position goes with the last chunk. */
  private async write(observations: readonly Observation[], position?: StreamId): Promise<void> {
    const chunks: Observation[][] = [];
    for (let i = 0; i < observations.length; i += MAX_OBSERVATIONS_PER_CALL)
      chunks.push(observations.slice(i, i + MAX_OBSERVATIONS_PER_CALL));
    if (chunks.length === 0 && position !== undefined) chunks.push([]);
    for (const [index, chunk] of chunks.entries()) {
      const last = index === chunks.length - 1;
      this.counters.applied += await applyObservations(this.command, this.keys, chunk, {
        kind: this.options.kind.id,
        ...(this.options.retentionMs !== undefined ? { retentionMs: this.options.retentionMs } : {}),
        ...(last && position !== undefined ? { position: { id: position, epoch: this.epoch } } : {}),
      });
      this.counters.writes++;
    }
  }

  private observeJson(type: WatchEventType, rv: string, json: string, at: number): Observation | undefined {
    const object = parseJson(json);
    return object === undefined ? undefined : this.options.observe(type, rv, object, at);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function resourceVersionOf(object: unknown): string | undefined {
  if (typeof object !== "object" || object === null) return undefined;
  const metadata = (object as { metadata?: { resourceVersion?: unknown } }).metadata;
  return typeof metadata?.resourceVersion === "string" ? metadata.resourceVersion : undefined;
}

function isOpenRecord(json: string): boolean {
  const record = parseJson(json);
  return typeof record === "object" && record !== null && (record as { o?: unknown }).o === 1;
}
