/**
 * The `verified-index` value format: `<resourceVersion> <uid>` per object key, about 60
 * bytes an object instead of the whole JSON, so a snapshot merge can decide what changed
 * without transferring or parsing objects it already holds. Only objects with a uid and a
 * comparable resourceVersion are indexed (the others cannot take part in a merge).
 */
import type { KubeObject } from "./object-key.js";
import { isComparableResourceVersion, tryParseResourceVersion } from "./resource-version.js";

export interface SnapshotIndexEntry {
  readonly uid: string;
  readonly rv: bigint;
}

/** The index value of `object`, or undefined when it cannot be indexed. */
export function indexValueOf(object: KubeObject): string | undefined {
  const { uid, resourceVersion } = object.metadata;
  if (uid === undefined || resourceVersion === undefined || !isComparableResourceVersion(resourceVersion))
    return undefined;
  return `${resourceVersion} ${uid}`;
}

/** Parses an index value; undefined when malformed. */
export function parseIndexValue(value: string): SnapshotIndexEntry | undefined {
  const space = value.indexOf(" ");
  if (space <= 0) return undefined;
  const rv = tryParseResourceVersion(value.slice(0, space));
  const uid = value.slice(space + 1);
  return rv === undefined ? undefined : { uid, rv };
}
