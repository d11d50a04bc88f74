/**
 * One kind as the API serves it: its spec, its in-memory replica and the health of the
 * feed that keeps the replica current.
 */
import type { KindSpec } from "../core/kinds.js";
import { NotFoundError, ServiceUnavailableError } from "./errors.js";
import type { KindReplica } from "./replica/kind-replica.js";
import type { FeedHealth } from "./replica/redis-feed.js";

export interface ServedKind {
  readonly spec: KindSpec;
  readonly replica: KindReplica;
  readonly health: () => FeedHealth;
}

/** Retry-After for a kind not loaded or verified yet: the verifier's first list usually takes seconds. */
export const NOT_READY_RETRY_AFTER_SECONDS = 2;

/** True once the kind has a loaded state whose snapshot was verified at least once. */
export function isServable(kind: ServedKind): boolean {
  return kind.replica.loaded && kind.replica.meta?.verifiedAt !== undefined;
}

/** Throws 503 + Retry-After unless the kind can be served. */
export function requireServable(kind: ServedKind): void {
  if (!kind.replica.loaded) {
    throw new ServiceUnavailableError(
      `${kind.spec.id} is not loaded from Redis yet`,
      NOT_READY_RETRY_AFTER_SECONDS,
    );
  }
  if (kind.replica.meta?.verifiedAt === undefined) {
    throw new ServiceUnavailableError(
      `${kind.spec.id} has not been verified against the API server yet`,
      NOT_READY_RETRY_AFTER_SECONDS,
    );
  }
}

/** The Kubernetes "not found" for one object. */
export function objectNotFound(kind: ServedKind, name: string): NotFoundError {
  const group = kind.spec.group;
  const resource = group === "" ? kind.spec.resource : `${kind.spec.resource}.${group}`;
  return new NotFoundError(`${resource} "${name}" not found`, {
    name,
    ...(group !== "" ? { group } : {}),
    kind: kind.spec.resource,
  });
}
