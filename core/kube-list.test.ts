import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { findBuiltinKind } from "./kinds.js";
import { KubeApiError, isExpiredContinue } from "./kube-errors.js";
import { listPages } from "./kube-list.js";

const found = findBuiltinKind("pods");
if (found === undefined) throw new Error("pods is a built-in kind");
const pods = found;

/** A fake API server for unit tests: answers each request with the next scripted response. */
async function fakeServer(
  respond: (url: URL) => { status: number; body: unknown },
): Promise<{ server: Server; kubeConfig: KubeConfig; urls: string[] }> {
  const urls: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    urls.push(`${url.pathname}${url.search}`);
    const { status, body } = respond(url);
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: "fake", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: "nobody" }],
    contexts: [{ name: "fake", cluster: "fake", user: "nobody" }],
    currentContext: "fake",
  });
  return { server, kubeConfig, urls };
}

const item = (name: string) => ({
  metadata: { name, namespace: "ns", uid: `${name}-uid`, resourceVersion: "3" },
});
const expired = {
  status: 410,
  body: {
    kind: "Status",
    code: 410,
    reason: "Expired",
    message: "The provided continue parameter is too old",
  },
};

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

describe("listPages", () => {
  it("follows continue tokens and completes items with apiVersion and kind", async () => {
    const fake = await fakeServer((url) =>
      url.searchParams.get("continue") === null
        ? { status: 200, body: { metadata: { resourceVersion: "10", continue: "t1" }, items: [item("a")] } }
        : { status: 200, body: { metadata: { resourceVersion: "10" }, items: [item("b")] } },
    );
    server = fake.server;
    const pages: string[][] = [];
    const result = await listPages({
      kubeConfig: fake.kubeConfig,
      kind: pods,
      pageSize: 1,
      onPage: (objects) => {
        pages.push(objects.map((o) => `${o.apiVersion ?? ""}/${o.kind ?? ""}/${o.metadata.name ?? ""}`));
        return Promise.resolve();
      },
      onRestart: () => Promise.resolve(),
    });
    expect(result).toEqual({ resourceVersion: "10", count: 2 });
    expect(pages).toEqual([["v1/Pod/a"], ["v1/Pod/b"]]);
    expect(fake.urls).toEqual(["/api/v1/pods?limit=1", "/api/v1/pods?limit=1&continue=t1"]);
  });

  it("starts over from page one when the continue token expired", async () => {
    let requests = 0;
    const fake = await fakeServer((url) => {
      requests += 1;
      if (url.searchParams.get("continue") === null) {
        return {
          status: 200,
          body: { metadata: { resourceVersion: String(requests), continue: "t" }, items: [item("a")] },
        };
      }
      return requests === 2 ? expired : { status: 200, body: { metadata: {}, items: [item("b")] } };
    });
    server = fake.server;
    let restarts = 0;
    let delivered = 0;
    const result = await listPages({
      kubeConfig: fake.kubeConfig,
      kind: pods,
      onPage: (objects) => {
        delivered += objects.length;
        return Promise.resolve();
      },
      onRestart: () => {
        restarts += 1;
        delivered = 0;
        return Promise.resolve();
      },
    });
    expect(restarts).toBe(1);
    expect(delivered).toBe(2);
    expect(result).toEqual({ resourceVersion: "3", count: 2 });
  });

  it("throws a KubeApiError carrying the Status of a failed request", async () => {
    const fake = await fakeServer(() => expired);
    server = fake.server;
    const listing = listPages({
      kubeConfig: fake.kubeConfig,
      kind: pods,
      onPage: () => Promise.resolve(),
      onRestart: () => Promise.resolve(),
    });
    await expect(listing).rejects.toBeInstanceOf(KubeApiError);
    await listing.catch((error: unknown) => expect(isExpiredContinue(error)).toBe(true));
  });
});
