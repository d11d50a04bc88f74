/** Reads the fields the merge compares out of stored object JSON. */
import { keyOf, type KubeObject } from "../core/object-key.js";
import { tryParseResourceVersion } from "../core/resource-version.js";
import type { ObservedObject } from "./merge-types.js";

/**
 * Parses object JSON into an `ObservedObject`; undefined when it has no uid or no
 * comparable resourceVersion (such an object cannot take part in the merge).
 */
export function observedFromJson(json: string, key?: string): ObservedObject | undefined {
  const object = JSON.parse(json) as KubeObject;
  const rv = tryParseResourceVersion(object.metadata.resourceVersion);
  const uid = object.metadata.uid;
  if (rv === undefined || uid === undefined) return undefined;
  return { key: key ?? keyOf(object), uid, rv, json };
}
