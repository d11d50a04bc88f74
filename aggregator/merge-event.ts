/**
 * The merge rule for one watch event (docs/merge-rules.md), per object by uid and integer
 * resourceVersion:
 * - an event applies only if it is newer than what the state holds for the key, newer
 *   than the key's tombstone, and — for a key the state does not hold — newer than the last
 *   verified snapshot (which proved the object absent at its resourceVersion);
 * - DELETED removes the object and leaves a tombstone, so nothing older brings it back;
 * - an object with a new uid under the same key replaces the old one (recreation).
 */
import type { IncomingEvent, MergeView, StateOp } from "./merge-types.js";

export function mergeEvent(view: MergeView, event: IncomingEvent): StateOp[] {
  const { key, uid, rv, json } = event.object;
  const current = view.entry(key);
  const tombstone = view.tombstone(key);
  if (current !== undefined && rv <= current.rv) return [];
  if (current === undefined) {
    if (tombstone !== undefined && rv <= tombstone.rv) return [];
    if (view.verifiedRv !== undefined && rv <= view.verifiedRv) return [];
  }
  const ops: StateOp[] = [];
  if (event.type === "DELETED") {
    if (current !== undefined) {
      ops.push(
        current.uid === uid
          ? { op: "remove", key, uid, rv, json }
          : { op: "remove", key, uid: current.uid, rv },
      );
    }
    ops.push({ op: "tombstone", key, tombstone: { uid, rv, deletedAt: event.observedAt } });
    return ops;
  }
  if (current !== undefined && current.uid !== uid) {
    ops.push({ op: "remove", key, uid: current.uid, rv });
  }
  const change = current !== undefined && current.uid === uid ? "MODIFIED" : "ADDED";
  ops.push({ op: "put", key, uid, rv, json, change });
  if (tombstone !== undefined) ops.push({ op: "clearTombstone", key });
  return ops;
}
