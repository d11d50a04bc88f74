/**
 * Discovery documents, built once from the served kinds: `/api`, `/apis`, `/apis/{group}`,
 * `/api/v1`, `/apis/{group}/{version}` and `/version`. Only plain (legacy) discovery is
 * served, with `Content-Type: application/json`; kubectl and client-go ask for aggregated
 * discovery first and fall back to these when the answer is not an APIGroupDiscoveryList.
 */
import type { KindSpec } from "../../core/kinds.js";
import type { DerivedResource } from "../http/derived-views.js";

/** A derived-view group (api/http/derived-views.ts) as discovery lists it. */
export interface DerivedGroup {
  readonly group: string;
  readonly version: string;
  readonly resources: readonly DerivedResource[];
}

export interface Discovery {
  readonly api: string;
  readonly apis: string;
  /** By group name. */
  readonly groups: ReadonlyMap<string, string>;
  /** By `group/version` ("v1" for the core group). */
  readonly resources: ReadonlyMap<string, string>;
  readonly version: string;
}

/** What /version reports: the Kubernetes release krm is built and tested against. */
export const SERVED_KUBERNETES_VERSION = { major: "1", minor: "36", gitVersion: "v1.36.0+krm" };

export function buildDiscovery(kinds: readonly KindSpec[], derived: readonly DerivedGroup[] = []): Discovery {
  const byGroupVersion = new Map<string, KindSpec[]>();
  for (const kind of kinds) {
    const gv = kind.group === "" ? kind.version : `${kind.group}/${kind.version}`;
    const list = byGroupVersion.get(gv) ?? [];
    list.push(kind);
    byGroupVersion.set(gv, list);
  }
  const coreVersions = [...new Set(kinds.filter((k) => k.group === "").map((k) => k.version))];
  const groupNames = [
    ...new Set([...kinds.filter((k) => k.group !== "").map((k) => k.group), ...derived.map((d) => d.group)]),
  ];
  const groupDocs = new Map<string, string>();
  const groupObjects = groupNames.map((name) => {
    const versions = [
      ...new Set([
        ...kinds.filter((k) => k.group === name).map((k) => k.version),
        ...derived.filter((d) => d.group === name).map((d) => d.version),
      ]),
    ].map((version) => ({
      groupVersion: `${name}/${version}`,
      version,
    }));
    const group = { name, versions, preferredVersion: versions[0] };
    groupDocs.set(name, JSON.stringify({ kind: "APIGroup", apiVersion: "v1", ...group }));
    return group;
  });
  const resources = new Map<string, string>();
  for (const [groupVersion, list] of byGroupVersion) {
    resources.set(
      groupVersion,
      JSON.stringify({
        kind: "APIResourceList",
        apiVersion: "v1",
        groupVersion,
        resources: list.map((k) => ({
          name: k.resource,
          singularName: k.kind.toLowerCase(),
          namespaced: k.namespaced,
          kind: k.kind,
          verbs: ["get", "list", "watch"],
          ...(k.shortNames.length > 0 ? { shortNames: [...k.shortNames] } : {}),
          ...(k.categories !== undefined && k.categories.length > 0 ? { categories: [...k.categories] } : {}),
        })),
      }),
    );
  }
  for (const d of derived) {
    resources.set(
      `${d.group}/${d.version}`,
      JSON.stringify({
        kind: "APIResourceList",
        apiVersion: "v1",
        groupVersion: `${d.group}/${d.version}`,
        resources: d.resources,
      }),
    );
  }
  return {
    api: JSON.stringify({ kind: "APIVersions", versions: coreVersions, serverAddressByClientCIDRs: [] }),
    apis: JSON.stringify({ kind: "APIGroupList", apiVersion: "v1", groups: groupObjects }),
    groups: groupDocs,
    resources,
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
