import { describe, expect, it } from "vitest";
import { clusterProblem } from "./cluster-problem.js";
import { KubeApiError } from "./kube-errors.js";

const SERVER = "https://10.0.0.1:6443";

function withCode(message: string, code: string, name = "Error"): Error {
  const error = Object.assign(new Error(message), { code });
  error.name = name;
  return error;
}

describe("clusterProblem", () => {
  it.each([
    [
      "connection refused",
      withCode("connect ECONNREFUSED 10.0.0.1:6443", "ECONNREFUSED"),
      "unreachable:ECONNREFUSED",
      /connection refused/,
    ],
    [
      "unknown host",
      withCode("getaddrinfo ENOTFOUND x", "ENOTFOUND"),
      "unreachable:ENOTFOUND",
      /host name not found/,
    ],
    [
      "a silent server",
      Object.assign(new Error("timed out"), { name: "TimeoutError" }),
      "unreachable:timeout",
      /does not answer in time/,
    ],
    [
      "an unknown CA",
      withCode("self-signed certificate in certificate chain", "SELF_SIGNED_CERT_IN_CHAIN"),
      "tls:SELF_SIGNED_CERT_IN_CHAIN",
      /TLS with .* failed: self-signed/,
    ],
    [
      "https to a plain port",
      withCode("wrong version number", "ERR_SSL_WRONG_VERSION_NUMBER"),
      "tls:ERR_SSL_WRONG_VERSION_NUMBER",
      /certificate-authority-data/,
    ],
    [
      "a wrong token",
      new KubeApiError(401, { message: "Unauthorized" }),
      "401",
      /refused the credentials \(401/,
    ],
    [
      "a missing permission",
      new KubeApiError(403, {
        message:
          'pods is forbidden: User "bob" cannot list resource "pods" in API group "" at the cluster scope',
      }),
      "403:pods",
      /403 Forbidden\) for pods: pods is forbidden: User "bob" cannot list resource "pods"/,
    ],
    [
      "a missing API",
      new KubeApiError(404, { message: "not found" }),
      "404:pods",
      /does not serve pods \(404/,
    ],
  ])("names %s", (_case, error, key, text) => {
    const problem = clusterProblem(error, SERVER, "pods");
    expect(problem?.key).toBe(key);
    expect(problem?.text).toMatch(text);
    expect(problem?.text).not.toContain("\n");
  });

  it.each([
    ["a reset watch", withCode("socket hang up", "ECONNRESET")],
    ["a server error", new KubeApiError(500, { message: "etcd timeout" })],
    ["too many requests", new KubeApiError(429, {})],
    ["an expired resourceVersion", new KubeApiError(410, { reason: "Expired" })],
    ["a non-error", "boom"],
  ])("leaves %s to the usual retry logs", (_case, error) => {
    expect(clusterProblem(error, SERVER, "pods")).toBeUndefined();
  });
});
