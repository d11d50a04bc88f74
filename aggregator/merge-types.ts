/**
 * The narrow, in-memory view of the aggregated state that the merge rules read, and the
 * operations they emit. The merge functions are pure: they never mutate the view; the
 * caller applies the returned ops to its index and writes them to its store.
 */
import type { WatchEventType } from "../core/records.js";

/** What the merge needs to know about an object the state holds. */
export interface IndexEntry {
  readonly uid: string;
  readonly rv: bigint;
}

/** A deletion the state has seen (see `Tombstone` in core/records.ts). */
export interface TombstoneEntry {
  readonly uid: string;
  readonly rv: bigint;
  readonly deletedAt: number;
}

export interface MergeView {
  entry(key: string): IndexEntry | undefined;
  tombstone(key: string): TombstoneEntry | undefined;
  entries(): Iterable<readonly [string, IndexEntry]>;
  tombstones(): Iterable<readonly [string, TombstoneEntry]>;
  /**
   * resourceVersion of the last merged snapshot, undefined before the first. An object
   * absent from both state and tombstones did not exist at this resourceVersion.
   */
  readonly verifiedRv: bigint | undefined;
}

/** An object as received, with the fields the merge compares. */
export interface ObservedObject {
  readonly key: string;
  readonly uid: string;
  readonly rv: bigint;
  /** The object JSON as krm stores and serves it. */
  readonly json: string;
}

export interface IncomingEvent {
  readonly type: WatchEventType;
  readonly object: ObservedObject;
  /** When the streamer received it (ms). */
  readonly observedAt: number;
}

export interface IncomingSnapshot {
  readonly rv: bigint;
  readonly objects: ReadonlyMap<string, ObservedObject>;
}

/**
 * A snapshot as its index describes it: what the merge rules compare, without bodies.
 * An `IncomingSnapshot` is one too.
 */
export interface SnapshotIndex {
  readonly rv: bigint;
  readonly objects: ReadonlyMap<string, IndexEntry>;
}

/**
 * One change to the state. Ops are applied in order; each `put`/`remove` becomes one
 * entry of the change feed.
 */
export type StateOp =
  | {
      readonly op: "put";
      readonly key: string;
      readonly uid: string;
      readonly rv: bigint;
      readonly json: string;
      readonly change: "ADDED" | "MODIFIED";
    }
  | {
      readonly op: "remove";
      readonly key: string;
      /** uid of the object removed. */
      readonly uid: string;
      /** resourceVersion of the deletion (or of the snapshot that proved it). */
      readonly rv: bigint;
      /** Last known object JSON when the merge has it; otherwise the store supplies it. */
      readonly json?: string;
    }
  | { readonly op: "tombstone"; readonly key: string; readonly tombstone: TombstoneEntry }
  | { readonly op: "clearTombstone"; readonly key: string };

/** How wrong the state was when a snapshot arrived (see `VerificationEntry`). */
export interface Drift {
  readonly missing: number;
  readonly extra: number;
  readonly stale: number;
}
