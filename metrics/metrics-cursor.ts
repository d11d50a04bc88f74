/**
 * The exporter's read positions, persisted so a restart neither double counts nor skips.
 * One hash per kind, `<prefix>:{<kind id>}:metrics-cursor` (the kind's hash tag keeps it in
 * the kind's Cluster slot), field per stream (`events`, `verifications`) → last stream id
 * whose point is done. Written only by the metrics exporter.
 *
 * Delivery is at-least-once: a crash between writing points and saving the cursor re-reads
 * some entries, which rewrite identical points (timestamps come from stream ids).
 */
import type { KindSpec } from "../core/kinds.js";
import type { RedisConnection } from "../core/redis-connection.js";
import { KEY_PREFIX } from "../core/redis-keys.js";
import { RedisScript } from "../core/redis-script.js";
import { STREAM_START, type StreamId } from "../core/stream-id.js";
import type { PointOrigin } from "./point-buffer.js";

export const EVENTS_CURSOR_FIELD = "events";
export const VERIFICATIONS_CURSOR_FIELD = "verifications";

export function metricsCursorKey(kind: Pick<KindSpec, "id">, prefix = KEY_PREFIX): string {
  return `${prefix}:{${kind.id}}:metrics-cursor`;
}

/** Where reading resumes; a stream never read before starts at `STREAM_START` (all it still holds). */
export interface StreamCursors {
  readonly events: StreamId;
  readonly verifications: StreamId;
}

export async function loadCursors(redis: RedisConnection, cursorKey: string): Promise<StreamCursors> {
  const [events, verifications] = await redis.hmget(
    cursorKey,
    EVENTS_CURSOR_FIELD,
    VERIFICATIONS_CURSOR_FIELD,
  );
  return { events: events ?? STREAM_START, verifications: verifications ?? STREAM_START };
}

/**
 * Saves cursors, never moving one backwards (a stale save racing a newer one must not
 * rewind it). One small Lua script per cursor keeps the compare-and-set atomic.
 */
export async function saveCursors(redis: RedisConnection, origins: readonly PointOrigin[]): Promise<void> {
  await Promise.all(
    origins.map((origin) => SAVE_IF_NEWER.run(redis, [origin.cursorKey], [origin.stream, origin.id])),
  );
}

const SAVE_IF_NEWER = new RedisScript(`
local current = redis.call('HGET', KEYS[1], ARGV[1])
local function parse(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end
if current then
  local cms, cseq = parse(current)
  local nms, nseq = parse(ARGV[2])
  if cms and nms and (cms > nms or (cms == nms and cseq >= nseq)) then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`);
