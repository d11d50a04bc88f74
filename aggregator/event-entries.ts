/** Parses entries of the `events` stream (fields per `EventEntry` in core/records.ts). */
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
  const record = decodeFields(fields);
  const type = record.get("type");
  switch (type) {
    case "ADDED":
    case "MODIFIED":
    case "DELETED": {
      const object = record.get("object");
      if (object === undefined) return { id, type: "INVALID", reason: "event without object" };
      return { id, type, observedAt: Number(record.get("observed") ?? "0"), object };
    }
    case "SNAPSHOT": {
      const rv = tryParseResourceVersion(record.get("rv"));
      if (rv === undefined) return { id, type: "INVALID", reason: `snapshot rv ${String(record.get("rv"))}` };
      return { id, type, rv, generation: record.get("generation") ?? "" };
    }
    default:
      return { id, type: "INVALID", reason: `unknown type ${String(type)}` };
  }
}
