/** Reads the fields the merge compares out of stored object JSON. */
import { keyOf, type KubeObject } from "../core/object-key.js";
import { isComparableResourceVersion } from "../core/resource-version.js";
import type { ObservedObject } from "./merge-types.js";

/**
 * Parses object JSON into an `ObservedObject`; undefined when it has no uid or no
 * comparable resourceVersion (such an object cannot take part in the merge).
 */
export function observedFromJson(json: string, key?: string): ObservedObject | undefined {
  const object = JSON.parse(json) as KubeObject;
  const rv = object.metadata.resourceVersion;
  const uid = object.metadata.uid;
  if (!isComparableResourceVersion(rv) || uid === undefined) return undefined;
  return { key: key ?? keyOf(object), uid, rv: BigInt(rv), json };
}
