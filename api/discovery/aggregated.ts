/**
 * Aggregated discovery (`apidiscovery.k8s.io`, v2 and v2beta1, the same shape): `/api` and
 * `/apis` answer an APIGroupDiscoveryList holding every group, version and resource when
 * the client's Accept asks for it, as kube-apiserver 1.30+ does; otherwise the plain
 * APIVersions / APIGroupList (docs/api-contract.md, "Discovery").
 */
import { jsonFormContentType, negotiatedVersion, type JsonForm } from "../http/accept.js";
import type { ServedGroupVersion, ServedResource } from "./served-resources.js";

export const AGGREGATED_DISCOVERY: JsonForm = {
  as: "APIGroupDiscoveryList",
  group: "apidiscovery.k8s.io",
  versions: ["v2", "v2beta1"],
};

export type DiscoveryRoot = "api" | "apis";

/** The document's types (k8s.io/api/apidiscovery/v2), the fields krm fills. */
export interface ApiResourceDiscovery {
  readonly resource: string;
  readonly responseKind: { readonly group: string; readonly version: string; readonly kind: string };
  readonly scope: "Namespaced" | "Cluster";
  readonly singularResource: string;
  readonly verbs: readonly string[];
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
}
export interface ApiGroupDiscovery {
  readonly metadata: { readonly name: string };
  readonly versions: readonly {
    readonly version: string;
    readonly resources: readonly ApiResourceDiscovery[];
    readonly freshness: "Current" | "Stale";
  }[];
}
export interface ApiGroupDiscoveryList {
  readonly kind: string;
  readonly apiVersion: string;
  readonly items: readonly ApiGroupDiscovery[];
}

/** Bodies by root, then by apidiscovery.k8s.io version. */
export type AggregatedBodies = Readonly<Record<DiscoveryRoot, ReadonlyMap<string, string>>>;

function resourceDiscovery(gv: ServedGroupVersion, r: ServedResource): ApiResourceDiscovery {
  return {
    resource: r.name,
    responseKind: { group: gv.group, version: gv.version, kind: r.kind },
    scope: r.namespaced ? "Namespaced" : "Cluster",
    singularResource: r.singularName,
    verbs: r.verbs,
    ...(r.shortNames !== undefined && r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
    ...(r.categories !== undefined && r.categories.length > 0 ? { categories: r.categories } : {}),
  };
}

/**
 * One item per group (the core group "" under `/api`, the others under `/apis`), its
 * versions in served order (the first is preferred, as in the plain APIGroup). krm serves no
 * subresources, so none are listed; every version is "Current" (krm aggregates no servers).
 */
function groupItems(served: readonly ServedGroupVersion[], root: DiscoveryRoot): ApiGroupDiscovery[] {
  const inRoot = served.filter((gv) => (root === "api") === (gv.group === ""));
  const groups = [...new Set(inRoot.map((gv) => gv.group))];
  return groups.map((name) => ({
    metadata: { name },
    versions: inRoot
      .filter((gv) => gv.group === name)
      .map((gv) => ({
        version: gv.version,
        resources: gv.resources.map((r) => resourceDiscovery(gv, r)),
        freshness: "Current" as const,
      })),
  }));
}

export function aggregatedBodies(served: readonly ServedGroupVersion[]): AggregatedBodies {
  const bodies = (root: DiscoveryRoot): ReadonlyMap<string, string> => {
    const items = groupItems(served, root);
    return new Map(
      AGGREGATED_DISCOVERY.versions.map((version) => [
        version,
        JSON.stringify({
          kind: AGGREGATED_DISCOVERY.as,
          apiVersion: `${AGGREGATED_DISCOVERY.group}/${version}`,
          metadata: {},
          items,
        } satisfies ApiGroupDiscoveryList & { metadata: object }),
      ]),
    );
  };
  return { api: bodies("api"), apis: bodies("apis") };
}

/** The aggregated answer for `root` if `accept` asks for one, with its Content-Type. */
export function aggregatedAnswer(
  bodies: AggregatedBodies,
  root: DiscoveryRoot,
  accept: string | undefined,
): { body: string; contentType: string } | undefined {
  const version = negotiatedVersion(accept, AGGREGATED_DISCOVERY);
  const body = version === undefined ? undefined : bodies[root].get(version);
  if (version === undefined || body === undefined) return undefined;
  return { body, contentType: jsonFormContentType(AGGREGATED_DISCOVERY, version) };
}
