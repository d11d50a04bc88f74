/**
 * capacity.krm.dev served by two API replicas over one real Redis, fed by states written
 * exactly as the aggregator writes them: figures, Tables, selectors and watches of
 * nodepools/consumers, fitreviews, and leases that never double-book under a race.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer } from "../../api/index.js";
import { capacityExample } from "../../client/capacity-example.js";
import { capacityViews } from "../../capacity/serve/capacity-views.js";
import { BUILTIN_KINDS, type KindSpec } from "../../core/kinds.js";
import { silentLogger } from "../../core/logger.js";
import type { KubeObject } from "../../core/object-key.js";
import type { RunningPart } from "../../core/running-part.js";
import { kubectlOk } from "../deploy/kubectl.js";
import { httpGet, json } from "../api/helpers/http-get.js";
import { StateWriter } from "../api/helpers/state-writer.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { waitUntil } from "../../local/wait-until.js";
import { writeKubeconfig } from "../../local/cluster/kubeconfig-file.js";

const kind = (id: string): KindSpec => BUILTIN_KINDS.find((k) => k.id === id) as KindSpec;
const POOL = "karpenter.sh/nodepool";

function node(
  name: string,
  pool: string,
  cpu: string,
  memory: string,
  extra: { unschedulable?: boolean } = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, uid: `uid-${name}`, resourceVersion: "1", labels: { [POOL]: pool } },
    spec: extra.unschedulable === true ? { unschedulable: true } : {},
    status: { allocatable: { cpu, memory, pods: "110" }, conditions: [{ type: "Ready", status: "True" }] },
  };
}

function pod(
  namespace: string,
  name: string,
  nodeName: string | undefined,
  cpu: string,
  memory: string,
  phase = "Running",
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      namespace,
      name,
      uid: `uid-${namespace}-${name}`,
      resourceVersion: "1",
      labels: { app: name },
    },
    spec: {
      ...(nodeName !== undefined ? { nodeName } : {}),
      containers: [
        { name: "c", image: "busybox", resources: { requests: { cpu, memory }, limits: { memory } } },
      ],
    },
    status: { phase },
  };
}

interface NodePool {
  metadata: { name: string; labels: Record<string, string>; resourceVersion: string };
  status: Record<string, unknown> & {
    requested: Record<string, string>;
    leased: Record<string, string>;
    free: Record<string, string>;
    status: string;
    reason: string;
  };
}

const BASE = "/apis/capacity.krm.dev/v1alpha1";

describe("capacity.krm.dev on two API replicas", () => {
  let redis: RedisServer;
  const apis: (RunningPart & { url: string })[] = [];
  let podWriter: StateWriter;
  let nodeWriter: StateWriter;
  let dir = "";

  const post = async (
    url: string,
    body: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const getPool = async (api: { url: string }, name: string): Promise<NodePool> =>
    json<NodePool>(await httpGet(`${api.url}${BASE}/nodepools/${name}`));

  beforeAll(async () => {
    redis = await startRedis();
    podWriter = new StateWriter(redis.url, kind("pods"));
    nodeWriter = new StateWriter(redis.url, kind("nodes"));
    await nodeWriter.reset([
      node("small-1", "small", "2", "4Gi"),
      node("small-2", "small", "2", "4Gi"),
      node("large-1", "large", "8", "32Gi"),
      node("large-2", "large", "8", "32Gi", { unschedulable: true }),
    ]);
    await podWriter.reset([
      pod("team-a", "web-1", "small-1", "500m", "1Gi"),
      pod("team-a", "web-2", "small-2", "1500m", "1Gi"),
      pod("team-b", "db-1", "large-1", "2", "8Gi"),
      pod("team-b", "done", "large-1", "4", "8Gi", "Succeeded"),
      pod("team-b", "waiting", undefined, "1", "1Gi", "Pending"),
    ]);
    for (let i = 0; i < 2; i++)
      apis.push(
        await startApiServer({
          kinds: [kind("pods"), kind("nodes")],
          redisUrl: redis.url,
          logger: silentLogger(),
          port: 0,
          auth: { mode: "none" },
          feed: { blockMs: 200, checkIntervalMs: 200 },
          derivedViews: [
            capacityViews({
              config: { overcommit: { large: 1.5 }, thresholds: { cpu: { warning: 50, critical: 90 } } },
              leasePollMs: 100,
            }),
          ],
        }),
      );
    for (const api of apis)
      await waitUntil(
        async () => ((await httpGet(`${api.url}${BASE}/nodepools`)).status === 200 ? true : undefined),
        {
          what: "nodepools served",
          timeoutMs: 20_000,
        },
      );
    dir = mkdtempSync(join(tmpdir(), "krm-capacity-"));
  });

  afterAll(async () => {
    await Promise.all(apis.map((a) => a.stop()));
    podWriter?.close();
    nodeWriter?.close();
    await redis?.stop();
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  it("lists the group in discovery with its resources and verbs", async () => {
    const [api] = apis;
    const list = json<{ resources: { name: string; verbs: string[] }[] }>(
      await httpGet(`${api?.url}${BASE}`),
    );
    expect(list.resources.map((r) => r.name)).toEqual([
      "nodepools",
      "consumers",
      "fitreviews",
      "capacityleases",
    ]);
    const groups = json<{ groups: { name: string }[] }>(await httpGet(`${api?.url}/apis`));
    expect(groups.groups.map((g) => g.name)).toContain("capacity.krm.dev");
  });

  it("sums pools from the open nodes, keeps cordoned nodes apart, skips finished pods", async () => {
    const [api] = apis;
    const small = await getPool(api as { url: string }, "small");
    expect(small.status["allocatable"]).toEqual({ cpu: "4", memory: "8Gi", pods: "220" });
    expect(small.status.requested).toEqual({ cpu: "2", memory: "2Gi", pods: "2" });
    expect(small.status.percentUsed).toMatchObject({ cpu: 50 });
    expect(small.status.status).toBe("Warning");
    expect(small.status.reason).toBe("cpu 50% of reservable");
    const large = await getPool(api as { url: string }, "large");
    expect(large.status["nodes"]).toEqual({ schedulable: 1, unschedulable: 1, notReady: 0 });
    expect(large.status["reservable"]).toEqual({ cpu: "12", memory: "48Gi", pods: "165" });
    expect(large.status.requested).toEqual({ cpu: "2", memory: "8Gi", pods: "1" });
    expect(large.status["unschedulableNodes"]).toEqual({
      allocatable: { cpu: "8", memory: "32Gi", pods: "110" },
      requested: {},
    });
    const consumers = json<{ items: { metadata: { name: string }; status: Record<string, unknown> }[] }>(
      await httpGet(`${api?.url}${BASE}/consumers`),
    );
    const teamB = consumers.items.find((c) => c.metadata.name === "team-b");
    expect(teamB?.status).toMatchObject({
      pods: { running: 1, pending: 1 },
      requests: { cpu: "2", memory: "8Gi", pods: "1" },
      pending: { cpu: "1", memory: "1Gi", pods: "1" },
    });
  });

  it("selects by label and serves Tables that kubectl prints", async () => {
    const [api] = apis;
    const warning = json<{ items: NodePool[] }>(
      await httpGet(`${api?.url}${BASE}/nodepools?labelSelector=capacity.krm.dev%2Fstatus%3DWarning`),
    );
    expect(warning.items.map((p) => p.metadata.name)).toEqual(["small"]);
    const kubeconfig = join(dir, "krm.kubeconfig");
    writeKubeconfig(kubeconfig, { server: api?.url ?? "" });
    const pools = await kubectlOk(["--kubeconfig", kubeconfig, "get", "nodepools"]);
    const lines = pools.trim().split("\n");
    expect(lines[0]).toMatch(/^NAME\s+NODES\s+CPU\s+MEMORY\s+PODS\s+PENDING\s+STATUS/);
    expect(lines.find((l) => l.startsWith("small"))).toMatch(/small\s+2\s+2\/4 \(50%\)\s+2Gi\/8Gi \(25%\)/);
    expect(lines.find((l) => l.startsWith("large"))).toMatch(/large\s+1 \(\+1\)\s+2\/12 \(17%\)/);
    const consumers = await kubectlOk(["--kubeconfig", kubeconfig, "get", "consumers"]);
    expect(consumers).toMatch(/team-b\s+1 \(\+1\)\s+2 \(/);
  });

  it("moves the figures and reaches watchers when a pod changes", async () => {
    const [api] = apis;
    const controller = new AbortController();
    const response = await fetch(
      `${api?.url}${BASE}/nodepools?watch=true&fieldSelector=metadata.name%3Dsmall`,
      { signal: controller.signal },
    );
    const reader = response.body?.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const readUntil = async (pattern: RegExp): Promise<void> => {
      while (!pattern.test(text)) {
        const chunk = await reader?.read();
        if (chunk === undefined || chunk.done)
          throw new Error(`watch ended before ${String(pattern)}: ${text}`);
        text += decoder.decode(chunk.value);
      }
    };
    await readUntil(/"type":"ADDED"/);
    await podWriter.change("ADDED", pod("team-a", "web-3", "small-1", "1", "1Gi"));
    await readUntil(/"type":"MODIFIED".*"requested":\{"cpu":"3"/);
    controller.abort();
    const small = await getPool(apis[1] as { url: string }, "small");
    await waitUntil(
      async () =>
        (await getPool(apis[1] as { url: string }, "small")).status.requested["cpu"] === "3"
          ? true
          : undefined,
      {
        what: "second replica sees the new pod",
        timeoutMs: 10_000,
      },
    );
    expect(small.metadata.name).toBe("small");
  });

  it("fits replicas per pool and node, honouring cordons and node selectors", async () => {
    const [api] = apis;
    const review = await post(`${api?.url}${BASE}/fitreviews`, {
      apiVersion: "capacity.krm.dev/v1alpha1",
      kind: "FitReview",
      spec: { replicas: 10, resources: { requests: { cpu: "1", memory: "1Gi" } } },
    });
    expect(review.status).toBe(201);
    const status = review.body["status"] as {
      fits: boolean;
      replicasPlaced: number;
      pools: { pool: string; fits: number; replicas: number; nodes: { node: string; fits: number }[] }[];
    };
    // large-1: 8 − 2 = 6 cpu free; small-1: 2 − 1.5 = 0.5 → 0; small-2: 2 − 1.5 = 0.5 → 0 (web-3 took 1 on small-1).
    expect(status.pools.map((p) => [p.pool, p.fits, p.replicas])).toEqual([
      ["large", 6, 6],
      ["small", 0, 0],
    ]);
    expect(status.pools[0]?.nodes).toEqual([{ node: "large-1", fits: 6 }]);
    expect(status).toMatchObject({ fits: false, replicasPlaced: 6 });
    const pinned = await post(`${api?.url}${BASE}/fitreviews`, {
      spec: { replicas: 1, resources: { requests: { cpu: "100m" } }, nodeSelector: { [POOL]: "small" } },
    });
    const pinnedPools = (
      pinned.body["status"] as { pools: { pool: string; replicas: number; reason: string }[] }
    ).pools;
    expect(pinnedPools.find((p) => p.pool === "small")?.replicas).toBe(1);
    expect(pinnedPools.find((p) => p.pool === "large")?.reason).toMatch(/node selector mismatch/);
  });

  it.each([
    ["422 for a bad quantity", { spec: { resources: { requests: { cpu: "lots" } } } }, 422, "Invalid"],
    ["422 for a bad policy", { spec: { policy: "Random" } }, 422, "Invalid"],
    ["422 for too many replicas", { spec: { replicas: 1e9 } }, 422, "Invalid"],
    ["400 for a body that is not an object", [1, 2], 400, "BadRequest"],
  ])("fitreviews: %s", async (_name, body, code, reason) => {
    const answer = await post(`${apis[0]?.url}${BASE}/fitreviews`, body);
    expect(answer.status).toBe(code);
    expect(answer.body).toMatchObject({ kind: "Status", code, reason });
  });

  it("never double-books: 50 racing acquires across two replicas, exactly K succeed", async () => {
    // The small pool has 4 cpu reservable and 3 requested: room for exactly K = 4 leases of 250m.
    const K = 4;
    const attempts = Array.from({ length: 50 }, (_, i) =>
      post(`${apis[i % 2]?.url}${BASE}/capacityleases`, {
        metadata: { name: `race-${i}` },
        spec: { resources: { cpu: "250m" }, pools: 1, ttlSeconds: 600, holder: `job-${i}` },
      }),
    );
    const results = await Promise.all(attempts);
    const granted = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    // large has 12 − 2 = 10 cpu room: 40 leases of 250m fit there first (least utilized), then small's 4.
    expect(granted.length + refused.length).toBe(50);
    expect(granted.length).toBe(40 + K);
    expect(refused[0]?.body).toMatchObject({ kind: "Status", code: 409, reason: "Conflict" });
    expect(String(refused[0]?.body["message"])).toMatch(/pool .*: cpu short by/);
    const pools = granted.map((r) => (r.body["status"] as { pools: string[] }).pools[0] ?? "");
    expect(pools.filter((p) => p === "large")).toHaveLength(40);
    expect(pools.filter((p) => p === "small")).toHaveLength(K);
    for (const api of apis)
      await waitUntil(
        async () => {
          const [small, large] = await Promise.all([getPool(api, "small"), getPool(api, "large")]);
          return small.status.leased["cpu"] === "1" && large.status.leased["cpu"] === "10" ? true : undefined;
        },
        { what: "both replicas show the leased amounts", timeoutMs: 10_000 },
      );
    const fit = await post(`${apis[1]?.url}${BASE}/fitreviews`, {
      spec: { replicas: 1, resources: { requests: { cpu: "100m" } } },
    });
    expect((fit.body["status"] as { fits: boolean }).fits).toBe(false);
  });

  it("releases on delete, lists leases, and renews only for the holder", async () => {
    const [a, b] = apis;
    const list = json<{ items: { metadata: { name: string }; status: { phase: string } }[] }>(
      await httpGet(`${a?.url}${BASE}/capacityleases`),
    );
    expect(list.items.filter((l) => l.status.phase === "Granted")).toHaveLength(44);
    const name = list.items[0]?.metadata.name ?? "";
    const deleted = await fetch(`${b?.url}${BASE}/capacityleases/${name}`, { method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toMatchObject({ status: { phase: "Released" } });
    expect((await fetch(`${a?.url}${BASE}/capacityleases/${name}`, { method: "DELETE" })).status).toBe(404);
    const other = list.items[1]?.metadata.name ?? "";
    const wrong = await fetch(`${a?.url}${BASE}/capacityleases/${other}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ spec: { resources: { cpu: "250m" }, ttlSeconds: 60, holder: "someone-else" } }),
    });
    expect(wrong.status).toBe(409);
    // Release everything so later tests start from the pools' own figures.
    for (const item of list.items.slice(1))
      await fetch(`${a?.url}${BASE}/capacityleases/${item.metadata.name}`, { method: "DELETE" });
    await waitUntil(
      async () =>
        (await getPool(b as { url: string }, "large")).status.leased["cpu"] === undefined ? true : undefined,
      {
        what: "leases released everywhere",
        timeoutMs: 10_000,
      },
    );
  });

  it("expires a lease at its ttl and gives its room back", async () => {
    const created = await post(`${apis[0]?.url}${BASE}/capacityleases`, {
      metadata: { generateName: "short-" },
      spec: { resources: { cpu: "1" }, ttlSeconds: 1, holder: "ci" },
    });
    expect(created.status).toBe(201);
    const name = (created.body["metadata"] as { name: string }).name;
    expect(name).toMatch(/^short-[a-z0-9]{5}$/);
    const phase = await waitUntil(
      async () => {
        const lease = json<{ status: { phase: string } }>(
          await httpGet(`${apis[1]?.url}${BASE}/capacityleases/${name}`),
        );
        return lease.status.phase === "Expired" ? lease.status.phase : undefined;
      },
      { what: "lease expired", timeoutMs: 15_000 },
    );
    expect(phase).toBe("Expired");
    expect((await getPool(apis[1] as { url: string }, "large")).status.leased).toEqual({});
  });

  it("runs the README's typed-client example", async () => {
    const lines = await capacityExample(apis[0]?.url ?? "");
    expect(lines).toContainEqual(
      expect.stringMatching(/^pool small: cpu 75% Warning cpu 75% of reservable$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^consumer team-a: 3 pods, cpu 3$/));
    expect(lines).toContainEqual("fit: true (large=3, small=0)");
    expect(lines).toContainEqual(expect.stringMatching(/^leased lease-[a-z0-9]{5} on large until 20/));
    expect(lines).toContainEqual("released: Released");
  });
});
