/**
 * Whether a follower of a kind's `changes` stream can still follow it exactly from its
 * position, judged from XINFO STREAM (decoded with `decodeFields`). The one rule for the
 * API's replicas (api/replica/redis-feed.ts) and the usage ledger (usage/ledger/ledger-follower.ts).
 */
import { compareStreamIds, isStreamId, STREAM_START, type StreamId } from "./stream-id.js";

/**
 * True when entries after `position` are no longer in the stream, or the stream is not the
 * one `position` came from. Trimming (XADD MAXLEN) removes from the head, so entries after
 * `position` are gone exactly when `position` itself is gone: the first entry is newer than it.
 * Before any entry was read (`0-0`), anything trimmed at all was unread.
 */
export function feedHasGap(info: ReadonlyMap<string, string>, position: StreamId): boolean {
  const known = (id: string | undefined): id is string => id !== undefined && isStreamId(id);
  const lastGenerated = info.get("last-generated-id");
  if (known(lastGenerated) && compareStreamIds(lastGenerated, position) < 0) return true;
  const maxDeleted = info.get("max-deleted-entry-id");
  if (known(maxDeleted) && compareStreamIds(maxDeleted, position) > 0) return true;
  if (position === STREAM_START) {
    const added = Number(info.get("entries-added") ?? "0");
    const length = Number(info.get("length") ?? "0");
    return added > length;
  }
  // Trimmed to empty (XTRIM MAXLEN 0 leaves max-deleted-entry-id at 0-0): whatever was
  // generated after `position` is gone.
  if (
    Number(info.get("length") ?? "0") === 0 &&
    known(lastGenerated) &&
    compareStreamIds(lastGenerated, position) > 0
  )
    return true;
  const first = info.get("recorded-first-entry-id");
  return (
    known(first) &&
    first !== STREAM_START &&
    Number(info.get("length") ?? "0") > 0 &&
    compareStreamIds(first, position) > 0
  );
}
