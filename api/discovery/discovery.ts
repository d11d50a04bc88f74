/**
 * Discovery documents, built once from what krm serves (served-resources.ts): `/api`,
 * `/apis`, `/apis/{group}`, `/api/v1`, `/apis/{group}/{version}` and `/version`, plus the
 * aggregated form of `/api` and `/apis` (aggregated.ts) that kubectl and client-go 1.30+ ask
 * for first, so they need one request per root instead of one per group-version.
 */
import type { KindSpec } from "../../core/kinds.js";
import { aggregatedBodies, type AggregatedBodies } from "./aggregated.js";
import { servedGroupVersions, type DerivedGroup, type ServedGroupVersion } from "./served-resources.js";

export type { DerivedGroup } from "./served-resources.js";

export interface Discovery {
  readonly api: string;
  readonly apis: string;
  /** By group name. */
  readonly groups: ReadonlyMap<string, string>;
  /** By `group/version` ("v1" for the core group). */
  readonly resources: ReadonlyMap<string, string>;
  /** `/api` and `/apis` as APIGroupDiscoveryLists, by apidiscovery.k8s.io version. */
  readonly aggregated: AggregatedBodies;
  readonly version: string;
}

/** What /version reports: the Kubernetes release krm is built and tested against. */
export const SERVED_KUBERNETES_VERSION = { major: "1", minor: "36", gitVersion: "v1.36.0+krm" };

const groupVersionOf = (gv: ServedGroupVersion): string =>
  gv.group === "" ? gv.version : `${gv.group}/${gv.version}`;

export function buildDiscovery(kinds: readonly KindSpec[], derived: readonly DerivedGroup[] = []): Discovery {
  const served = servedGroupVersions(kinds, derived);
  const groupNames = [...new Set(served.filter((gv) => gv.group !== "").map((gv) => gv.group))];
  const groupDocs = new Map<string, string>();
  const groupObjects = groupNames.map((name) => {
    const versions = served
      .filter((gv) => gv.group === name)
      .map((gv) => ({ groupVersion: groupVersionOf(gv), version: gv.version }));
    const group = { name, versions, preferredVersion: versions[0] };
    groupDocs.set(name, JSON.stringify({ kind: "APIGroup", apiVersion: "v1", ...group }));
    return group;
  });
  const resources = new Map(
    served.map((gv) => [
      groupVersionOf(gv),
      JSON.stringify({
        kind: "APIResourceList",
        apiVersion: "v1",
        groupVersion: groupVersionOf(gv),
        resources: gv.resources.map((r) => ({
          name: r.name,
          singularName: r.singularName,
          namespaced: r.namespaced,
          kind: r.kind,
          verbs: r.verbs,
          ...(r.shortNames !== undefined && r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
          ...(r.categories !== undefined && r.categories.length > 0 ? { categories: r.categories } : {}),
        })),
      }),
    ]),
  );
  const coreVersions = served.filter((gv) => gv.group === "").map((gv) => gv.version);
  return {
    api: JSON.stringify({ kind: "APIVersions", versions: coreVersions, serverAddressByClientCIDRs: [] }),
    apis: JSON.stringify({ kind: "APIGroupList", apiVersion: "v1", groups: groupObjects }),
    groups: groupDocs,
    resources,
    aggregated: aggregatedBodies(served),
    version: JSON.stringify({
      ...SERVED_KUBERNETES_VERSION,
      gitCommit: "krm",
      gitTreeState: "clean",
      buildDate: "1970-01-01T00:00:00Z",
      goVersion: "n/a",
      compiler: "n/a",
      platform: `${process.platform}/${process.arch}`,
    }),
  };
}
