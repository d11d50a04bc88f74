import { describe, expect, it } from "vitest";
import type { ReadCell } from "./phases/read-phase.js";
import {
  SUMMARY_END,
  SUMMARY_START,
  formatSpread,
  renderMemory,
  renderSummary,
  replaceSummary,
} from "./report.js";
import type { BenchResults, SizeResult } from "./result-types.js";
import { summarize } from "./stats.js";
import { figures, perCpuRatio, speedUp, verdict } from "./summary.js";

function cell(target: ReadCell["target"], p50: number, rps: number, over: Partial<ReadCell> = {}): ReadCell {
  return {
    kind: "namespace-list",
    target,
    auth: target === "krm" ? "kubernetes" : null,
    state: "live",
    mode: "latency",
    verified: target === "krm" ? 200 : 0,
    concurrency: 1,
    durationMs: 1000,
    requests: 200,
    errors: 0,
    statuses: {},
    requestsPerSecond: rps,
    bytesPerResponse: 1,
    latencyMs: { ...summarize([p50]), count: 200 },
    loadAverageBefore: 1,
    loadAverage: 1.5,
    ...over,
  };
}

/** A namespace-list latency cell where krm's p50 is 1 ms and the API server's rv=0 / consistent ones are given. */
function size(rv0: number, consistent: number): SizeResult {
  return {
    pods: 10_000,
    population: {
      created: { pods: 10_000, deployments: 500, services: 500, nodes: 500, namespaces: 100 },
      durationMs: 1,
      podsPerSecond: 1,
    },
    podJsonBytes: 4700,
    krmReadyMs: 1,
    krmCaughtUpMs: 2,
    loadAverageBefore: [1, 1, 1],
    reads: [
      cell("krm", 1, 900),
      cell("apiserver-rv0", rv0, 100),
      cell("apiserver-consistent", consistent, 100),
    ],
    liveWrites: [
      {
        targetPerSecond: 100,
        achievedPerSecond: 99,
        acked: 1,
        failed: 0,
        skipped: 0,
        byOp: { create: 0, update: 1, delete: 0 },
        ackLatencyMs: summarize([1]),
      },
    ],
  };
}

function results(sizes: SizeResult[]): BenchResults {
  return {
    benchmark: "b",
    command: "npm run bench -- --repeat 3",
    startedAt: "2026-12-02T13:00:00Z",
    finishedAt: "2026-12-02T14:00:00Z",
    machine: {
      cpus: 2,
      cpuModel: "cpu",
      memoryBytes: 24 * 1024 ** 3,
      freeMemoryBytesAtStart: 1,
      loadAverageAtStart: [1, 1, 1],
      node: "v24",
      commit: "abc1234",
      dirty: false,
    },
    options: {},
    repetitions: sizes.map((s, i) => ({
      index: i + 1,
      startedAt: "",
      finishedAt: "",
      kubeVersion: "v1.36.0",
      loadAverageAtStart: [0.5],
      busiestAtStart: [
        { pid: 1, cpuPercent: 50, command: "etcd --name=krm" },
        { pid: 2, cpuPercent: 10 + i, command: "node …/bench/run.js" },
      ],
      kubeApiServerPid: 1,
      sizes: [s],
    })),
    equalityFailed: false,
  };
}

describe("speedUp", () => {
  it("compares krm with the faster of the API server's reads", () => {
    expect(
      speedUp(size(7, 6).reads ?? [], {
        kind: "namespace-list",
        auth: "kubernetes",
        state: "live",
        mode: "latency",
      }),
    ).toBe(6);
  });

  it("leaves out an API server side that answered nothing in a throughput cell", () => {
    const where = { kind: "full-list", auth: "kubernetes", state: "live", mode: "throughput" } as const;
    const cells = [
      cell("krm", 1, 2, { kind: "full-list", mode: "throughput" }),
      cell("apiserver-rv0", 1, 0.5, { kind: "full-list", mode: "throughput" }),
      cell("apiserver-consistent", 1, 0, { kind: "full-list", mode: "throughput" }),
    ];
    expect(speedUp(cells, where)).toBe(4);
  });

  it("is null when a side is missing", () => {
    expect(
      speedUp([cell("krm", 1, 1)], {
        kind: "namespace-list",
        auth: "kubernetes",
        state: "live",
        mode: "latency",
      }),
    ).toBeNull();
  });
});

describe("perCpuRatio", () => {
  const where = { kind: "get", auth: "kubernetes", state: "live", mode: "throughput" } as const;
  const shares = (server: string, percent: number): ReadCell["cpu"] => ({
    cores: 2,
    machinePercent: 200,
    byProcess: { [server]: percent, bench: 80 },
    otherPercent: 0,
  });

  it("compares requests per CPU-second of the serving processes, against the API server's more efficient read", () => {
    const cells = [
      cell("krm", 1, 1000, { ...where, server: "api", cpu: shares("api", 40) }),
      cell("apiserver-rv0", 1, 600, {
        ...where,
        server: "kube-apiserver",
        cpu: shares("kube-apiserver", 120),
      }),
      cell("apiserver-consistent", 1, 300, {
        ...where,
        server: "kube-apiserver",
        cpu: shares("kube-apiserver", 100),
      }),
    ];
    // krm: 1000 / 0.4 = 2500 per CPU-second; API server at best 600 / 1.2 = 500.
    expect(perCpuRatio(cells, where)).toBe(5);
  });

  it("is null for results without CPU figures", () => {
    const cells = [cell("krm", 1, 1000, where), cell("apiserver-rv0", 1, 600, where)];
    expect(perCpuRatio(cells, where)).toBeNull();
  });
});

describe("speedUp across auth modes", () => {
  const where = { kind: "namespace-list", state: "live", mode: "latency" } as const;

  it("compares krm at each auth mode with the API server cells run once for both", () => {
    const cells = [
      cell("krm", 1, 900),
      cell("krm", 0.5, 1800, { auth: "none" }),
      cell("apiserver-rv0", 6, 100),
      cell("apiserver-consistent", 8, 100),
    ];
    expect(speedUp(cells, { ...where, auth: "kubernetes" })).toBe(6);
    expect(speedUp(cells, { ...where, auth: "none" })).toBe(12);
  });

  it("pairs krm with the API server cells of its own auth mode in results that ran them per mode", () => {
    const cells = [
      cell("krm", 1, 900),
      cell("apiserver-rv0", 6, 100, { auth: "kubernetes" }),
      cell("apiserver-consistent", 6, 100, { auth: "kubernetes" }),
      cell("krm", 1, 900, { auth: "none" }),
      cell("apiserver-rv0", 3, 100, { auth: "none" }),
      cell("apiserver-consistent", 3, 100, { auth: "none" }),
    ];
    expect(speedUp(cells, { ...where, auth: "kubernetes" })).toBe(6);
    expect(speedUp(cells, { ...where, auth: "none" })).toBe(3);
  });
});

describe("figures and verdict", () => {
  it("spreads a ratio over repetitions and judges the worst one against the target", () => {
    const [latency] = figures(results([size(6, 6), size(4, 8), size(7, 7)]));
    expect(latency?.label).toBe("namespace list p50 speed-up (live, 100 writes/s, krm auth kubernetes)");
    expect(latency?.spread).toEqual({ n: 3, min: 4, median: 6, max: 7 });
    expect(latency?.samplesPerRepetition).toBe(200);
    expect(latency === undefined ? null : verdict(latency)).toBe(false);
    const [met] = figures(results([size(6, 6), size(5, 8)]));
    expect(met === undefined ? null : verdict(met)).toBe(true);
  });

  it("gives one figure per krm auth mode, without a target for auth none", () => {
    const both = size(6, 6);
    const reads = [...(both.reads ?? []), cell("krm", 0.5, 1800, { auth: "none" })];
    const labels = figures(results([{ ...both, reads }]))
      .filter((f) => f.label.includes("speed-up"))
      .map((f) => `${f.label} ${f.spread.median} ${f.target?.atLeast ?? "-"}`);
    expect(labels).toEqual([
      "namespace list p50 speed-up (live, 100 writes/s, krm auth kubernetes) 6 5",
      "namespace list p50 speed-up (live, 100 writes/s, krm auth none) 12 -",
    ]);
  });
});

describe("freshness and memory figures", () => {
  const visibility = (p99: number): object => ({
    visible: 100,
    latencyMs: { ...summarize([p99]), count: 100 },
  });
  const freshness = (rate: number, krmP99: number, ackP50: number): object => ({
    result: {
      rate,
      writer: { acked: 100, ackLatencyMs: summarize([ackP50]) },
      krmWatch: visibility(krmP99),
      informer: visibility(krmP99 * 2),
    },
  });

  it("gives krm's and the informer's p99 and the API server's ack p50 per rate, judging only 200 writes/s", () => {
    const withFreshness = {
      ...size(6, 6),
      freshness: [freshness(200, 4000, 900), freshness(100, 40, 20)],
    } as unknown as SizeResult;
    const fresh = figures(results([withFreshness])).filter((f) => /freshness|acknowledgement/.test(f.label));
    expect(fresh.map((f) => `${f.label}: ${f.spread.median} ${verdict(f)}`)).toEqual([
      "freshness p99, krm watch, 100 writes/s, verifier running: 40 null",
      "freshness p99, in-process client-node informer (same run), 100 writes/s: 80 null",
      "API server write acknowledgement p50 (send → answer), 100 writes/s asked: 20 null",
      "freshness p99, krm watch, 200 writes/s, verifier running: 4000 false",
      "freshness p99, in-process client-node informer (same run), 200 writes/s: 8000 null",
      "API server write acknowledgement p50 (send → answer), 200 writes/s asked: 900 null",
    ]);
  });

  it("shows an empty replica's RSS and what caching costs per JSON byte when measured", () => {
    const MB = 1024 * 1024;
    const memory = {
      cachedJsonBytes: 100 * MB,
      cachedObjects: 10_000,
      api: { rssBytes: 450 * MB, peakRssBytes: 0, anonBytes: 0 },
      apiRssPeakDuringReadsBytes: 450 * MB,
      rssToJson: 4.5,
      peakToJson: 4.5,
      kubeApiServer: null,
      apiHeap: null,
      apiHeapUsedPeakDuringReadsBytes: null,
      emptyApiRssBytes: 150 * MB,
      cachedRssToJson: 3,
    };
    const labels = figures(results([{ ...size(6, 6), memory }]))
      .filter((f) => f.label.includes("replica"))
      .map((f) => `${f.label}: ${f.spread.median}`);
    expect(labels).toContain("API replica RSS of a replica with nothing cached (same flags): 150");
    expect(labels).toContain("(API replica RSS after reads − that empty replica's) ÷ cached JSON: 3");
  });
});

describe("targets by population", () => {
  it("judges the verification-cycle p99 and RSS ÷ JSON up to 50k pods and only shows them above", () => {
    const MB = 1024 * 1024;
    const measured = (pods: number): SizeResult =>
      ({
        ...size(6, 6),
        reads: [],
        pods,
        verifyCycle: { duringCycle: { ...summarize([150]), count: 10 } },
        memory: {
          cachedJsonBytes: 100 * MB,
          cachedObjects: pods,
          api: { rssBytes: 250 * MB, peakRssBytes: 0, anonBytes: 0 },
          apiRssPeakDuringReadsBytes: 250 * MB,
          rssToJson: 2.5,
          peakToJson: 2.5,
          kubeApiServer: null,
          apiHeap: null,
          apiHeapUsedPeakDuringReadsBytes: null,
        },
      }) as unknown as SizeResult;
    const judged = figures(results([measured(50_000)]))
      .concat(figures(results([measured(100_000)])))
      .filter((f) => /verification cycle|RSS after reads ÷/.test(f.label))
      .map((f) => `${f.pods} ${f.label}: ${String(verdict(f))}`);
    expect(judged).toEqual([
      "50000 namespace-list p99 during a verification cycle (live writes): false",
      "50000 API replica RSS after reads ÷ cached JSON: false",
      "100000 namespace-list p99 during a verification cycle (live writes): null",
      "100000 API replica RSS after reads ÷ cached JSON: null",
    ]);
  });
});

describe("rendering", () => {
  it("prints the median and the range, or one value", () => {
    expect(formatSpread({ n: 3, min: 4.2, median: 5.1, max: 6 }, "x")).toBe("5.1x (4.2x–6.0x)");
    expect(formatSpread({ n: 1, min: 12, median: 12, max: 12 }, "ms")).toBe("12.0 ms");
    expect(formatSpread({ n: 0, min: null, median: null, max: null }, "ms")).toBe("not measured");
  });

  it("renders one row per figure with n, target verdict, commit and the JSON it came from", () => {
    const text = renderSummary([
      { path: "bench/results/x.json", results: results([size(6, 6), size(4, 8), size(7, 7)]) },
    ]);
    expect(text).toContain(
      "| namespace list p50 speed-up (live, 100 writes/s, krm auth kubernetes) | 10,000 | 6.0x (4.0x–7.0x) | 3 × 200 | ≥ 5.0x: **missed** | `abc1234` | [x.json](bench/results/x.json) |",
    );
    expect(text).toMatch(/kube-apiserver v1\.36\.0/);
    expect(text).toContain(
      "busiest processes over 2 s as each repetition began: repetition 1: `etcd --name=krm` 50%, `node …/bench/run.js` 10%; repetition 2: `etcd --name=krm` 50%, `node …/bench/run.js` 11%;",
    );
  });

  it("still reads ps's lifetime averages from results written before the measured window", () => {
    const old = results([size(6, 6)]);
    const withPs = {
      ...old,
      repetitions: old.repetitions.map(({ busiestAtStart: _measured, ...r }) => ({
        ...r,
        topProcessesAtStart: ["PID %CPU RSS ELAPSED COMMAND", "1 50.0 10 1:00 etcd"],
      })),
    };
    expect(renderSummary([{ path: "bench/results/x.json", results: withPs }])).toContain(
      "busiest processes at start (ps, lifetime average): etcd 50.0%",
    );
  });

  it("renders the API replica's RSS and heap after the reads and at peak, and why a heap figure is missing", () => {
    const MB = 1024 * 1024;
    const memory = {
      cachedJsonBytes: 100 * MB,
      cachedObjects: 10_000,
      api: { rssBytes: 150 * MB, peakRssBytes: 210 * MB, anonBytes: 120 * MB },
      apiRssPeakDuringReadsBytes: 200 * MB,
      rssToJson: 1.5,
      peakToJson: 2,
      kubeApiServer: { rssBytes: 500 * MB, peakRssBytes: 0, anonBytes: 0 },
      apiHeap: { usedBytes: 90 * MB, totalBytes: 110 * MB },
      apiHeapUsedPeakDuringReadsBytes: 130 * MB,
    };
    const text = renderMemory(
      results([
        { ...size(6, 6), memory },
        {
          ...size(6, 6),
          memory: {
            ...memory,
            apiHeap: null,
            apiHeapUsedPeakDuringReadsBytes: null,
            heapError: "after reads: GET krm /metrics: HTTP 403",
          },
        },
      ]),
    );
    expect(text).toContain(
      "| 1 | 10000 | 100 MiB | 150 MiB (1.5x) | 200 MiB (2.0x) | 90.0 MiB / 110 MiB | 130 MiB | 500 MiB | – |",
    );
    expect(text).toContain(
      "| 2 | 10000 | 100 MiB | 150 MiB (1.5x) | 200 MiB (2.0x) | – / – | – | 500 MiB | after reads: GET krm /metrics: HTTP 403 |",
    );
  });

  it("replaces only the text between the summary markers", () => {
    const doc = `# B\n${SUMMARY_START}\nold\n${SUMMARY_END}\nrest`;
    expect(replaceSummary(doc, "new")).toBe(`# B\n${SUMMARY_START}\nnew\n${SUMMARY_END}\nrest`);
    expect(() => replaceSummary("# B", "new")).toThrow(/summary:start/);
  });
});
