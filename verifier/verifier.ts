/**
 * The verifier loop for one kind: every `verifyIntervalMs` a paginated LIST (restarted on
 * an expired continue token) is swapped in atomically as the verified snapshot. The
 * aggregator merges it and records the drift it reveals. When `verified-meta` is missing
 * (first start, or Redis flushed or restarted empty) it verifies at once instead of
 * waiting for the interval, because the aggregator cannot rebuild without a snapshot.
 */
import { Backoff, sleep as defaultSleep, type Sleep } from "../core/backoff.js";
import type { KindSpec } from "../core/kinds.js";
import type { ListPagesOptions, ListResult } from "../core/kube-list.js";
import type { Logger } from "../core/logger.js";
import type { ProblemSink } from "../core/problem-sink.js";
import type { SwapResult } from "../core/snapshot-writer.js";
import type { KubeObject } from "../core/object-key.js";

/** How often the loop checks that `verified-meta` still exists between verifications. */
export const SNAPSHOT_CHECK_MS = 1000;

/** A snapshot being written (core/snapshot-writer.ts `StagedSnapshot`). */
export interface VerifierSnapshotStaging {
  add(objects: readonly KubeObject[]): Promise<void>;
  discard(): Promise<void>;
  commit(resourceVersion: string): Promise<SwapResult>;
}

export interface VerifierLoopOptions {
  readonly kind: KindSpec;
  /** Paginated LIST of the kind (core/kube-list.ts `listPages` bound to the cluster). */
  readonly list: (options: Omit<ListPagesOptions, "kubeConfig" | "kind">) => Promise<ListResult>;
  /** Starts a snapshot with `source` "verifier". */
  readonly beginSnapshot: () => VerifierSnapshotStaging;
  /** Whether `verified-meta` exists (false after a flush: verify at once). */
  readonly snapshotExists: () => Promise<boolean>;
  readonly logger: Logger;
  readonly verifyIntervalMs: number;
  /** Told of each failure and success, to report cluster problems once for all kinds. */
  readonly problems?: ProblemSink;
  readonly backoff?: Backoff;
  readonly sleep?: Sleep;
  readonly now?: () => number;
}

export class VerifierLoop {
  private readonly backoff: Backoff;
  private readonly sleep: Sleep;
  private readonly now: () => number;
  /** Verifications completed (swapped or superseded). */
  verifications = 0;

  constructor(private readonly options: VerifierLoopOptions) {
    this.backoff = options.backoff ?? new Backoff();
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? Date.now;
  }

  async run(signal: AbortSignal): Promise<void> {
    let nextAt = this.now() + this.options.verifyIntervalMs;
    while (!signal.aborted) {
      try {
        const due = this.now() >= nextAt || !(await this.options.snapshotExists());
        if (due && !signal.aborted) {
          await this.verifyOnce(signal);
          this.options.problems?.succeeded(this.options.kind.id);
          this.backoff.reset();
          nextAt = this.now() + this.options.verifyIntervalMs;
        }
      } catch (error) {
        if (signal.aborted) break;
        const delayMs = this.backoff.nextDelayMs();
        const reported = this.options.problems?.failed(this.options.kind.id, error) === true;
        this.options.logger[reported ? "debug" : "warn"](
          { err: error, delayMs },
          "verification failed; retrying",
        );
        nextAt = this.now() + delayMs;
      }
      await this.sleep(Math.max(0, Math.min(SNAPSHOT_CHECK_MS, nextAt - this.now())), signal);
    }
  }

  /** One paginated LIST swapped in as the verified snapshot. */
  async verifyOnce(signal?: AbortSignal): Promise<void> {
    const staged = this.options.beginSnapshot();
    try {
      const result = await this.options.list({
        ...(signal !== undefined ? { signal } : {}),
        onPage: (objects) => staged.add(objects),
        onRestart: async () => {
          this.options.logger.info("continue token expired; restarting the list");
          await staged.discard();
        },
      });
      const swap = await staged.commit(result.resourceVersion);
      this.verifications += 1;
      this.options.logger.debug(
        { resourceVersion: result.resourceVersion, count: result.count, ...swap },
        "verified",
      );
    } catch (error) {
      await staged.discard().catch(() => undefined);
      throw error;
    }
  }
}
