import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DirectAccess } from "../../cli/kubeconfig/direct-access.js";
import { selfSignedCertificate } from "../../core/testing/self-signed-certificate.js";
import { reviewPoster } from "./review-client.js";

describe("review client", () => {
  let server: Server;
  const sockets: Socket[] = [];
  let kubeConfig: KubeConfig;

  beforeAll(async () => {
    // Accepts connections and never answers: a blackholed API server.
    server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [
        {
          name: "c",
          server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          skipTLSVerify: true,
        },
      ],
      users: [{ name: "u", token: "t" }],
      contexts: [{ name: "x", cluster: "c", user: "u" }],
      currentContext: "x",
    });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("gives up on a review the API server never answers", async () => {
    const started = Date.now();
    await expect(
      reviewPoster(kubeConfig, 200)("/apis/authentication.k8s.io/v1/tokenreviews", {}),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(sockets.length).toBe(1);
  });
});

describe("review client on kept-alive connections", () => {
  let server: HttpsServer;
  let url = "";
  const certificate = selfSignedCertificate();
  /** Requests each connection has carried, and what the server does with the next one. */
  const served = new Map<Socket, number>();
  let connections = 0;
  let drop: "none" | "next reused" | "all reused" | "all" = "none";
  let dropped = 0;

  beforeAll(async () => {
    server = createHttpsServer(certificate, (request, response) => {
      const count = (served.get(request.socket) ?? 0) + 1;
      served.set(request.socket, count);
      const reused = count > 1;
      if (drop === "all" || (reused && (drop === "all reused" || drop === "next reused"))) {
        if (drop === "next reused") drop = "none";
        dropped += 1;
        request.socket.destroy();
        return;
      }
      request.resume();
      request.on("end", () => {
        response.setHeader("Content-Type", "application/json");
        response.end(JSON.stringify({ status: { allowed: true }, count }));
      });
    });
    server.on("secureConnection", () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** A fresh kubeconfig access, so each test starts with an empty connection pool. */
  const poster = () =>
    reviewPoster(
      new DirectAccess(
        { server: url, caData: Buffer.from(certificate.cert).toString("base64"), skipTLSVerify: false },
        { token: "t", plugin: false },
      ),
      5_000,
    );
  const path = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

  const reset = (): void => {
    connections = 0;
    dropped = 0;
    drop = "none";
  };

  it("reuses one connection for reviews in turn", async () => {
    reset();
    const post = poster();
    for (let i = 1; i <= 3; i++) await expect(post(path, {})).resolves.toMatchObject({ count: i });
    expect(connections).toBe(1);
  });

  it("sends a review again, once, when the server closed the kept connection under it", async () => {
    reset();
    const post = poster();
    await post(path, {});
    drop = "next reused";
    await expect(post(path, {})).resolves.toMatchObject({ status: { allowed: true }, count: 1 });
    expect(dropped).toBe(1);
    expect(connections).toBe(2);
  });

  it("does not send again when a new connection is dropped", async () => {
    reset();
    drop = "all";
    await expect(poster()(path, {})).rejects.toMatchObject({ code: "ECONNRESET" });
    expect(dropped).toBe(1);
    expect(connections).toBe(1);
  });

  it("sends again only once, even when the retry lands on another dropped kept connection", async () => {
    reset();
    const post = poster();
    // Two reviews at once open two connections; both stay in the pool.
    await Promise.all([post(path, {}), post(path, {})]);
    expect(connections).toBe(2);
    drop = "all reused";
    await expect(post(path, {})).rejects.toMatchObject({ code: "ECONNRESET" });
    expect(dropped).toBe(2);
    expect(connections).toBe(2);
  });
});
