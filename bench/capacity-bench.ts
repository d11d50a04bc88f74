// `npm run bench:capacity`: the capacity views at scale (default 50k pods on 500 nodes in
// 5 pools), served by a real krm API over a real Redis, requests over HTTP from this process:
// p50/p95/p99 of a nodepools list (JSON and Table), a consumers list and a fitreview, each
// measured --requests times in each of --repetitions rounds (after a warm-up), and how long
// one pod change takes to move a pool's figures (aggregates updated per change, never
// recomputed per request). Options: --pods N --nodes N --requests N --repetitions N.
// Prints the summary and writes the raw JSON (samples, commit, load) to bench/results/.
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { startApiServer } from "../api/index.js";
import { capacityViews } from "../capacity/serve/capacity-views.js";
import { BUILTIN_KINDS, type KindSpec } from "../core/kinds.js";
import { silentLogger } from "../core/logger.js";
import type { KubeObject } from "../core/object-key.js";
import { StateWriter } from "../test/api/helpers/state-writer.js";
import { startRedis } from "../local/redis-server.js";
import { waitUntil } from "../local/wait-until.js";
import { loadAverage, runFacts, saveResult } from "./recorded-run.js";
import { repeatedFigure, type RepeatedFigure } from "./repetitions.js";

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
    samples.push(Math.round((performance.now() - started) * 1000) / 1000);
  }
  return samples;
}

/** Requests per figure before measuring, so the JIT and connections are warm. */
const WARM_UP = 30;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      pods: { type: "string" },
      nodes: { type: "string" },
      requests: { type: "string" },
      repetitions: { type: "string" },
    },
  });
  const podCount = Number(values.pods ?? 50_000);
  const nodeCount = Number(values.nodes ?? 500);
  const requests = Number(values.requests ?? 250);
  const repetitions = Number(values.repetitions ?? 5);
  const facts = await runFacts(`npm run bench:capacity -- ${process.argv.slice(2).join(" ")}`.trim());
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
      const get =
        (path: string, accept = "application/json") =>
        async (): Promise<void> => {
          const response = await fetch(`${base}/${path}`, { headers: { accept } });
          if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
          await response.arrayBuffer();
        };
      const body = JSON.stringify({
        spec: { replicas: 100, resources: { requests: { cpu: "2", memory: "4Gi" } } },
      });
      const figures = {
        nodepoolsList: get("nodepools"),
        nodepoolsTable: get("nodepools", "application/json;as=Table;v=v1;g=meta.k8s.io"),
        consumersList: get("consumers"),
        fitreview: async (): Promise<void> => {
          const response = await fetch(`${base}/fitreviews`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body,
          });
          if (response.status !== 201) throw new Error(`fitreview answered ${response.status}`);
          await response.arrayBuffer();
        },
      };
      type Figure = keyof typeof figures;
      const names = Object.keys(figures) as Figure[];
      for (const name of names) await timed(WARM_UP, figures[name]);
      const samples = Object.fromEntries(names.map((name) => [name, [] as number[][]])) as Record<
        Figure,
        number[][]
      >;
      const rounds: { loadAverageBefore: number[]; loadAverageAfter: number[]; podChangeMs: number }[] = [];
      for (let round = 0; round < repetitions; round++) {
        const loadAverageBefore = loadAverage();
        for (const name of names) samples[name].push(await timed(requests, figures[name]));
        const podChangeMs = await podChangeToFigure(base, podWriter, nodeCount, round);
        rounds.push({ loadAverageBefore, loadAverageAfter: loadAverage(), podChangeMs });
        process.stdout.write(`round ${round + 1}/${repetitions} done, load ${loadAverage().join(" ")}\n`);
      }
      const summary = Object.fromEntries(names.map((name) => [name, repeatedFigure(samples[name])]));
      const result = {
        benchmark: "capacity views (issue 10, item 12)",
        facts,
        loadAverageAtEnd: loadAverage(),
        setup: { pods: podCount, nodes: nodeCount, pools: POOLS, requests, repetitions, warmUp: WARM_UP },
        firstFiguresMs: Math.round(loadMs),
        latencyMs: summary,
        podChangeToFigureMs: rounds.map((r) => r.podChangeMs),
        rounds,
        samplesMs: samples,
      };
      const path = await saveResult(facts, "capacity", result);
      const line = (name: Figure): string => {
        const f = summary[name] as RepeatedFigure;
        return `${name}: n ${f.n} p50 ${f.p50} p95 ${f.p95} p99 ${f.p99} ms (p50 per round ${f.p50Spread[0]}–${f.p50Spread[1]})`;
      };
      process.stdout.write(
        `${names.map(line).join("\n")}\npod change → figure: ${result.podChangeToFigureMs.join(", ")} ms\n` +
          `commit ${facts.commitFull}${facts.dirty ? " (dirty tree)" : ""}, load ${facts.loadAverageAtStart.join(" ")} → ${result.loadAverageAtEnd.join(" ")}\nraw JSON: ${path}\n`,
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

/** One pod change → the pool's requested cpu moves: ms from the write to the figure served. */
async function podChangeToFigure(
  base: string,
  podWriter: StateWriter,
  nodeCount: number,
  round: number,
): Promise<number> {
  const poolCpu = async (): Promise<string | undefined> =>
    (
      (await (await fetch(`${base}/nodepools/pool-1`)).json()) as {
        status: { requested: Record<string, string> };
      }
    ).status.requested["cpu"];
  const before = await poolCpu();
  const started = performance.now();
  await podWriter.change("MODIFIED", pod(1, nodeCount, `${2100 + round * 100}m`));
  await waitUntil(async () => ((await poolCpu()) !== before ? true : undefined), {
    what: "pool figures move",
    timeoutMs: 10_000,
    intervalMs: 1,
  });
  return Math.round((performance.now() - started) * 10) / 10;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
