import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createKrmClient, KrmConnectionError, KrmStatusError, KrmTimeoutError } from "./index.js";

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const servers: Server[] = [];

async function serve(handler: Handler): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", namespace: "a", creationTimestamp: "2026-01-02T03:04:05Z" },
};
const status = (code: number, reason: string) =>
  JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", message: reason, reason, code });

describe("krm client", () => {
  it("lists with query parameters and token, and deserializes like client-node (dates are Dates)", async () => {
    let seen: IncomingMessage | undefined;
    const baseUrl = await serve((request, response) => {
      seen = request;
      response.writeHead(200, {
        "Content-Type": "application/json",
        "X-Krm-Stale": "false",
        "X-Krm-Resource-Version": "7",
        "X-Krm-Verified-At": "2026-01-01T00:00:00.000Z",
      });
      response.end(
        JSON.stringify({
          apiVersion: "v1",
          kind: "PodList",
          metadata: { resourceVersion: "7", continue: "tok" },
          items: [pod],
        }),
      );
    });
    const krm = createKrmClient({ baseUrl, token: "secret" });
    const list = await krm.pods.list({
      namespace: "a",
      labelSelector: "app=x",
      fieldSelector: "spec.nodeName=n",
      limit: 5,
    });
    expect(seen?.url).toBe(
      "/api/v1/namespaces/a/pods?labelSelector=app%3Dx&fieldSelector=spec.nodeName%3Dn&limit=5",
    );
    expect(seen?.headers.authorization).toBe("Bearer secret");
    expect(list.metadata.resourceVersion).toBe("7");
    expect(list.metadata._continue).toBe("tok");
    expect(list.items[0]?.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(list.freshness).toEqual({
      resourceVersion: "7",
      verifiedAt: new Date("2026-01-01T00:00:00.000Z"),
      stale: false,
    });
  });

  it("retries a 503 after the server's Retry-After, then succeeds", async () => {
    let calls = 0;
    const baseUrl = await serve((_request, response) => {
      calls++;
      if (calls < 3) {
        response.writeHead(503, { "Retry-After": "2", "Content-Type": "application/json" });
        response.end(status(503, "ServiceUnavailable"));
        return;
      }
      response.end(JSON.stringify(pod));
    });
    const waits: number[] = [];
    const krm = createKrmClient({ baseUrl, sleep: (ms) => (waits.push(ms), Promise.resolve()) });
    const got = await krm.pods.get("a", "p");
    expect(got.metadata?.name).toBe("p");
    expect(waits).toEqual([2000, 2000]);
  });

  it("gives up after the configured retries with a typed error carrying the Status", async () => {
    const baseUrl = await serve((_request, response) => {
      response.writeHead(503, { "Content-Type": "application/json" });
      response.end(status(503, "ServiceUnavailable"));
    });
    const waits: number[] = [];
    const krm = createKrmClient({ baseUrl, retries: 2, sleep: (ms) => (waits.push(ms), Promise.resolve()) });
    const error = await krm.nodes.get("n1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KrmStatusError);
    expect((error as KrmStatusError).code).toBe(503);
    expect((error as KrmStatusError).status.reason).toBe("ServiceUnavailable");
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBeGreaterThan(waits[0] ?? 0);
  });

  it("does not retry a 404 and exposes its Status", async () => {
    let calls = 0;
    const baseUrl = await serve((_request, response) => {
      calls++;
      response.writeHead(404, { "Content-Type": "application/json" });
      response.end(status(404, "NotFound"));
    });
    const krm = createKrmClient({ baseUrl, sleep: () => Promise.resolve() });
    await expect(krm.pods.get("a", "missing")).rejects.toMatchObject({
      code: 404,
      status: { reason: "NotFound" },
    });
    expect(calls).toBe(1);
  });

  it("retries connection errors, then reports KrmConnectionError", async () => {
    const baseUrl = await serve(() => undefined);
    const server = servers.pop();
    await new Promise((resolve) => server?.close(resolve));
    const waits: number[] = [];
    const krm = createKrmClient({ baseUrl, retries: 2, sleep: (ms) => (waits.push(ms), Promise.resolve()) });
    await expect(krm.pods.list()).rejects.toBeInstanceOf(KrmConnectionError);
    expect(waits).toHaveLength(2);
  });

  it("times out a request that gets no answer", async () => {
    const baseUrl = await serve(() => undefined);
    const krm = createKrmClient({ baseUrl, timeoutMs: 100, retries: 0 });
    await expect(krm.pods.list()).rejects.toBeInstanceOf(KrmTimeoutError);
  });

  it("watches as an async iterator and throws the Status of an ERROR event", async () => {
    const baseUrl = await serve((request, response) => {
      response.writeHead(200, { "Content-Type": "application/json" });
      response.write(`{"type":"ADDED","object":${JSON.stringify(pod)}}\n`);
      response.write(
        `{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"9"}}}\n`,
      );
      if (request.url?.includes("resourceVersion=1"))
        response.write(`{"type":"ERROR","object":${status(410, "Expired")}}\n`);
      response.end();
    });
    const krm = createKrmClient({ baseUrl });
    const events = [];
    for await (const event of krm.pods.watch({ namespace: "a" })) events.push(event);
    expect(events.map((e) => e.type)).toEqual(["ADDED", "BOOKMARK"]);
    expect(events[0]?.object.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(events[1]?.object.metadata?.resourceVersion).toBe("9");
    const failing = async (): Promise<void> => {
      for await (const _event of krm.pods.watch({ resourceVersion: "1" })) void _event;
    };
    await expect(failing()).rejects.toMatchObject({ code: 410, reason: "Expired" });
  });

  it("reaches any resource through resource(group, version, plural)", async () => {
    let path = "";
    const baseUrl = await serve((request, response) => {
      path = request.url ?? "";
      response.end(
        JSON.stringify({
          apiVersion: "example.com/v1",
          kind: "WidgetList",
          metadata: {},
          items: [{ metadata: { name: "w" } }],
        }),
      );
    });
    const krm = createKrmClient({ baseUrl });
    const widgets = await krm
      .resource<{ metadata: { name: string } }>("example.com", "v1", "widgets")
      .list({ namespace: "ns" });
    expect(path).toBe("/apis/example.com/v1/namespaces/ns/widgets");
    expect(widgets.items[0]?.metadata.name).toBe("w");
  });
});
