import { describe, expect, it } from "vitest";
import type { PodVersion } from "./pod-history.js";
import { digestInScope, podScopeOf } from "./pod-scope.js";

const pod = (namespace: string, name: string, app: string): PodVersion => ({
  namespace,
  name,
  uid: `u-${name}`,
  rv: "1",
  labels: { app },
});
const pods = new Map(
  [pod("a", "p1", "x"), pod("a", "p2", "y"), pod("b", "p3", "x")].map((p) => [`${p.namespace}/${p.name}`, p]),
);
const keys = (path: string) => {
  const scope = podScopeOf(path);
  return scope === undefined ? undefined : digestInScope(pods, scope).items.map((i) => i.key);
};

describe("pod scopes of the bench's reads", () => {
  it.each([
    ["/api/v1/pods", ["a/p1", "a/p2", "b/p3"]],
    ["/api/v1/namespaces/a/pods", ["a/p1", "a/p2"]],
    ["/api/v1/namespaces/b/pods/p3", ["b/p3"]],
    ["/api/v1/namespaces/a/pods/p3", []],
    [`/api/v1/pods?labelSelector=${encodeURIComponent("app=x")}`, ["a/p1", "b/p3"]],
    [`/api/v1/namespaces/a/pods?labelSelector=${encodeURIComponent("app==x")}`, ["a/p1"]],
  ])("%s", (path, expected) => {
    expect(keys(path)).toEqual(expected);
  });

  it.each([
    "/api/v1/services",
    "/api/v1/pods?fieldSelector=metadata.name%3Dp1",
    `/api/v1/pods?labelSelector=${encodeURIComponent("app!=x")}`,
    `/api/v1/pods?labelSelector=${encodeURIComponent("app in (x)")}`,
    "/api/v1/pods?limit=10",
    "/api/v1/pods/p1",
  ])("leaves %s to an exact list", (path) => {
    expect(podScopeOf(path)).toBeUndefined();
  });
});
