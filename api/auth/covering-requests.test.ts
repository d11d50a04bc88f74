import { describe, expect, it } from "vitest";
import { coveringRequests } from "./covering-requests.js";
import type { ResourceAttributes } from "./types.js";

const pods = { group: "", version: "v1", resource: "pods" } as const;
const app = [{ key: "app", operator: "In", values: ["x"] }] as const;

describe("coveringRequests", () => {
  it.each<[string, ResourceAttributes, Partial<ResourceAttributes>[]]>([
    [
      "a get widens to the namespace, then every namespace",
      { ...pods, verb: "get", namespace: "b", name: "p" },
      [{ namespace: "" }, { namespace: "b" }, { namespace: "b", name: "p" }],
    ],
    [
      "a namespace list widens to every namespace",
      { ...pods, verb: "list", namespace: "b" },
      [{ namespace: "" }, { namespace: "b" }],
    ],
    [
      "a selected watch drops its selectors",
      { ...pods, verb: "watch", namespace: "b", labelSelector: app, fieldSelector: app },
      [{ namespace: "" }, { namespace: "b" }, { namespace: "b", labelSelector: app, fieldSelector: app }],
    ],
    [
      "a cluster-wide selected list drops its selector",
      { ...pods, verb: "list", namespace: "", labelSelector: app },
      [{ namespace: "" }, { namespace: "", labelSelector: app }],
    ],
    ["a cluster-wide list is its own widest", { ...pods, verb: "list", namespace: "" }, [{ namespace: "" }]],
  ])("%s", (_name, exact, expected) => {
    expect(coveringRequests(exact)).toEqual(expected.map((e) => ({ ...pods, verb: exact.verb, ...e })));
    expect(coveringRequests(exact).at(-1)).toBe(exact);
  });

  it("never widens a write", () => {
    const create = { ...pods, verb: "create", namespace: "b", name: "p" } as const;
    expect(coveringRequests(create)).toEqual([create]);
  });
});
