import { describe, expect, it } from "vitest";
import { classify } from "./counting-proxy.js";

describe("classify", () => {
  it.each([
    ["GET", "/api/v1/pods?limit=500", "list pods"],
    ["GET", "/api/v1/pods?watch=true&resourceVersion=5", "watch pods"],
    ["GET", "/api/v1/namespaces/a/pods", "list pods"],
    ["GET", "/api/v1/namespaces/a/pods/p", "get pods"],
    ["GET", "/apis/apps/v1/deployments?watch=1", "watch deployments"],
    ["GET", "/api/v1/nodes/n1", "get nodes"],
    ["POST", "/apis/authentication.k8s.io/v1/tokenreviews", "post tokenreviews"],
    ["GET", "/version", "list version"],
  ])("%s %s is %s", (method, url, expected) => {
    expect(classify(method, url)).toBe(expected);
  });
});
