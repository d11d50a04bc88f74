/**
 * The storage the aggregator needs, as a narrow interface so the loop does not depend on
 * Redis details. Every write is atomic: a reader sees the state, tombstones, meta and the
 * change feed either before or after a commit, never in between.
 */
import type { StateMeta, VerificationEntry } from "../core/records.js";
import type { MemoryIndex } from "./memory-index.js";
import type { IncomingSnapshot, SnapshotIndex, StateOp } from "./merge-types.js";

/** The aggregator's position and bookkeeping, as kept in `state-meta` (all of it but the counts it derives). */
export type StatePosition = Omit<StateMeta, "objectCount" | "resourceVersion">;

export interface LoadedState {
  readonly index: MemoryIndex;
  readonly position: StatePosition;
}

/** A `remove` op whose last known object has been filled in. */
export type ResolvedOp =
  Exclude<StateOp, { op: "remove" }> | (Extract<StateOp, { op: "remove" }> & { json: string });

export interface CommitRequest {
  /** The commit applies only if the store is still at this position (else "conflict"). */
  readonly expected: Pick<StatePosition, "epoch" | "eventsCursor">;
  readonly ops: readonly ResolvedOp[];
  readonly position: StatePosition;
  readonly resourceVersion: string;
  readonly verification?: VerificationEntry;
}

export interface ResetRequest {
  readonly ops: readonly ResolvedOp[];
  readonly position: StatePosition;
  readonly resourceVersion: string;
  readonly verification?: VerificationEntry;
}

/** What `verified-meta` says about a snapshot. */
export interface SnapshotInfo {
  readonly rv: bigint;
  readonly generation: string;
  readonly finishedAt: string;
  readonly durationMs: string;
  readonly count: string;
}

export interface StoredSnapshot extends IncomingSnapshot, SnapshotInfo {}

/** A snapshot as its `verified-index` describes it (no object bodies). */
export interface StoredSnapshotIndex extends SnapshotIndex, SnapshotInfo {}

export interface StateStore {
  /** The stored state, or undefined when there is none (never built, or Redis was flushed). */
  load(): Promise<LoadedState | undefined>;
  /** Current epoch in the store; undefined when the state vanished. */
  epoch(): Promise<string | undefined>;
  /** Stored object JSON for keys (undefined where absent). */
  objects(keys: readonly string[]): Promise<(string | undefined)[]>;
  /** Applies ops and moves the position, atomically, if the store is still at `expected`. */
  commit(request: CommitRequest): Promise<"ok" | "conflict">;
  /** Replaces the whole state (new epoch) and publishes RESET on the change feed. */
  reset(request: ResetRequest): Promise<void>;
  /** The current verified snapshot, or undefined when there is none. */
  snapshot(): Promise<StoredSnapshot | undefined>;
  /**
   * The current verified snapshot's index, read atomically with its meta; undefined when
   * there is no snapshot or it has no valid index (then read `snapshot()` instead).
   */
  snapshotIndex(): Promise<StoredSnapshotIndex | undefined>;
  /**
   * Bodies of `keys` in the verified snapshot, provided it is still at `generation`
   * (undefined otherwise: it was superseded or vanished). Keys it lacks are left out.
   */
  snapshotObjects(generation: string, keys: readonly string[]): Promise<Map<string, string> | undefined>;
}
