import { describe, expect, it } from "vitest";
import { apiConfig, influxConfig, kindConfig, kindsConfig, verifyIntervalMs } from "./config.js";
import { parseFlags } from "./parse-flags.js";
import { UsageError } from "./usage-error.js";

const api = (...argv: string[]) => apiConfig(parseFlags("api", argv, {}).values);

describe("config", () => {
  it("defaults to the six --kinds plus the capacity kinds", () => {
    const ids = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
      kindsConfig(parseFlags("run", argv, env).values).map((kind) => kind.id);
    expect(ids([])).toHaveLength(8);
    expect(ids([]).slice(6)).toEqual(["namespaces", "resourcequotas"]);
    expect(ids(["--no-capacity"])).toHaveLength(6);
    expect(ids([], { KRM_NO_CAPACITY: "true" })).toHaveLength(6);
    expect(ids(["--kinds", "pods,ns"])).toEqual(["pods", "namespaces", "resourcequotas"]);
    expect(kindsConfig(parseFlags("metrics", ["--no-capacity"], {}).values)).toHaveLength(6);
  });

  it("requires --kind for per-kind parts and rejects unknown kinds", () => {
    expect(() => kindConfig(parseFlags("streamer", [], {}).values)).toThrow(/--kind is required/);
    expect(() => kindConfig(parseFlags("streamer", ["--kind", "gizmos"], {}).values)).toThrow(
      /unknown kind "gizmos"/,
    );
    expect(kindConfig(parseFlags("streamer", ["--kind", "deploy"], {}).values).id).toBe("deployments.apps");
  });

  it("parses the verify interval and rejects nonsense", () => {
    expect(verifyIntervalMs(parseFlags("verifier", ["--verify-interval", "2m"], {}).values)).toBe(120_000);
    expect(() => verifyIntervalMs(parseFlags("verifier", ["--verify-interval", "soon"], {}).values)).toThrow(
      UsageError,
    );
    expect(() => verifyIntervalMs(parseFlags("verifier", ["--verify-interval", "10ms"], {}).values)).toThrow(
      UsageError,
    );
  });

  it("refuses auth=none on a non-loopback address unless forced", () => {
    expect(() => api("--host", "0.0.0.0", "--allow-insecure-http")).toThrow(/without authentication/);
    expect(api("--host", "0.0.0.0", "--allow-insecure-no-auth", "--allow-insecure-http").auth).toEqual({
      mode: "none",
    });
    expect(api("--host", "127.0.0.2").host).toBe("127.0.0.2");
  });

  it("refuses plain HTTP on a non-loopback address unless forced; TLS files go together", () => {
    const tls = ["--tls-cert-file", "c.pem", "--tls-key-file", "k.pem"];
    expect(() => api("--host", "0.0.0.0", "--auth", "kubernetes")).toThrow(/in clear/);
    expect(api("--host", "0.0.0.0", "--auth", "kubernetes", ...tls).tls).toEqual({
      certFile: "c.pem",
      keyFile: "k.pem",
    });
    expect(api("--host", "0.0.0.0", "--auth", "kubernetes", "--allow-insecure-http").allowInsecureHttp).toBe(
      true,
    );
    expect(() => api("--tls-cert-file", "c.pem")).toThrow(/go together/);
  });

  it("validates auth modes and ports", () => {
    expect(() => api("--auth", "token")).toThrow(/--tokens-file/);
    expect(api("--auth", "token", "--tokens-file", "t.csv").auth).toEqual({
      mode: "token",
      tokensFile: "t.csv",
    });
    expect(api("--auth", "kubernetes").auth).toEqual({ mode: "kubernetes", audiences: ["krm"] });
    expect(
      api("--auth", "kubernetes", "--auth-audiences", "krm, https://kubernetes.default.svc").auth,
    ).toEqual({
      mode: "kubernetes",
      audiences: ["krm", "https://kubernetes.default.svc"],
    });
    expect(() => api("--auth", "kubernetes", "--auth-audiences", " , ")).toThrow(/at least one audience/);
    expect(api("--allowed-hosts", "krm.local, Example.test").allowedHosts).toEqual([
      "krm.local",
      "Example.test",
    ]);
    expect(() => api("--auth", "ldap")).toThrow(UsageError);
    expect(() => api("--port", "70000")).toThrow(UsageError);
    expect(() => api("--port", "-1")).toThrow(UsageError);
  });

  it("turns metrics off without an InfluxDB URL and validates it otherwise", () => {
    expect(influxConfig(parseFlags("metrics", [], {}).values)).toBeUndefined();
    expect(() => influxConfig(parseFlags("metrics", ["--influx-url", "not a url"], {}).values)).toThrow(
      UsageError,
    );
    expect(
      influxConfig(parseFlags("metrics", [], { INFLUX_URL: "http://127.0.0.1:8086" }).values),
    ).toMatchObject({
      api: "auto",
      database: "krm",
    });
  });
});
