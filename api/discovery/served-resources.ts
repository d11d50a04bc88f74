/**
 * What krm serves, by group and version: the cached kinds and the derived-view groups as
 * one list. Both discovery formats (plain, discovery.ts; aggregated, aggregated.ts) are
 * rendered from it, so they cannot disagree (docs/api-contract.md, "Discovery").
 */
import type { KindSpec } from "../../core/kinds.js";
import type { DerivedResource } from "../http/derived-views.js";

/** A derived-view group (api/http/derived-views.ts) as discovery lists it. */
export interface DerivedGroup {
  readonly group: string;
  readonly version: string;
  readonly resources: readonly DerivedResource[];
}

/** One resource as discovery lists it (the fields of a Kubernetes APIResource). */
export type ServedResource = DerivedResource;

export interface ServedGroupVersion {
  /** "" for the core group. */
  readonly group: string;
  readonly version: string;
  readonly resources: readonly ServedResource[];
}

/** Cached kinds are read-only: krm answers get, list and watch for them. */
export const CACHED_KIND_VERBS: ServedResource["verbs"] = ["get", "list", "watch"];

function cachedResource(kind: KindSpec): ServedResource {
  return {
    name: kind.resource,
    singularName: kind.kind.toLowerCase(),
    namespaced: kind.namespaced,
    kind: kind.kind,
    verbs: CACHED_KIND_VERBS,
    ...(kind.shortNames.length > 0 ? { shortNames: kind.shortNames } : {}),
    ...(kind.categories !== undefined && kind.categories.length > 0 ? { categories: kind.categories } : {}),
  };
}

/** Group-versions in the order first met: the kinds' (as configured), then the derived groups'. */
export function servedGroupVersions(
  kinds: readonly KindSpec[],
  derived: readonly DerivedGroup[],
): ServedGroupVersion[] {
  const byGroupVersion = new Map<string, { group: string; version: string; resources: ServedResource[] }>();
  const add = (group: string, version: string, resources: readonly ServedResource[]): void => {
    const key = `${group}/${version}`;
    let entry = byGroupVersion.get(key);
    if (entry === undefined) byGroupVersion.set(key, (entry = { group, version, resources: [] }));
    entry.resources.push(...resources);
  };
  for (const kind of kinds) add(kind.group, kind.version, [cachedResource(kind)]);
  for (const d of derived) add(d.group, d.version, d.resources);
  return [...byGroupVersion.values()];
}
