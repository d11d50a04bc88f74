import { splitKey, type KubeObject } from "../../core/object-key.js";

/**
 * One object as a replica holds it: its bytes and a small parsed view for selectors.
 * Owned by the replica and shared with every reader: nobody may mutate it.
 *
 * Memory contract: the full parsed object is NOT kept (at 10k pods it cost ~4x the JSON
 * in V8 heap). Whatever needs more than `view` holds (Table cells, metadata) parses
 * `bytes` on demand with `parseCachedObject`.
 */
export interface CachedObject {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion: string;
  /**
   * What selectors read, shaped like the object so selectors apply to it unchanged:
   * `metadata.name`, `metadata.namespace`, `metadata.labels`, `metadata.resourceVersion`,
   * `metadata.uid`, plus the values at the kind's field-selector paths. Nothing else.
   */
  readonly view: KubeObject;
  /**
   * The object exactly as stored in Redis (the API server's JSON), encoded once as UTF-8:
   * responses concatenate these bytes, never re-serialize or re-encode.
   */
  readonly bytes: Buffer;
}

export class BadObjectError extends Error {
  override readonly name = "BadObjectError";
}

/**
 * Builds the cached form of `json` (a string, or UTF-8 bytes that are copied so the caller's
 * buffer, e.g. a slice of a large Redis reply, is not kept alive). `viewFields` are the
 * dotted paths (besides metadata) that selectors on this kind may read.
 */
export function cacheObject(
  key: string,
  json: string | Buffer,
  viewFields: readonly string[] = [],
): CachedObject {
  const text = typeof json === "string" ? json : json.toString("utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BadObjectError(`object ${key} is not JSON`, { cause: error });
  }
  if (
    typeof parsed !== "object" ||
    parsed === null ||
    typeof (parsed as { metadata?: unknown }).metadata !== "object" ||
    (parsed as { metadata?: unknown }).metadata === null
  ) {
    throw new BadObjectError(`object ${key} has no metadata`);
  }
  const object = parsed as KubeObject;
  const { namespace, name } = splitKey(key);
  return {
    key,
    namespace,
    name,
    resourceVersion: object.metadata.resourceVersion ?? "",
    view: viewOf(object, viewFields),
    bytes: exactCopy(json),
  };
}

/**
 * `json` as UTF-8 in a buffer of exactly its size, owned alone: `Buffer.from(string)` keeps
 * ~1.4x the bytes for ~5 KB strings, and a pooled or sliced buffer would keep its neighbours alive.
 */
function exactCopy(json: string | Buffer): Buffer {
  const size = typeof json === "string" ? Buffer.byteLength(json, "utf8") : json.length;
  const bytes = Buffer.allocUnsafeSlow(size);
  if (typeof json === "string") bytes.write(json, "utf8");
  else json.copy(bytes);
  return bytes;
}

/** The whole object, parsed from its bytes (a fresh copy each call: callers may keep it). */
export function parseCachedObject(object: CachedObject): KubeObject {
  return JSON.parse(object.bytes.toString("utf8")) as KubeObject;
}

function viewOf(object: KubeObject, viewFields: readonly string[]): KubeObject {
  const { name, namespace, labels, resourceVersion, uid } = object.metadata;
  const view: KubeObject = {
    metadata: {
      ...(name !== undefined ? { name } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
      ...(labels !== undefined ? { labels } : {}),
      ...(resourceVersion !== undefined ? { resourceVersion } : {}),
      ...(uid !== undefined ? { uid } : {}),
    },
  };
  for (const field of viewFields) copyPath(object, view, field.split("."));
  return view;
}

/** Copies the scalar at `path` from `from` into `to`, creating intermediate objects. */
function copyPath(from: unknown, to: Record<string, unknown>, path: readonly string[]): void {
  let source: unknown = from;
  for (const part of path) {
    if (typeof source !== "object" || source === null) return;
    source = (source as Record<string, unknown>)[part];
  }
  if (typeof source !== "string" && typeof source !== "number" && typeof source !== "boolean") return;
  let target = to;
  path.forEach((part, i) => {
    if (i === path.length - 1) {
      target[part] = source;
      return;
    }
    const next = target[part];
    if (typeof next === "object" && next !== null) target = next as Record<string, unknown>;
    else target = target[part] = {};
  });
}
