import { describe, expect, it } from "vitest";
import { KindConfigError, collectionPath, parseCustomKind, resolveKinds } from "./kinds.js";

describe("resolveKinds", () => {
  it("resolves built-in kinds by id, resource, short name and kind", () => {
    expect(resolveKinds(["pods", "deploy", "ingresses", "pvc", "svc", "node"]).map((k) => k.id)).toEqual([
      "pods",
      "deployments.apps",
      "ingresses.networking.k8s.io",
      "persistentvolumeclaims",
      "services",
      "nodes",
    ]);
  });

  it("drops duplicates and keeps order", () => {
    expect(resolveKinds(["nodes", "no", "pods"]).map((k) => k.id)).toEqual(["nodes", "pods"]);
  });

  it("accepts a custom resource without code change", () => {
    const widget = parseCustomKind("example.com/v1/widgets/Widget");
    expect(resolveKinds(["example.com/v1/widgets/Widget"])).toEqual([widget]);
    expect(widget).toMatchObject({ id: "widgets.example.com", group: "example.com", namespaced: true });
    expect(collectionPath(widget, "ns")).toBe("/apis/example.com/v1/namespaces/ns/widgets");
  });

  it("accepts core-group and cluster-scoped custom kinds", () => {
    expect(parseCustomKind("v1/configmaps/ConfigMap")).toMatchObject({ id: "configmaps", group: "" });
    expect(parseCustomKind("example.com/v1alpha1/gadgets/Gadget/cluster").namespaced).toBe(false);
  });

  it.each(["widgets", "example.com/v1/widgets", "Example.com/v1/widgets/Widget", "x/v1/w/widget", ""])(
    "rejects %j with a clear error",
    (name) => {
      expect(() => resolveKinds([name])).toThrow(KindConfigError);
    },
  );
});
