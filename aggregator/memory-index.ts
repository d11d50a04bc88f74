/**
 * The aggregator's in-memory index of the state: key -> (uid, resourceVersion) and the
 * tombstones. It is the `MergeView` the merge rules read and it mirrors what the store
 * holds; object JSON stays in Redis. Not thread-safe (the aggregator loop is its only user).
 */
import type { IndexEntry, MergeView, StateOp, TombstoneEntry } from "./merge-types.js";

export class MemoryIndex implements MergeView {
  private readonly objects = new Map<string, IndexEntry>();
  private readonly deleted = new Map<string, TombstoneEntry>();
  verifiedRv: bigint | undefined;
  /** Highest resourceVersion applied (events or snapshots); 0 when empty. */
  highestRv = 0n;

  entry(key: string): IndexEntry | undefined {
    return this.objects.get(key);
  }

  tombstone(key: string): TombstoneEntry | undefined {
    return this.deleted.get(key);
  }

  entries(): Iterable<readonly [string, IndexEntry]> {
    return this.objects.entries();
  }

  tombstones(): Iterable<readonly [string, TombstoneEntry]> {
    return this.deleted.entries();
  }

  get size(): number {
    return this.objects.size;
  }

  get tombstoneCount(): number {
    return this.deleted.size;
  }

  /** Applies ops in order, as the store will. */
  apply(ops: readonly StateOp[]): void {
    for (const op of ops) {
      switch (op.op) {
        case "put":
          this.objects.set(op.key, { uid: op.uid, rv: op.rv });
          this.noteRv(op.rv);
          break;
        case "remove":
          this.objects.delete(op.key);
          this.noteRv(op.rv);
          break;
        case "tombstone":
          this.deleted.set(op.key, op.tombstone);
          this.noteRv(op.tombstone.rv);
          break;
        case "clearTombstone":
          this.deleted.delete(op.key);
          break;
      }
    }
  }

  /** Records that a snapshot at `rv` was merged. */
  markVerified(rv: bigint): void {
    this.verifiedRv = this.verifiedRv === undefined || rv > this.verifiedRv ? rv : this.verifiedRv;
    this.noteRv(rv);
  }

  private noteRv(rv: bigint): void {
    if (rv > this.highestRv) this.highestRv = rv;
  }
}
