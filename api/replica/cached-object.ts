import { splitKey, type KubeObject } from "../../core/object-key.js";

/**
 * One object as a replica holds it: parsed once (for selectors and fields) and serialized
 * once (lists concatenate `json`). Owned by the replica and shared with every reader:
 * nobody may mutate `object`.
 */
export interface CachedObject {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion: string;
  readonly object: KubeObject;
  /**
   * The object exactly as stored in Redis (the API server's JSON), encoded once as UTF-8:
   * responses concatenate these bytes, never re-serialize or re-encode.
   */
  readonly bytes: Buffer;
}

export class BadObjectError extends Error {
  override readonly name = "BadObjectError";
}

export function cacheObject(key: string, json: string): CachedObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new BadObjectError(`object ${key} is not JSON`, { cause: error });
  }
  if (
    typeof parsed !== "object" ||
    parsed === null ||
    typeof (parsed as { metadata?: unknown }).metadata !== "object"
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
    object,
    bytes: Buffer.from(json, "utf8"),
  };
}
