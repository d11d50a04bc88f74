/** Parses entries of the `events` stream (`EventEntry` in core/records.ts, decoded by core/record-codecs.ts). */
import { decodeEventEntry } from "../core/record-codecs.js";
import type { WatchEventType } from "../core/records.js";
import { tryParseResourceVersion } from "../core/resource-version.js";
import { decodeFields, type RawStreamEntry } from "../core/stream-entry.js";
import type { StreamId } from "../core/stream-id.js";

export type ParsedEventEntry =
  | {
      readonly id: StreamId;
      readonly type: WatchEventType;
      readonly observedAt: number;
      readonly object: string;
    }
  | { readonly id: StreamId; readonly type: "SNAPSHOT"; readonly rv: bigint; readonly generation: string }
  | { readonly id: StreamId; readonly type: "INVALID"; readonly reason: string };

export function parseEventEntry([id, fields]: RawStreamEntry): ParsedEventEntry {
  const entry = decodeEventEntry(decodeFields(fields));
  if ("invalid" in entry) return { id, type: "INVALID", reason: entry.invalid };
  if (entry.type !== "SNAPSHOT")
    return { id, type: entry.type, observedAt: Number(entry.observed || "0"), object: entry.object };
  const rv = tryParseResourceVersion(entry.rv);
  if (rv === undefined) return { id, type: "INVALID", reason: `snapshot rv ${entry.rv}` };
  return { id, type: entry.type, rv, generation: entry.generation };
}
