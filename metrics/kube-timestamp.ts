/**
 * Kubernetes object timestamps and the delay measured from them (docs/metrics.md).
 *
 * `metadata.creationTimestamp` and `metadata.deletionTimestamp` are RFC 3339 strings that
 * the API server writes with whole seconds (`2025-01-02T03:04:05Z`): the real instant lies
 * anywhere in the following second. A delay `observed − timestamp` is therefore an upper
 * bound that may exceed the true delay by up to the resolution (1000 ms), never less.
 * Fractional seconds, where a server writes them, give a finer resolution.
 */
import { KUBE_TIMESTAMP_RESOLUTION_MS } from "./schema.js";

export interface KubeTimestamp {
  /** The instant the string names, in Unix ms (the start of its resolution interval). */
  readonly ms: number;
  /** Width of the interval the real instant lies in: 1000 for whole seconds. */
  readonly resolutionMs: number;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.(\d+))?(?:Z|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 timestamp, or returns undefined for anything else (missing, malformed). */
export function parseKubeTimestamp(value: unknown): KubeTimestamp | undefined {
  if (typeof value !== "string") return undefined;
  const match = RFC3339.exec(value);
  if (match === null) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) return undefined;
  const fractionDigits = match[1]?.length ?? 0;
  const resolutionMs =
    fractionDigits >= 3
      ? 1
      : fractionDigits === 0
        ? KUBE_TIMESTAMP_RESOLUTION_MS
        : 10 ** (3 - fractionDigits);
  return { ms, resolutionMs };
}

export interface StreamDelay {
  /** observed − timestamp: an upper bound of the true delay (see module comment). Negative under clock skew. */
  readonly delayMs: number;
  readonly resolutionMs: number;
}

/** The metadata fields an event's delay is measured from. */
export interface DelaySource {
  readonly type: string;
  readonly metadata: { readonly creationTimestamp?: unknown; readonly deletionTimestamp?: unknown };
}

/**
 * ADDED: observed − creationTimestamp; DELETED: observed − deletionTimestamp where present.
 * Other types, and events lacking the timestamp, have no delay.
 */
export function streamDelay(event: DelaySource, observedMs: number): StreamDelay | undefined {
  const stamp =
    event.type === "ADDED"
      ? parseKubeTimestamp(event.metadata.creationTimestamp)
      : event.type === "DELETED"
        ? parseKubeTimestamp(event.metadata.deletionTimestamp)
        : undefined;
  if (stamp === undefined) return undefined;
  return { delayMs: observedMs - stamp.ms, resolutionMs: stamp.resolutionMs };
}
