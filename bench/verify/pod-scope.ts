/**
 * Which pods a bench read asks for, so the state a PodHistory rebuilt can answer it as the API
 * server would: the reads of bench/phases/read-phase.ts (all pods, a namespace, one pod, an
 * equality label selector). Anything else is not a scope (undefined) and is checked with an
 * exact list instead.
 */
import { objectKey } from "../../core/object-key.js";
import type { PodVersion } from "./pod-history.js";
import { sortedDigest, type ItemVersion, type ResponseDigest } from "./response-digest.js";

export interface PodScope {
  readonly namespace?: string;
  readonly name?: string;
  readonly labels: readonly (readonly [string, string])[];
}

const LIST = /^\/api\/v1\/(?:namespaces\/([^/]+)\/)?pods(?:\/([^/]+))?$/;
/** `key=value` terms only; `!=`, `in`, `!key` and the like are left to the exact list. */
const EQUALITY_TERM = /^([A-Za-z0-9._/-]+)==?([A-Za-z0-9._-]*)$/;

export function podScopeOf(path: string): PodScope | undefined {
  const url = new URL(path, "http://x");
  const match = LIST.exec(url.pathname);
  if (match === null) return undefined;
  const [, namespace, name] = match;
  if (name !== undefined && namespace === undefined) return undefined;
  const labels: [string, string][] = [];
  for (const [parameter, value] of url.searchParams) {
    if (parameter !== "labelSelector" || name !== undefined) return undefined;
    for (const term of value.split(",")) {
      const found = EQUALITY_TERM.exec(term.trim());
      if (found?.[1] === undefined || found[2] === undefined) return undefined;
      labels.push([found[1], found[2]]);
    }
  }
  return {
    ...(namespace !== undefined ? { namespace: decodeURIComponent(namespace) } : {}),
    ...(name !== undefined ? { name: decodeURIComponent(name) } : {}),
    labels,
  };
}

/** The digest the API server would answer for `scope` with `pods` as its state. */
export function digestInScope(pods: ReadonlyMap<string, PodVersion>, scope: PodScope): ResponseDigest {
  const items: ItemVersion[] = [];
  for (const pod of scope.name !== undefined
    ? [pods.get(objectKey(scope.namespace, scope.name))]
    : pods.values()) {
    if (pod === undefined) continue;
    if (scope.namespace !== undefined && pod.namespace !== scope.namespace) continue;
    if (!scope.labels.every(([key, value]) => pod.labels[key] === value)) continue;
    items.push({ key: objectKey(pod.namespace, pod.name), uid: pod.uid, rv: pod.rv });
  }
  return sortedDigest(items);
}
