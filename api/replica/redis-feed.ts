/**
 * Keeps a `KindReplica` in step with Redis: one consistent load (MULTI of `state`,
 * `state-meta` and the last `changes` id), then XREAD BLOCK on `changes` from that id on a
 * connection of its own. It reloads on RESET, on an epoch change, and when the feed lost
 * entries it had not read yet (trimmed past its position, or the stream vanished with a
 * flushed Redis). While Redis is unreachable the replica keeps its last state; `health`
 * tells readers since when it is stale.
 */
import type { KindSpec } from "../../core/kinds.js";
import type { Logger } from "../../core/logger.js";
import { FeedFollower, type FeedSource } from "../../core/feed-follower.js";
import { feedHasGap } from "../../core/feed-gap.js";
import type { RedisConnection } from "../../core/redis-connection.js";
import { reportRedisErrors } from "../../core/redis-health.js";
import { kindKeys, type KindKeys } from "../../core/redis-keys.js";
import type { FeedChange, KindReplica } from "./kind-replica.js";
import { asHash, pipelineReplies, replyValue } from "../../core/pipeline-results.js";
import { decodeChangeAt } from "../../core/record-codecs.js";
import { decodeFields, entriesOf, type RawStreamEntry } from "../../core/stream-entry.js";
import { STREAM_START, type StreamId } from "../../core/stream-id.js";

/** XREAD BLOCK timeout: also how often an idle feed refreshes `state-meta` (freshness fields). */
export const DEFAULT_BLOCK_MS = 1_000;
/** Entries per XREAD: large enough to catch up fast, small enough to keep event-loop pauses short. */
export const DEFAULT_BATCH_SIZE = 1_000;
/** Minimum spacing of `state-meta` refresh + feed integrity checks while changes flow. */
export const DEFAULT_CHECK_INTERVAL_MS = 1_000;

export interface ReplicaFeedOptions extends FeedSource {
  readonly kind: KindSpec;
  readonly replica: KindReplica;
  readonly keyPrefix?: string;
  readonly logger: Logger;
  readonly blockMs?: number;
  readonly batchSize?: number;
  readonly checkIntervalMs?: number;
}

/** How current the replica is, for freshness headers and /status. */
export interface FeedHealth {
  /** True while Redis is unreachable or the kind's state is missing from it. */
  readonly stale: boolean;
  /** Since when (ms) the replica could not follow Redis; undefined when not stale. */
  readonly staleSince: number | undefined;
  /** Last time (ms) a read of the feed completed. */
  readonly lastSyncAt: number | undefined;
}

export class ReplicaFeed {
  private readonly keys: KindKeys;
  private readonly feed: FeedFollower;
  private readonly command: RedisConnection;
  private readonly blocking: RedisConnection;
  private readonly now: () => number;
  private needLoad = true;
  private forceCheck = false;
  private lastCheckAt = 0;
  private disconnectedSince: number | undefined;
  private sourceLostSince: number | undefined;
  private lastSyncAt: number | undefined;

  constructor(private readonly options: ReplicaFeedOptions) {
    this.keys = kindKeys(options.kind, options.keyPrefix);
    this.now = options.now ?? Date.now;
    const logger = options.logger.child({ kind: options.kind.id });
    this.feed = new FeedFollower({
      ...options,
      names: { command: `krm-api-${options.kind.id}`, blocking: `krm-api-feed-${options.kind.id}` },
      logger,
      what: "replica feed",
      step: (signal) => this.step(signal),
      idleMs: options.checkIntervalMs ?? DEFAULT_CHECK_INTERVAL_MS,
    });
    this.command = this.feed.command;
    this.blocking = this.feed.blocking;
    // The command connection's errors are logged (once per outage); both feed health below.
    reportRedisErrors(this.command, logger);
    for (const connection of [this.command, this.blocking]) {
      connection.on("close", () => {
        this.disconnectedSince ??= this.now();
      });
      connection.on("ready", () => {
        if (this.command.status === "ready" && this.blocking.status === "ready")
          this.disconnectedSince = undefined;
        this.forceCheck = true;
      });
    }
  }

  get health(): FeedHealth {
    const since = minDefined(this.disconnectedSince, this.sourceLostSince);
    return { stale: since !== undefined, staleSince: since, lastSyncAt: this.lastSyncAt };
  }

  start(): void {
    this.feed.start();
  }

  async stop(): Promise<void> {
    await this.feed.stop();
  }

  /** Loads when it must, then reads one batch and applies it (unless the check asks for a reload). */
  private async step(signal: AbortSignal): Promise<"followed" | "idle"> {
    if (this.needLoad && !(await this.load())) return "idle";
    const before = this.options.replica.position;
    const batch = await this.read();
    if (signal.aborted) return "followed";
    this.lastSyncAt = this.now();
    // Check before applying: entries trimmed after `before` mean this batch has a gap.
    const full = batch.length >= (this.options.batchSize ?? DEFAULT_BATCH_SIZE);
    if (full || this.forceCheck || this.checkDue()) await this.check(before);
    if (this.needLoad) return "followed";
    for (const change of batch) {
      if (this.options.replica.apply(change) === "reload") {
        this.needLoad = true;
        break;
      }
    }
    return "followed";
  }

  /** One consistent read of the kind; false when the aggregator has not written it yet. */
  private async load(): Promise<boolean> {
    const started = this.now();
    const results = await this.command
      .multi()
      // Buffers, not strings: the whole state as V8 strings would set the heap's size for good.
      .hgetallBuffer(this.keys.state)
      .hgetall(this.keys.stateMeta)
      .xrevrange(this.keys.changes, "+", "-", "COUNT", 1)
      .xinfo("STREAM", this.keys.changes)
      .exec();
    const [stateReply, metaReply, lastReply, infoReply] = pipelineReplies(results, 4);
    const state = replyValue(stateReply) as Record<string, Buffer>;
    const meta = asHash(replyValue(metaReply));
    const last = replyValue(lastReply) as RawStreamEntry[];
    // XINFO fails when the stream does not exist yet; then every later entry is new.
    const info = infoReply?.ok === true ? decodeFields(infoReply.value) : new Map<string, string>();
    if (meta["epoch"] === undefined) {
      this.sourceLostSince ??= this.options.replica.loaded ? this.now() : undefined;
      return false;
    }
    // An existing but empty stream: resume after its last generated id, so entries trimmed
    // before this load are not mistaken for a gap.
    const position = last[0]?.[0] ?? info.get("last-generated-id") ?? STREAM_START;
    this.options.replica.load({ state, meta, position });
    this.needLoad = false;
    this.sourceLostSince = undefined;
    this.lastCheckAt = this.now();
    this.forceCheck = false;
    this.options.logger.info(
      { kind: this.options.kind.id, objects: this.options.replica.size, position, ms: this.now() - started },
      "replica loaded",
    );
    return true;
  }

  private async read(): Promise<FeedChange[]> {
    const reply = await this.blocking.xread(
      "COUNT",
      this.options.batchSize ?? DEFAULT_BATCH_SIZE,
      "BLOCK",
      this.options.blockMs ?? DEFAULT_BLOCK_MS,
      "STREAMS",
      this.keys.changes,
      this.options.replica.position,
    );
    return entriesOf(reply).map(([id, fields]): FeedChange => decodeChangeAt(id, fields));
  }

  private checkDue(): boolean {
    return this.now() - this.lastCheckAt >= (this.options.checkIntervalMs ?? DEFAULT_CHECK_INTERVAL_MS);
  }

  /** Refreshes freshness fields and reloads when the feed can no longer be followed exactly. */
  private async check(position: StreamId): Promise<void> {
    this.lastCheckAt = this.now();
    this.forceCheck = false;
    const results = await this.command
      .multi()
      .hgetall(this.keys.stateMeta)
      .xinfo("STREAM", this.keys.changes)
      .exec();
    const [metaReply, infoReply] = pipelineReplies(results, 2);
    const meta = asHash(replyValue(metaReply));
    if (meta["epoch"] === undefined) {
      // Redis lost the kind (flushed): keep serving the last state, stale, until the aggregator rebuilds it.
      this.sourceLostSince ??= this.now();
      this.needLoad = true;
      return;
    }
    if (this.options.replica.updateMeta(meta) === "reload") {
      this.needLoad = true;
      return;
    }
    if (infoReply?.ok !== true) {
      // No stream: fine before any change was read; otherwise it vanished under us.
      if (position !== STREAM_START) this.needLoad = true;
      return;
    }
    if (feedHasGap(decodeFields(infoReply.value), position)) {
      this.options.logger.warn(
        { kind: this.options.kind.id, position },
        "change feed trimmed or recreated past the replica; reloading",
      );
      this.needLoad = true;
    }
  }
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
