import { describe, expect, it } from "vitest";
import { BUILTIN_KINDS, parseCustomKind, type KindSpec } from "../../core/kinds.js";
import { CAPACITY_RESOURCES } from "../../capacity/serve/resources.js";
import { AGGREGATED_DISCOVERY, aggregatedAnswer, type ApiGroupDiscoveryList } from "./aggregated.js";
import { buildDiscovery } from "./discovery.js";

const widgets: KindSpec = {
  ...parseCustomKind("example.com/v1/widgets/Widget"),
  shortNames: ["wg"],
  categories: ["all", "toys"],
};
const capacity = { group: "capacity.krm.dev", version: "v1alpha1", resources: CAPACITY_RESOURCES };
const discovery = buildDiscovery([...BUILTIN_KINDS, widgets], [capacity]);

/** client-go 1.32's discovery Accept (JSON only: kubectl does not ask for protobuf here). */
const CLIENT_GO_ACCEPT =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

interface ApiResourceList {
  groupVersion: string;
  resources: {
    name: string;
    singularName: string;
    namespaced: boolean;
    kind: string;
    verbs: string[];
    shortNames?: string[];
    categories?: string[];
  }[];
}

const aggregated = (root: "api" | "apis", version = "v2"): ApiGroupDiscoveryList =>
  JSON.parse(discovery.aggregated[root].get(version) ?? "null") as ApiGroupDiscoveryList;

describe("aggregated discovery", () => {
  it("lists the core group under /api and every other group under /apis, preferred version first", () => {
    expect(aggregated("api").items.map((i) => i.metadata.name)).toEqual([""]);
    expect(aggregated("apis").items.map((i) => [i.metadata.name, i.versions.map((v) => v.version)])).toEqual([
      ["apps", ["v1"]],
      ["networking.k8s.io", ["v1"]],
      ["example.com", ["v1"]],
      ["capacity.krm.dev", ["v1alpha1"]],
    ]);
    const groups = (JSON.parse(discovery.apis) as { groups: { name: string }[] }).groups;
    expect(groups.map((g) => g.name)).toEqual(aggregated("apis").items.map((i) => i.metadata.name));
  });

  it("describes a resource as kube-apiserver does: responseKind, scope, singular, verbs, names", () => {
    const core = aggregated("api").items[0]?.versions[0];
    expect(core?.freshness).toBe("Current");
    expect(core?.resources.find((r) => r.resource === "pods")).toEqual({
      resource: "pods",
      responseKind: { group: "", version: "v1", kind: "Pod" },
      scope: "Namespaced",
      singularResource: "pod",
      verbs: ["get", "list", "watch"],
      shortNames: ["po"],
      categories: ["all"],
    });
    expect(core?.resources.find((r) => r.resource === "nodes")?.scope).toBe("Cluster");
    const example = aggregated("apis").items.find((i) => i.metadata.name === "example.com");
    expect(example?.versions[0]?.resources).toEqual([
      {
        resource: "widgets",
        responseKind: { group: "example.com", version: "v1", kind: "Widget" },
        scope: "Namespaced",
        singularResource: "widget",
        verbs: ["get", "list", "watch"],
        shortNames: ["wg"],
        categories: ["all", "toys"],
      },
    ]);
    const leases = aggregated("apis")
      .items.find((i) => i.metadata.name === "capacity.krm.dev")
      ?.versions[0]?.resources.find((r) => r.resource === "capacityleases");
    expect(leases).toMatchObject({
      responseKind: { group: "capacity.krm.dev", version: "v1alpha1", kind: "CapacityLease" },
      scope: "Cluster",
      verbs: ["create", "get", "list", "watch", "delete", "update"],
      shortNames: ["clease"],
    });
  });

  it("holds exactly what the per-group-version documents hold", () => {
    const fromAggregated = [...aggregated("api").items, ...aggregated("apis").items].flatMap((item) =>
      item.versions.map((v) => ({
        groupVersion: item.metadata.name === "" ? v.version : `${item.metadata.name}/${v.version}`,
        resources: v.resources.map((r) => ({
          name: r.resource,
          singularName: r.singularResource,
          namespaced: r.scope === "Namespaced",
          kind: r.responseKind.kind,
          verbs: r.verbs,
          ...(r.shortNames !== undefined ? { shortNames: r.shortNames } : {}),
          ...(r.categories !== undefined ? { categories: r.categories } : {}),
        })),
      })),
    );
    const plain = [...discovery.resources.values()].map((body) => {
      const list = JSON.parse(body) as ApiResourceList;
      return { groupVersion: list.groupVersion, resources: list.resources };
    });
    expect(fromAggregated).toEqual(plain);
    expect(plain.length).toBe(5);
  });

  it("serves v2beta1 with the same items", () => {
    expect(aggregated("apis", "v2beta1")).toEqual({
      ...aggregated("apis"),
      apiVersion: "apidiscovery.k8s.io/v2beta1",
    });
    expect(aggregated("apis").apiVersion).toBe("apidiscovery.k8s.io/v2");
    expect(aggregated("apis").kind).toBe("APIGroupDiscoveryList");
  });
});

describe("aggregated discovery negotiation", () => {
  const answer = (accept: string | undefined) => aggregatedAnswer(discovery.aggregated, "apis", accept);

  it.each([
    ["client-go's Accept", CLIENT_GO_ACCEPT, "v2"],
    ["only v2beta1", "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList", "v2beta1"],
    [
      "v2 ranked lower by q",
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0.5, application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList",
      "v2beta1",
    ],
  ])("answers the aggregated list for %s, typed with the same parameters", (_name, accept, version) => {
    const result = answer(accept);
    expect(result?.contentType).toBe(
      `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`,
    );
    expect(result?.body).toBe(discovery.aggregated.apis.get(version));
  });

  it.each([
    ["no Accept", undefined],
    ["plain JSON", "application/json"],
    ["any type", "*/*"],
    [
      "only protobuf (krm answers JSON)",
      "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
    ],
    ["a version krm does not serve", "application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList"],
    ["another group", "application/json;g=example.com;v=v2;as=APIGroupDiscoveryList"],
    ["q=0", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0"],
  ])("falls back to plain discovery for %s", (_name, accept) => {
    expect(answer(accept)).toBeUndefined();
  });

  it("is the form kubectl asks for", () => {
    expect(AGGREGATED_DISCOVERY).toEqual({
      as: "APIGroupDiscoveryList",
      group: "apidiscovery.k8s.io",
      versions: ["v2", "v2beta1"],
    });
  });
});
