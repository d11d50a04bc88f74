/**
 * The one encoder and decoders of the records in core/records.ts. Writers build a typed
 * record and flatten it (`recordFields`), so the compiler checks every field name and
 * value; readers decode through the functions here and get the same types back. Field
 * names that Lua scripts write are interpolated from the constants below.
 * Layout and meaning: docs/redis-layout.md.
 */
import type {
  ChangeEntry,
  EventEntry,
  SnapshotMeta,
  StateMeta,
  Tombstone,
  VerificationEntry,
  WatchEventType,
  WatchHealth,
} from "./records.js";
import { decodeFields, type FlatFields } from "./stream-entry.js";
import type { StreamId } from "./stream-id.js";

/** A hash or stream entry's fields, decoded (HGETALL's record, or `decodeFields`' map). */
export type RecordSource = Readonly<Record<string, string>> | ReadonlyMap<string, string>;

/**
 * Field names for Lua scripts that write a record, checked by the compiler:
 * `luaField<SnapshotMeta>()("generation")` is `'generation'`, a misspelt name does not compile.
 */
export function luaField<T>(): (name: keyof T & string) => string {
  return (name) => `'${name}'`;
}

/** Field/value pairs of a record's defined fields, ready for HSET or XADD. */
export function recordFields<T extends object>(record: T): string[] {
  const flat: string[] = [];
  for (const [field, value] of Object.entries(record)) {
    if (value !== undefined) flat.push(field, String(value));
  }
  return flat;
}

function reader(source: RecordSource): (field: string) => string | undefined {
  if (isMap(source)) return (field) => source.get(field);
  return (field) => source[field];
}

function isMap(source: RecordSource): source is ReadonlyMap<string, string> {
  return source instanceof Map;
}

/** Copies `fields` that are present into an object (absent ones are left out, not undefined). */
function present<K extends string>(get: (field: string) => string | undefined, fields: readonly K[]) {
  const result: Partial<Record<K, string>> = {};
  for (const field of fields) {
    const value = get(field);
    if (value !== undefined) result[field] = value;
  }
  return result;
}

export function isWatchEventType(type: string | undefined): type is WatchEventType {
  return type === "ADDED" || type === "MODIFIED" || type === "DELETED";
}

/** `state-meta`, or undefined when it has no epoch (never written, or Redis was flushed). */
export function decodeStateMeta(source: RecordSource): StateMeta | undefined {
  const get = reader(source);
  const epoch = get("epoch");
  if (epoch === undefined) return undefined;
  return {
    epoch,
    eventsCursor: get("eventsCursor") ?? "",
    resourceVersion: get("resourceVersion") ?? "",
    objectCount: get("objectCount") ?? "",
    ...present(get, ["verifiedResourceVersion", "verifiedAt", "lastEventObservedAt"] as const),
  };
}

/** `verified-meta`, or undefined when there is no snapshot. */
export function decodeSnapshotMeta(source: RecordSource): SnapshotMeta | undefined {
  const get = reader(source);
  const resourceVersion = get("resourceVersion");
  const generation = get("generation");
  if (resourceVersion === undefined || generation === undefined) return undefined;
  return {
    resourceVersion,
    generation,
    finishedAt: get("finishedAt") ?? "",
    count: get("count") ?? "",
    durationMs: get("durationMs") ?? "",
    source: get("source") ?? "",
    ...present(get, ["indexGeneration"] as const),
  };
}

/** The `watch` hash, or undefined when the streamer has not written it yet. */
export function decodeWatchHealth(source: RecordSource): WatchHealth | undefined {
  const get = reader(source);
  const connected = get("connected");
  if (connected !== "0" && connected !== "1") return undefined;
  return {
    connected,
    reconnects: get("reconnects") ?? "0",
    gones: get("gones") ?? "0",
    ...present(get, ["lastEventAt", "lastBookmarkAt", "resourceVersion"] as const),
  };
}

/** An `events` entry, or a reason why it cannot be read. */
export function decodeEventEntry(source: RecordSource): EventEntry | { readonly invalid: string } {
  const get = reader(source);
  const type = get("type");
  const rv = get("rv") ?? "";
  const observed = get("observed") ?? "";
  if (isWatchEventType(type)) {
    const object = get("object");
    if (object === undefined) return { invalid: "event without object" };
    return { type, rv, observed, object };
  }
  if (type === "SNAPSHOT") return { type, rv, observed, generation: get("generation") ?? "" };
  return { invalid: `unknown type ${String(type)}` };
}

/** A `changes` entry; anything but a watch event reads as RESET (reloading is always safe). */
export function decodeChangeEntry(source: RecordSource): ChangeEntry {
  const get = reader(source);
  const type = get("type");
  const epoch = get("epoch") ?? "";
  if (isWatchEventType(type))
    return { type, key: get("key") ?? "", rv: get("rv") ?? "", object: get("object") ?? "", epoch };
  return { type: "RESET", epoch };
}

/** A `changes` entry as XREAD returns it (its id and flat fields), decoded. */
export function decodeChangeAt(id: StreamId, flat: FlatFields): ChangeEntry & { readonly id: StreamId } {
  return { id, ...decodeChangeEntry(decodeFields(flat)) };
}

/** A `verifications` entry, or undefined when it carries no drift counts. */
export function decodeVerificationEntry(source: RecordSource): VerificationEntry | undefined {
  const get = reader(source);
  if (get("missing") === undefined && get("extra") === undefined && get("stale") === undefined)
    return undefined;
  const field = (name: keyof VerificationEntry): string => get(name) ?? "";
  return {
    rv: field("rv"),
    generation: field("generation"),
    finishedAt: field("finishedAt"),
    durationMs: field("durationMs"),
    count: field("count"),
    missing: field("missing"),
    extra: field("extra"),
    stale: field("stale"),
  };
}

export function encodeTombstone(tombstone: Tombstone): string {
  return JSON.stringify({ uid: tombstone.uid, rv: tombstone.rv, deletedAt: tombstone.deletedAt });
}

/** A `tombstones` value; throws on JSON that is not a tombstone. */
export function decodeTombstone(json: string): Tombstone {
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed !== "object" || parsed === null) throw new TypeError("tombstone is not an object");
  const { uid, rv, deletedAt } = parsed as Record<string, unknown>;
  if (typeof uid !== "string" || typeof rv !== "string" || typeof deletedAt !== "number")
    throw new TypeError(`malformed tombstone ${json.slice(0, 200)}`);
  return { uid, rv, deletedAt };
}
