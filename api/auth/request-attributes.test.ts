import { describe, expect, it } from "vitest";
import { BUILTIN_KINDS, type KindSpec } from "../../core/kinds.js";
import { parseListQuery } from "../list/list-query.js";
import { resourceAttributesOf } from "./request-attributes.js";

const pods = BUILTIN_KINDS.find((k) => k.id === "pods") as KindSpec;
const query = (q: string) => parseListQuery(new URLSearchParams(q), pods);

describe("SubjectAccessReview attributes of a read", () => {
  it.each([
    ["a get names its object", "ns", "p", undefined, { verb: "get", namespace: "ns", name: "p" }],
    ["a list asks about no name", "ns", undefined, "", { verb: "list", namespace: "ns" }],
    ["a cluster-wide watch", undefined, undefined, "watch=true", { verb: "watch", namespace: "" }],
    [
      "metadata.name=X names X, as kube-apiserver's RequestInfo does",
      "ns",
      undefined,
      "fieldSelector=metadata.name%3Dweb",
      {
        verb: "list",
        name: "web",
        fieldSelector: [{ key: "metadata.name", operator: "In", values: ["web"] }],
      },
    ],
    [
      "metadata.name==X on a watch",
      "ns",
      undefined,
      "watch=1&fieldSelector=metadata.name%3D%3Dweb",
      { verb: "watch", name: "web" },
    ],
    [
      "metadata.name!=X names nothing",
      "ns",
      undefined,
      "fieldSelector=metadata.name!%3Dweb",
      { fieldSelector: [{ key: "metadata.name", operator: "NotIn", values: ["web"] }] },
    ],
    [
      "label selectors become requirements; > and < have no SAR form",
      "ns",
      undefined,
      "labelSelector=app%3Dweb,tier+in+(a,b),!canary,env,x!%3Dy,n>3",
      {
        labelSelector: [
          { key: "app", operator: "In", values: ["web"] },
          { key: "tier", operator: "In", values: ["a", "b"] },
          { key: "canary", operator: "DoesNotExist", values: [] },
          { key: "env", operator: "Exists", values: [] },
          { key: "x", operator: "NotIn", values: ["y"] },
        ],
      },
    ],
  ])("%s", (_name, namespace, name, q, expected) => {
    const attributes = resourceAttributesOf(pods, namespace, name, q === undefined ? undefined : query(q));
    expect(attributes).toMatchObject({ group: "", version: "v1", resource: "pods", ...expected });
  });

  it("leaves name out when the field selector does not require one name", () => {
    expect(
      resourceAttributesOf(pods, "ns", undefined, query("fieldSelector=metadata.name!%3Dweb")).name,
    ).toBe(undefined);
    expect(resourceAttributesOf(pods, "ns", undefined, query("")).fieldSelector).toBeUndefined();
  });
});
