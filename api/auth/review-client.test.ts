import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
