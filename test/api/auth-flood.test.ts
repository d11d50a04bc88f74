import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Server } from "node:https";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COUNTS_PATH, startCountingProxy, type ProxyCounts } from "../../bench/counting-proxy.js";
import { BUILTIN_KINDS, type KindSpec } from "../../core/kinds.js";
import { createPodListReader } from "../support/pod-list-reader.js";
import { sharedCluster } from "../support/shared-cluster.js";
import { waitUntil } from "../../local/wait-until.js";
import { httpGet, json, type HttpResult } from "./helpers/http-get.js";
import { startKrmStack, type KrmStack } from "./helpers/krm-stack.js";

/**
 * A flood of random bearer tokens: krm must not turn it into a flood of TokenReviews (which
 * would get krm throttled by the API server for everyone), and a legitimate user reading at
 * the same time, from the same address, keeps getting 200 quickly. The API server is
 * reached through a counting proxy, so the reviews krm makes are counted, not guessed.
 */
describe("auth=kubernetes under a flood of random tokens", () => {
  const cluster = sharedCluster();
  const admin = cluster.kubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const namespace = `krm-flood-${randomBytes(3).toString("hex")}`;
  const pods = BUILTIN_KINDS.find((k) => k.id === "pods") as KindSpec;
  let proxy: Server;
  let proxyUrl = "";
  let stack: KrmStack;
  let token = "";

  const tokenReviews = async (): Promise<number> => {
    const counts = json<ProxyCounts>(await httpsCounts(proxyUrl, cluster.caPath));
    return counts.byVerb["post tokenreviews"] ?? 0;
  };
  const list = (bearer: string): Promise<HttpResult> =>
    httpGet(`${stack.api.url}/api/v1/namespaces/${namespace}/pods`, {
      headers: { Authorization: `Bearer ${bearer}` },
    });

  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    token = await createPodListReader(cluster, namespace);
    const certDir = dirname(cluster.caPath);
    const cert = readFileSync(cluster.caPath);
    proxy = await startCountingProxy({
      upstream: new URL(cluster.clusterUrl),
      ca: cert,
      cert,
      key: readFileSync(join(certDir, "apiserver.key")),
      host: "127.0.0.1",
      port: 0,
    });
    proxyUrl = `https://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const throughProxy = new KubeConfig();
    throughProxy.loadFromFile(cluster.kubeconfigFor(proxyUrl));
    stack = await startKrmStack({
      kinds: [pods],
      kubeConfig: admin,
      api: { auth: { mode: "kubernetes" }, kubeConfig: throughProxy },
    });
    await waitUntil(async () => ((await list(token)).status === 200 ? true : undefined), {
      what: "the reader's first list",
      timeoutMs: 30_000,
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await new Promise<void>((resolve) => (proxy === undefined ? resolve() : proxy.close(() => resolve())));
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it("costs a bounded number of TokenReviews while the legitimate user keeps getting 200", async () => {
    const before = await tokenReviews();
    const attempts = 3_000;
    const concurrency = 50;
    const codes = new Map<number, number>();
    let retryAfterMissing = 0;
    let sent = 0;
    const started = performance.now();
    const attacker = async (): Promise<void> => {
      while (sent < attempts) {
        sent += 1;
        const result = await list(randomBytes(24).toString("base64url"));
        codes.set(result.status, (codes.get(result.status) ?? 0) + 1);
        if (result.status === 429 && result.headers["retry-after"] === undefined) retryAfterMissing += 1;
      }
    };
    const latencies: number[] = [];
    const legitimateCodes: number[] = [];
    let flooding = true;
    const legitimate = async (): Promise<void> => {
      while (flooding) {
        const t0 = performance.now();
        const result = await list(token);
        latencies.push(performance.now() - t0);
        legitimateCodes.push(result.status);
      }
    };
    const user = legitimate();
    await Promise.all(Array.from({ length: concurrency }, attacker));
    flooding = false;
    await user;
    const seconds = (performance.now() - started) / 1000;
    const reviews = (await tokenReviews()) - before;

    // Every random token was refused: 401 while the address had budget, 429 after.
    expect([...codes.keys()].sort()).toEqual([401, 429]);
    expect((codes.get(401) ?? 0) + (codes.get(429) ?? 0)).toBe(attempts);
    expect(retryAfterMissing).toBe(0);
    // The burst (10) plus one a second, plus the user's own re-reviews: far fewer than attempts.
    expect(reviews).toBeLessThanOrEqual(20 + Math.ceil(seconds) * 2);
    expect(legitimateCodes.length).toBeGreaterThan(5);
    expect(legitimateCodes.every((code) => code === 200)).toBe(true);
    latencies.sort((x, y) => x - y);
    const median = latencies[Math.floor(latencies.length / 2)] ?? Infinity;
    const worst = latencies[latencies.length - 1] ?? Infinity;
    // Generous for a loaded 2-core machine: the floods' answers are cheap, reviews are not made.
    expect(median).toBeLessThan(250);
    expect(worst).toBeLessThan(2_000);
    console.log(
      `flood: ${attempts} random tokens in ${seconds.toFixed(1)} s -> ${reviews} TokenReviews; ` +
        `codes ${JSON.stringify(Object.fromEntries(codes))}; legitimate ${latencies.length} reads, ` +
        `median ${median.toFixed(1)} ms, max ${worst.toFixed(1)} ms`,
    );
  });
});

/** GET of the proxy's counters over TLS (the proxy serves with the API server's certificate). */
async function httpsCounts(proxyUrl: string, caPath: string): Promise<HttpResult> {
  const { request } = await import("node:https");
  return new Promise((resolve, reject) => {
    const req = request(`${proxyUrl}${COUNTS_PATH}`, { ca: readFileSync(caPath) }, (res) => {
      res.setEncoding("utf8");
      let body = "";
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
