import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../local/free-port.js";
import { httpRequestText } from "../../local/http-request.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { waitUntil } from "../../local/wait-until.js";
import { startKrm, type KrmProcess } from "../security/krm-process.js";
import { createPodListReader } from "../support/pod-list-reader.js";
import { sharedCluster } from "../support/shared-cluster.js";

/**
 * krm's own parts read the kubeconfig and talk to the API server without
 * `@kubernetes/client-node` (docs/architecture.md, "Memory"): a streamer, an aggregator and an
 * API replica with `--auth kubernetes` run with client-node made unimportable, and a reader's
 * token gets the namespace's pods, equal to the API server's, through TokenReview and
 * SubjectAccessReview.
 */
/** The built preload (the integration project runs after `npm run build`). */
const FORBID = resolve(import.meta.dirname, "../../dist/test/support/forbid-client-node.js");

const cluster = sharedCluster();
const core = cluster.kubeConfig().makeApiClient(CoreV1Api);
const namespace = `krm-no-client-node-${randomBytes(3).toString("hex")}`;
let redis: RedisServer;
const parts: KrmProcess[] = [];
let apiUrl = "";
let token = "";
let env: NodeJS.ProcessEnv = {};

beforeAll(async () => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  for (const name of ["p", "q"]) {
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name },
        spec: { containers: [{ name: "c", image: "registry.k8s.io/pause:3.10" }] },
      },
    });
  }
  token = await createPodListReader(cluster, namespace);

  redis = await startRedis();
  env = { REDIS_URL: redis.url, KUBECONFIG: cluster.kubeconfigPath, NODE_OPTIONS: `--import ${FORBID}` };
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  for (const part of ["streamer", "aggregator"]) {
    parts.push(await startKrm([part, "--kind", "pods", "--health-port", String(await freePort())], env));
  }
  parts.push(await startKrm(["api", "--kinds", "pods", "--auth", "kubernetes", "--port", String(port)], env));
}, 120_000);

afterAll(async () => {
  for (const part of parts) await part.stop();
  await redis?.stop();
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

describe("krm's parts without @kubernetes/client-node", () => {
  it("the preload reaches krm's processes: `krm run`, which imports client-node for its local cluster, cannot start", async () => {
    const run = await startKrm(["run", "--kinds", "pods"], env);
    try {
      await run.process.waitForExit();
      expect(run.process.exited).toMatch(/code 1\b/);
      expect(await run.output()).toContain("forbidden: ");
    } finally {
      await run.stop();
    }
  });

  it("serve a reader's namespace list, authorized by the API server, equal to the API server's", async () => {
    const list = async (): Promise<{ status: number; body: string }> => {
      const response = await httpRequestText(`${apiUrl}/api/v1/namespaces/${namespace}/pods`, {
        headers: { Authorization: `Bearer ${token}` },
        timeoutMs: 10_000,
      });
      return { status: response.status, body: response.body };
    };
    const answer = await waitUntil(
      async () => {
        const response = await list().catch(() => undefined);
        return response?.status === 200 ? response : undefined;
      },
      {
        what: "krm's namespace list with the reader's token",
        timeoutMs: 60_000,
        intervalMs: 250,
        describeFailure: async () => (await Promise.all(parts.map((part) => part.output()))).join("\n---\n"),
      },
    );
    const truth = await core.listNamespacedPod({ namespace });
    const uids = (items: readonly { metadata?: { uid?: string } }[]) =>
      items.map((item) => item.metadata?.uid).sort();
    expect(uids((JSON.parse(answer.body) as { items: { metadata?: { uid?: string } }[] }).items)).toEqual(
      uids(truth.items),
    );
    expect(truth.items).toHaveLength(2);
    const anonymous = await httpRequestText(`${apiUrl}/api/v1/namespaces/${namespace}/pods`, {
      timeoutMs: 10_000,
    });
    expect(anonymous.status).toBe(401);
    for (const part of parts) expect(await part.output()).not.toContain("forbidden: ");
  });
});
