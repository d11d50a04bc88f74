/**
 * The loop every follower of a kind's change feed shares (the API's replicas,
 * api/replica/redis-feed.ts, and the usage ledger, usage/ledger/ledger-follower.ts): two
 * connections of its own, a command one and one for XREAD BLOCK (a blocked read occupies its
 * connection), and a step run again and again from `start` until `stop`. A failed step is
 * logged and retried after a capped backoff; the follower decides what a step loads and reads.
 */
import { Backoff, sleep, type Sleep } from "./backoff.js";
import type { Logger } from "./logger.js";
import { createRedis, type RedisConnection } from "./redis-connection.js";

/** Retry pacing after a failed step (Redis errors other than disconnects). */
export const FEED_RETRY_INITIAL_MS = 200;
export const FEED_RETRY_CAP_MS = 5_000;

/**
 * One round of a follower: (re)load when it must, then read and apply a batch. "idle" when
 * there is nothing to follow yet (e.g. the aggregator has not written the kind): the loop
 * waits `idleMs` before the next round.
 */
export type FeedStep = (signal: AbortSignal) => Promise<"followed" | "idle">;

/** What a follower's owner passes on as it was given: where Redis is, and the test seams. */
export interface FeedSource {
  readonly redisUrl: string;
  readonly now?: () => number;
  readonly sleep?: Sleep;
  /** Opens a connection; default `createRedis`. */
  readonly connect?: (url: string, name: string) => RedisConnection;
}

export interface FeedFollowerOptions extends FeedSource {
  /** Client names of the two connections, as CLIENT LIST shows them. */
  readonly names: { readonly command: string; readonly blocking: string };
  /** Logs failed steps; bind the kind to it. */
  readonly logger: Logger;
  /** What failed, for the log line (e.g. "replica feed"). */
  readonly what: string;
  readonly step: FeedStep;
  /** Wait after an "idle" step. */
  readonly idleMs: number;
}

export class FeedFollower {
  readonly command: RedisConnection;
  readonly blocking: RedisConnection;
  private readonly stopController = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly options: FeedFollowerOptions) {
    const connect = options.connect ?? createRedis;
    this.command = connect(options.redisUrl, options.names.command);
    this.blocking = connect(options.redisUrl, options.names.blocking);
    // Outages surface through failed steps (and whatever the owner reports): no unhandled errors.
    for (const connection of [this.command, this.blocking]) connection.on("error", () => undefined);
  }

  /** Aborted once `stop` was called. */
  get signal(): AbortSignal {
    return this.stopController.signal;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    if (this.stopController.signal.aborted) return;
    this.stopController.abort();
    // Disconnecting first rejects a read or load queued while Redis is down, so the loop ends.
    this.blocking.disconnect();
    this.command.disconnect();
    await this.loop;
  }

  private async run(): Promise<void> {
    const now = this.options.now ?? Date.now;
    const pause = this.options.sleep ?? sleep;
    const backoff = new Backoff({ initialMs: FEED_RETRY_INITIAL_MS, capMs: FEED_RETRY_CAP_MS, now });
    const signal = this.stopController.signal;
    while (!signal.aborted) {
      try {
        if ((await this.options.step(signal)) === "idle") {
          await pause(this.options.idleMs, signal);
          continue;
        }
        backoff.reset();
      } catch (error) {
        if (signal.aborted) break;
        this.options.logger.warn({ err: error }, `${this.options.what} failed; retrying`);
        await pause(backoff.nextDelayMs(), signal);
      }
    }
  }
}
