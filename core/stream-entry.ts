/**
 * Stream entries and flat field lists as ioredis returns them. Redis replies with a
 * hash-like record as one flat `[field, value, field, value, …]` list (stream entries,
 * XINFO STREAM); this is the one decoder of that shape.
 */
import type { StreamId } from "./stream-id.js";

/** Fields of a stream entry as Redis returns them: a flat `[field, value, …]` list. */
export type FlatFields = readonly string[];

/** One stream entry: `[id, [field, value, …]]`. */
export type RawStreamEntry = [id: StreamId, fields: string[]];

/** An XREAD reply: per stream read, its entries; null when BLOCK timed out. */
export type XReadReply = [stream: string, entries: RawStreamEntry[]][] | null;

/**
 * The fields of a flat list as a map. A trailing field without a value is dropped; values
 * that Redis returns as integers (XINFO's `length`, `entries-added`) become decimal strings;
 * anything else that is not a string (nested replies) is skipped. Anything but an array
 * gives an empty map.
 */
export function decodeFields(flat: unknown): Map<string, string> {
  const fields = new Map<string, string>();
  if (!Array.isArray(flat)) return fields;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name: unknown = flat[i];
    const value: unknown = flat[i + 1];
    if (typeof name === "string" && (typeof value === "string" || typeof value === "number"))
      fields.set(name, String(value));
  }
  return fields;
}

/** The entries XREAD returned for `stream` (none when it timed out or did not include it). */
export function entriesOf(reply: XReadReply, stream?: string): RawStreamEntry[] {
  if (reply === null) return [];
  if (stream === undefined) return reply[0]?.[1] ?? [];
  return reply.find(([name]) => name === stream)?.[1] ?? [];
}
