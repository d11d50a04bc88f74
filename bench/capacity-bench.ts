// `npm run bench:capacity`: the capacity views at scale (default 50k pods on 500 nodes in
// 5 pools), served by a real krm API over a real Redis: p50/p99 of a nodepools list and of a
// fitreview over HTTP, and how long one pod change takes to move a pool's figures
// (aggregates updated per change, never recomputed per request). Options: --pods N --nodes N
// --requests N. Prints one JSON object.
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { startApiServer } from "../api/index.js";
import { capacityViews } from "../capacity/serve/capacity-views.js";
import { BUILTIN_KINDS, type KindSpec } from "../core/kinds.js";
import { silentLogger } from "../core/logger.js";
import type { KubeObject } from "../core/object-key.js";
import { StateWriter } from "../test/api/helpers/state-writer.js";
import { startRedis } from "../test/support/redis-server.js";
import { waitUntil } from "../test/support/wait-until.js";
import { summarize } from "./stats.js";

const kind = (id: string): KindSpec => BUILTIN_KINDS.find((k) => k.id === id) as KindSpec;
const POOLS = 5;

function node(i: number): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: `node-${i}`,
      uid: `n${i}`,
      resourceVersion: "1",
      labels: { "karpenter.sh/nodepool": `pool-${i % POOLS}` },
    },
    spec: i % 50 === 0 ? { unschedulable: true } : {},
    status: {
      allocatable: { cpu: "64", memory: "256Gi", pods: "250" },
      conditions: [{ type: "Ready", status: "True" }],
    },
  };
}

function pod(i: number, nodes: number, cpu = "100m"): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      namespace: `ns-${i % 50}`,
      name: `pod-${i}`,
      uid: `p${i}`,
      resourceVersion: "1",
      labels: { app: `app-${i % 200}` },
    },
    spec: {
      ...(i % 100 === 0 ? {} : { nodeName: `node-${i % nodes}` }),
      containers: [
        {
          name: "c",
          image: "x",
          resources: { requests: { cpu, memory: "256Mi" }, limits: { memory: "512Mi" } },
        },
      ],
      ...(i % 10 === 0
        ? {
            initContainers: [
              { name: "s", image: "x", restartPolicy: "Always", resources: { requests: { cpu: "50m" } } },
            ],
          }
        : {}),
    },
    status: { phase: i % 97 === 0 ? "Succeeded" : "Running" },
  };
}

async function timed(count: number, action: () => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await action();
    samples.push(performance.now() - started);
  }
  return samples;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { pods: { type: "string" }, nodes: { type: "string" }, requests: { type: "string" } },
  });
  const podCount = Number(values.pods ?? 50_000);
  const nodeCount = Number(values.nodes ?? 500);
  const requests = Number(values.requests ?? 200);
  const redis = await startRedis();
  const podWriter = new StateWriter(redis.url, kind("pods"));
  const nodeWriter = new StateWriter(redis.url, kind("nodes"));
  try {
    await nodeWriter.reset(Array.from({ length: nodeCount }, (_, i) => node(i)));
    await podWriter.reset(Array.from({ length: podCount }, (_, i) => pod(i, nodeCount)));
    const loadStarted = performance.now();
    const api = await startApiServer({
      kinds: [kind("pods"), kind("nodes")],
      redisUrl: redis.url,
      logger: silentLogger(),
      port: 0,
      auth: { mode: "none" },
      dashboard: false,
      derivedViews: [capacityViews({ config: {} })],
    });
    const base = `${api.url}/apis/capacity.krm.dev/v1alpha1`;
    try {
      await waitUntil(
        async () => {
          const response = await fetch(`${base}/nodepools`);
          if (response.status !== 200) return undefined;
          const list = (await response.json()) as {
            items: { status: { requested: Record<string, string> } }[];
          };
          return list.items.length === POOLS ? true : undefined;
        },
        { what: "nodepools served", timeoutMs: 300_000, intervalMs: 200 },
      );
      const loadMs = performance.now() - loadStarted;
      const list = await timed(requests, async () => {
        await (await fetch(`${base}/nodepools`)).arrayBuffer();
      });
      const table = await timed(requests, async () => {
        await (
          await fetch(`${base}/nodepools`, {
            headers: { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" },
          })
        ).arrayBuffer();
      });
      const body = JSON.stringify({
        spec: { replicas: 100, resources: { requests: { cpu: "2", memory: "4Gi" } } },
      });
      const fit = await timed(requests, async () => {
        const response = await fetch(`${base}/fitreviews`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        if (response.status !== 201) throw new Error(`fitreview answered ${response.status}`);
        await response.arrayBuffer();
      });
      // One pod change → the pool's requested cpu moves: time from the write to the figure.
      const before = (await (await fetch(`${base}/nodepools/pool-1`)).json()) as {
        status: { requested: Record<string, string> };
      };
      const changeStarted = performance.now();
      await podWriter.change("MODIFIED", pod(1, nodeCount, "2100m"));
      await waitUntil(
        async () => {
          const now = (await (await fetch(`${base}/nodepools/pool-1`)).json()) as {
            status: { requested: Record<string, string> };
          };
          return now.status.requested["cpu"] !== before.status.requested["cpu"] ? true : undefined;
        },
        { what: "pool figures move", timeoutMs: 10_000, intervalMs: 1 },
      );
      const changeMs = performance.now() - changeStarted;
      process.stdout.write(
        `${JSON.stringify(
          {
            pods: podCount,
            nodes: nodeCount,
            pools: POOLS,
            requests,
            firstFiguresMs: Math.round(loadMs),
            nodepoolsListMs: summarize(list),
            nodepoolsTableMs: summarize(table),
            fitreviewMs: summarize(fit),
            podChangeToFigureMs: Math.round(changeMs * 10) / 10,
          },
          null,
          2,
        )}\n`,
      );
    } finally {
      await api.stop();
    }
  } finally {
    podWriter.close();
    nodeWriter.close();
    await redis.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
