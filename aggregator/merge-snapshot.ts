/**
 * The merge rule for a verified snapshot at resourceVersion V (docs/merge-rules.md):
 * - objects in the state but not in the snapshot with resourceVersion ≤ V were deleted
 *   behind the stream's back: removed ("extra");
 * - objects in the state newer than the snapshot's copy (or than V) are kept;
 * - objects the state holds older than the snapshot's copy are replaced ("stale"), a
 *   different uid meaning the object was recreated;
 * - objects in the snapshot but not in the state are added ("missing") unless a tombstone
 *   at least as new says they were deleted since;
 * - tombstones at or below V are pruned: the snapshot now proves those objects absent.
 * The caller must not merge a snapshot older than the last merged one.
 *
 * The rules need only each object's uid and resourceVersion, so they run on the snapshot's
 * index (`planSnapshotMerge`); bodies are needed only for the objects put, which the caller
 * fetches and fills in (`withBodies`). `mergeSnapshot` does both from a full snapshot.
 */
import type { Drift, IncomingSnapshot, MergeView, SnapshotIndex, StateOp } from "./merge-types.js";

type PutOp = Extract<StateOp, { op: "put" }>;

/** A merge op before bodies are known: puts lack their JSON. */
export type PlannedOp = Exclude<StateOp, PutOp> | Omit<PutOp, "json">;

export interface SnapshotMerge {
  readonly ops: StateOp[];
  readonly drift: Drift;
}

export interface SnapshotMergePlan {
  readonly ops: PlannedOp[];
  readonly drift: Drift;
  /** Keys whose bodies the puts need, in op order, without duplicates. */
  readonly bodiesNeeded: string[];
}

export function planSnapshotMerge(view: MergeView, snapshot: SnapshotIndex): SnapshotMergePlan {
  const ops: PlannedOp[] = [];
  const bodiesNeeded: string[] = [];
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
      ops.push({ op: "put", key, uid: listed.uid, rv: listed.rv, change });
      bodiesNeeded.push(key);
      continue;
    }
    const tombstone = view.tombstone(key);
    if (tombstone !== undefined && tombstone.rv >= listed.rv) continue;
    missing += 1;
    ops.push({ op: "put", key, uid: listed.uid, rv: listed.rv, change: "ADDED" });
    bodiesNeeded.push(key);
    if (tombstone !== undefined) {
      ops.push({ op: "clearTombstone", key });
      clearedTombstones.add(key);
    }
  }
  for (const [key, tombstone] of view.tombstones()) {
    if (tombstone.rv <= snapshot.rv && !clearedTombstones.has(key)) ops.push({ op: "clearTombstone", key });
  }
  return { ops, drift: { missing, extra, stale }, bodiesNeeded };
}

/**
 * The plan's ops with each put's JSON taken from `body`; undefined when a body is missing
 * (the snapshot changed under the caller).
 */
export function withBodies(
  plan: SnapshotMergePlan,
  body: (key: string) => string | undefined,
): SnapshotMerge | undefined {
  const ops: StateOp[] = [];
  for (const op of plan.ops) {
    if (op.op !== "put") {
      ops.push(op);
      continue;
    }
    const json = body(op.key);
    if (json === undefined) return undefined;
    ops.push({ ...op, json });
  }
  return { ops, drift: plan.drift };
}

export function mergeSnapshot(view: MergeView, snapshot: IncomingSnapshot): SnapshotMerge {
  const merged = withBodies(planSnapshotMerge(view, snapshot), (key) => snapshot.objects.get(key)?.json);
  // Every put comes from a listed object, which carries its JSON.
  if (merged === undefined) throw new Error("snapshot object without JSON");
  return merged;
}
