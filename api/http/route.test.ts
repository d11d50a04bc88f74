import { describe, expect, it } from "vitest";
import { routeOf } from "./route.js";

describe("routeOf", () => {
  it.each([
    ["/api", { type: "api-root" }],
    ["/apis", { type: "apis-root" }],
    ["/apis/apps", { type: "api-group", group: "apps" }],
    ["/api/v1", { type: "group-version", group: "", version: "v1" }],
    ["/apis/apps/v1/", { type: "group-version", group: "apps", version: "v1" }],
    ["/api/v1/pods", { type: "resource", group: "", version: "v1", resource: "pods" }],
    [
      "/api/v1/namespaces/a/pods",
      { type: "resource", group: "", version: "v1", resource: "pods", namespace: "a" },
    ],
    [
      "/api/v1/namespaces/a/pods/p",
      { type: "resource", group: "", version: "v1", resource: "pods", namespace: "a", name: "p" },
    ],
    [
      "/api/v1/namespaces/a/pods/p/log",
      {
        type: "resource",
        group: "",
        version: "v1",
        resource: "pods",
        namespace: "a",
        name: "p",
        subresource: "log",
      },
    ],
    ["/api/v1/nodes/n1", { type: "resource", group: "", version: "v1", resource: "nodes", name: "n1" }],
    [
      "/apis/networking.k8s.io/v1/namespaces/x/ingresses",
      { type: "resource", group: "networking.k8s.io", version: "v1", resource: "ingresses", namespace: "x" },
    ],
    [
      "/api/v1/namespaces/a",
      { type: "resource", group: "", version: "v1", resource: "namespaces", name: "a" },
    ],
    ["/api/v1/namespaces/a/pods/p/status/x", { type: "unknown" }],
    ["/api/v1/namespaces/%zz/pods", { type: "unknown" }],
    ["/api/v1/namespaces/..%2F..%2Fetc/pods", { type: "unknown" }],
    ["/api/v1/namespaces/a%2Fb/pods", { type: "unknown" }],
    ["/api/v1/namespaces/%2E%2E/pods", { type: "unknown" }],
    [
      "/api/v1/namespaces/a%2Db/pods",
      { type: "resource", group: "", version: "v1", resource: "pods", namespace: "a-b" },
    ],
    ["/version", { type: "version" }],
    ["/healthz", { type: "healthz" }],
    ["/livez", { type: "healthz" }],
    ["/readyz", { type: "readyz" }],
    ["/metrics", { type: "metrics" }],
    ["/status", { type: "status" }],
    ["/dashboard", { type: "dashboard" }],
    ["/dashboard/data", { type: "dashboard" }],
    ["/openapi/v2", { type: "unknown" }],
    ["/", { type: "unknown" }],
  ])("%s", (path, route) => {
    expect(routeOf(path)).toEqual(route);
  });
});
