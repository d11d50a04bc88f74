/**
 * usage.krm.dev end to end on real servers: redis-server, krm's API with the usage views,
 * the ledger following the pods feed, a real Prometheus (built from Go modules) scraping an
 * exporter that publishes cAdvisor series with known shapes. The expected figures are
 * computed here from the fixtures' timestamps and the shapes.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startApiServer, type RunningApiServer } from "../../api/index.js";
import { createKrmClient, KrmStatusError } from "../../client/index.js";
import { usageExample } from "../../client/usage-example.js";
import { createLogger } from "../../core/logger.js";
import type { KubeObject } from "../../core/object-key.js";
import { startLedger, type RunningLedger } from "../../usage/ledger/index.js";
import { PrometheusClient } from "../../usage/prometheus/prometheus-client.js";
import { DEFAULT_POLICY } from "../../usage/rightsizing/policy.js";
import { usageViews } from "../../usage/views/usage-views.js";
import { StateWriter } from "../api/helpers/state-writer.js";
import { httpGet } from "../api/helpers/http-get.js";
import { startCadvisorExporter, type CadvisorExporter } from "../support/cadvisor-exporter.js";
import { startPrometheus, type PrometheusServer } from "../support/prometheus-server.js";
import { httpRequestText } from "../../local/http-request.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { waitUntil } from "../../local/wait-until.js";
import { HOUR, builtinKind, ledgerPod } from "./ledger-fixtures.js";

const MIB = 2 ** 20;
const kind = builtinKind;
const PODS = kind("pods");
const PVCS = kind("persistentvolumeclaims");
const logger = createLogger("usage-test", process.env["KRM_TEST_LOG_LEVEL"] ?? "warn");
const base = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
const GROUP = "/apis/usage.krm.dev/v1alpha1";

let redis: RedisServer;
let pods: StateWriter;
let claims: StateWriter;
let ledger: RunningLedger;
let api: RunningApiServer;
let exporter: CadvisorExporter;
let prometheus: PrometheusServer;

/** A pod of Deployment `web` (ReplicaSet web-abc), requesting 1 CPU and 1Gi, running since `base`. */
function webPod(name: string): KubeObject {
  const pod = ledgerPod({
    namespace: "shop",
    name,
    cpu: "1",
    memory: "1Gi",
    labels: { team: "shop", "pod-template-hash": "abc" },
    scheduledAt: base,
  });
  return {
    ...pod,
    metadata: {
      ...(pod.metadata as Record<string, unknown>),
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-abc", uid: "rs", controller: true },
      ],
    },
  } as KubeObject;
}

/** Working set: 200Mi, with a 300Mi peak for 3 s of every 10 s. */
const memoryShape = (elapsedMs: number): number => (elapsedMs % 10_000 < 3_000 ? 300 : 200) * MIB;

beforeAll(async () => {
  redis = await startRedis();
  pods = new StateWriter(redis.url, PODS);
  claims = new StateWriter(redis.url, PVCS);
  // Team a: one pod of 500m from base+30m to base+2h (0.75 core-hours); team shop: the two web pods, still running.
  await pods.reset([
    ledgerPod({
      namespace: "batch",
      name: "job-1",
      cpu: "500m",
      memory: "2Gi",
      labels: { team: "a" },
      scheduledAt: base + HOUR / 2,
      finishedAt: base + 2 * HOUR,
    }),
    webPod("web-abc-1"),
    webPod("web-abc-2"),
  ]);
  await claims.reset([]);
  exporter = await startCadvisorExporter();
  for (const pod of ["web-abc-1", "web-abc-2"])
    exporter.add({
      namespace: "shop",
      pod,
      container: "app",
      cpuCores: () => 0.25,
      memoryBytes: memoryShape,
    });
  prometheus = await startPrometheus({ targets: [exporter.target], scrapeInterval: "1s" });
  ledger = startLedger({
    kinds: [PODS, PVCS],
    redisUrl: redis.url,
    labelKeys: ["team"],
    logger,
    blockMs: 100,
  });
  api = await startApiServer({
    kinds: [PODS, PVCS],
    redisUrl: redis.url,
    logger,
    host: "127.0.0.1",
    port: 0,
    auth: { mode: "none" },
    dashboard: false,
    feed: { blockMs: 100, checkIntervalMs: 100 },
    derivedViews: [
      usageViews({
        prometheus: new PrometheusClient({ url: prometheus.url }),
        policy: {
          ...DEFAULT_POLICY,
          windowMs: 60_000,
          stepMs: 1_000,
          rateWindowMs: 5_000,
          minHistoryMs: 20_000,
          minSamples: 10,
          confidentHistoryMs: 60_000,
        },
        labelKeys: ["team"],
      }),
    ],
  });
  await waitUntil(async () => ((await httpGet(`${api.url}/readyz`)).status === 200 ? true : undefined), {
    what: "krm api ready",
    timeoutMs: 60_000,
  });
}, 300_000);

afterAll(async () => {
  await api?.stop();
  await ledger?.stop();
  await prometheus?.stop();
  await exporter?.stop();
  pods?.close();
  claims?.close();
  await redis?.stop();
});

async function review(
  spec: Record<string, unknown>,
  accept = "application/json",
): Promise<{ status: number; body: string }> {
  return await httpRequestText(`${api.url}${GROUP}/usagereviews`, {
    method: "POST",
    headers: { "content-type": "application/json", accept },
    body: JSON.stringify({ apiVersion: "usage.krm.dev/v1alpha1", kind: "UsageReview", spec }),
  });
}

describe("usagereviews", () => {
  const from = new Date(base).toISOString();
  const to = new Date(base + 3 * HOUR).toISOString();

  test("answers the reserved core-hours and GiB-hours of each namespace, and splits a bill by ratio", async () => {
    await waitUntil(() => ((ledger.followers[0]?.stats.applied ?? 0) >= 3 ? true : undefined), {
      what: "ledger applied the state",
      timeoutMs: 30_000,
    });
    const answer = await review({ from, to, bill: { total: 100, currency: "EUR" } });
    expect(answer.status).toBe(201);
    const status = (
      JSON.parse(answer.body) as {
        status: {
          rows: {
            group: string;
            cpuCoreHours: number;
            memoryGiBHours: number;
            ratio: number;
            cost: number;
          }[];
          total: { cost: number };
          currency: string;
        };
      }
    ).status;
    const batch = status.rows.find((row) => row.group === "batch");
    const shop = status.rows.find((row) => row.group === "shop");
    expect(batch?.cpuCoreHours).toBeCloseTo(0.75, 6);
    expect(batch?.memoryGiBHours).toBeCloseTo(3, 6);
    // Two pods × 1 CPU × the 3 hours up to `to` (both still running, `to` is in the past).
    expect(shop?.cpuCoreHours).toBeCloseTo(6, 6);
    expect(shop?.memoryGiBHours).toBeCloseTo(6, 6);
    // Ratio: mean of cpu share 6/6.75 and memory share 6/9.
    const shopRatio = (6 / 6.75 + 6 / 9) / 2;
    expect(shop?.ratio).toBeCloseTo(shopRatio, 5);
    expect(shop?.cost).toBeCloseTo(100 * shopRatio, 2);
    expect((shop?.cost ?? 0) + (batch?.cost ?? 0)).toBeCloseTo(100, 6);
    expect(status.currency).toBe("EUR");
  });

  test("groups by a ledgered label, answers CSV, and rejects bad specs with 422", async () => {
    const byTeam = JSON.parse((await review({ from, to, groupBy: "label:team" })).body) as {
      status: { rows: { group: string; cpuCoreHours: number }[] };
    };
    expect(byTeam.status.rows.map((row) => [row.group, Math.round(row.cpuCoreHours * 100) / 100])).toEqual([
      ["shop", 6],
      ["a", 0.75],
    ]);
    const csv = await review({ from, to }, "text/csv");
    expect(csv.status).toBe(200);
    const lines = csv.body.trim().split("\r\n");
    expect(lines[0]).toBe("group,cpuCoreHours,memoryGiBHours,storageGiBHours,gpuHours,ratio,cost");
    expect(lines.at(-1)).toMatch(/^__total__,6\.75,9,/);
    for (const bad of [{}, { from: "soon" }, { from, groupBy: "label:owner" }]) {
      const answer = await review(bad);
      expect(answer.status).toBe(422);
      expect(JSON.parse(answer.body)).toMatchObject({ kind: "Status", reason: "Invalid", code: 422 });
    }
    const discovery = JSON.parse((await httpGet(`${api.url}${GROUP}`)).body) as {
      resources: { name: string; verbs: string[] }[];
    };
    expect(discovery.resources.map((r) => [r.name, r.verbs])).toEqual([
      ["usagereviews", ["create"]],
      ["recommendations", ["get", "list"]],
    ]);
  });
});

describe("recommendations from a real Prometheus", () => {
  test("match the scraped shapes: CPU at P95 of 0.25 cores, memory at the 300Mi peak × 1.15", async () => {
    // Enough history: the policy needs 20 s; wait for 30 s of points of both pods.
    const client = new PrometheusClient({ url: prometheus.url });
    await waitUntil(
      async () => {
        const samples = await client.query(
          'count_over_time(container_memory_working_set_bytes{namespace="shop"}[1m])',
        );
        return samples.length === 2 && samples.every((s) => s.value >= 30) ? true : undefined;
      },
      { what: "30 s of scraped points", timeoutMs: 120_000, intervalMs: 1_000 },
    );
    const answer = await httpGet(`${api.url}${GROUP}/namespaces/shop/recommendations/deployment.web`);
    expect(answer.status).toBe(200);
    const object = JSON.parse(answer.body) as {
      metadata: { name: string };
      spec: { targetRef: { kind: string; name: string } };
      status: {
        verdict: string;
        replicas: number;
        confidence: number;
        containers: {
          name: string;
          current: unknown;
          recommended: unknown;
          verdict: unknown;
          confidence: number;
          evidence: { samples: number; historySeconds: number };
        }[];
        reservedDelta: unknown;
        patch: unknown;
      };
    };
    expect(object.metadata.name).toBe("deployment.web");
    expect(object.spec.targetRef).toEqual({ kind: "Deployment", name: "web" });
    expect(object.status.replicas).toBe(2);
    expect(object.status.verdict).toBe("over");
    const [app] = object.status.containers;
    expect(app?.current).toEqual({ requests: { cpu: "1", memory: "1Gi" } });
    expect(app?.recommended).toEqual({
      requests: { cpu: "250m", memory: "345Mi" },
      limits: { memory: "345Mi" },
    });
    expect(app?.verdict).toEqual({ cpu: "over", memory: "over" });
    // min(history, samples × 1 s step) over the 60 s confident history, floored to a hundredth.
    const data = Math.min(app?.evidence.historySeconds ?? 0, app?.evidence.samples ?? 0);
    // (historySeconds is rounded in the object: a hundredth either way.)
    expect(
      Math.abs((app?.confidence ?? -1) - Math.floor(Math.min(1, data / 60) * 100) / 100),
    ).toBeLessThanOrEqual(0.01 + 1e-9);
    expect(app?.confidence).toBeGreaterThan(0);
    expect(object.status.confidence).toBe(app?.confidence);
    // (1000m − 250m) × 2 replicas; (1024Mi − 345Mi) × 2.
    expect(object.status.reservedDelta).toEqual({ cpu: "1500m", memory: "1358Mi" });
    expect(object.status.patch).toEqual({
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: "app",
                resources: { requests: { cpu: "250m", memory: "345Mi" }, limits: { memory: "345Mi" } },
              },
            ],
          },
        },
      },
    });

    const table = JSON.parse(
      (
        await httpGet(`${api.url}${GROUP}/recommendations`, {
          headers: { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" },
        })
      ).body,
    ) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
    expect(table.columnDefinitions.map((c) => c.name)).toContain("Verdict");
    expect(table.columnDefinitions.map((c) => c.name).slice(0, 3)).toEqual(["Name", "Verdict", "Confidence"]);
    const rows = table.rows.map((row) => row.cells.slice(0, 6));
    // Confidence: a percentage (this list is computed apart from the object above, a moment later).
    expect(rows).toContainEqual([
      "deployment.web",
      "over",
      expect.stringMatching(/^[1-9]\d*%$/),
      2,
      "1→250m",
      "1Gi→345Mi",
    ]);
    expect(rows).toContainEqual(["pod.job-1", "unknown", "not enough data", 0, "500m→?", "2Gi→?"]); // finished, never scraped
    expect((await httpGet(`${api.url}${GROUP}/namespaces/shop/recommendations/deployment.nope`)).status).toBe(
      404,
    );
  });
});

test("the typed client: krm.usage.review, recommendations and recommendation", async () => {
  const krm = createKrmClient({ baseUrl: api.url });
  const report = await krm.usage.review({
    from: new Date(base).toISOString(),
    to: new Date(base + 3 * HOUR).toISOString(),
    groupBy: "label:team",
    prices: { cpuCoreHour: 1 },
  });
  expect(report.rows.map((row) => [row.group, row.cost])).toEqual([
    ["shop", 6],
    ["a", 0.75],
  ]);
  const all = await krm.usage.recommendations("shop");
  expect(all.map((r) => r.metadata.name)).toEqual(["deployment.web"]);
  const web = await krm.usage.recommendation("shop", "deployment.web");
  expect(web.status.containers[0]?.recommended?.requests).toEqual({ cpu: "250m", memory: "345Mi" });
  const missing = await krm.usage.recommendation("shop", "deployment.nope").catch((error: unknown) => error);
  expect(missing).toBeInstanceOf(KrmStatusError);
  expect((missing as KrmStatusError).code).toBe(404);
});

test("the README's usage example (client/usage-example.ts) runs and prints the expected figures", async () => {
  const lines = await usageExample(api.url, new Date(base).toISOString(), "shop", {
    to: new Date(base + 3 * HOUR).toISOString(),
  });
  // shop: 2 pods × 1 CPU × 3 h, 2 × 1Gi × 3 h; batch: 0.75 core-hours, 3 GiB-hours (see the first test).
  const shopRatio = (6 / 6.75 + 6 / 9) / 2;
  expect(lines).toEqual([
    `shop: 6.00 core-hours, 6.00 GiB-hours, ${(shopRatio * 100).toFixed(1)}% = ${(12_000 * shopRatio).toFixed(2)} EUR`,
    `batch: 0.75 core-hours, 3.00 GiB-hours, ${((1 - shopRatio) * 100).toFixed(1)}% = ${(12_000 * (1 - shopRatio)).toFixed(2)} EUR`,
    "frame 2x7: group,cpuCoreHours,memoryGiBHours,storageGiBHours,gpuHours,ratio,cost",
    "deployment.web/app over: cpu 1 → 250m, memory 1Gi → 345Mi",
    "deployment.web frees cpu 1500m, memory 1358Mi",
    "recommendations frame 1x12",
  ]);
});
