// The fault proxy in front of the real API server: TLS passes through with the cluster's CA
// (its certificate covers 127.0.0.1), cutAll ends a live watch, and a blackhole leaves a
// request hanging with no answer, which only a client deadline ends.
import { readFile } from "node:fs/promises";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { httpRequestText } from "../../local/http-request.js";
import { sharedCluster } from "../support/shared-cluster.js";
import { collectWatch } from "../support/watch-events.js";
import { waitUntil } from "../../local/wait-until.js";

/** Long enough for a loopback answer many times over, short enough to keep the test quick. */
const HANGING_REQUEST_DEADLINE_MS = 1_500;

const cluster = sharedCluster();
let proxy: FaultProxy;
let throughProxy: KubeConfig;

beforeAll(async () => {
  const target = new URL(cluster.clusterUrl);
  proxy = await startFaultProxy({ targetHost: target.hostname, targetPort: Number(target.port) });
  throughProxy = new KubeConfig();
  throughProxy.loadFromFile(cluster.kubeconfigFor(proxy.url));
});

afterAll(async () => {
  await proxy.stop();
});

test("clients reach the API server through the proxy with the cluster's CA and token", async () => {
  const namespaces = await throughProxy.makeApiClient(CoreV1Api).listNamespace();
  expect(namespaces.items.map((namespace) => namespace.metadata?.name)).toContain("default");
});

test("cutAll ends a live watch", async () => {
  let received = 0;
  const watching = collectWatch({
    kubeConfig: throughProxy,
    path: "/api/v1/namespaces",
    query: { timeoutSeconds: 60 },
    until: (events) => {
      received = events.length;
      return false;
    },
    timeoutMs: 30_000,
  });
  // Events prove the watch's own connection is up; an idle pooled one may be counted before it.
  await waitUntil(() => (received > 0 ? true : undefined), {
    what: "the first watch event",
    timeoutMs: 10_000,
  });
  expect(proxy.cutAll()).toBeGreaterThan(0);
  const outcome = await watching;
  expect(outcome.ended).toBe(true);
});

test("a blackholed connection answers nothing until the client gives up", async () => {
  proxy.blackhole(true);
  try {
    const ca = await readFile(cluster.caPath, "utf8");
    const hanging = httpRequestText(`${proxy.url}/api/v1/namespaces`, {
      ca,
      bearerToken: cluster.adminToken,
      timeoutMs: HANGING_REQUEST_DEADLINE_MS,
    });
    await expect(hanging).rejects.toThrow(/timed out/);
    expect(proxy.connectionCount()).toBeGreaterThan(0);
  } finally {
    proxy.blackhole(false);
    proxy.cutAll();
  }
  const namespaces = await throughProxy.makeApiClient(CoreV1Api).listNamespace();
  expect(namespaces.items.length).toBeGreaterThan(0);
});
