/** Parses entries of the `events` stream (fields per `EventEntry` in core/records.ts). */
import type { WatchEventType } from "../core/records.js";
import { isComparableResourceVersion } from "../core/resource-version.js";

export type ParsedEventEntry =
  | {
      readonly id: string;
      readonly type: WatchEventType;
      readonly observedAt: number;
      readonly object: string;
    }
  | { readonly id: string; readonly type: "SNAPSHOT"; readonly rv: bigint; readonly generation: string }
  | { readonly id: string; readonly type: "INVALID"; readonly reason: string };

/** A raw stream entry as ioredis returns it: `[id, [field, value, field, value, …]]`. */
export type RawStreamEntry = [id: string, fields: string[]];

export function parseEventEntry([id, fields]: RawStreamEntry): ParsedEventEntry {
  const record = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) record.set(fields[i] ?? "", fields[i + 1] ?? "");
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
      const rv = record.get("rv");
      if (!isComparableResourceVersion(rv))
        return { id, type: "INVALID", reason: `snapshot rv ${String(rv)}` };
      return { id, type, rv: BigInt(rv), generation: record.get("generation") ?? "" };
    }
    default:
      return { id, type: "INVALID", reason: `unknown type ${String(type)}` };
  }
}
