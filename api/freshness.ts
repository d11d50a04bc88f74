/**
 * Freshness of a kind, as headers on every response about it and as the `/status` body.
 * Header names are part of the API contract (the typed client and the benchmarks read them).
 */
import type { ServedKind } from "./served-kind.js";

export const HEADER_RESOURCE_VERSION = "X-Krm-Resource-Version";
export const HEADER_VERIFIED_RESOURCE_VERSION = "X-Krm-Verified-Resource-Version";
/** RFC 3339 time of the last merged verified snapshot. */
export const HEADER_VERIFIED_AT = "X-Krm-Verified-At";
export const HEADER_VERIFIED_AGE_MS = "X-Krm-Verified-Age-Ms";
/** ms since the streamer observed the last event applied to the state. */
export const HEADER_LAST_EVENT_AGE_MS = "X-Krm-Last-Event-Age-Ms";
/** "true" while this API replica cannot follow Redis (it serves its last known state). */
export const HEADER_STALE = "X-Krm-Stale";
/** How long (ms) the replica has been stale; only present when stale. */
export const HEADER_STALE_FOR_MS = "X-Krm-Stale-For-Ms";

export interface KindFreshness {
  readonly kind: string;
  readonly loaded: boolean;
  readonly verified: boolean;
  readonly resourceVersion: string;
  readonly verifiedResourceVersion?: string;
  readonly verifiedAt?: string;
  readonly verifiedAgeMs?: number;
  readonly lastEventObservedAt?: string;
  readonly lastEventAgeMs?: number;
  readonly stale: boolean;
  readonly staleForMs?: number;
  readonly objects: number;
  readonly watchers: number;
  readonly feedPosition: string;
}

/** How long ago `at` was (ms), never negative when clocks of two processes differ slightly. */
function ageMs(now: number, at: number): number {
  return Math.max(0, now - at);
}

export function freshnessOf(kind: ServedKind, now: number): KindFreshness {
  const meta = kind.replica.meta;
  const health = kind.health();
  return {
    kind: kind.spec.id,
    loaded: kind.replica.loaded,
    verified: meta?.verifiedAt !== undefined,
    resourceVersion: kind.replica.resourceVersion.toString(),
    ...(meta?.verifiedResourceVersion !== undefined
      ? { verifiedResourceVersion: meta.verifiedResourceVersion }
      : {}),
    ...(meta?.verifiedAt !== undefined
      ? {
          verifiedAt: isoOf(meta.verifiedAt),
          verifiedAgeMs: ageMs(now, meta.verifiedAt),
        }
      : {}),
    ...(meta?.lastEventObservedAt !== undefined
      ? {
          lastEventObservedAt: new Date(meta.lastEventObservedAt).toISOString(),
          lastEventAgeMs: ageMs(now, meta.lastEventObservedAt),
        }
      : {}),
    stale: health.stale,
    ...(health.staleSince !== undefined ? { staleForMs: ageMs(now, health.staleSince) } : {}),
    objects: kind.replica.size,
    watchers: kind.replica.watcherCount,
    feedPosition: kind.replica.position,
  };
}

/** RFC 3339 form of the last verification time seen, kept so a read does not format it again. */
let verifiedAtIso: { readonly ms: number; readonly iso: string } | undefined;

function isoOf(ms: number): string {
  if (verifiedAtIso?.ms !== ms) verifiedAtIso = { ms, iso: new Date(ms).toISOString() };
  return verifiedAtIso.iso;
}

/** The headers every answer about `kind` carries: the same figures as freshnessOf, read directly (every get pays for them). */
export function freshnessHeaders(kind: ServedKind, now: number): Record<string, string> {
  const meta = kind.replica.meta;
  const health = kind.health();
  const headers: Record<string, string> = {
    [HEADER_RESOURCE_VERSION]: kind.replica.resourceVersion.toString(),
    [HEADER_STALE]: String(health.stale),
  };
  if (meta?.verifiedResourceVersion !== undefined)
    headers[HEADER_VERIFIED_RESOURCE_VERSION] = meta.verifiedResourceVersion;
  if (meta?.verifiedAt !== undefined) {
    headers[HEADER_VERIFIED_AT] = isoOf(meta.verifiedAt);
    headers[HEADER_VERIFIED_AGE_MS] = String(ageMs(now, meta.verifiedAt));
  }
  if (meta?.lastEventObservedAt !== undefined)
    headers[HEADER_LAST_EVENT_AGE_MS] = String(ageMs(now, meta.lastEventObservedAt));
  if (health.staleSince !== undefined) headers[HEADER_STALE_FOR_MS] = String(ageMs(now, health.staleSince));
  return headers;
}
