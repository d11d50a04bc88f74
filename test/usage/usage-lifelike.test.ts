/**
 * Issue 11, "how this is checked": on the LIFELIKE cluster (local/cluster/lifelike-cluster.ts:
 * real kube-scheduler, kube-controller-manager, kwok), a scripted workload whose reserved
 * core-hours are known in advance — two Jobs in two namespaces whose pods kwok completes after
 * a set delay (local/cluster/kwok-stages.yaml, `pod-complete.stage.kwok.x-k8s.io/delay`) — runs
 * through krm's pipeline, the ledger and the API. A usagereview over the window answers, per
 * namespace and per team label, the core-hours and GiB-hours computed here from the timestamps
 * the API server reports (scheduled → finished, × requests), within the accuracy bound of
 * usage/README.md ("Accuracy": ±1 s per start and per stop × the requests), and splits a bill by
 * those figures.
 */
import { BatchV1Api, CoreV1Api, type V1Pod } from "@kubernetes/client-node";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_KINDS, type KindSpec } from "../../core/kinds.js";
import { createLogger } from "../../core/logger.js";
import { ledgerKeys } from "../../core/redis-keys.js";
import { startLedger, type RunningLedger } from "../../usage/ledger/index.js";
import { DEFAULT_POLICY } from "../../usage/rightsizing/policy.js";
import { usageViews } from "../../usage/views/usage-views.js";
import { startKrmStack, type KrmStack } from "../api/helpers/krm-stack.js";
import type { ControlPlane } from "../../local/cluster/control-plane.js";
import { httpRequestText } from "../../local/http-request.js";
import { startLifelikeCluster } from "../../local/cluster/lifelike-cluster.js";
import { lifelikeNode } from "../../local/cluster/lifelike-node.js";
import { waitUntil } from "../../local/wait-until.js";

const GIB = 2 ** 30;
const HOUR_SECONDS = 3600;
/** usage/README.md, "Accuracy": each start and each stop is exact to ±1 s (× the object's requests). */
const BOUND_SECONDS_PER_EDGE = 1;
/** Status rows are rounded to 6 decimals (usage/review/usage-review.ts). */
const ROUNDING = 1e-6;
const SETTLE_TIMEOUT_MS = 90_000;
const kinds = BUILTIN_KINDS.filter((k): k is KindSpec => k.id === "pods");
const logger = createLogger("usage-lifelike", process.env["KRM_TEST_LOG_LEVEL"] ?? "warn");

/** The scripted workload: per Job its namespace, team, pods, run time and per-container requests. */
const JOBS = [
  {
    namespace: "shop",
    team: "web",
    name: "etl",
    pods: 2,
    delay: "20s",
    containers: [
      { name: "app", cpu: "500m", memory: "256Mi" },
      { name: "helper", cpu: "250m", memory: "128Mi" },
    ],
    // Per pod: 750m and 384Mi.
    cores: 0.75,
    memoryBytes: 384 * 2 ** 20,
  },
  {
    namespace: "batch",
    team: "data",
    name: "report",
    pods: 1,
    delay: "40s",
    containers: [{ name: "report", cpu: "1", memory: "1Gi" }],
    cores: 1,
    memoryBytes: GIB,
  },
] as const;

interface Row {
  group: string;
  cpuCoreHours: number;
  memoryGiBHours: number;
  ratio: number;
  cost: number;
}

/** Reserved interval of a finished pod from what the API server reports: PodScheduled → last finishedAt (ms). */
function reservedInterval(pod: V1Pod): { from: number; to: number } {
  const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "True");
  const from = new Date(scheduled?.lastTransitionTime ?? pod.status?.startTime ?? 0).getTime();
  const finishes = (pod.status?.containerStatuses ?? []).map((s) =>
    new Date(s.state?.terminated?.finishedAt ?? 0).getTime(),
  );
  return { from, to: Math.max(...finishes) };
}

describe("usage on the lifelike cluster", () => {
  let cluster: ControlPlane;
  let core: CoreV1Api;
  let stack: KrmStack;
  let ledger: RunningLedger;
  let redis: Redis;

  beforeAll(async () => {
    cluster = await startLifelikeCluster();
    core = cluster.kubeConfig().makeApiClient(CoreV1Api);
    await core.createNode({
      body: lifelikeNode("n1", { allocatable: { cpu: "8", memory: "32Gi", pods: "110" } }),
    });
    for (const job of JOBS) await core.createNamespace({ body: { metadata: { name: job.namespace } } });
    stack = await startKrmStack({
      kinds,
      kubeConfig: cluster.kubeConfig(),
      api: { derivedViews: [usageViews({ policy: DEFAULT_POLICY, labelKeys: ["team"] })] },
    });
    ledger = startLedger({ kinds, redisUrl: stack.redis.url, labelKeys: ["team"], logger, blockMs: 100 });
    redis = new Redis(stack.redis.url);
  }, 180_000);

  afterAll(async () => {
    redis?.disconnect();
    await ledger?.stop();
    await stack?.stop();
    await cluster?.stop();
  });

  it("a usagereview answers the core-hours and GiB-hours the pods' timestamps give, and splits a bill by them", async () => {
    const batch = cluster.kubeConfig().makeApiClient(BatchV1Api);
    for (const job of JOBS)
      await batch.createNamespacedJob({
        namespace: job.namespace,
        body: {
          metadata: { name: job.name },
          spec: {
            completions: job.pods,
            parallelism: job.pods,
            template: {
              metadata: {
                labels: { team: job.team },
                annotations: { "pod-complete.stage.kwok.x-k8s.io/delay": job.delay },
              },
              spec: {
                restartPolicy: "Never",
                containers: job.containers.map((c) => ({
                  name: c.name,
                  image: `${c.name}:1`,
                  resources: { requests: { cpu: c.cpu, memory: c.memory } },
                })),
              },
            },
          },
        },
      });
    // Every pod Succeeded, as the API server reports it.
    const finished = await waitUntil(
      async () => {
        const all: { job: (typeof JOBS)[number]; pod: V1Pod }[] = [];
        for (const job of JOBS) {
          const pods = await core.listNamespacedPod({
            namespace: job.namespace,
            labelSelector: `job-name=${job.name}`,
          });
          const done = pods.items.filter((p) => p.status?.phase === "Succeeded");
          if (done.length !== job.pods) return undefined;
          all.push(...done.map((pod) => ({ job, pod })));
        }
        return all;
      },
      { what: "every Job pod Succeeded", timeoutMs: SETTLE_TIMEOUT_MS, intervalMs: 500 },
    );

    // Expected figures, from the API server's timestamps: Σ requests × (finished − scheduled).
    const expected = new Map<
      string,
      { cpu: number; memory: number; cpuBound: number; memoryBound: number }
    >();
    let earliest = Number.POSITIVE_INFINITY;
    for (const { job, pod } of finished) {
      const { from, to } = reservedInterval(pod);
      earliest = Math.min(earliest, from);
      const seconds = (to - from) / 1000;
      // The run time was scripted: at least kwok's delay (timestamps are whole seconds).
      expect(seconds, pod.metadata?.name).toBeGreaterThanOrEqual(Number.parseInt(job.delay, 10) - 1);
      for (const group of [`namespace:${job.namespace}`, `label:${job.team}`]) {
        const entry = expected.get(group) ?? { cpu: 0, memory: 0, cpuBound: 0, memoryBound: 0 };
        entry.cpu += (job.cores * seconds) / HOUR_SECONDS;
        entry.memory += (job.memoryBytes * seconds) / GIB / HOUR_SECONDS;
        entry.cpuBound += (job.cores * 2 * BOUND_SECONDS_PER_EDGE) / HOUR_SECONDS;
        entry.memoryBound += (job.memoryBytes * 2 * BOUND_SECONDS_PER_EDGE) / GIB / HOUR_SECONDS;
        expected.set(group, entry);
      }
    }

    // The ledger has closed every pod's record (it saw each Succeeded change).
    const keys = ledgerKeys();
    await waitUntil(
      async () => {
        for (const { pod } of finished) {
          const json = await redis.hget(keys.objects("pods"), pod.metadata?.uid ?? "");
          if (json === null || (JSON.parse(json) as { o: number }).o !== 0) return undefined;
        }
        return true;
      },
      { what: "the ledger closed every pod", timeoutMs: SETTLE_TIMEOUT_MS, intervalMs: 250 },
    );

    const review = async (
      groupBy: string,
    ): Promise<{ rows: Row[]; total: { cost: number }; currency: string }> => {
      const answer = await httpRequestText(`${stack.api.url}/apis/usage.krm.dev/v1alpha1/usagereviews`, {
        method: "POST",
        json: {
          apiVersion: "usage.krm.dev/v1alpha1",
          kind: "UsageReview",
          spec: { from: new Date(earliest).toISOString(), groupBy, bill: { total: 100, currency: "EUR" } },
        },
      });
      expect(answer.status, answer.body).toBe(201);
      return (
        JSON.parse(answer.body) as { status: { rows: Row[]; total: { cost: number }; currency: string } }
      ).status;
    };

    for (const [groupBy, prefix] of [
      ["namespace", "namespace:"],
      ["label:team", "label:"],
    ] as const) {
      const status = await review(groupBy);
      const mine = [...expected.keys()].filter((group) => group.startsWith(prefix));
      expect(status.rows.map((row) => row.group).sort()).toEqual(
        mine.map((g) => g.slice(prefix.length)).sort(),
      );
      // The bill is split by the ratio of the figures answered: the mean of cpu and memory shares.
      const sum = (pick: (row: Row) => number): number => status.rows.reduce((t, row) => t + pick(row), 0);
      const cpuTotal = sum((row) => row.cpuCoreHours);
      const memoryTotal = sum((row) => row.memoryGiBHours);
      for (const group of mine) {
        const want = expected.get(group);
        const row = status.rows.find((r) => r.group === group.slice(prefix.length));
        if (want === undefined || row === undefined) throw new Error(`no row for ${group}`);
        expect(Math.abs(row.cpuCoreHours - want.cpu), `${group} core-hours`).toBeLessThanOrEqual(
          want.cpuBound + ROUNDING,
        );
        expect(Math.abs(row.memoryGiBHours - want.memory), `${group} GiB-hours`).toBeLessThanOrEqual(
          want.memoryBound + ROUNDING,
        );
        const ratio = (row.cpuCoreHours / cpuTotal + row.memoryGiBHours / memoryTotal) / 2;
        expect(row.ratio, `${group} ratio`).toBeCloseTo(ratio, 4);
        expect(Math.abs(row.cost - 100 * row.ratio), `${group} cost`).toBeLessThanOrEqual(0.01 + 1e-9);
      }
      // Cents by largest remainder: the parts add up to the bill exactly.
      expect(Math.round(status.rows.reduce((sum, row) => sum + row.cost, 0) * 100)).toBe(10_000);
      expect(status.total.cost).toBe(100);
      expect(status.currency).toBe("EUR");
    }
  }, 180_000);
});
