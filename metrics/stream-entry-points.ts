/**
 * Turns entries of a kind's `events` and `verifications` streams (core/records.ts) into
 * InfluxDB points. Pure functions: the stream id fixes the point's timestamp (see
 * point-timestamp.ts) so re-reading an entry rewrites the same point.
 */
import { Point } from "@influxdata/influxdb-client";
import { decodeEventEntry, decodeVerificationEntry } from "../core/record-codecs.js";
import type { VerificationEntry } from "../core/records.js";
import { decodeFields, type FlatFields } from "../core/stream-entry.js";
import type { StreamId } from "../core/stream-id.js";
import { streamDelay } from "./kube-timestamp.js";
import { STREAM_EVENT, TAG_KIND, TAG_NAMESPACE, TAG_TYPE, VERIFICATION } from "./schema.js";
import { streamIdToNanos } from "./point-timestamp.js";

interface ObjectMetadata {
  readonly namespace?: unknown;
  readonly creationTimestamp?: unknown;
  readonly deletionTimestamp?: unknown;
}

/**
 * The point of one `events` entry, or undefined for entries that are not watch events
 * (SNAPSHOT markers) or that cannot be read (logged by the caller as skipped).
 */
export function eventPoint(kindId: string, streamId: StreamId, raw: FlatFields): Point | undefined {
  const entry = decodeEventEntry(decodeFields(raw));
  if ("invalid" in entry || entry.type === "SNAPSHOT") return undefined;
  const { type } = entry;
  const observed = Number(entry.observed);
  const metadata = metadataOf(entry.object);
  if (!Number.isFinite(observed) || metadata === undefined) return undefined;
  const point = new Point(STREAM_EVENT)
    .tag(TAG_KIND, kindId)
    .tag(TAG_TYPE, type)
    .intField("count", 1)
    .timestamp(streamIdToNanos(streamId));
  // Cluster-scoped kinds carry no namespace tag (an empty tag value is not allowed).
  if (typeof metadata.namespace === "string" && metadata.namespace !== "") {
    point.tag(TAG_NAMESPACE, metadata.namespace);
  }
  const delay = streamDelay({ type, metadata }, observed);
  if (delay !== undefined) {
    point.intField("delay_ms", delay.delayMs).intField("resolution_ms", delay.resolutionMs);
  }
  return point;
}

function metadataOf(objectJson: string | undefined): ObjectMetadata | undefined {
  if (objectJson === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(objectJson);
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const metadata: unknown = (parsed as { metadata?: unknown }).metadata;
    return typeof metadata === "object" && metadata !== null ? metadata : {};
  } catch {
    return undefined;
  }
}

const VERIFICATION_INT_FIELDS: readonly (readonly [
  entryField: keyof VerificationEntry,
  pointField: string,
])[] = [
  ["missing", "missing"],
  ["extra", "extra"],
  ["stale", "stale"],
  ["durationMs", "duration_ms"],
  ["count", "objects"],
  ["generation", "generation"],
];

/** The point of one `verifications` entry (drift a merged snapshot revealed). */
export function verificationPoint(kindId: string, streamId: StreamId, raw: FlatFields): Point | undefined {
  const entry = decodeVerificationEntry(decodeFields(raw));
  if (entry === undefined) return undefined;
  const point = new Point(VERIFICATION).tag(TAG_KIND, kindId).timestamp(streamIdToNanos(streamId));
  let drift = 0;
  for (const [entryField, pointField] of VERIFICATION_INT_FIELDS) {
    const text = entry[entryField];
    const value = Number(text);
    if (text === "" || !Number.isFinite(value)) continue;
    point.intField(pointField, value);
    if (entryField === "missing" || entryField === "extra" || entryField === "stale") drift += value;
  }
  return point.intField("drift", drift);
}
