/**
 * The merge rule for a verified snapshot at resourceVersion V (design.md §2):
 * - objects in the state but not in the snapshot with resourceVersion ≤ V were deleted
 *   behind the stream's back: removed ("extra");
 * - objects in the state newer than the snapshot's copy (or than V) are kept;
 * - objects the state holds older than the snapshot's copy are replaced ("stale"), a
 *   different uid meaning the object was recreated;
 * - objects in the snapshot but not in the state are added ("missing") unless a tombstone
 *   at least as new says they were deleted since;
 * - tombstones at or below V are pruned: the snapshot now proves those objects absent.
 * The caller must not merge a snapshot older than the last merged one.
 */
import type { Drift, IncomingSnapshot, MergeView, StateOp } from "./merge-types.js";

export interface SnapshotMerge {
  readonly ops: StateOp[];
  readonly drift: Drift;
}

export function mergeSnapshot(view: MergeView, snapshot: IncomingSnapshot): SnapshotMerge {
  const ops: StateOp[] = [];
  let missing = 0;
  let extra = 0;
  let stale = 0;
  for (const [key, current] of view.entries()) {
    if (!snapshot.objects.has(key) && current.rv <= snapshot.rv) {
      ops.push({ op: "remove", key, uid: current.uid, rv: snapshot.rv });
      extra += 1;
    }
  }
  const clearedTombstones = new Set<string>();
  for (const [key, listed] of snapshot.objects) {
    const current = view.entry(key);
    if (current !== undefined) {
      if (listed.rv <= current.rv) continue;
      stale += 1;
      if (current.uid !== listed.uid) ops.push({ op: "remove", key, uid: current.uid, rv: listed.rv });
      const change = current.uid === listed.uid ? "MODIFIED" : "ADDED";
      ops.push({ op: "put", key, uid: listed.uid, rv: listed.rv, json: listed.json, change });
      continue;
    }
    const tombstone = view.tombstone(key);
    if (tombstone !== undefined && tombstone.rv >= listed.rv) continue;
    missing += 1;
    ops.push({ op: "put", key, uid: listed.uid, rv: listed.rv, json: listed.json, change: "ADDED" });
    if (tombstone !== undefined) {
      ops.push({ op: "clearTombstone", key });
      clearedTombstones.add(key);
    }
  }
  for (const [key, tombstone] of view.tombstones()) {
    if (tombstone.rv <= snapshot.rv && !clearedTombstones.has(key)) ops.push({ op: "clearTombstone", key });
  }
  return { ops, drift: { missing, extra, stale } };
}
