/**
 * Feeds the capacity aggregates from the API's in-memory replicas: every applied change of
 * pods, nodes, namespaces, resourcequotas and persistentvolumeclaims moves the sums at once
 * (no Redis reads, no API server calls). A reload of a kind (onReset) forgets its objects and
 * adds the reloaded state back. Kinds not served are simply absent from the figures.
 */
import type { Logger } from "../../core/logger.js";
import { parseCachedObject, type CachedObject } from "../../api/replica/cached-object.js";
import type { ServedKind } from "../../api/served-kind.js";
import type { CapacityState } from "../aggregates/capacity-state.js";
import type { NodeLike, PodLike, PvcLike } from "../model/index.js";

export const CAPACITY_INPUT_KINDS = [
  "nodes",
  "pods",
  "namespaces",
  "resourcequotas",
  "persistentvolumeclaims",
] as const;
type InputKind = (typeof CAPACITY_INPUT_KINDS)[number];

export function bindReplicas(
  state: CapacityState,
  kinds: ReadonlyMap<string, ServedKind>,
  logger: Logger,
): () => void {
  const unsubscribes: (() => void)[] = [];
  for (const id of CAPACITY_INPUT_KINDS) {
    const kind = kinds.get(id);
    if (kind === undefined) continue;
    const apply = (key: string, object: CachedObject | undefined): void => {
      try {
        upsertOrRemove(state, id, key, object === undefined ? undefined : parseCachedObject(object));
      } catch (error) {
        // The API server validates quantities, so this is a bug or a foreign writer: leave it out, say so.
        logger.warn({ kind: id, key, err: error }, "object left out of capacity figures");
      }
    };
    const reload = (): void => {
      state.reset(id);
      for (const object of kind.replica.objectsAt(kind.replica.position, undefined, "") ?? [])
        apply(object.key, object);
    };
    unsubscribes.push(
      kind.replica.subscribe({
        onEvent: (event) => apply(event.key, event.type === "DELETED" ? undefined : event.object),
        onReset: reload,
      }),
    );
    if (kind.replica.loaded) reload();
  }
  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
  };
}

function upsertOrRemove(state: CapacityState, kind: InputKind, key: string, object: unknown): void {
  switch (kind) {
    case "nodes":
      if (object === undefined) state.removeNode(key);
      else state.upsertNode(key, object as NodeLike);
      return;
    case "pods":
      if (object === undefined) state.removePod(key);
      else state.upsertPod(key, object as PodLike);
      return;
    case "namespaces":
      if (object === undefined) state.removeNamespace(key);
      else state.upsertNamespace(object as { metadata?: { name?: string } });
      return;
    case "resourcequotas":
      if (object === undefined) state.removeQuota(key);
      else state.upsertQuota(key, object as { metadata?: { namespace?: string } });
      return;
    case "persistentvolumeclaims":
      if (object === undefined) state.removePvc(key);
      else state.upsertPvc(key, object as PvcLike);
      return;
  }
}
